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
 *
 * FZ_TAP_HOLD=METHOD:FILE makes the first proxy started (the one that creates FILE) keep the
 * server's answers to METHOD requests from the editor (recorded with "held": true), so that
 * such a request is certainly still waiting when the editor restarts the server.
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

let holdMethod;
if (process.env.FZ_TAP_HOLD) {
    const [method, marker] = process.env.FZ_TAP_HOLD.split(':');
    try {
        fs.writeFileSync(marker, String(process.pid), { flag: 'wx' });
        holdMethod = method;
    } catch {
        // Another proxy holds already: this one passes everything on.
    }
}
const heldIds = new Set();

function record(entry) {
    fs.appendFileSync(logFile, JSON.stringify({ t: Date.now(), pid: process.pid, ...entry }) + '\n');
}

/** Splits a byte stream into LSP messages (Content-Length framing); `onMessage(msg, bytes)` for each. */
function framer(dir, onMessage) {
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
            const frame = buffer.subarray(0, start + length);
            buffer = buffer.subarray(start + length);
            let msg;
            try {
                msg = JSON.parse(body);
            } catch {
                record({ event: 'bad-json', dir, body });
            }
            if (onMessage !== undefined) {
                onMessage(msg, frame);
            } else if (msg !== undefined) {
                record({ dir, msg });
            }
        }
    };
}

record({ event: 'spawn', command, args });
const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
const fromClient = framer('c2s', (msg) => {
    if (msg !== undefined) {
        record({ dir: 'c2s', msg });
        if (holdMethod !== undefined && msg.method === holdMethod && msg.id !== undefined) {
            heldIds.add(msg.id);
        }
    }
});
// Without a hold, server bytes are forwarded as they come; with one, message by message.
const fromServer = framer('s2c', (msg, frame) => {
    const held = msg !== undefined && msg.method === undefined && heldIds.has(msg.id);
    if (msg !== undefined) {
        record(held ? { dir: 's2c', held: true, msg } : { dir: 's2c', msg });
    }
    if (holdMethod !== undefined && !held) {
        process.stdout.write(frame);
    }
});
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
    if (holdMethod === undefined) {
        process.stdout.write(chunk);
    }
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
