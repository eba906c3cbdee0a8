/**
 * ```flowzap fences in VS Code's built-in Markdown preview.
 *
 * markdown-it renders synchronously, the server answers asynchronously: a fence whose picture
 * is cached (by theme and text) is drawn at once; otherwise the fence is shown as code, the
 * server is asked once for that text, and the preview is refreshed when the picture arrives.
 * One request per distinct fence text, never a process per fence per keystroke.
 *
 * VS Code's Markdown preview drops a refresh that comes while an update of its own is waiting,
 * and that update skips rendering when the document has not changed; so a picture may arrive and
 * never be shown. The renderer therefore refreshes again, a few times with growing pauses, until
 * the preview has rendered every arrived picture.
 */
import * as vscode from 'vscode';
import { ClientAccess, editorTheme, renderWith } from './preview';
import { FenceCache, RenderAnswer, Theme, escapeHtml, plural } from './previewProtocol';

const FENCE_LANGUAGE = 'flowzap';
const CACHE_SIZE = 64;
const REFRESH_DELAY_MS = 50;
const RETRY_MS = 500;
const MAX_WAIT_MS = 30000;
/** Pauses before refreshing again while an arrived picture has not been rendered. */
const RECHECK_MS = [500, 1000, 2000, 4000, 8000];

/** The parts of markdown-it this plugin uses (the extension does not depend on its types). */
interface FenceToken {
    info: string;
    content: string;
}
type Rule = (tokens: FenceToken[], index: number, options: unknown, env: unknown, self: unknown) => string;
export interface MarkdownIt {
    renderer: { rules: Record<string, Rule | undefined> };
}

type Drawn = { svg: string; errors: number } | { failure: string };

export class FenceRenderer implements vscode.Disposable {
    private readonly cache = new FenceCache<Drawn>(CACHE_SIZE);
    private readonly asked = new Set<string>();
    /** Pictures that arrived and that no render has used yet. */
    private readonly unshown = new Set<string>();
    private refreshTimer: NodeJS.Timeout | undefined;
    private recheckTimer: NodeJS.Timeout | undefined;
    private readonly themeWatch: vscode.Disposable;

    constructor(
        private readonly client: ClientAccess,
        private readonly startServer: () => void,
    ) {
        this.themeWatch = vscode.window.onDidChangeActiveColorTheme(() => this.refreshSoon());
    }

    extendMarkdownIt(md: MarkdownIt): MarkdownIt {
        const fallback = md.renderer.rules.fence;
        md.renderer.rules.fence = (tokens, index, options, env, self) => {
            const token = tokens[index];
            const language = token.info.trim().split(/\s+/)[0]?.toLowerCase();
            const code = fallback !== undefined ? fallback(tokens, index, options, env, self) : `<pre><code>${escapeHtml(token.content)}</code></pre>`;
            if (language !== FENCE_LANGUAGE) {
                return code;
            }
            return this.fence(token.content, code);
        };
        return md;
    }

    private fence(text: string, code: string): string {
        const theme = editorTheme();
        const key = FenceCache.key(theme, text);
        const drawn = this.cache.get(key);
        if (drawn === undefined) {
            this.ask(key, theme, text);
            return `<div class="flowzap-fence flowzap-pending" data-flowzap="pending">${code}</div>`;
        }
        this.unshown.delete(key);
        if ('failure' in drawn) {
            return `<div class="flowzap-fence" data-flowzap="failed"><p><em>FlowZap: ${escapeHtml(drawn.failure)}</em></p>${code}</div>`;
        }
        const note =
            drawn.errors > 0 ? `<p><em>FlowZap: ${plural(drawn.errors, 'error')} in this diagram; lines with errors are left out.</em></p>` : '';
        // The SVG comes from the renderer, which escapes every label.
        return `<div class="flowzap-fence" data-flowzap="drawn" data-errors="${drawn.errors}">${drawn.svg}${note}</div>`;
    }

    private ask(key: string, theme: Theme, text: string): void {
        if (this.asked.has(key)) {
            return;
        }
        this.asked.add(key);
        this.startServer(); // a Markdown file may be the first thing with FlowZap in it
        void this.draw(theme, text).then((drawn) => {
            this.asked.delete(key);
            if (drawn !== undefined) {
                this.cache.set(key, drawn);
                this.unshown.add(key);
                this.refreshSoon();
                this.recheck(0);
            }
        });
    }

    /** The picture, or undefined while there is no server (the fence then stays code, and is asked for again). */
    private async draw(theme: Theme, text: string): Promise<Drawn | undefined> {
        const started = Date.now();
        for (;;) {
            const client = this.client();
            if (client !== undefined) {
                try {
                    const answer: RenderAnswer | null = await renderWith(client, { text, format: 'svg', theme });
                    if (answer !== null && typeof answer.svg === 'string') {
                        return { svg: answer.svg, errors: answer.errors };
                    }
                    return { failure: 'the server returned no picture' };
                } catch (error) {
                    return { failure: `the picture could not be drawn (${String(error)})` };
                }
            }
            if (Date.now() - started > MAX_WAIT_MS) {
                return undefined;
            }
            await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
        }
    }

    private refreshSoon(): void {
        if (this.refreshTimer !== undefined) {
            clearTimeout(this.refreshTimer);
        }
        this.refreshTimer = setTimeout(() => {
            this.refreshTimer = undefined;
            void vscode.commands.executeCommand('markdown.preview.refresh');
        }, REFRESH_DELAY_MS);
    }

    /** Refreshes again while a picture has arrived but no render has shown it (see the top). */
    private recheck(attempt: number): void {
        if (this.recheckTimer !== undefined) {
            return;
        }
        if (attempt >= RECHECK_MS.length) {
            this.unshown.clear(); // no preview is showing these fences
            return;
        }
        this.recheckTimer = setTimeout(() => {
            this.recheckTimer = undefined;
            if (this.unshown.size > 0) {
                this.refreshSoon();
                this.recheck(attempt + 1);
            }
        }, RECHECK_MS[attempt]);
    }

    dispose(): void {
        if (this.refreshTimer !== undefined) {
            clearTimeout(this.refreshTimer);
        }
        if (this.recheckTimer !== undefined) {
            clearTimeout(this.recheckTimer);
        }
        this.unshown.clear();
        this.themeWatch.dispose();
        this.cache.clear();
    }
}
