import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { expandPath, LocatorInput, locateServer, ProbeResult, probePython, which } from '../../src/serverLocator';

let root: string;

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
        probePython: async () => ({ status: 'no-module' }),
        ...overrides,
    };
}

before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'fz-locator-'));
    fs.mkdirSync(path.join(root, 'empty'));
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
    test('1. flowzap.server.path wins over PATH', async () => {
        const custom = executable(path.join(root, 'custom'), 'my-fz-lsp');
        const bin = path.join(root, 'bin1');
        executable(bin, 'fz-lsp');
        const result = await locateServer(input({ serverPath: custom, serverArgs: ['--log', 'x'], env: { PATH: bin } }));
        assert.ok(result.ok);
        assert.equal(result.server.command, custom);
        assert.deepEqual(result.server.args, ['--log', 'x']);
        assert.equal(result.server.source, 'setting');
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
        executable(bin, 'fz-lsp');
        const result = await locateServer(input({ serverPath: '/no/such/fz-lsp', env: { PATH: bin } }));
        assert.equal(result.ok, false);
        assert.ok(!result.ok);
        assert.equal(result.reason, 'setting');
        assert.equal(
            result.message,
            'The setting flowzap.server.path is "/no/such/fz-lsp", but there is no executable file at /no/such/fz-lsp. Fix the setting, or clear it to use fz-lsp from PATH.',
        );
    });

    test('2. fz-lsp on PATH', async () => {
        const bin = path.join(root, 'bin3');
        const exe = executable(bin, 'fz-lsp');
        const result = await locateServer(input({ env: { PATH: `${path.join(root, 'empty')}:${bin}` } }));
        assert.ok(result.ok);
        assert.equal(result.server.command, exe);
        assert.deepEqual(result.server.args, []);
        assert.equal(result.server.source, 'path');
        assert.deepEqual(result.log, ['flowzap.server.path: not set', `fz-lsp on PATH: ${exe}`]);
    });

    test('3. flowzap.server.python runs python -m fz_lsp', async () => {
        const py = executable(path.join(root, 'py1'), 'python3');
        const probed: string[] = [];
        const result = await locateServer(
            input({
                pythonSetting: py,
                serverArgs: ['-v'],
                probePython: async (p): Promise<ProbeResult> => {
                    probed.push(p);
                    return { status: 'ok' };
                },
            }),
        );
        assert.ok(result.ok);
        assert.equal(result.server.command, py);
        assert.deepEqual(result.server.args, ['-m', 'fz_lsp', '-v']);
        assert.equal(result.server.source, 'python-setting');
        assert.deepEqual(probed, [py]);
    });

    test('3. flowzap.server.python without fz_lsp says how to install into it', async () => {
        const py = executable(path.join(root, 'py2'), 'python3');
        const result = await locateServer(input({ pythonSetting: py }));
        assert.ok(!result.ok);
        assert.equal(result.reason, 'setting');
        assert.equal(result.installCommand, `${py} -m pip install fz-lsp`);
    });

    test('3. the Python extension interpreter comes before python3 on PATH', async () => {
        const extPy = executable(path.join(root, 'venv', 'bin'), 'python');
        const bin = path.join(root, 'bin4');
        const pathPy = executable(bin, 'python3');
        const order: string[] = [];
        const result = await locateServer(
            input({
                env: { PATH: bin },
                pythonFromExtension: async () => extPy,
                probePython: async (p): Promise<ProbeResult> => {
                    order.push(p);
                    return p === pathPy ? { status: 'ok' } : { status: 'no-module' };
                },
            }),
        );
        assert.deepEqual(order, [extPy, pathPy]);
        assert.ok(result.ok);
        assert.equal(result.server.command, pathPy);
        assert.equal(result.server.source, 'python-path');

        const first = await locateServer(
            input({ env: { PATH: bin }, pythonFromExtension: async () => extPy, probePython: async () => ({ status: 'ok' }) }),
        );
        assert.ok(first.ok);
        assert.equal(first.server.command, extPy);
        assert.equal(first.server.source, 'python-extension');
    });

    test('a throwing Python extension does not break the search', async () => {
        const result = await locateServer(
            input({
                pythonFromExtension: async () => {
                    throw new Error('boom');
                },
            }),
        );
        assert.ok(!result.ok);
        assert.ok(result.log.includes('Python extension: could not get the active interpreter (Error: boom)'));
    });

    test('nothing found: one message with the install command', async () => {
        const bin = path.join(root, 'bin5');
        const py = executable(bin, 'python3');
        const result = await locateServer(input({ env: { PATH: bin } }));
        assert.ok(!result.ok);
        assert.equal(result.reason, 'missing');
        assert.equal(result.installCommand, 'pipx install fz-lsp');
        assert.equal(
            result.message,
            `The FlowZap language server (fz-lsp) is not installed. Install it with "pipx install fz-lsp" (or "${py} -m pip install fz-lsp"), then run "FlowZap: Restart Language Server". Syntax highlighting works without it.`,
        );
        assert.deepEqual(result.log, [
            'flowzap.server.path: not set',
            'fz-lsp on PATH: not found',
            'flowzap.server.python: not set',
            'Python extension: not installed',
            `python3 on PATH: ${py} has no module fz_lsp`,
        ]);
    });
});

describe('probePython (real processes)', () => {
    test('finds fz_lsp on the interpreter\'s path', async () => {
        const python = which('python3');
        if (python === undefined) {
            return;
        }
        const lib = path.join(root, 'pylib');
        fs.mkdirSync(path.join(lib, 'fz_lsp'), { recursive: true });
        fs.writeFileSync(path.join(lib, 'fz_lsp', '__init__.py'), '');
        assert.deepEqual(await probePython(python, { ...process.env, PYTHONPATH: lib }), { status: 'ok' });
    });

    test('reports an interpreter that cannot run', async () => {
        const result = await probePython(path.join(root, 'no-such-python'));
        assert.equal(result.status, 'failed');
    });

    test('reports a missing module', async () => {
        const fake = executable(path.join(root, 'fakepy'), 'python3', '#!/bin/sh\nexit 3\n');
        assert.deepEqual(await probePython(fake), { status: 'no-module' });
    });
});
