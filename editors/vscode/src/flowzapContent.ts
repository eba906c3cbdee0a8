/**
 * Telling FlowZap Code from other `.fz` files (the Fuzion language uses the same extension).
 *
 * No `vscode` import here, so the rules can be unit-tested with plain Node. The Neovim plugin's
 * filetype detection uses the same two rules.
 */

/** How many lines from the top are looked at. */
export const LINES_TO_READ = 30;

/** A lane header: an ID (no spaces, braces, quotes, `#` or `/`), `{`, optionally `# display label`. */
const LANE_HEADER = /^\s*[^\s{}#"/]+\s*\{\s*(#.*)?$/;
/** A node line: `nK:` followed by something (`n1: circle label:"Start"`). */
const NODE_LINE = /^\s*n[0-9]+\s*:\s*\S/;
/** Lines that say nothing either way: blank, or a `#` / `//` comment. */
const NEUTRAL_LINE = /^\s*(#|\/\/|$)/;

/**
 * Whether the first lines of a file read like FlowZap Code: a lane header or a node line comes
 * before any other code. A file of blank and comment lines only says nothing, so it is not
 * taken from another language.
 */
export function looksLikeFlowZap(lines: readonly string[]): boolean {
    for (const line of lines.slice(0, LINES_TO_READ)) {
        if (LANE_HEADER.test(line) || NODE_LINE.test(line)) {
            return true;
        }
        if (!NEUTRAL_LINE.test(line)) {
            return false;
        }
    }
    return false;
}

/** What the other installed extensions contribute, as far as this check needs. */
export interface ExtensionManifest {
    id: string;
    packageJSON: unknown;
}

export interface Claimant {
    extensionId: string;
    displayName: string;
    languageIds: string[];
}

/** Other extensions whose languages claim `*.fz` files. */
export function otherClaimants(extensions: readonly ExtensionManifest[], selfId: string): Claimant[] {
    const out: Claimant[] = [];
    for (const extension of extensions) {
        if (extension.id.toLowerCase() === selfId.toLowerCase()) {
            continue;
        }
        const manifest = extension.packageJSON as {
            displayName?: unknown;
            contributes?: { languages?: unknown };
        } | null;
        const languages = manifest?.contributes?.languages;
        if (!Array.isArray(languages)) {
            continue;
        }
        const ids: string[] = [];
        for (const language of languages as { id?: unknown; extensions?: unknown; filenamePatterns?: unknown }[]) {
            const exts = Array.isArray(language.extensions) ? language.extensions : [];
            const patterns = Array.isArray(language.filenamePatterns) ? language.filenamePatterns : [];
            const claims =
                exts.some((e) => typeof e === 'string' && e.toLowerCase() === '.fz') ||
                patterns.some((p) => typeof p === 'string' && /(^|[/*])\*\.fz$/i.test(p));
            if (claims && typeof language.id === 'string') {
                ids.push(language.id);
            }
        }
        if (ids.length > 0) {
            const name = typeof manifest?.displayName === 'string' ? manifest.displayName : extension.id;
            out.push({ extensionId: extension.id, displayName: name, languageIds: ids });
        }
    }
    return out;
}

/** Whether the user's `files.associations` already decides what `*.fz` files are. */
export function userDecidesFz(associations: unknown): boolean {
    if (associations === null || typeof associations !== 'object') {
        return false;
    }
    return Object.keys(associations).some((pattern) => /\.fz$/i.test(pattern.trim()));
}
