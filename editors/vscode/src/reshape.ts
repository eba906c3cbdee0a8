/**
 * Formatting, inlay-hint and code-lens settings for the server, and the "Renumber nodes" command.
 *
 * The settings map from `flowzap.*` to the server's `fz-lsp` section; no `vscode` import in the
 * mapping, so it can be unit-tested with plain Node.
 */

export const DEFAULT_INDENT = 2;
export const DEFAULT_HINT_LENGTH = 24;

/** The reshaping settings as the server reads them (nested, as VS Code sends dotted settings). */
export interface ReshapeSettings {
    format: { indent: number };
    inlayHints: { labels: boolean; maxLength: number };
    codeLens: boolean;
}

/** The `flowzap.*` settings that change what the server sends back. */
export const RESHAPE_SETTINGS = ['flowzap.format', 'flowzap.inlayHints', 'flowzap.codeLens'];

function whole(value: unknown, fallback: number, least: number): number {
    return typeof value === 'number' && Number.isInteger(value) && value >= least ? value : fallback;
}

/** Build the reshaping part of the server settings from `get('format.indent')` and the like. */
export function toReshapeSettings(get: (key: string) => unknown): ReshapeSettings {
    const labels = get('inlayHints.labels');
    const codeLens = get('codeLens');
    return {
        format: { indent: whole(get('format.indent'), DEFAULT_INDENT, 0) },
        inlayHints: {
            labels: typeof labels === 'boolean' ? labels : true,
            maxLength: whole(get('inlayHints.maxLength'), DEFAULT_HINT_LENGTH, 2),
        },
        codeLens: typeof codeLens === 'boolean' ? codeLens : false,
    };
}
