/**
 * Finding a Python and the fz-lsp language server.
 *
 * Order: the `flowzap.server.path` setting (an executable, used as it is); else the first
 * Python >= 3.10 among `flowzap.server.python`, the Python extension's interpreter, `.venv` /
 * `venv` in the workspace folder, `python3` / `python` on PATH (and `py -3` on Windows). With
 * `flowzap.server.importStrategy` = `useBundled` (the default) that Python runs the server
 * bundled in the extension (`bundled/tool/fz_lsp_server.py`, libraries in `bundled/libs`);
 * with `fromEnvironment` it runs `python -m fz_lsp` from the first of them that has fz_lsp
 * installed, then `fz-lsp` on PATH.
 *
 * No `vscode` import here: the extension passes in what it read from the settings and from the
 * Python extension, so every branch can be unit-tested with plain Node.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const SERVER_EXECUTABLE = 'fz-lsp';
export const SERVER_MODULE = 'fz_lsp';
export const MIN_PYTHON: readonly [number, number] = [3, 10];
const MIN_PYTHON_TEXT = `${MIN_PYTHON[0]}.${MIN_PYTHON[1]}`;

export const IMPORT_STRATEGIES = ['useBundled', 'fromEnvironment'] as const;
export type ImportStrategy = (typeof IMPORT_STRATEGIES)[number];

/** `flowzap.server.importStrategy`; anything unknown counts as the default. */
export function importStrategy(value: unknown): ImportStrategy {
    return value === 'fromEnvironment' ? 'fromEnvironment' : 'useBundled';
}

export type ServerSource =
    | 'setting'
    | 'path'
    | 'python-setting'
    | 'python-extension'
    | 'workspace-venv'
    | 'python-path';

export interface ServerCommand {
    command: string;
    args: string[];
    source: ServerSource;
    /** Whether this runs the copy of the server bundled in the extension. */
    bundled: boolean;
    /** One line for logs and messages, e.g. "bundled fz-lsp with python3 on PATH (/usr/bin/python3, 3.11.2)". */
    description: string;
}

export type LocateResult =
    | { ok: true; server: ServerCommand; log: string[] }
    | {
          ok: false;
          /** `setting`: a setting points at something unusable; `python`: no Python >= 3.10; `missing`: no fz-lsp in the environment. */
          reason: 'setting' | 'python' | 'missing';
          /** One sentence for the notification. */
          message: string;
          /** What was tried, one line each, for the output channel. */
          log: string[];
      };

export type ProbeResult =
    | { status: 'ok'; version: [number, number, number]; hasModule: boolean }
    | { status: 'failed'; detail: string };

export interface LocatorInput {
    /** `flowzap.server.path`, unexpanded. */
    serverPath: string;
    /** `flowzap.server.args`. */
    serverArgs: readonly string[];
    /** `flowzap.server.python`, unexpanded. */
    pythonSetting: string;
    /** `flowzap.server.importStrategy` (default `useBundled`). */
    importStrategy?: ImportStrategy;
    /** The bundled launcher, `<extension>/bundled/tool/fz_lsp_server.py`; absent or missing on disk: no bundled server. */
    bundledScript?: string | undefined;
    /** First workspace folder, for `${workspaceFolder}`, relative paths and its `.venv`. */
    workspaceFolder?: string | undefined;
    /** Asks the Python extension for its active interpreter; absent when it is not installed. */
    pythonFromExtension?: (() => Promise<string | undefined>) | undefined;
    env?: NodeJS.ProcessEnv;
    platform?: NodeJS.Platform;
    homedir?: string;
    /** Asks an interpreter for its version and whether it has fz_lsp (replaceable in tests). */
    probePython?: (python: string, prefixArgs: readonly string[]) => Promise<ProbeResult>;
}

/** Expand `~`, `${workspaceFolder}`, `${userHome}` and `${env:NAME}` in a path setting. */
export function expandPath(
    value: string,
    opts: { workspaceFolder?: string | undefined; homedir: string; env: NodeJS.ProcessEnv },
): string {
    let out = value.trim();
    if (out === '~' || out.startsWith('~/') || out.startsWith('~\\')) {
        out = opts.homedir + out.slice(1);
    }
    out = out.replace(/\$\{userHome\}/g, opts.homedir);
    out = out.replace(/\$\{env:([^}]+)\}/g, (_m, name: string) => opts.env[name] ?? '');
    if (opts.workspaceFolder !== undefined) {
        out = out.replace(/\$\{workspaceFolder\}/g, opts.workspaceFolder);
    }
    return out;
}

