import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { expandPath, importStrategy, LocatorInput, locateServer, ProbeResult, probePython, which } from '../../src/serverLocator';

let root: string;
let bundled: string;

const python311: ProbeResult = { status: 'ok', version: [3, 11, 2], hasModule: false };
const python311WithServer: ProbeResult = { status: 'ok', version: [3, 11, 2], hasModule: true };
const python38: ProbeResult = { status: 'ok', version: [3, 8, 10], hasModule: true };

function executable(dir: string, name: string, body = '#!/bin/sh\nexit 0\n'): string {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, name);
    fs.writeFileSync(file, body, { mode: 0o755 });
    return file;
}

function input(overrides: Partial<LocatorInput>): LocatorInput {
    return {
        serverPath: '',
        serverArgs: [],
        pythonSetting: '',
        env: { PATH: path.join(root, 'empty') },
        platform: 'linux',
        homedir: path.join(root, 'home'),
        probePython: async () => python311,
        ...overrides,
    };
}

before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'fz-locator-'));
    fs.mkdirSync(path.join(root, 'empty'));
    bundled = executable(path.join(root, 'ext', 'bundled', 'tool'), 'fz_lsp_server.py', 'print()\n');
});

after(() => {
    fs.rmSync(root, { recursive: true, force: true });
});

describe('expandPath', () => {
    test('expands ~, ${userHome}, ${workspaceFolder} and ${env:X}', () => {
        const opts = { workspaceFolder: '/ws', homedir: '/home/u', env: { VENV: '/venvs/a' } };
        assert.equal(expandPath('~/bin/fz-lsp', opts), '/home/u/bin/fz-lsp');
        assert.equal(expandPath('${userHome}/x', opts), '/home/u/x');
        assert.equal(expandPath('${workspaceFolder}/.venv/bin/fz-lsp', opts), '/ws/.venv/bin/fz-lsp');
        assert.equal(expandPath('${env:VENV}/bin/python', opts), '/venvs/a/bin/python');
        assert.equal(expandPath('  /abs/fz-lsp  ', opts), '/abs/fz-lsp');
    });
});

describe('which', () => {
    test('finds executables only', () => {
        const dir = path.join(root, 'which');
        const exe = executable(dir, 'tool');
        fs.writeFileSync(path.join(dir, 'plain'), 'not executable', { mode: 0o644 });
        assert.equal(which('tool', { PATH: `/nonexistent:${dir}` }, 'linux'), exe);
        assert.equal(which('plain', { PATH: dir }, 'linux'), undefined);
        assert.equal(which('missing', { PATH: dir }, 'linux'), undefined);
    });
});

