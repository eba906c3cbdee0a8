/**
 * Finding the fz-lsp language server.
 *
 * Order: the `flowzap.server.path` setting; `fz-lsp` on PATH; `python -m fz_lsp` with the
 * interpreter from `flowzap.server.python`, else the Python extension's active interpreter,
 * else `python3`/`python` on PATH.
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
export const PIPX_INSTALL = 'pipx install fz-lsp';
export const PIP_INSTALL = 'pip install fz-lsp';

export type ServerSource = 'setting' | 'path' | 'python-setting' | 'python-extension' | 'python-path';

export interface ServerCommand {
    command: string;
    args: string[];
    source: ServerSource;
    /** One line for logs and messages, e.g. "fz-lsp on PATH (/usr/local/bin/fz-lsp)". */
    description: string;
}

export type LocateResult =
    | { ok: true; server: ServerCommand; log: string[] }
    | {
          ok: false;
          /** `setting`: a setting points at something unusable; `missing`: nothing was found. */
          reason: 'setting' | 'missing';
          /** One sentence for the notification. */
          message: string;
          /** The command a user should run to install the server. */
          installCommand: string;
          /** What was tried, one line each, for the output channel. */
          log: string[];
      };

export type ProbeResult = { status: 'ok' } | { status: 'no-module' } | { status: 'failed'; detail: string };