function isExecutableFile(file: string, platform: NodeJS.Platform): boolean {
    try {
        const stat = fs.statSync(file);
        if (!stat.isFile()) {
            return false;
        }
        if (platform === 'win32') {
            return true;
        }
        fs.accessSync(file, fs.constants.X_OK);
        return true;
    } catch {
        return false;
    }
}

/** Look a bare command name up on PATH, honouring PATHEXT on Windows. */
export function which(
    name: string,
    env: NodeJS.ProcessEnv = process.env,
    platform: NodeJS.Platform = process.platform,
): string | undefined {
    const pathVar = env.PATH ?? env.Path ?? '';
    const delimiter = platform === 'win32' ? ';' : ':';
    const exts =
        platform === 'win32'
            ? ['', ...(env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';').filter((e) => e.length > 0)]
            : [''];
    for (const dir of pathVar.split(delimiter)) {
        if (dir.length === 0) {
            continue;
        }
        for (const ext of exts) {
            const candidate = path.join(dir, name + ext);
            if (isExecutableFile(candidate, platform)) {
                return candidate;
            }
        }
    }
    return undefined;
}

function hasPathSeparator(value: string): boolean {
    return value.includes('/') || value.includes('\\');
}

/**
 * Turn a path setting into an executable file: bare names are looked up on PATH, relative paths
 * are taken from the workspace folder.
 */
function resolveExecutableSetting(
    raw: string,
    workspaceFolder: string | undefined,
    env: NodeJS.ProcessEnv,
    platform: NodeJS.Platform,
    homedir: string,
): { file: string | undefined; expanded: string } {
    const expanded = expandPath(raw, { workspaceFolder, homedir, env });
    if (!hasPathSeparator(expanded)) {
        return { file: which(expanded, env, platform), expanded };
    }
    const absolute =
        path.isAbsolute(expanded) || workspaceFolder === undefined
            ? expanded
            : path.resolve(workspaceFolder, expanded);
    return { file: isExecutableFile(absolute, platform) ? absolute : undefined, expanded: absolute };
}

const PROBE_SCRIPT = [
    'import importlib.util, json, sys',
    `print(json.dumps({"version": list(sys.version_info[:3]), "module": importlib.util.find_spec("${SERVER_MODULE}") is not None}))`,
].join('; ');

/** Ask an interpreter for its version and whether it can import fz_lsp (without importing it). */
export function probePython(
    python: string,
    prefixArgs: readonly string[] = [],
    env: NodeJS.ProcessEnv = process.env,
): Promise<ProbeResult> {
    return new Promise((resolve) => {
        execFile(
            python,
            [...prefixArgs, '-c', PROBE_SCRIPT],
            { timeout: 15_000, env, windowsHide: true },
            (error, stdout, stderr) => {
                if (error === null) {
                    try {
                        const answer = JSON.parse(String(stdout).trim().split(/\r?\n/).pop() ?? '') as {
                            version: [number, number, number];
                            module: boolean;
                        };
                        resolve({ status: 'ok', version: answer.version, hasModule: answer.module === true });
                        return;
                    } catch {
                        // Python 2 prints a syntax error to stderr instead; handled below.
                    }
                }
                const detail =
                    (String(stderr).trim().split(/\r?\n/).pop() ?? '') || (error?.message ?? 'no answer');
                resolve({ status: 'failed', detail });
            },
        );
    });
}

function versionText(version: readonly number[]): string {
    return version.join('.');
}

function newEnough(version: readonly number[]): boolean {
    const [major = 0, minor = 0] = version;
    return major > MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor >= MIN_PYTHON[1]);
}

interface PythonCandidate {
    command: string;
    prefix: string[];
    source: ServerSource;
    label: string;
}

/** `.venv` and `venv` in the workspace folder, as VS Code's Python extension would find them. */
function workspaceVenvs(folder: string | undefined, platform: NodeJS.Platform): PythonCandidate[] {
    if (folder === undefined) {
        return [];
    }
    const out: PythonCandidate[] = [];
    for (const name of ['.venv', 'venv']) {
        const python =
            platform === 'win32'
                ? path.join(folder, name, 'Scripts', 'python.exe')
                : path.join(folder, name, 'bin', 'python');
        if (isExecutableFile(python, platform)) {
            out.push({ command: python, prefix: [], source: 'workspace-venv', label: `${name} in the workspace` });
        }
    }
    return out;
}