describe('locateServer', () => {
    test('1. flowzap.server.path wins over everything', async () => {
        const custom = executable(path.join(root, 'custom'), 'my-fz-lsp');
        const bin = path.join(root, 'bin1');
        executable(bin, 'fz-lsp');
        executable(bin, 'python3');
        const result = await locateServer(
            input({ serverPath: custom, serverArgs: ['--log', 'x'], bundledScript: bundled, env: { PATH: bin } }),
        );
        assert.ok(result.ok);
        assert.equal(result.server.command, custom);
        assert.deepEqual(result.server.args, ['--log', 'x']);
        assert.equal(result.server.source, 'setting');
        assert.equal(result.server.bundled, false);
    });

    test('1. flowzap.server.path relative to the workspace folder, and ~', async () => {
        const ws = path.join(root, 'ws');
        const exe = executable(path.join(ws, '.venv', 'bin'), 'fz-lsp');
        const rel = await locateServer(input({ serverPath: '.venv/bin/fz-lsp', workspaceFolder: ws }));
        assert.ok(rel.ok);
        assert.equal(rel.server.command, exe);
        const home = path.join(root, 'home');
        const homeExe = executable(path.join(home, '.local', 'bin'), 'fz-lsp');
        const tilde = await locateServer(input({ serverPath: '~/.local/bin/fz-lsp' }));
        assert.ok(tilde.ok);
        assert.equal(tilde.server.command, homeExe);
    });

    test('1. a broken flowzap.server.path is reported, not silently replaced', async () => {
        const bin = path.join(root, 'bin2');
        executable(bin, 'python3');
        const result = await locateServer(input({ serverPath: '/no/such/fz-lsp', bundledScript: bundled, env: { PATH: bin } }));
        assert.ok(!result.ok);
        assert.equal(result.reason, 'setting');
        assert.equal(
            result.message,
            'The setting flowzap.server.path is "/no/such/fz-lsp", but there is no executable file at /no/such/fz-lsp. Fix the setting, or clear it to use the server bundled with the extension.',
        );
    });

    test('useBundled (default): python3 on PATH runs the bundled copy in isolated mode, not fz-lsp on PATH', async () => {
        const bin = path.join(root, 'bin3');
        executable(bin, 'fz-lsp');
        const py = executable(bin, 'python3');
        const result = await locateServer(input({ env: { PATH: bin }, bundledScript: bundled, serverArgs: ['-v'] }));
        assert.ok(result.ok);
        assert.equal(result.server.command, py);
        assert.deepEqual(result.server.args, ['-I', bundled, '-v']);
        assert.equal(result.server.source, 'python-path');
        assert.equal(result.server.bundled, true);
        assert.equal(result.server.description, `bundled fz-lsp with python3 on PATH (${py}, Python 3.11.2)`);
        assert.deepEqual(result.log, [
            'flowzap.server.path: not set',
            `importStrategy useBundled: ${bundled}`,
            'flowzap.server.python: not set',
            'Python extension: not installed',
            '.venv/venv in the workspace: none',
            `python3 on PATH: ${py} is Python 3.11.2: runs the bundled server`,
        ]);
    });

    test('order: Python extension, then the workspace .venv, then venv, then python3, then python', async () => {
        const ws = path.join(root, 'ws-order');
        const dotVenv = executable(path.join(ws, '.venv', 'bin'), 'python');
        const venv = executable(path.join(ws, 'venv', 'bin'), 'python');
        const extPy = executable(path.join(root, 'ext-env', 'bin'), 'python');
        const bin = path.join(root, 'bin4');
        const py3 = executable(bin, 'python3');
        const py = executable(bin, 'python');
        const order: string[] = [];
        const result = await locateServer(
            input({
                env: { PATH: bin },
                workspaceFolder: ws,
                bundledScript: bundled,
                pythonFromExtension: async () => extPy,
                probePython: async (p): Promise<ProbeResult> => {
                    order.push(p);
                    return p === py ? python311 : python38;
                },
            }),
        );
        assert.deepEqual(order, [extPy, dotVenv, venv, py3, py]);
        assert.ok(result.ok);
        assert.equal(result.server.command, py);
        const first = await locateServer(
            input({ env: { PATH: bin }, workspaceFolder: ws, bundledScript: bundled, pythonFromExtension: async () => extPy }),
        );
        assert.ok(first.ok);
        assert.equal(first.server.command, extPy);
        assert.equal(first.server.source, 'python-extension');
        const noExtension = await locateServer(input({ env: { PATH: bin }, workspaceFolder: ws, bundledScript: bundled }));
        assert.ok(noExtension.ok);
        assert.equal(noExtension.server.command, dotVenv);
        assert.equal(noExtension.server.source, 'workspace-venv');
    });

    test('Windows: python, python3, then py -3', async () => {
        const bin = path.join(root, 'winbin');
        const launcher = executable(bin, 'py.exe');
        const seen: string[] = [];
        const result = await locateServer(
            input({
                platform: 'win32',
                env: { PATH: bin, PATHEXT: '.exe' },
                bundledScript: bundled,
                probePython: async (p, prefix): Promise<ProbeResult> => {
                    seen.push([p, ...prefix].join(' '));
                    return python311;
                },
            }),
        );
        assert.deepEqual(seen, [`${launcher} -3`]);
        assert.ok(result.ok);
        assert.equal(result.server.command, launcher);
        assert.deepEqual(result.server.args, ['-3', '-I', bundled]);
    });

    test('too old a Python: one message naming the version found and the fix', async () => {
        const bin = path.join(root, 'bin5');
        const py = executable(bin, 'python3');
        const result = await locateServer(input({ env: { PATH: bin }, bundledScript: bundled, probePython: async () => python38 }));
        assert.ok(!result.ok);
        assert.equal(result.reason, 'python');
        assert.equal(
            result.message,
            `The FlowZap language server needs Python 3.10 or later, but the only Python found is 3.8.10 (${py}). Install Python 3.10+ (python.org, or your system's package manager) and make it python3 on PATH, pick it in the Python extension, or set flowzap.server.python to it; then run "FlowZap: Restart Language Server". Syntax highlighting works without it.`,
        );
    });

    test('no Python at all', async () => {
        const result = await locateServer(input({ bundledScript: bundled }));
        assert.ok(!result.ok);
        assert.equal(result.reason, 'python');
        assert.match(result.message, /needs Python 3\.10 or later, but no Python was found \(python3 or python on PATH/);
        assert.equal(result.log[result.log.length - 1], 'Python on PATH: none (python3, python)');
    });

    test('flowzap.server.python is tried first; too old there is an error about the setting', async () => {
        const py = executable(path.join(root, 'py1'), 'python3');
        const bin = path.join(root, 'bin6');
        executable(bin, 'python3');
        const ok = await locateServer(input({ pythonSetting: py, env: { PATH: bin }, bundledScript: bundled }));
        assert.ok(ok.ok);
        assert.equal(ok.server.command, py);
        assert.equal(ok.server.source, 'python-setting');
        const old = await locateServer(
            input({ pythonSetting: py, env: { PATH: bin }, bundledScript: bundled, probePython: async () => python38 }),
        );
        assert.ok(!old.ok);
        assert.equal(old.reason, 'setting');
        assert.equal(
            old.message,
            `The interpreter in flowzap.server.python (${py}) is Python 3.8.10; the FlowZap language server needs Python 3.10 or later. Point the setting at a newer Python, or clear it.`,
        );
    });

    test('fromEnvironment: python -m fz_lsp from the first Python that has it, then fz-lsp on PATH', async () => {
        const ws = path.join(root, 'ws-env');
        const dotVenv = executable(path.join(ws, '.venv', 'bin'), 'python');
        const bin = path.join(root, 'bin7');
        const py3 = executable(bin, 'python3');
        const result = await locateServer(
            input({
                importStrategy: 'fromEnvironment',
                env: { PATH: bin },
                workspaceFolder: ws,
                bundledScript: bundled,
                serverArgs: ['-v'],
                probePython: async (p) => (p === dotVenv ? python311WithServer : python311),
            }),
        );
        assert.ok(result.ok);
        assert.equal(result.server.command, dotVenv);
        assert.deepEqual(result.server.args, ['-m', 'fz_lsp', '-v']);
        assert.equal(result.server.bundled, false);

        const exe = executable(bin, 'fz-lsp');
        const onPath = await locateServer(
            input({ importStrategy: 'fromEnvironment', env: { PATH: bin }, bundledScript: bundled }),
        );
        assert.ok(onPath.ok);
        assert.equal(onPath.server.command, exe);
        assert.equal(onPath.server.source, 'path');
        fs.rmSync(exe);

        const missing = await locateServer(input({ importStrategy: 'fromEnvironment', env: { PATH: bin }, bundledScript: bundled }));
        assert.ok(!missing.ok);
        assert.equal(missing.reason, 'missing');
        assert.equal(
            missing.message,
            `flowzap.server.importStrategy is fromEnvironment, but fz-lsp is not installed in ${py3} (python3 on PATH) nor on PATH. Install it there (see the extension's README), or set flowzap.server.importStrategy to useBundled (the default), then run "FlowZap: Restart Language Server".`,
        );
    });

    test('a build without the bundled server looks for an installed one', async () => {
        const bin = path.join(root, 'bin8');
        const py3 = executable(bin, 'python3');
        const result = await locateServer(
            input({
                env: { PATH: bin },
                bundledScript: path.join(root, 'no-bundle', 'fz_lsp_server.py'),
                probePython: async () => python311WithServer,
            }),
        );
        assert.ok(result.ok);
        assert.equal(result.server.command, py3);
        assert.deepEqual(result.server.args, ['-m', 'fz_lsp']);
    });

    test('importStrategy setting values', () => {
        assert.equal(importStrategy('fromEnvironment'), 'fromEnvironment');
        assert.equal(importStrategy('useBundled'), 'useBundled');
        assert.equal(importStrategy(undefined), 'useBundled');
        assert.equal(importStrategy(42), 'useBundled');
    });

    test('a throwing Python extension does not break the search', async () => {
        const result = await locateServer(
            input({
                bundledScript: bundled,
                pythonFromExtension: async () => {
                    throw new Error('boom');
                },
            }),
        );
        assert.ok(!result.ok);
        assert.ok(result.log.includes('Python extension: could not get the active interpreter (Error: boom)'));
    });
});

describe('probePython (real processes)', () => {
    test('reports the version and whether fz_lsp is importable', async () => {
        const python = which('python3');
        assert.ok(python !== undefined, 'python3 is needed for this test');
        const lib = path.join(root, 'pylib');
        fs.mkdirSync(path.join(lib, 'fz_lsp'), { recursive: true });
        fs.writeFileSync(path.join(lib, 'fz_lsp', '__init__.py'), '');
        const withLib = await probePython(python, [], { ...process.env, PYTHONPATH: lib });
        assert.equal(withLib.status, 'ok');
        assert.ok(withLib.status === 'ok' && withLib.hasModule && withLib.version[0] === 3);
        const isolated = await probePython(python, ['-I', '-S'], { ...process.env, PYTHONPATH: lib });
        assert.ok(isolated.status === 'ok' && !isolated.hasModule);
    });

    test('reports an interpreter that cannot run', async () => {
        const result = await probePython(path.join(root, 'no-such-python'));
        assert.equal(result.status, 'failed');
    });

    test('reports a program that is not a Python', async () => {
        const fake = executable(path.join(root, 'fakepy'), 'python3', '#!/bin/sh\necho "not python" >&2\nexit 3\n');
        assert.deepEqual(await probePython(fake), { status: 'failed', detail: 'not python' });
    });
});
