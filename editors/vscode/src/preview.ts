/**
 * "FlowZap: Open Preview to the Side": a webview that shows the picture the server draws
 * (`flowzap/render`), updated as the user types (debounced, asynchronous: typing never waits
 * for it), with pan/zoom kept across updates, the last error-free picture kept while the text has
 * errors, click-to-source, cursor-to-highlight, the editor's light/dark theme, and export.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
    Activation,
    RENDER_METHOD,
    RenderAnswer,
    RenderParams,
    Theme,
    codePointsToUtf16,
    isActivation,
} from './previewProtocol';

export const LANGUAGE_ID = 'flowzap';
const VIEW_TYPE = 'flowzap.preview';
const UPDATE_DELAY_MS = 120;
const NOT_RUNNING_RETRY_MS = 500;

/** The language client when it is running; the preview never starts or stops it. */
export type ClientAccess = () => LanguageClient | undefined;

export function editorTheme(): Theme {
    const kind = vscode.window.activeColorTheme.kind;
    return kind === vscode.ColorThemeKind.Dark || kind === vscode.ColorThemeKind.HighContrast ? 'dark' : 'light';
}

export async function renderWith(
    client: LanguageClient,
    params: RenderParams,
    token?: vscode.CancellationToken,
): Promise<RenderAnswer | null> {
    // An undefined token would be sent as a second parameter: pass it only when there is one.
    return token === undefined
        ? client.sendRequest<RenderAnswer | null>(RENDER_METHOD, params)
        : client.sendRequest<RenderAnswer | null>(RENDER_METHOD, params, token);
}

function nonce(): string {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    let text = '';
    for (let i = 0; i < 32; i++) {
        text += alphabet.charAt(Math.floor(Math.random() * alphabet.length));
    }
    return text;
}

/** One preview panel, bound to one document. */
class PreviewPanel implements vscode.Disposable {
    private readonly disposables: vscode.Disposable[] = [];
    private timer: NodeJS.Timeout | undefined;
    private inFlight: vscode.CancellationTokenSource | undefined;
    private ready = false;
    private readyWaiters: (() => void)[] = [];
    private lastAnswer: RenderAnswer | undefined;
    private pendingExports = new Map<number, (data: string | undefined) => void>();
    private nextExport = 1;

    constructor(
        readonly panel: vscode.WebviewPanel,
        readonly document: vscode.TextDocument,
        private readonly extensionUri: vscode.Uri,
        private readonly client: ClientAccess,
        private readonly onDispose: () => void,
    ) {
        panel.webview.html = this.html();
        this.disposables.push(
            panel.onDidDispose(() => this.dispose()),
            panel.webview.onDidReceiveMessage((message: unknown) => this.onMessage(message)),
            vscode.workspace.onDidChangeTextDocument((event) => {
                if (event.document === this.document && event.contentChanges.length > 0) {
                    this.schedule();
                }
            }),
            vscode.window.onDidChangeTextEditorSelection((event) => {
                if (event.textEditor.document === this.document) {
                    this.highlight(event.selections[0]?.active.line ?? null);
                }
            }),
            vscode.window.onDidChangeActiveColorTheme(() => this.schedule(0)),
        );
    }

    /** Ask for a new picture after the user stops typing for a moment; older requests are cancelled. */
    schedule(delay = UPDATE_DELAY_MS): void {
        if (this.timer !== undefined) {
            clearTimeout(this.timer);
        }
        this.timer = setTimeout(() => {
            this.timer = undefined;
            void this.update();
        }, delay);
    }

    private async update(): Promise<void> {
        const client = this.client();
        if (client === undefined) {
            this.post({ type: 'status', text: 'Waiting for the FlowZap language server…' });
            this.schedule(NOT_RUNNING_RETRY_MS);
            return;
        }
        this.inFlight?.cancel();
        const source = new vscode.CancellationTokenSource();
        this.inFlight = source;
        try {
            const params: RenderParams = {
                textDocument: { uri: this.document.uri.toString() },
                format: 'svg',
                theme: editorTheme(),
            };
            const answer = await renderWith(client, params, source.token);
            if (source.token.isCancellationRequested) {
                return;
            }
            if (answer === null) {
                this.schedule(NOT_RUNNING_RETRY_MS); // the server has not seen the document open yet
                return;
            }
            this.lastAnswer = answer;
            this.post({ type: 'picture', svg: answer.svg, errors: answer.errors, version: answer.version });
            this.post({ type: 'status', text: null });
            if (answer.version !== null && answer.version < this.document.version) {
                this.schedule(); // typed on meanwhile: the server has not seen the latest text yet
            }
        } catch (error) {
            if (!source.token.isCancellationRequested) {
                this.post({ type: 'status', text: `The picture could not be drawn: ${String(error)}` });
            }
        } finally {
            if (this.inFlight === source) {
                this.inFlight = undefined;
            }
            source.dispose();
        }
    }