/** Find the server. Never throws: every failure comes back as a result with a message. */
export async function locateServer(input: LocatorInput): Promise<LocateResult> {
    const env = input.env ?? process.env;
    const platform = input.platform ?? process.platform;
    const homedir = input.homedir ?? os.homedir();
    const probe = input.probePython ?? ((python: string, prefix: readonly string[]) => probePython(python, prefix, env));
    const args = [...input.serverArgs];
    const log: string[] = [];
    let strategy = input.importStrategy ?? 'useBundled';

    // 1. flowzap.server.path: the user said where it is; do not second-guess with another server.
    if (input.serverPath.trim().length > 0) {
        const { file, expanded } = resolveExecutableSetting(
            input.serverPath,
            input.workspaceFolder,
            env,
            platform,
            homedir,
        );
        if (file !== undefined) {
            log.push(`flowzap.server.path: using ${file}`);
            return {
                ok: true,
                server: { command: file, args, source: 'setting', bundled: false, description: `${file} (flowzap.server.path)` },
                log,
            };
        }
        log.push(`flowzap.server.path: no executable file at ${expanded}`);
        return {
            ok: false,
            reason: 'setting',
            message: `The setting flowzap.server.path is "${input.serverPath}", but there is no executable file at ${expanded}. Fix the setting, or clear it to use the server bundled with the extension.`,
            log,
        };
    }
    log.push('flowzap.server.path: not set');

    const bundled = input.bundledScript;
    if (strategy === 'useBundled') {
        if (bundled !== undefined && fs.existsSync(bundled)) {
            log.push(`importStrategy useBundled: ${bundled}`);
        } else {
            // A development build without `npm run bundle-server`: look for an installed server.
            log.push(`importStrategy useBundled: this build has no bundled server (${bundled ?? 'none'}); looking for an installed one`);
            strategy = 'fromEnvironment';
        }
    } else {
        log.push('importStrategy fromEnvironment: fz_lsp must be installed in the Python found');
    }

    // 2. The Pythons, in order.
    const candidates: PythonCandidate[] = [];
    if (input.pythonSetting.trim().length > 0) {
        const { file, expanded } = resolveExecutableSetting(
            input.pythonSetting,
            input.workspaceFolder,
            env,
            platform,
            homedir,
        );
        if (file === undefined) {
            log.push(`flowzap.server.python: no executable file at ${expanded}`);
            return {
                ok: false,
                reason: 'setting',
                message: `The setting flowzap.server.python is "${input.pythonSetting}", but there is no executable file at ${expanded}. Fix the setting, or clear it to let the extension find Python.`,
                log,
            };
        }
        candidates.push({ command: file, prefix: [], source: 'python-setting', label: 'flowzap.server.python' });
    } else {
        log.push('flowzap.server.python: not set');
    }
    if (input.pythonFromExtension !== undefined) {
        let fromExtension: string | undefined;
        try {
            fromExtension = await input.pythonFromExtension();
        } catch (error) {
            log.push(`Python extension: could not get the active interpreter (${String(error)})`);
        }
        if (fromExtension !== undefined && fromExtension.length > 0) {
            candidates.push({
                command: fromExtension,
                prefix: [],
                source: 'python-extension',
                label: "the Python extension's interpreter",
            });
        } else {
            log.push('Python extension: no active interpreter');
        }
    } else {
        log.push('Python extension: not installed');
    }
    const venvs = workspaceVenvs(input.workspaceFolder, platform);
    if (venvs.length === 0) {
        log.push('.venv/venv in the workspace: none');
    }
    candidates.push(...venvs);
    for (const name of platform === 'win32' ? ['python', 'python3'] : ['python3', 'python']) {
        const found = which(name, env, platform);
        if (found !== undefined) {
            candidates.push({ command: found, prefix: [], source: 'python-path', label: `${name} on PATH` });
        }
    }
    if (platform === 'win32') {
        const launcher = which('py', env, platform);
        if (launcher !== undefined) {
            candidates.push({ command: launcher, prefix: ['-3'], source: 'python-path', label: 'py -3' });
        }
    }

    let tooOld: { candidate: PythonCandidate; version: string } | undefined;
    let withoutModule: PythonCandidate | undefined;
    const seen = new Set<string>();
    for (const candidate of candidates) {
        const key = [candidate.command, ...candidate.prefix].join(' ');
        if (seen.has(key)) {
            continue;
        }
        seen.add(key);
        const shown = [candidate.command, ...candidate.prefix].join(' ');
        const result = await probe(candidate.command, candidate.prefix);
        if (result.status === 'failed') {
            log.push(`${candidate.label}: ${shown} could not be run: ${result.detail}`);
            if (candidate.source === 'python-setting') {
                return {
                    ok: false,
                    reason: 'setting',
                    message: `The interpreter in flowzap.server.python (${shown}) could not be run: ${result.detail}.`,
                    log,
                };
            }
            continue;
        }
        const version = versionText(result.version);
        if (!newEnough(result.version)) {
            log.push(`${candidate.label}: ${shown} is Python ${version}, older than ${MIN_PYTHON_TEXT}`);
            if (candidate.source === 'python-setting') {
                return {
                    ok: false,
                    reason: 'setting',
                    message: `The interpreter in flowzap.server.python (${shown}) is Python ${version}; the FlowZap language server needs Python ${MIN_PYTHON_TEXT} or later. Point the setting at a newer Python, or clear it.`,
                    log,
                };
            }
            tooOld ??= { candidate, version };
            continue;
        }
        if (strategy === 'useBundled' && bundled !== undefined) {
            log.push(`${candidate.label}: ${shown} is Python ${version}: runs the bundled server`);
            return {
                ok: true,
                server: {
                    command: candidate.command,
                    args: [...candidate.prefix, '-I', bundled, ...args],
                    source: candidate.source,
                    bundled: true,
                    description: `bundled fz-lsp with ${candidate.label} (${shown}, Python ${version})`,
                },
                log,
            };
        }
        if (result.hasModule) {
            log.push(`${candidate.label}: ${shown} is Python ${version} and has ${SERVER_MODULE}`);
            return {
                ok: true,
                server: {
                    command: candidate.command,
                    args: [...candidate.prefix, '-m', SERVER_MODULE, ...args],
                    source: candidate.source,
                    bundled: false,
                    description: `${shown} -m ${SERVER_MODULE} (${candidate.label}, Python ${version})`,
                },
                log,
            };
        }
        log.push(`${candidate.label}: ${shown} is Python ${version} without ${SERVER_MODULE}`);
        if (candidate.source === 'python-setting') {
            return {
                ok: false,
                reason: 'setting',
                message: `The interpreter in flowzap.server.python (${shown}) has no module ${SERVER_MODULE}. Install fz-lsp into it (see the extension's README), set flowzap.server.importStrategy to useBundled, or clear the setting.`,
                log,
            };
        }
        withoutModule ??= candidate;
    }
    if (candidates.length === 0) {
        log.push(`Python on PATH: none (${platform === 'win32' ? 'python, python3, py' : 'python3, python'})`);
    }

    if (strategy === 'fromEnvironment') {
        const onPath = which(SERVER_EXECUTABLE, env, platform);
        if (onPath !== undefined) {
            log.push(`${SERVER_EXECUTABLE} on PATH: ${onPath}`);
            return {
                ok: true,
                server: {
                    command: onPath,
                    args,
                    source: 'path',
                    bundled: false,
                    description: `${SERVER_EXECUTABLE} on PATH (${onPath})`,
                },
                log,
            };
        }
        log.push(`${SERVER_EXECUTABLE} on PATH: not found`);
        if (withoutModule !== undefined) {
            const shown = [withoutModule.command, ...withoutModule.prefix].join(' ');
            const fix = bundled !== undefined ? ' or set flowzap.server.importStrategy to useBundled (the default),' : '';
            return {
                ok: false,
                reason: 'missing',
                message: `flowzap.server.importStrategy is fromEnvironment, but fz-lsp is not installed in ${shown} (${withoutModule.label}) nor on PATH. Install it there (see the extension's README),${fix} then run "FlowZap: Restart Language Server".`,
                log,
            };
        }
    }

    const found = tooOld !== undefined
        ? `the only Python found is ${tooOld.version} (${[tooOld.candidate.command, ...tooOld.candidate.prefix].join(' ')})`
        : 'no Python was found (python3 or python on PATH, the Python extension, a .venv in the workspace)';
    return {
        ok: false,
        reason: 'python',
        message: `The FlowZap language server needs Python ${MIN_PYTHON_TEXT} or later, but ${found}. Install Python ${MIN_PYTHON_TEXT}+ (python.org, or your system's package manager) and make it python3 on PATH, pick it in the Python extension, or set flowzap.server.python to it; then run "FlowZap: Restart Language Server". Syntax highlighting works without it.`,
        log,
    };
}
