/**
 * The `flowzap/render` request and the small helpers the preview and the Markdown fences share.
 * Nothing here touches the VS Code API, so that the unit tests can run it under plain Node.
 */

export const RENDER_METHOD = 'flowzap/render';

export type Theme = 'light' | 'dark' | 'print';

/** What the server answers: the picture of one version, and how many errors that version has. */
export interface RenderAnswer {
    version: number | null;
    errors: number;
    svg?: string;
}

export interface RenderParams {
    textDocument?: { uri: string };
    text?: string;
    format: 'svg' | 'json';
    theme: Theme;
}

/** A range from the picture: 0-based line and column, columns counted in code points. */
export type PictureRange = [number, number, number, number];

/** What the webview reports when a lane, node or edge is clicked. */
export interface Activation {
    kind: 'lane' | 'node' | 'edge';
    id: string;
    range: PictureRange | null;
}

/**
 * A column in code points (the renderer's) as a UTF-16 offset (VS Code's), in `lineText`:
 * every character outside the Basic Multilingual Plane (most emoji) takes two UTF-16 units.
 */
export function codePointsToUtf16(lineText: string, column: number): number {
    let units = 0;
    let points = 0;
    for (const character of lineText) {
        if (points >= column) {
            break;
        }
        units += character.length;
        points += 1;
    }
    return units + Math.max(0, column - points);
}

export function isActivation(value: unknown): value is Activation {
    if (value === null || typeof value !== 'object') {
        return false;
    }
    const v = value as Record<string, unknown>;
    const rangeOk =
        v.range === null ||
        (Array.isArray(v.range) && v.range.length === 4 && v.range.every((n) => Number.isInteger(n) && (n as number) >= 0));
    return (v.kind === 'lane' || v.kind === 'node' || v.kind === 'edge') && typeof v.id === 'string' && rangeOk;
}

/**
 * A bounded cache of rendered fences, keyed by theme and text: the Markdown preview asks again
 * for every fence on every keystroke in the Markdown file, the server is asked once per text.
 */
export class FenceCache<V> {
    private readonly entries = new Map<string, V>();

    constructor(private readonly capacity: number) {}

    static key(theme: Theme, text: string): string {
        return `${theme}\n${text}`;
    }

    get(key: string): V | undefined {
        const value = this.entries.get(key);
        if (value !== undefined) {
            // Most recently used last, so that eviction drops the oldest.
            this.entries.delete(key);
            this.entries.set(key, value);
        }
        return value;
    }

    set(key: string, value: V): void {
        this.entries.delete(key);
        this.entries.set(key, value);
        while (this.entries.size > this.capacity) {
            const oldest = this.entries.keys().next().value as string;
            this.entries.delete(oldest);
        }
    }

    clear(): void {
        this.entries.clear();
    }

    get size(): number {
        return this.entries.size;
    }
}

/** Text for HTML: the Markdown plugin writes the fence back as code while its picture is on its way. */
export function escapeHtml(text: string): string {
    return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

export function plural(n: number, word: string): string {
    return `${n} ${word}${n === 1 ? '' : 's'}`;
}
