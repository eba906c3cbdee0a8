/**
 * ```flowzap fences in VS Code's built-in Markdown preview.
 *
 * markdown-it renders synchronously, the server answers asynchronously: a fence whose picture
 * is cached (by theme and text) is drawn at once; otherwise the fence is shown as code, the
 * server is asked once for that text, and the preview is refreshed when the picture arrives.
 * One request per distinct fence text, never a process per fence per keystroke.
 *
 * VS Code's Markdown preview drops a refresh that comes while an update of its own is waiting
 * (that update skips rendering an unchanged document), and two of its renders can overlap, the
 * older one, made before the picture arrived, posted last. Which render reaches the screen cannot
 * be seen from here, so after pictures arrive the preview is refreshed a few times over about
 * four seconds, by when its own updates have settled.
 */
import * as vscode from 'vscode';
import { ClientAccess, editorTheme, renderWith } from './preview';
import { FenceCache, RenderAnswer, Theme, escapeHtml, plural } from './previewProtocol';

const FENCE_LANGUAGE = 'flowzap';
const CACHE_SIZE = 64;
/** When to refresh the preview after pictures arrive, from their arrival (see the top). */
const REFRESH_AFTER_MS = [50, 500, 1500, 4000];
const RETRY_MS = 500;
const MAX_WAIT_MS = 30000;

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
    private refreshTimers: NodeJS.Timeout[] = [];
    private readonly themeWatch: vscode.Disposable;

    constructor(
        private readonly client: ClientAccess,
        private readonly startServer: () => void,
    ) {
        this.themeWatch = vscode.window.onDidChangeActiveColorTheme(() => this.refreshSoon([REFRESH_AFTER_MS[0]]));
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
                this.refreshSoon(REFRESH_AFTER_MS);
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

    /** Refresh the Markdown previews after each of `delays`, replacing any refreshes still to come. */
    private refreshSoon(delays: readonly number[]): void {
        this.cancelRefreshes();
        this.refreshTimers = delays.map((delay) =>
            setTimeout(() => void vscode.commands.executeCommand('markdown.preview.refresh'), delay),
        );
    }

    private cancelRefreshes(): void {
        for (const timer of this.refreshTimers) {
            clearTimeout(timer);
        }
        this.refreshTimers = [];
    }

    dispose(): void {
        this.cancelRefreshes();
        this.themeWatch.dispose();
        this.cache.clear();
    }
}
