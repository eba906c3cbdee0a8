/**
 * The server's settings object (section `fz-lsp`), built from the `flowzap.*` settings.
 *
 * No `vscode` import here, so the mapping can be unit-tested with plain Node.
 */

/** The section the server asks for with `workspace/configuration`. */
export const SERVER_SECTION = 'fz-lsp';

export const SEVERITIES = ['off', 'hint', 'info', 'warning', 'error'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const DEFAULT_DEBOUNCE_MS = 150;
const MAX_DEBOUNCE_MS = 10_000;
const CODE_PATTERN = /^FZ\d{3}$/;

/** What the server receives, under `fz-lsp`, as `initializationOptions` and in configuration answers. */
export interface ServerSettings {
    debounceMs: number;
    severity: Record<string, Severity>;
}

/** A setting value that was ignored, with a sentence that says why. */
export interface SettingProblem {
    setting: string;
    message: string;
}

/**
 * Build the server settings from the raw values of `flowzap.debounceMs` and `flowzap.severity`.
 *
 * Invalid entries are dropped (the server then keeps its default for them) and reported in
 * `problems`, so that one typo does not cost the user every other setting.
 */
export function toServerSettings(
    debounceMs: unknown,
    severity: unknown,
    problems: SettingProblem[] = [],
): ServerSettings {
    return {
        debounceMs: normaliseDebounce(debounceMs, problems),
        severity: normaliseSeverity(severity, problems),
    };
}

function normaliseDebounce(value: unknown, problems: SettingProblem[]): number {
    if (value === undefined || value === null) {
        return DEFAULT_DEBOUNCE_MS;
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        problems.push({
            setting: 'flowzap.debounceMs',
            message: `flowzap.debounceMs must be a number of milliseconds (0 or more), not ${JSON.stringify(value)}; using ${DEFAULT_DEBOUNCE_MS}.`,
        });
        return DEFAULT_DEBOUNCE_MS;
    }
    return Math.min(Math.round(value), MAX_DEBOUNCE_MS);
}

function normaliseSeverity(value: unknown, problems: SettingProblem[]): Record<string, Severity> {
    const result: Record<string, Severity> = {};
    if (value === undefined || value === null) {
        return result;
    }
    if (typeof value !== 'object' || Array.isArray(value)) {
        problems.push({
            setting: 'flowzap.severity',
            message: `flowzap.severity must be an object such as {"FZ501": "off"}, not ${JSON.stringify(value)}.`,
        });
        return result;
    }
    for (const [rawCode, rawLevel] of Object.entries(value as Record<string, unknown>)) {
        const code = rawCode.trim().toUpperCase();
        if (!CODE_PATTERN.test(code)) {
            problems.push({
                setting: 'flowzap.severity',
                message: `flowzap.severity: "${rawCode}" is not a diagnostic code (codes look like FZ101); ignored.`,
            });
            continue;
        }
        const level = typeof rawLevel === 'string' ? rawLevel.trim().toLowerCase() : rawLevel;
        if (!isSeverity(level)) {
            problems.push({
                setting: 'flowzap.severity',
                message: `flowzap.severity.${code}: ${JSON.stringify(rawLevel)} is not one of ${SEVERITIES.join(', ')}; ignored.`,
            });
            continue;
        }
        result[code] = level;
    }
    return result;
}

function isSeverity(value: unknown): value is Severity {
    return typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);
}

/**
 * The answer to one `workspace/configuration` item, or `undefined` when the item is not ours.
 *
 * `fz-lsp` gets the whole object, `fz-lsp.debounceMs` or `fz-lsp.severity` one member of it
 * (`null` for members that do not exist, as VS Code answers for unknown settings).
 */
export function configurationAnswer(
    section: string | undefined,
    settings: ServerSettings,
): { handled: true; value: unknown } | { handled: false } {
    if (section === SERVER_SECTION) {
        return { handled: true, value: settings };
    }
    if (section !== undefined && section.startsWith(`${SERVER_SECTION}.`)) {
        let value: unknown = settings;
        for (const part of section.slice(SERVER_SECTION.length + 1).split('.')) {
            if (value !== null && typeof value === 'object' && Object.prototype.hasOwnProperty.call(value, part)) {
                value = (value as Record<string, unknown>)[part];
            } else {
                value = null;
                break;
            }
        }
        return { handled: true, value };
    }
    return { handled: false };
}
