#!/usr/bin/env node
/**
 * `npm run package`: builds flowzap.vsix with the version of the server (fz_lsp/__init__.py, the
 * one place the version is written), so the wheel, the .vsix and serverInfo always agree.
 * vsce runs `vscode:prepublish` first, which bundles the server and compiles the extension.
 */
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const extension = path.resolve(__dirname, '..');
const init = fs.readFileSync(path.resolve(extension, '..', '..', 'fz_lsp', '__init__.py'), 'utf8');
const match = /^__version__ = "([^"]+)"$/m.exec(init);
if (match === null) {
    console.error('package: no __version__ line in fz_lsp/__init__.py');
    process.exit(1);
}
const version = match[1];
const vsce = path.join(extension, 'node_modules', '@vscode', 'vsce', 'vsce');
execFileSync(
    process.execPath,
    [
        vsce, 'package', version, '--no-update-package-json', '--no-git-tag-version',
        '--no-dependencies', '--allow-missing-repository', '--out', 'flowzap.vsix',
    ],
    { cwd: extension, stdio: 'inherit' },
);
const size = fs.statSync(path.join(extension, 'flowzap.vsix')).size;
console.log(`flowzap.vsix: version ${version}, ${(size / 1024 / 1024).toFixed(2)} MB`);