    private highlight(line: number | null): void {
        this.post({ type: 'highlight', line });
    }

    private post(message: Record<string, unknown>): void {
        if (this.ready) {
            void this.panel.webview.postMessage(message);
        }
    }

    private onMessage(message: unknown): void {
        if (message === null || typeof message !== 'object') {
            return;
        }
        const m = message as Record<string, unknown>;
        if (m.type === 'ready') {
            this.ready = true;
            for (const wake of this.readyWaiters.splice(0)) {
                wake();
            }
            if (this.lastAnswer !== undefined) {
                const a = this.lastAnswer;
                this.post({ type: 'picture', svg: a.svg, errors: a.errors, version: a.version });
            }
            this.schedule(0);
            const editor = vscode.window.visibleTextEditors.find((e) => e.document === this.document);
            if (editor !== undefined) {
                this.highlight(editor.selection.active.line);
            }
        } else if (m.type === 'activate' && isActivation(m.item)) {
            void this.reveal(m.item);
        } else if (m.type === 'png' && typeof m.id === 'number') {
            const resolve = this.pendingExports.get(m.id);
            this.pendingExports.delete(m.id);
            resolve?.(typeof m.data === 'string' ? m.data : undefined);
        }
    }

    /** Click on a node: its declaration (the ID selected); on an edge: its whole statement. */
    private async reveal(item: Activation): Promise<void> {
        if (item.range === null || item.range[0] >= this.document.lineCount) {
            return;
        }
        const [line, column, endLine, endColumn] = item.range;
        const text = this.document.lineAt(line).text;
        const start = new vscode.Position(line, codePointsToUtf16(text, column));
        let end: vscode.Position;
        if (item.kind === 'edge') {
            const last = Math.min(endLine, this.document.lineCount - 1);
            end = new vscode.Position(last, codePointsToUtf16(this.document.lineAt(last).text, endColumn));
        } else {
            const at = text.indexOf(item.id, start.character);
            end = at === start.character ? start.translate(0, item.id.length) : start;
        }
        const visible = vscode.window.visibleTextEditors.find((e) => e.document === this.document);
        const column_ = visible?.viewColumn ?? vscode.ViewColumn.One;
        const editor = await vscode.window.showTextDocument(this.document, { viewColumn: column_, preserveFocus: false });
        editor.selection = new vscode.Selection(start, end);
        editor.revealRange(new vscode.Range(start, end), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    }

    /** The picture as PNG bytes, drawn by the webview (its canvas), at twice the picture's size. */
    async pngOf(svg: string): Promise<Uint8Array | undefined> {
        if (!this.ready) {
            await new Promise<void>((wake) => this.readyWaiters.push(wake));
            if (!this.ready) {
                return undefined; // closed before it was ready
            }
        }
        const id = this.nextExport++;
        return new Promise((resolve) => {
            const timer = setTimeout(() => {
                this.pendingExports.delete(id);
                resolve(undefined);
            }, 15000);
            this.pendingExports.set(id, (data) => {
                clearTimeout(timer);
                resolve(data === undefined ? undefined : Buffer.from(data, 'base64'));
            });
            void this.panel.webview.postMessage({ type: 'png', id, svg, scale: 2 });
        });
    }

    private html(): string {
        const webview = this.panel.webview;
        const dist = vscode.Uri.joinPath(this.extensionUri, 'dist');
        const script = webview.asWebviewUri(vscode.Uri.joinPath(dist, 'preview.js'));
        const style = webview.asWebviewUri(vscode.Uri.joinPath(dist, 'preview.css'));
        const n = nonce();
        const csp = [
            "default-src 'none'",
            // The nonce admits the renderer's stylesheet inside each picture (the viewer checks it loads nothing).
            `style-src ${webview.cspSource} 'nonce-${n}'`,
            `script-src 'nonce-${n}'`,
            `img-src ${webview.cspSource} data: blob:`,
            `font-src ${webview.cspSource}`,
        ].join('; ');
        return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${style.toString()}">
<title>FlowZap preview</title>
</head>
<body>
<div id="flowzap-preview" class="fz-root"></div>
<script nonce="${n}" src="${script.toString()}"></script>
</body>
</html>`;
    }

    dispose(): void {
        this.ready = false;
        if (this.timer !== undefined) {
            clearTimeout(this.timer);
        }
        this.inFlight?.cancel();
        for (const resolve of this.pendingExports.values()) {
            resolve(undefined);
        }
        for (const wake of this.readyWaiters.splice(0)) {
            wake();
        }
        this.pendingExports.clear();
        for (const d of this.disposables) {
            d.dispose();
        }
        this.disposables.length = 0;
        this.onDispose();
    }
}

/** The previews that are open, one per document, and the commands that open and export them. */
export class PreviewManager implements vscode.Disposable {
    private readonly panels = new Map<string, PreviewPanel>();

    constructor(
        private readonly extensionUri: vscode.Uri,
        private readonly client: ClientAccess,
    ) {}

    register(): vscode.Disposable[] {
        return [
            vscode.commands.registerCommand('flowzap.openPreviewToSide', (uri?: vscode.Uri) => this.open(uri)),
            vscode.commands.registerCommand('flowzap.exportDiagram', (uri?: vscode.Uri) => this.export(uri)),
            this,
        ];
    }

    private async documentFor(uri: vscode.Uri | undefined): Promise<vscode.TextDocument | undefined> {
        if (uri instanceof vscode.Uri) {
            return vscode.workspace.openTextDocument(uri);
        }
        const active = vscode.window.activeTextEditor?.document;
        if (active?.languageId === LANGUAGE_ID) {
            return active;
        }
        // From the preview itself: the document it shows.
        for (const preview of this.panels.values()) {
            if (preview.panel.active) {
                return preview.document;
            }
        }
        void vscode.window.showInformationMessage('FlowZap: open a FlowZap (.fz) file first.');
        return undefined;
    }

    async open(uri?: vscode.Uri): Promise<PreviewPanel | undefined> {
        const document = await this.documentFor(uri);
        if (document === undefined) {
            return undefined;
        }
        const key = document.uri.toString();
        const existing = this.panels.get(key);
        if (existing !== undefined) {
            existing.panel.reveal(vscode.ViewColumn.Beside, true);
            return existing;
        }
        const name = document.uri.path.split('/').pop() ?? 'diagram';
        const panel = vscode.window.createWebviewPanel(
            VIEW_TYPE,
            `Preview ${name}`,
            { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
            {
                enableScripts: true,
                enableFindWidget: true,
                localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist')],
            },
        );
        panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'preview.svg');
        const preview = new PreviewPanel(panel, document, this.extensionUri, this.client, () => this.panels.delete(key));
        this.panels.set(key, preview);
        return preview;
    }

    private async export(uri?: vscode.Uri): Promise<void> {
        const document = await this.documentFor(uri);
        if (document === undefined) {
            return;
        }
        const client = this.client();
        if (client === undefined) {
            void vscode.window.showErrorMessage('FlowZap: the language server is not running, so the diagram cannot be drawn.');
            return;
        }
        const base = document.uri.scheme === 'file' ? document.uri.path.replace(/\.[^./]*$/, '') : undefined;
        const target = await vscode.window.showSaveDialog({
            title: 'Export FlowZap Diagram',
            defaultUri: base !== undefined ? document.uri.with({ path: `${base}.svg` }) : undefined,
            filters: { 'SVG image': ['svg'], 'PNG image': ['png'] },
            saveLabel: 'Export',
        });
        if (target === undefined) {
            return;
        }
        const answer = await renderWith(client, { textDocument: { uri: document.uri.toString() }, format: 'svg', theme: 'light' });
        if (answer === null || answer.svg === undefined) {
            void vscode.window.showErrorMessage('FlowZap: the server has no picture of this document.');
            return;
        }
        let bytes: Uint8Array;
        if (target.path.toLowerCase().endsWith('.png')) {
            const preview = this.panels.get(document.uri.toString()) ?? (await this.open(document.uri));
            const png = preview === undefined ? undefined : await preview.pngOf(answer.svg);
            if (png === undefined) {
                void vscode.window.showErrorMessage('FlowZap: the PNG could not be drawn.');
                return;
            }
            bytes = png;
        } else {
            bytes = Buffer.from(answer.svg, 'utf8');
        }
        await vscode.workspace.fs.writeFile(target, bytes);
        const note = answer.errors > 0 ? ` (the text has errors: lines with errors are left out)` : '';
        void vscode.window.showInformationMessage(`FlowZap: exported ${target.path.split('/').pop()}${note}.`);
    }

    dispose(): void {
        for (const preview of [...this.panels.values()]) {
            preview.panel.dispose();
        }
        this.panels.clear();
    }
}
