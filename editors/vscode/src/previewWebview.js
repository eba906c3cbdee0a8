// The script of the VS Code preview webview (bundled with the shared viewer into dist/preview.js).
// It shows the pictures the extension posts, keeps pan/zoom in the webview state, reports clicks,
// highlights the cursor's line and draws PNGs for export. No network, no inline code.
import '../../../fz_lsp/preview/static/viewer.js';
import '../../../fz_lsp/preview/static/viewer.css';

const vscode = acquireVsCodeApi();
const state = vscode.getState() || {};

const viewer = window.FlowZapViewer.create(document.getElementById('flowzap-preview'), {
    loadView: () => state.view || null,
    saveView: (view) => {
        state.view = view;
        vscode.setState(state);
    },
    onActivate: (item) => vscode.postMessage({ type: 'activate', item }),
});

function toPng(id, svgText, scale) {
    const fail = () => vscode.postMessage({ type: 'png', id, data: null });
    try {
        const doc = new DOMParser().parseFromString(svgText, 'image/svg+xml');
        const svg = doc.documentElement;
        const width = parseFloat(svg.getAttribute('width')) || (svg.viewBox && svg.viewBox.baseVal.width) || 800;
        const height = parseFloat(svg.getAttribute('height')) || (svg.viewBox && svg.viewBox.baseVal.height) || 600;
        const url = URL.createObjectURL(new Blob([svgText], { type: 'image/svg+xml' }));
        const image = new Image();
        image.onload = () => {
            const canvas = document.createElement('canvas');
            canvas.width = Math.ceil(width * scale);
            canvas.height = Math.ceil(height * scale);
            const context = canvas.getContext('2d');
            context.scale(scale, scale);
            context.drawImage(image, 0, 0, width, height);
            URL.revokeObjectURL(url);
            const data = canvas.toDataURL('image/png').replace(/^data:image\/png;base64,/, '');
            vscode.postMessage({ type: 'png', id, data });
        };
        image.onerror = () => {
            URL.revokeObjectURL(url);
            fail();
        };
        image.src = url;
    } catch (error) {
        fail();
    }
}

window.addEventListener('message', (event) => {
    const message = event.data;
    if (!message || typeof message !== 'object') {
        return;
    }
    switch (message.type) {
        case 'picture':
            viewer.show({ svg: message.svg, errors: message.errors, revision: message.version });
            document.body.setAttribute('data-version', String(message.version));
            break;
        case 'highlight':
            viewer.highlight(typeof message.line === 'number' ? message.line : null);
            document.body.setAttribute('data-highlight-line', String(message.line));
            break;
        case 'status':
            viewer.status(message.text || null);
            break;
        case 'png':
            toPng(message.id, message.svg, message.scale || 2);
            break;
    }
});

vscode.postMessage({ type: 'ready' });
