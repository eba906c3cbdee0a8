// FlowZap picture viewer, shared by the `fz-lsp preview` page and the VS Code preview.
//
// It shows the renderer's SVG with pan and zoom that survive every update, keeps the last
// error-free picture (with a small banner) while the text has errors, reports clicks on
// lanes, nodes and edges, and highlights the elements of one source line. Text reaches the
// page only through textContent; the SVG is parsed as XML and stripped of anything active.
(function () {
    'use strict';

    var SVG_NS = 'http://www.w3.org/2000/svg';
    // The page's Content-Security-Policy admits only styles carrying its nonce: the renderer's own
    // stylesheet inside each picture gets it (after a check that it loads nothing from anywhere).
    var NONCE = (document.currentScript && document.currentScript.nonce) || '';
    var MIN_SCALE = 0.05;
    var MAX_SCALE = 8;
    var DRAG_PIXELS = 4;
    var CLICK_SLOP = 6; // pixels around a click searched for a thin edge

    function el(tag, className, text) {
        var node = document.createElement(tag);
        if (className) {
            node.className = className;
        }
        if (text !== undefined) {
            node.textContent = text;
        }
        return node;
    }

    /** The element as the SVG namespace allows it: no scripts, no event handlers, no outside links. */
    function sanitize(root) {
        var doomed = root.querySelectorAll('script, foreignObject, iframe, object, embed');
        for (var i = 0; i < doomed.length; i++) {
            doomed[i].remove();
        }
        var all = [root].concat(Array.prototype.slice.call(root.querySelectorAll('*')));
        all.forEach(function (node) {
            Array.prototype.slice.call(node.attributes).forEach(function (attr) {
                var name = attr.name.toLowerCase();
                var value = attr.value.trim().toLowerCase();
                if (name.indexOf('on') === 0) {
                    node.removeAttribute(attr.name);
                } else if ((name === 'href' || name === 'xlink:href' || name === 'src') && value.charAt(0) !== '#') {
                    node.removeAttribute(attr.name);
                }
            });
        });
        return root;
    }

    function parseRange(text) {
        var match = /^(\d+):(\d+)-(\d+):(\d+)$/.exec(text || '');
        return match ? [Number(match[1]), Number(match[2]), Number(match[3]), Number(match[4])] : null;
    }

    function describe(target) {
        var found = target && target.closest ? target.closest('[data-node], [data-edge], [data-lane]') : null;
        if (!found) {
            return null;
        }
        var kind = found.hasAttribute('data-node') ? 'node' : found.hasAttribute('data-edge') ? 'edge' : 'lane';
        return {
            kind: kind,
            id: found.getAttribute('data-' + kind),
            range: parseRange(found.getAttribute('data-range')),
            fromHandle: found.getAttribute('data-from-handle'),
            toHandle: found.getAttribute('data-to-handle'),
        };
    }

    function create(root, options) {
        options = options || {};
        var toolbar = el('div', 'fz-toolbar');
        var banner = el('div', 'fz-banner');
        var status = el('div', 'fz-status');
        var viewport = el('div', 'fz-viewport');
        var stage = el('div', 'fz-stage');
        banner.hidden = true;
        status.hidden = true;
        viewport.tabIndex = 0;
        viewport.appendChild(stage);

        var view = null; // {x, y, k}; null until the first picture is fitted
        var saved = options.loadView ? options.loadView() : null;
        if (saved && isFinite(saved.x) && isFinite(saved.y) && isFinite(saved.k) && saved.k > 0) {
            view = { x: saved.x, y: saved.y, k: saved.k };
        }
        var current = null; // the SVG element shown
        var shownClean = false; // whether the shown picture came from error-free text
        var shownRevision = 0;
        var highlighted = [];
        var highlightLine = null;

        function button(label, title, action) {
            var b = el('button', 'fz-button', label);
            b.type = 'button';
            b.title = title;
            b.setAttribute('aria-label', title);
            b.addEventListener('click', action);
            toolbar.appendChild(b);
            return b;
        }
        button('−', 'Zoom out', function () { zoomBy(1 / 1.25); });
        button('+', 'Zoom in', function () { zoomBy(1.25); });
        button('1:1', 'Actual size', function () { setView({ x: 20, y: 20, k: 1 }); });
        button('Fit', 'Fit to window', function () { fit(); });
        (options.extraButtons || []).forEach(function (b) { button(b.label, b.title, b.action); });

        root.classList.add('fz-root');
        root.appendChild(toolbar);
        root.appendChild(banner);
        root.appendChild(status);
        root.appendChild(viewport);

        function apply() {
            if (view) {
                stage.style.transform = 'translate(' + view.x + 'px, ' + view.y + 'px) scale(' + view.k + ')';
                root.setAttribute('data-zoom', view.k.toFixed(4));
            }
        }

        function setView(next) {
            view = { x: next.x, y: next.y, k: Math.min(MAX_SCALE, Math.max(MIN_SCALE, next.k)) };
            apply();
            if (options.saveView) {
                options.saveView(view);
            }
        }

        function size() {
            if (!current) {
                return null;
            }
            var w = parseFloat(current.getAttribute('width'));
            var h = parseFloat(current.getAttribute('height'));
            if (!(w > 0 && h > 0) && current.viewBox && current.viewBox.baseVal) {
                w = current.viewBox.baseVal.width;
                h = current.viewBox.baseVal.height;
            }
            return w > 0 && h > 0 ? { w: w, h: h } : null;
        }

        function fit() {
            var s = size();
            var box = viewport.getBoundingClientRect();
            if (!s || box.width <= 0 || box.height <= 0) {
                return;
            }
            var k = Math.min((box.width - 32) / s.w, (box.height - 32) / s.h, 2);
            k = Math.max(MIN_SCALE, k);
            setView({ x: (box.width - s.w * k) / 2, y: Math.max(16, (box.height - s.h * k) / 2), k: k });
        }

        function zoomBy(factor, cx, cy) {
            if (!view) {
                return;
            }
            var box = viewport.getBoundingClientRect();
            var px = cx === undefined ? box.width / 2 : cx;
            var py = cy === undefined ? box.height / 2 : cy;
            var k = Math.min(MAX_SCALE, Math.max(MIN_SCALE, view.k * factor));
            var ratio = k / view.k;
            setView({ x: px - (px - view.x) * ratio, y: py - (py - view.y) * ratio, k: k });
        }

        // Pan with the pointer, zoom with the wheel around the pointer; a press that does not
        // move is a click on whatever lies under it.
        var press = null;
        viewport.addEventListener('pointerdown', function (event) {
            if (event.button !== 0 || !view) {
                return;
            }
            press = { x: event.clientX, y: event.clientY, vx: view.x, vy: view.y, moved: false, id: event.pointerId };
        });
        viewport.addEventListener('pointermove', function (event) {
            if (!press || press.id !== event.pointerId) {
                return;
            }
            var dx = event.clientX - press.x;
            var dy = event.clientY - press.y;
            if (!press.moved && Math.abs(dx) + Math.abs(dy) < DRAG_PIXELS) {
                return;
            }
            if (!press.moved) {
                press.moved = true;
                viewport.setPointerCapture(event.pointerId);
                viewport.classList.add('fz-dragging');
            }
            setView({ x: press.vx + dx, y: press.vy + dy, k: view.k });
        });
        function release(event) {
            if (!press || press.id !== event.pointerId) {
                return;
            }
            var wasClick = !press.moved;
            press = null;
            viewport.classList.remove('fz-dragging');
            if (wasClick && event.type === 'pointerup' && options.onActivate) {
                var info = describe(event.target) || near(event.clientX, event.clientY);
                if (info) {
                    options.onActivate(info, event);
                }
            }
        }
        /** An edge drawn thinner than a pointer: the closest one within a few pixels of the click. */
        function near(x, y) {
            for (var radius = 2; radius <= CLICK_SLOP; radius += 2) {
                for (var dx = -radius; dx <= radius; dx += radius) {
                    for (var dy = -radius; dy <= radius; dy += radius) {
                        var info = describe(document.elementFromPoint(x + dx, y + dy));
                        if (info && info.kind === 'edge') {
                            return info;
                        }
                    }
                }
            }
            return null;
        }
        viewport.addEventListener('pointerup', release);
        viewport.addEventListener('pointercancel', release);
        viewport.addEventListener(
            'wheel',
            function (event) {
                event.preventDefault();
                var box = viewport.getBoundingClientRect();
                var delta = event.deltaMode === 1 ? event.deltaY * 16 : event.deltaY;
                zoomBy(Math.exp(-delta * 0.0015), event.clientX - box.left, event.clientY - box.top);
            },
            { passive: false },
        );
        viewport.addEventListener('keydown', function (event) {
            if (event.key === '+' || event.key === '=') {
                zoomBy(1.25);
            } else if (event.key === '-') {
                zoomBy(1 / 1.25);
            } else if (event.key === '0') {
                fit();
            } else {
                return;
            }
            event.preventDefault();
        });

        function setBanner(lines) {
            banner.replaceChildren();
            banner.hidden = lines.length === 0;
            lines.forEach(function (line, i) {
                banner.appendChild(el('div', i === 0 ? 'fz-banner-title' : 'fz-banner-line', line));
            });
        }

        function plural(n, word) {
            return n + ' ' + word + (n === 1 ? '' : 's');
        }

        function swap(svgText) {
            var doc = new DOMParser().parseFromString(svgText, 'image/svg+xml');
            var top = doc.documentElement;
            if (!top || top.namespaceURI !== SVG_NS || top.localName !== 'svg' || doc.querySelector('parsererror')) {
                return false;
            }
            var node = document.importNode(sanitize(top), true);
            Array.prototype.forEach.call(node.querySelectorAll('style'), function (style) {
                if (/@import|url\(|expression\(/i.test(style.textContent || '')) {
                    style.remove();
                } else {
                    style.setAttribute('nonce', NONCE);
                    style.nonce = NONCE;
                }
            });
            stage.replaceChildren(node);
            current = node;
            if (highlightLine !== null) {
                highlight(highlightLine);
            }
            return true;
        }

        /** Show one answer: {svg, errors, messages?, problem?, revision?}. */
        function show(message) {
            var errors = message.errors || 0;
            var lines = [];
            if (message.problem) {
                lines.push(message.problem);
            } else if (typeof message.svg === 'string') {
                var keep = errors > 0 && current !== null && shownClean;
                if (!keep) {
                    if (!swap(message.svg)) {
                        lines.push('The picture could not be read.');
                    } else {
                        shownClean = errors === 0;
                    }
                }
                if (errors > 0) {
                    lines.push(
                        keep
                            ? plural(errors, 'error') + ' in the text: showing the last error-free picture.'
                            : plural(errors, 'error') + ' in the text: lines with errors are left out.',
                    );
                    (message.messages || []).forEach(function (m) { lines.push(String(m)); });
                }
            }
            setBanner(lines);
            if (typeof message.revision === 'number') {
                shownRevision = message.revision;
            }
            root.setAttribute('data-state', lines.length ? 'banner' : 'clean');
            if (current && !view) {
                fit();
            } else {
                apply();
            }
        }

        /** Mark the lanes, nodes and edges whose statement starts on `line` (null: none). */
        function highlight(line) {
            highlighted.forEach(function (node) { node.classList.remove('fz-highlight'); });
            highlighted = [];
            highlightLine = line;
            if (line === null || !current) {
                return [];
            }
            var candidates = current.querySelectorAll('[data-range]');
            for (var i = 0; i < candidates.length; i++) {
                var node = candidates[i];
                if (!(node.hasAttribute('data-node') || node.hasAttribute('data-edge') || node.hasAttribute('data-lane'))) {
                    continue;
                }
                var range = parseRange(node.getAttribute('data-range'));
                if (range && range[0] === line) {
                    node.classList.add('fz-highlight');
                    highlighted.push(node);
                }
            }
            return highlighted;
        }

        function setStatus(text) {
            status.hidden = !text;
            status.textContent = text || '';
        }

        window.addEventListener('resize', function () {
            if (current && !view) {
                fit();
            }
        });

        return {
            show: show,
            fit: fit,
            highlight: highlight,
            status: setStatus,
            view: function () { return view; },
            setView: setView,
            svg: function () { return current; },
            revision: function () { return shownRevision; },
        };
    }

    window.FlowZapViewer = { create: create, describe: describe, parseRange: parseRange };
})();
