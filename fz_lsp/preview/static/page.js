// The browser page of `fz-lsp preview`: pictures arrive as Server-Sent Events; the viewer keeps
// pan and zoom across them. EventSource reconnects by itself when the server restarts.
(function () {
    'use strict';
    var forced = document.body.getAttribute('data-theme');
    var dark = window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : null;
    var viewer = window.FlowZapViewer.create(document.getElementById('flowzap-preview'), {
        loadView: function () {
            try {
                return JSON.parse(window.sessionStorage.getItem('fz-view') || 'null');
            } catch (e) {
                return null;
            }
        },
        saveView: function (view) {
            try {
                window.sessionStorage.setItem('fz-view', JSON.stringify(view));
            } catch (e) {
                // storage may be off; the view then lasts as long as the page
            }
        },
    });
    var source = null;
    function theme() {
        if (forced) {
            return forced;
        }
        return dark !== null && dark.matches ? 'dark' : 'light';
    }
    function connect() {
        if (source !== null) {
            source.close();
        }
        document.documentElement.setAttribute('data-color', theme());
        source = new EventSource('/events?theme=' + encodeURIComponent(theme()));
        source.addEventListener('picture', function (event) {
            viewer.show(JSON.parse(event.data));
            document.body.setAttribute('data-revision', String(viewer.revision()));
        });
        source.addEventListener('error', function () {
            viewer.status('Connection to fz-lsp preview lost; retrying…');
        });
        source.addEventListener('open', function () {
            viewer.status(null);
        });
    }
    if (dark !== null && !forced && dark.addEventListener) {
        dark.addEventListener('change', connect);
    }
    connect();
})();