export interface LocatorInput {
    /** `flowzap.server.path`, unexpanded. */
    serverPath: string;
    /** `flowzap.server.args`. */
    serverArgs: readonly string[];
    /** `flowzap.server.python`, unexpanded. */
    pythonSetting: string;
    /** First workspace folder, for `${workspaceFolder}` and relative paths. */
    workspaceFolder?: string | undefined;
    /** Asks the Python extension for its active interpreter; absent when it is not installed. */
    pythonFromExtension?: (() => Promise<string | undefined>) | undefined;
    env?: NodeJS.ProcessEnv;
    platform?: NodeJS.Platform;
    homedir?: string;
    /** Checks that an interpreter can import fz_lsp (replaceable in tests). */
    probePython?: (python: string) => Promise<ProbeResult>;
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

const PROBE_SCRIPT = `import importlib.util, sys; sys.exit(0 if importlib.util.find_spec("${SERVER_MODULE}") else 3)`;

/** Ask an interpreter whether it can import fz_lsp, without importing it. */
export function probePython(python: string, env: NodeJS.ProcessEnv = process.env): Promise<ProbeResult> {
    return new Promise((resolve) => {
        execFile(python, ['-c', PROBE_SCRIPT], { timeout: 15_000, env, windowsHide: true }, (error, _stdout, stderr) => {
            if (error === null) {
                resolve({ status: 'ok' });
                return;
            }
            const code: unknown = (error as { code?: unknown }).code;
            if (code === 3) {
                resolve({ status: 'no-module' });
                return;
            }
            const detail = (String(stderr).trim().split(/\r?\n/).pop() ?? '') || error.message;
            resolve({ status: 'failed', detail });
        });
    });
}

/** Find the server. Never throws: every failure comes back as a result with a message. */
export async function locateServer(input: LocatorInput): Promise<LocateResult> {
    const env = input.env ?? process.env;
    const platform = input.platform ?? process.platform;
    const homedir = input.homedir ?? os.homedir();
    const probe = input.probePython ?? ((python: string) => probePython(python, env));
    const args = [...input.serverArgs];
    const log: string[] = [];

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
                server: { command: file, args, source: 'setting', description: `${file} (flowzap.server.path)` },
                log,
            };
        }
        log.push(`flowzap.server.path: no executable file at ${expanded}`);
        return {
            ok: false,
            reason: 'setting',
            message: `The setting flowzap.server.path is "${input.serverPath}", but there is no executable file at ${expanded}. Fix the setting, or clear it to use fz-lsp from PATH.`,
            installCommand: PIPX_INSTALL,
            log,
        };
    }
    log.push('flowzap.server.path: not set');

    // 2. fz-lsp on PATH.
    const onPath = which(SERVER_EXECUTABLE, env, platform);
    if (onPath !== undefined) {
        log.push(`${SERVER_EXECUTABLE} on PATH: ${onPath}`);
        return {
            ok: true,
            server: { command: onPath, args, source: 'path', description: `${SERVER_EXECUTABLE} on PATH (${onPath})` },
            log,
        };
    }
    log.push(`${SERVER_EXECUTABLE} on PATH: not found`);

    // 3. python -m fz_lsp.
    const moduleArgs = ['-m', SERVER_MODULE, ...args];
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
                message: `The setting flowzap.server.python is "${input.pythonSetting}", but there is no executable file at ${expanded}.`,
                installCommand: PIPX_INSTALL,
                log,
            };
        }
        const result = await probe(file);
        if (result.status === 'ok') {
            log.push(`flowzap.server.python: ${file} has ${SERVER_MODULE}`);
            return {
                ok: true,
                server: {
                    command: file,
                    args: moduleArgs,
                    source: 'python-setting',
                    description: `${file} -m ${SERVER_MODULE} (flowzap.server.python)`,
                },
                log,
            };
        }
        const why = result.status === 'no-module' ? `has no module ${SERVER_MODULE}` : `could not be run: ${result.detail}`;
        log.push(`flowzap.server.python: ${file} ${why}`);
        return {
            ok: false,
            reason: 'setting',
            message: `The interpreter in flowzap.server.python (${file}) ${why}. Install the server into it, or clear the setting.`,
            installCommand: `${quoteArg(file, platform)} -m ${PIP_INSTALL}`,
            log,
        };
    }
    log.push('flowzap.server.python: not set');

    const candidates: { python: string; source: ServerSource; label: string }[] = [];
    if (input.pythonFromExtension !== undefined) {
        let fromExtension: string | undefined;
        try {
            fromExtension = await input.pythonFromExtension();
        } catch (error) {
            log.push(`Python extension: could not get the active interpreter (${String(error)})`);
        }
        if (fromExtension !== undefined && fromExtension.length > 0) {
            candidates.push({ python: fromExtension, source: 'python-extension', label: "the Python extension's interpreter" });
        } else {
            log.push('Python extension: no active interpreter');
        }
    } else {
        log.push('Python extension: not installed');
    }
    for (const name of platform === 'win32' ? ['python', 'python3'] : ['python3', 'python']) {
        const found = which(name, env, platform);
        if (found !== undefined) {
            candidates.push({ python: found, source: 'python-path', label: `${name} on PATH` });
        }
    }

    let firstInterpreter: string | undefined;
    const seen = new Set<string>();
    for (const candidate of candidates) {
        if (seen.has(candidate.python)) {
            continue;
        }
        seen.add(candidate.python);
        const result = await probe(candidate.python);
        if (result.status === 'ok') {
            log.push(`${candidate.label}: ${candidate.python} has ${SERVER_MODULE}`);
            return {
                ok: true,
                server: {
                    command: candidate.python,
                    args: moduleArgs,
                    source: candidate.source,
                    description: `${candidate.python} -m ${SERVER_MODULE} (${candidate.label})`,
                },
                log,
            };
        }
        if (result.status === 'no-module') {
            firstInterpreter ??= candidate.python;
            log.push(`${candidate.label}: ${candidate.python} has no module ${SERVER_MODULE}`);
        } else {
            log.push(`${candidate.label}: ${candidate.python} could not be run: ${result.detail}`);
        }
    }
    if (candidates.length === 0) {
        log.push('python3/python on PATH: not found');
    }

    const installCommand = PIPX_INSTALL;
    const alternative =
        firstInterpreter !== undefined
            ? `${quoteArg(firstInterpreter, platform)} -m ${PIP_INSTALL}`
            : PIP_INSTALL;
    return {
        ok: false,
        reason: 'missing',
        message: `The FlowZap language server (fz-lsp) is not installed. Install it with "${installCommand}" (or "${alternative}"), then run "FlowZap: Restart Language Server". Syntax highlighting works without it.`,
        installCommand,
        log,
    };
}

function quoteArg(value: string, platform: NodeJS.Platform): string {
    if (/^[\w@%+=:,./\\-]+$/.test(value)) {
        return value;
    }
    return platform === 'win32' ? `"${value}"` : `'${value.replace(/'/g, `'\\''`)}'`;
}
