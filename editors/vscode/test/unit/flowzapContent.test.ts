import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { ConnectionError, ConnectionErrors, ErrorCodes, ResponseError } from 'vscode-jsonrpc';
import { looksLikeFlowZap, otherClaimants, userDecidesFz } from '../../src/flowzapContent';
import { dropQuietly } from '../../src/requestFailures';

const EXAMPLES = path.resolve(__dirname, '..', '..', '..', '..', '..', 'examples');

describe('looksLikeFlowZap', () => {
    test('every example of the repository reads like FlowZap Code', () => {
        const files = fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.fz'));
        assert.ok(files.length > 0);
        for (const file of files) {
            const lines = fs.readFileSync(path.join(EXAMPLES, file), 'utf8').split(/\r?\n/);
            assert.ok(looksLikeFlowZap(lines), file);
        }
    });

    test('a lane header with a label, or a node line, is enough', () => {
        assert.ok(looksLikeFlowZap(['# 订单流程 🚀', '', 'Order_Service { # 下单']));
        assert.ok(looksLikeFlowZap(['// a fragment', 'n12: diamond label:"OK?"']));
    });

    test('Fuzion source is not FlowZap Code', () => {
        const fuzion = [
            '# hello world in Fuzion',
            'hello_world is',
            '  say "Hello, World!"',
            '',
            'fib(n i32) i32 =>',
            '  if n < 2 then n else fib n-1 + fib n-2',
            'ex is',
            '  x := list 1 2 3',
            '  x.for_each (e -> say e)',
        ];
        assert.equal(looksLikeFlowZap(fuzion), false);
        assert.equal(looksLikeFlowZap([]), false);
    });

    test('only the first 30 lines are read, and the first line of code decides', () => {
        const late = [...Array(30).fill(''), 'Lane {'];
        assert.equal(looksLikeFlowZap(late), false);
        assert.equal(looksLikeFlowZap(['x := 3', 'Lane {']), false);
        assert.ok(looksLikeFlowZap(['', '# Fuzion? no:', '// a comment', '支付服务 { # 支付']));
    });

    test('blank and comment lines only: not taken from another language', () => {
        assert.equal(looksLikeFlowZap(['', '# just a comment']), false);
    });
});

describe('otherClaimants', () => {
    test('names other extensions whose languages claim *.fz', () => {
        const extensions = [
            { id: 'fz-lsp.flowzap', packageJSON: { contributes: { languages: [{ id: 'flowzap', extensions: ['.fz'] }] } } },
            {
                id: 'tokiwa.fuzion',
                packageJSON: { displayName: 'Fuzion', contributes: { languages: [{ id: 'fuzion', extensions: ['.FZ'] }] } },
            },
            { id: 'other.glob', packageJSON: { contributes: { languages: [{ id: 'g', filenamePatterns: ['**/*.fz'] }] } } },
            { id: 'other.py', packageJSON: { contributes: { languages: [{ id: 'python', extensions: ['.py'] }] } } },
            { id: 'broken', packageJSON: null },
        ];
        assert.deepEqual(otherClaimants(extensions, 'FZ-LSP.flowzap'), [
            { extensionId: 'tokiwa.fuzion', displayName: 'Fuzion', languageIds: ['fuzion'] },
            { extensionId: 'other.glob', displayName: 'other.glob', languageIds: ['g'] },
        ]);
    });

    test('files.associations for *.fz is the user deciding', () => {
        assert.ok(userDecidesFz({ '*.fz': 'fuzion' }));
        assert.ok(userDecidesFz({ '**/diagrams/*.fz': 'flowzap' }));
        assert.equal(userDecidesFz({ '*.py': 'python' }), false);
        assert.equal(userDecidesFz(undefined), false);
    });
});

describe('dropQuietly: requests caught by a restart', () => {
    const running = { retiring: false, running: true };
    test('anything failing on a client being stopped or replaced is dropped', () => {
        assert.ok(dropQuietly({ retiring: true, running: true }, new ResponseError(ErrorCodes.InternalError, 'x')));
        assert.ok(dropQuietly({ retiring: false, running: false }, new Error('Client is not running')));
    });

    test('a connection that went away is dropped, on a running client too', () => {
        assert.ok(dropQuietly(running, new ConnectionError(ConnectionErrors.Disposed, 'Connection is disposed.')));
        assert.ok(dropQuietly(running, new ConnectionError(ConnectionErrors.Closed, 'Connection is closed.')));
        assert.ok(dropQuietly(running, new ResponseError(ErrorCodes.PendingResponseRejected, 'rejected')));
        assert.ok(dropQuietly(running, new ResponseError(ErrorCodes.ConnectionInactive, 'inactive')));
    });

    test('a real server error on a running client is still reported', () => {
        assert.equal(dropQuietly(running, new ResponseError(ErrorCodes.InternalError, 'boom')), false);
        assert.equal(dropQuietly(running, new Error('boom')), false);
        assert.equal(dropQuietly(running, undefined), false);
    });
});
