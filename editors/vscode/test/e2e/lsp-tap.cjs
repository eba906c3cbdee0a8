#!/usr/bin/env node
/**
 * A transparent stdio proxy for a language server that records every LSP message.
 *
 *   node lsp-tap.cjs --log FILE -- COMMAND [ARGS...]
 *
 * Bytes are forwarded unchanged in both directions; each complete message is also appended to
 * FILE as one JSON line: {"t": ms, "pid": proxy pid, "dir": "c2s" | "s2c", "msg": {...}}.
 * Process start and exit are recorded as {"event": "spawn" | "exit", ...}. The server's stderr
 * goes to our stderr, so the editor's output channel still shows it.
 */
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');

const argv = process.argv.slice(2);
const sep = argv.indexOf('--');
const logIndex = argv.indexOf('--log');
if (sep < 0 || logIndex < 0 || logIndex > sep || sep === argv.length - 1) {
    process.stderr.write('usage: lsp-tap.cjs --log FILE -- COMMAND [ARGS...]\n');
    process.exit(2);
}
const logFile = argv[logIndex + 1];
const [command, ...args] = argv.slice(sep + 1);

function record(entry) {
    fs.appendFileSync(logFile, JSON.stringify({ t: Date.now(), pid: process.pid, ...entry }) + '\n');
}

/** Splits a byte stream into LSP messages (Content-Length framing). */
function framer(dir) {
    let buffer = Buffer.alloc(0);
    return (chunk) => {
        buffer = Buffer.concat([buffer, chunk]);
        for (;;) {
            const headerEnd = buffer.indexOf('\r\n\r\n');
            if (headerEnd < 0) {
                return;
            }
            const header = buffer.subarray(0, headerEnd).toString('ascii');
            const match = /Content-Length:\s*(\d+)/i.exec(header);
            if (match === null) {
                record({ event: 'bad-header', dir, header });
                buffer = buffer.subarray(headerEnd + 4);
                continue;
            }
            const length = Number(match[1]);
            const start = headerEnd + 4;
            if (buffer.length < start + length) {
                return;
            }
            const body = buffer.subarray(start, start + length).toString('utf8');
            buffer = buffer.subarray(start + length);
            try {
                record({ dir, msg: JSON.parse(body) });
            } catch {
                record({ event: 'bad-json', dir, body });
            }
        }
    };
}

record({ event: 'spawn', command, args });
const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
const fromClient = framer('c2s');
const fromServer = framer('s2c');
child.on('error', (error) => {
    record({ event: 'spawn-error', message: error.message });
    process.stderr.write(`lsp-tap: cannot start ${command}: ${error.message}\n`);
    process.exit(127);
});
process.stdin.on('data', (chunk) => {
    fromClient(chunk);
    child.stdin.write(chunk);
});
process.stdin.on('end', () => child.stdin.end());
child.stdin.on('error', () => {});
child.stdout.on('data', (chunk) => {
    fromServer(chunk);
    process.stdout.write(chunk);
});
child.on('exit', (code, signal) => {
    record({ event: 'exit', code, signal });
    process.exitCode = code ?? 1;
    // Let stdout drain, then go.
    process.stdout.write('', () => process.exit(code ?? 1));
});
for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP']) {
    process.on(sig, () => child.kill(sig));
}
