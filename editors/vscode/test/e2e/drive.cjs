#!/usr/bin/env node
/**
 * Drives code-server in headless Chromium and checks, from the recorded LSP traffic (lsp-tap.cjs)
 * and from the page, that the FlowZap extension runs the language server.
 *
 * Environment (set by run.sh):
 *   FZ_E2E_URL         code-server URL that opens the workspace folder
 *   FZ_E2E_WORKSPACE   the workspace folder (holds broken.fz and multicloud-failover.fz)
 *   FZ_E2E_WIRE        the JSON-lines file lsp-tap.cjs writes
 *   FZ_E2E_USER_DATA   code-server's --user-data-dir (the output channel log is under logs/)
 *   FZ_E2E_ARTIFACTS   where screenshots go on failure
 *   FZ_E2E_PLAYWRIGHT  path of the playwright-core package
 *   FZ_E2E_CHROMIUM    Chromium executable (default /usr/bin/chromium)
 *   FZ_E2E_EXAMPLE_BROKEN  the copy of examples/broken/everything-wrong.fz in the workspace, and
 *   FZ_E2E_EXAMPLE_BROKEN_JSON  what `fz-lsp check --format json` says about it
 *
 * Prints one line per check and ends with "N passed, N failed"; exits 1 if any check failed.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const env = (name) => {
    const value = process.env[name];
    if (value === undefined || value === '') {
        throw new Error(`${name} is not set`);
    }
    return value;
};
const URL_ = env('FZ_E2E_URL');
const WORKSPACE = env('FZ_E2E_WORKSPACE');
const WIRE = env('FZ_E2E_WIRE');
const USER_DATA = env('FZ_E2E_USER_DATA');
const ARTIFACTS = env('FZ_E2E_ARTIFACTS');
const { chromium } = require(env('FZ_E2E_PLAYWRIGHT'));
const CHROMIUM = process.env.FZ_E2E_CHROMIUM || '/usr/bin/chromium';
const TIMEOUT_MS = Number(process.env.FZ_E2E_TIMEOUT_MS || 60000);

const BROKEN_URI = pathToFileURL(path.join(WORKSPACE, 'broken.fz')).href;
const EXAMPLE_URI = pathToFileURL(path.join(WORKSPACE, 'multicloud-failover.fz')).href;
const EXAMPLE_BROKEN = env('FZ_E2E_EXAMPLE_BROKEN');
const EXAMPLE_BROKEN_URI = pathToFileURL(EXAMPLE_BROKEN).href;
/** The checker's findings for the broken example, as [0-based line, code], without FZ503 (off in the settings below). */
const EXAMPLE_BROKEN_EXPECTED = JSON.parse(fs.readFileSync(env('FZ_E2E_EXAMPLE_BROKEN_JSON'), 'utf8'))
    .diagnostics.filter((d) => d.code !== 'FZ503')
    .map((d) => [d.line - 1, d.code])
    .sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1]));

/** The settings run.sh writes, as the server must receive them (initializationOptions and configuration). */
const EXPECTED_SETTINGS = {
    debounceMs: 0,
    severity: { FZ302: 'error', FZ503: 'off' },
    format: { indent: 2 },
    inlayHints: { labels: true, maxLength: 24 },
    codeLens: false,
};
const RESHAPE_URI = pathToFileURL(path.join(WORKSPACE, 'reshape.fz')).href;

/**
 * What the server must report for broken.fz, in UTF-16 columns (VS Code's encoding): line 2 has
 * Chinese text and an emoji before the `colour` key, so a server counting code points would
 * put FZ206 one column early.
 */
const EXPECTED_BROKEN = [
    { code: 'FZ212', severity: 2, range: [2, 24, 2, 26] },
    { code: 'FZ206', severity: 2, range: [2, 28, 2, 34] },
    { code: 'FZ105', severity: 1, range: [4, 30, 4, 32] },
    { code: 'FZ102', severity: 1, range: [5, 21, 5, 28] },
    // FZ302 is a warning by default; flowzap.severity makes it an error.
    { code: 'FZ302', severity: 1, range: [6, 0, 6, 27] },
];

let passed = 0;
let failed = 0;
const started = Date.now();
function check(name, ok, detail) {
    const at = `[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s]`;
    if (ok) {
        passed += 1;
        console.log(`ok   ${at} ${name}`);
    } else {
        failed += 1;
        console.log(`FAIL ${at} ${name}${detail !== undefined ? `\n       ${detail}` : ''}`);
    }
    return ok;
}

// --- the recorded LSP traffic ---------------------------------------------------------------

function wire() {
    if (!fs.existsSync(WIRE)) {
        return [];
    }
    return fs
        .readFileSync(WIRE, 'utf8')
        .split('\n')
        .filter((line) => line.trim().length > 0)
        .map((line) => JSON.parse(line));
}

/** Requests sent in `dir`, each with the response that came back (or undefined). */
function requests(entries, dir, method) {
    const back = dir === 'c2s' ? 's2c' : 'c2s';
    return entries
        .filter((e) => e.dir === dir && e.msg && e.msg.method === method && e.msg.id !== undefined)
        .map((request) => ({
            request: request.msg,
            pid: request.pid,
            response: entries.find(
                (e) =>
                    e.dir === back &&
                    e.pid === request.pid &&
                    e.msg &&
                    e.msg.method === undefined &&
                    e.msg.id === request.msg.id,
            )?.msg,
        }));
}

function notifications(entries, dir, method) {
    return entries.filter((e) => e.dir === dir && e.msg && e.msg.method === method && e.msg.id === undefined);
}

/**
 * The latest diagnostics the server gave for `uri`: pushed (publishDiagnostics) or pulled
 * (a textDocument/diagnostic response), whichever the client negotiated.
 */
function latestDiagnostics(entries, uri) {
    let latest;
    for (const e of notifications(entries, 's2c', 'textDocument/publishDiagnostics')) {
        if (e.msg.params.uri === uri) {
            latest = { how: 'publishDiagnostics', t: e.t, items: e.msg.params.diagnostics };
        }
    }
    for (const r of requests(entries, 'c2s', 'textDocument/diagnostic')) {
        if (r.request.params.textDocument.uri === uri && r.response && r.response.result) {
            const result = r.response.result;
            if (result.kind === 'full') {
                const at = entries.find((e) => e.msg === r.response)?.t ?? 0;
                if (latest === undefined || at >= latest.t) {
                    latest = { how: 'textDocument/diagnostic', t: at, items: result.items };
                }
            }
        }
    }
    return latest;
}

async function waitFor(what, predicate, timeoutMs = TIMEOUT_MS) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const value = await predicate();
        if (value) {
            return value;
        }
        if (Date.now() > deadline) {
            throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
    }
}

function sameJson(a, b) {
    const canon = (v) =>
        v !== null && typeof v === 'object'
            ? Array.isArray(v)
                ? v.map(canon)
                : Object.fromEntries(Object.keys(v).sort().map((k) => [k, canon(v[k])]))
            : v;
    return JSON.stringify(canon(a)) === JSON.stringify(canon(b));
}

function rangeOf(d) {
    return [d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character];
}

// --- the page ---------------------------------------------------------------------------------

async function runCommand(page, title) {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: TIMEOUT_MS });
    await input.fill(`>${title}`);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    await row.waitFor({ state: 'visible', timeout: TIMEOUT_MS });
    await page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden', timeout: TIMEOUT_MS });
}

async function goTo(page, line, column) {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: TIMEOUT_MS });
    await input.fill(`:${line}:${column}`);
    await page.waitForTimeout(300);
    await page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden', timeout: TIMEOUT_MS });
}

async function openFile(page, name) {
    const item = page.locator('.explorer-viewlet .monaco-list-row', { hasText: name }).first();
    await item.waitFor({ state: 'visible', timeout: TIMEOUT_MS });
    await item.dblclick();
    await page
        .locator('.tabs-container .tab.active', { hasText: name })
        .waitFor({ state: 'visible', timeout: TIMEOUT_MS });
    await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor({ timeout: TIMEOUT_MS });
}

/**
 * Search the open Settings editor for `query` and wait for the setting whose description holds
 * `description`. The search box is a small Monaco editor that can miss keys typed while it is
 * still taking the focus, or be cleared late: the text is checked, and typed again if it is not
 * there. Returns the setting's input field.
 */
async function searchSettings(page, query, description, tab) {
    const box = page.locator('.settings-editor .settings-header .suggest-input-container').first();
    const field = page.locator('.settings-editor .setting-item-contents', { hasText: description }).locator('input').first();
    if (tab !== undefined) {
        await page.locator('.settings-editor .settings-tabs-widget').getByText(tab).first().click();
    }
    const clear = page.locator('.settings-editor [aria-label^="Clear Settings Search Input"]').first();
    for (let attempt = 1; ; attempt += 1) {
        // Clearing moves the focus into the search box; the click makes sure of it.
        if ((await clear.isVisible()) && (await clear.getAttribute('aria-disabled')) !== 'true') {
            await clear.click();
        }
        await box.locator('.view-lines').first().click();
        await page.waitForTimeout(300);
        await page.keyboard.press('ControlOrMeta+A');
        await page.keyboard.press('Backspace');
        await page.keyboard.type(query, { delay: 20 });
        const typed = await waitFor(
            `"${query}" in the settings search box`,
            async () => (await box.locator('.view-lines').first().innerText()).replace(/\u00a0/g, ' ').trim() === query,
            5000,
        ).then(() => true, () => false);
        if (typed) {
            const shown = await field
                .waitFor({ state: 'visible', timeout: 15000 })
                .then(() => true)
                .catch(() => false);
            if (shown) {
                return field;
            }
        }
        if (attempt === 3) {
            throw new Error(`the Settings editor did not show "${description}" for "${query}"`);
        }
        console.log(`note: settings search "${query}" did not take (attempt ${attempt}); typing it again`);
    }
}

function findOutputLog() {
    const found = [];
    const walk = (dir) => {
        for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
            const full = path.join(dir, entry.name);
            if (entry.isDirectory()) {
                walk(full);
            } else if (entry.name.includes('FlowZap Language Server')) {
                found.push(full);
            }
        }
    };
    walk(path.join(USER_DATA, 'logs'));
    return found;
}

/** Error lines about this extension in code-server's extension host logs. */
function extensionHostErrors() {
    const lines = [];
    const walk = (dir) => {
        for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
            const full = path.join(dir, entry.name);
            if (entry.isDirectory()) {
                walk(full);
            } else if (/exthost.*\.log$/i.test(entry.name)) {
                for (const line of fs.readFileSync(full, 'utf8').split('\n')) {
                    if (/\[error\]/.test(line) && /fz-lsp\.flowzap|flowzap/i.test(line)) {
                        lines.push(`${entry.name}: ${line}`);
                    }
                }
            }
        }
    };
    walk(path.join(USER_DATA, 'logs'));
    return lines;
}

async function main() {
    const browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
            '--disable-dev-shm-usage',
        ],
    });
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    try {
        await page.goto(URL_, { waitUntil: 'domcontentloaded', timeout: TIMEOUT_MS });
        await page.locator('.monaco-workbench').waitFor({ timeout: TIMEOUT_MS });
        check('code-server workbench loaded', true);

        // 1. Opening a .fz file activates the extension, which finds fz-lsp on PATH and starts it.
        await openFile(page, 'broken.fz');
        const init = await waitFor('the initialize exchange', () => {
            const all = requests(wire(), 'c2s', 'initialize');
            return all.length > 0 && all[0].response ? all[0] : undefined;
        });
        const entries0 = wire();
        const spawn = entries0.find((e) => e.event === 'spawn');
        check(
            'the extension started the bundled server in isolated mode',
            spawn !== undefined &&
                spawn.args[0] === '-I' &&
                /\/extensions\/[^/]*flowzap[^/]*\/bundled\/tool\/fz_lsp_server\.py$/.test(spawn.args[1]),
            JSON.stringify(spawn),
        );
        const clientName = init.request.params.clientInfo?.name ?? '';
        check('initialize came from VS Code', /code/i.test(clientName), `clientInfo.name = ${clientName}`);
        check(
            'initializationOptions carry the flowzap.* settings',
            sameJson(init.request.params.initializationOptions, EXPECTED_SETTINGS),
            JSON.stringify(init.request.params.initializationOptions),
        );
        const result = init.response.result ?? {};
        check(
            'the server answered initialize with hover support',
            result.serverInfo?.name === 'fz-lsp' && Boolean(result.capabilities?.hoverProvider),
            JSON.stringify({ serverInfo: result.serverInfo, hoverProvider: result.capabilities?.hoverProvider }),
        );

        // 2. workspace/configuration for section fz-lsp is answered from the flowzap.* settings.
        const config = await waitFor('a workspace/configuration answer', () =>
            requests(wire(), 's2c', 'workspace/configuration').find(
                (r) => r.response && r.request.params.items.some((i) => i.section === 'fz-lsp'),
            ),
        );
        const index = config.request.params.items.findIndex((i) => i.section === 'fz-lsp');
        check(
            'workspace/configuration(fz-lsp) is answered from the flowzap.* settings',
            sameJson(config.response.result?.[index], EXPECTED_SETTINGS),
            JSON.stringify(config.response.result),
        );

        // 3. The broken file is opened and diagnosed, with exact codes, ranges and severities.
        const opened = await waitFor('didOpen of broken.fz', () =>
            notifications(wire(), 'c2s', 'textDocument/didOpen').find(
                (e) => e.msg.params.textDocument.uri === BROKEN_URI,
            ),
        );
        check('didOpen(broken.fz) has languageId flowzap', opened.msg.params.textDocument.languageId === 'flowzap');
        const diagnostics = await waitFor('diagnostics for broken.fz', () => {
            const d = latestDiagnostics(wire(), BROKEN_URI);
            return d !== undefined && d.items.length > 0 ? d : undefined;
        });
        const got = diagnostics.items
            .map((d) => ({ code: d.code, severity: d.severity, range: rangeOf(d), source: d.source }))
            .sort((a, b) => a.range[0] - b.range[0] || a.range[1] - b.range[1]);
        const want = EXPECTED_BROKEN.map((d) => ({ ...d, source: 'flowzap' }));
        check(
            `diagnostics for broken.fz (${diagnostics.how}): codes, UTF-16 ranges, severities`,
            sameJson(got, want),
            `got ${JSON.stringify(got)}\n       want ${JSON.stringify(want)}`,
        );
        const squiggles = await page
            .locator('.squiggly-error')
            .first()
            .waitFor({ state: 'attached', timeout: TIMEOUT_MS })
            .then(() => page.locator('.squiggly-error').count())
            .catch(() => 0);
        check('the editor shows error squiggles in broken.fz', squiggles > 0, `${squiggles} squiggles`);

        // 4. The clean example: opened, diagnosed, no errors; hover on a node gives its label.
        await openFile(page, 'multicloud-failover.fz');
        const clean = await waitFor('diagnostics for multicloud-failover.fz', () =>
            latestDiagnostics(wire(), EXAMPLE_URI),
        );
        check(
            'multicloud-failover.fz has no error diagnostics',
            clean.items.every((d) => d.severity !== 1),
            JSON.stringify(clean.items),
        );
        // Line 8 is `n2.handle(right) -> n3.handle(left)`; column 21 is on `n3`.
        await goTo(page, 8, 21);
        await runCommand(page, 'Show or Focus Hover');
        const hover = await waitFor('a hover answer', () =>
            requests(wire(), 'c2s', 'textDocument/hover').find((r) => r.response && r.request.params.textDocument.uri === EXAMPLE_URI),
        );
        check(
            'hover request at the cursor (line 7, character 20, 0-based)',
            hover.request.params.position.line === 7 && hover.request.params.position.character === 20,
            JSON.stringify(hover.request.params.position),
        );
        const hoverText = JSON.stringify(hover.response.result ?? null);
        check('the hover answer names the node label', hoverText.includes('Primary Cloud Healthy?'), hoverText);
        const widget = page.locator('.monaco-hover', { hasText: 'Primary Cloud Healthy?' }).first();
        const shown = await widget
            .waitFor({ state: 'visible', timeout: 15000 })
            .then(() => true)
            .catch(() => false);
        check('the hover widget shows the label', shown);
        await page.keyboard.press('Escape');

        // Go to definition across lanes: line 11 is `n4.handle(bottom) -> AWS.n6.handle(top) ...`,
        // column 27 is on `n6`; it is declared on line 15 (`n6: rectangle ...`, in lane AWS).
        await goTo(page, 11, 27);
        await page.keyboard.press('F12');
        const definition = await waitFor('a definition answer', () =>
            requests(wire(), 'c2s', 'textDocument/definition').find(
                (r) => r.response && r.request.params.textDocument.uri === EXAMPLE_URI,
            ),
        );
        const targets = [].concat(definition.response.result ?? []).map((l) => [l.uri ?? l.targetUri, (l.range ?? l.targetSelectionRange).start.line]);
        check(
            'definition of AWS.n6 is its declaration on line 15 (0-based 14)',
            sameJson(targets, [[EXAMPLE_URI, 14]]),
            JSON.stringify(definition.response.result),
        );
        const moved = await page
            .locator('.statusbar-item', { hasText: /Ln 15, Col/ })
            .first()
            .waitFor({ state: 'visible', timeout: 15000 })
            .then(() => true)
            .catch(() => false);
        check('the cursor moved to the declaration (status bar: Ln 15)', moved);

        // 4b. examples/broken: every finding of the checker shows up in the editor too.
        await openFile(page, path.basename(EXAMPLE_BROKEN));
        const exampleDiagnostics = await waitFor('diagnostics for the broken example', () => {
            const d = latestDiagnostics(wire(), EXAMPLE_BROKEN_URI);
            return d !== undefined && d.items.length > 0 ? d : undefined;
        });
        const exampleGot = exampleDiagnostics.items
            .map((d) => [d.range.start.line, d.code])
            .sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1]));
        check(
            `examples/broken: the editor gets the checker's ${EXAMPLE_BROKEN_EXPECTED.length} findings (line, code)`,
            EXAMPLE_BROKEN_EXPECTED.length > 10 && sameJson(exampleGot, EXAMPLE_BROKEN_EXPECTED),
            `got ${JSON.stringify(exampleGot)}\n       want ${JSON.stringify(EXAMPLE_BROKEN_EXPECTED)}`,
        );

        // 5. The output channel log on disk has the discovery and the start.
        const log = await waitFor(
            'the output channel log',
            () => {
                const files = findOutputLog();
                const text = files.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
                return text.includes('Server started') ? { files, text } : undefined;
            },
            30000,
        ).catch(() => ({ files: findOutputLog(), text: '' }));
        check(
            'the output channel says the bundled server runs with python3 on PATH and started',
            /bundled fz-lsp with python3 on PATH \(\/[^,]*python3, Python 3\.\d+/.test(log.text) &&
                log.text.includes('.venv/venv in the workspace: none') &&
                /Server started: fz-lsp \d+\.\d+/.test(log.text),
            `files: ${JSON.stringify(log.files)}`,
        );
        check(
            'flowzap.trace.server=verbose traces messages to the output channel',
            /Sending request 'initialize/.test(log.text) || /\[Trace/.test(log.text),
        );

        // 6. "FlowZap: Restart Language Server" replaces the server process. The first server's
        //    proxy holds its answers to document-highlight requests (run.sh), so the one sent when
        //    the cursor moved above is certainly still waiting: the restart must drop it quietly.
        const firstPid = init.pid;
        const heldHighlight = await waitFor('a document-highlight answer held by the proxy', () =>
            wire().find((e) => e.pid === firstPid && e.held === true),
        ).catch(() => undefined);
        check('a document-highlight request is waiting when the restart begins', heldHighlight !== undefined);
        await runCommand(page, 'FlowZap: Restart Language Server');
        const second = await waitFor('a second initialize', () =>
            requests(wire(), 'c2s', 'initialize').find((r) => r.pid !== firstPid && r.response),
        );
        const after = wire();
        check(
            'restart: the old server got shutdown and exited',
            requests(after, 'c2s', 'shutdown').some((r) => r.pid === firstPid) &&
                after.some((e) => e.event === 'exit' && e.pid === firstPid),
        );
        check('restart: a new server process was initialized', second !== undefined);
        const reopened = await waitFor('diagnostics again after the restart', () =>
            notifications(wire(), 'c2s', 'textDocument/didOpen').find(
                (e) => e.pid === second.pid && e.msg.params.textDocument.uri === BROKEN_URI,
            ),
        ).catch(() => undefined);
        check('restart: open documents are sent to the new server', reopened !== undefined);
        const dropped = await waitFor(
            'the dropped request in the output channel',
            () => {
                const text = findOutputLog().map((f) => fs.readFileSync(f, 'utf8')).join('\n');
                return text.includes('Dropped textDocument/documentHighlight: the server is restarting.') ? text : undefined;
            },
            15000,
        ).catch(() => undefined);
        check('restart: the waiting document-highlight request was dropped quietly (logged as info)', dropped !== undefined);
        const errorsAfterRestart = extensionHostErrors();
        check(
            'restart: no request failure was logged as an extension error',
            errorsAfterRestart.length === 0,
            errorsAfterRestart.join('\n       '),
        );
        // 6b. Reshaping and reading aids (reshape.fz: Chinese and emoji before every edited word).
        await openFile(page, 'reshape.fz');
        const answered = (method, test) =>
            waitFor(`${method} for reshape.fz`, () =>
                requests(wire(), 'c2s', method).find(
                    (r) => r.request.params.textDocument.uri === RESHAPE_URI && r.response && test(r.response.result),
                ),
            ).catch(() => undefined);
        const tokens = await answered('textDocument/semanticTokens/full', (result) => result && result.data.length >= 5 * 20);
        check('VS Code asks for semantic tokens and gets them', tokens !== undefined);
        const folds = await answered('textDocument/foldingRange', (result) => Array.isArray(result) && result.length === 2);
        check(
            'folding ranges: one per lane',
            folds !== undefined && sameJson(folds.response.result.map((r) => [r.startLine, r.endLine]), [[0, 5], [7, 8]]),
            JSON.stringify(folds?.response.result),
        );
        const hints = await answered('textDocument/inlayHint', (result) => Array.isArray(result) && result.length > 0);
        check(
            'inlay hints: labels after references',
            hints !== undefined && hints.response.result.some((h) => h.label === '‹完成 🎉›'),
            JSON.stringify(hints?.response.result),
        );
        await page.waitForTimeout(1000); // let the semantic colours paint
        await page.screenshot({ path: path.join(ARTIFACTS, 'semantic-tokens.png') });
        await runCommand(page, 'Format Document');
        const formatted = await answered('textDocument/formatting', (result) => Array.isArray(result) && result.length > 0);
        check('Format Document asks the server and gets edits', formatted !== undefined);
        const firstLine = page.locator('.editor-instance .view-line', { hasText: 'Shop { # 商店' }).first();
        check(
            'the formatted header is in the editor',
            await firstLine
                .waitFor({ state: 'visible', timeout: TIMEOUT_MS })
                .then(() => true)
                .catch(() => false),
        );
        // Rename the lane 账单 from its header: line 9 after formatting (a blank line came in), column 1.
        await goTo(page, 9, 1);
        await page.keyboard.press('F2');
        const renameInput = page.locator('.rename-box input, .rename-box textarea').first();
        await renameInput.waitFor({ state: 'visible', timeout: TIMEOUT_MS });
        await renameInput.fill('Billing');
        await page.keyboard.press('Enter');
        const renamed = await answered('textDocument/rename', (result) => result && result.documentChanges);
        const renameEdits = renamed?.response.result.documentChanges[0].edits ?? [];
        check(
            'rename: one versioned edit for the header and both prefixes, in UTF-16 columns',
            sameJson(
                renameEdits.map((e) => [e.range.start.line, e.range.start.character, e.range.end.character, e.newText]),
                [
                    [4, 23, 25, 'Billing'],
                    [5, 18, 20, 'Billing'],
                    [8, 0, 2, 'Billing'],
                ],
            ),
            JSON.stringify(renamed?.response.result),
        );
        check(
            'the renamed lane header is in the editor',
            await page
                .locator('.editor-instance .view-line', { hasText: 'Billing {' })
                .first()
                .waitFor({ state: 'visible', timeout: TIMEOUT_MS })
                .then(() => true)
                .catch(() => false),
        );

        // 7. Changing a flowzap.* setting in the Settings editor reaches the running server.
        await runCommand(page, 'Preferences: Open User Settings');
        // The search box has the focus when the Settings editor opens.
        await page.locator('.settings-editor').first().waitFor({ state: 'visible', timeout: TIMEOUT_MS });
        const debounce = await searchSettings(page, 'flowzap.debounceMs', 'Milliseconds the server waits');
        await debounce.fill('25');
        await page.keyboard.press('Tab');
        const pushed = await waitFor('workspace/didChangeConfiguration', () =>
            notifications(wire(), 'c2s', 'workspace/didChangeConfiguration').find((e) => e.pid === second.pid),
        ).catch(() => undefined);
        check(
            'a changed setting is sent to the server under fz-lsp',
            pushed !== undefined &&
                sameJson(pushed.msg.params.settings, { 'fz-lsp': { ...EXPECTED_SETTINGS, debounceMs: 25 } }),
            JSON.stringify(pushed?.msg.params),
        );

        // 8. A server that dies at start-up gives one clear notification that quotes its stderr.
        //    flowzap.server.path is machine-overridable: in a remote window it is in the Remote tab.
        const field = await searchSettings(page, 'flowzap.server.path', 'Path to an', 'Remote');
        await field.fill(env('FZ_E2E_BROKEN_SERVER'));
        await page.keyboard.press('Tab');
        const toast = page.locator('.notification-toast', { hasText: 'FlowZap' });
        const toastShown = await toast
            .first()
            .waitFor({ state: 'visible', timeout: TIMEOUT_MS })
            .then(() => true)
            .catch(() => false);
        await page.waitForTimeout(2000); // let any further pop-ups arrive
        const toasts = await toast.allInnerTexts();
        check(
            'a server that fails to start gives exactly one notification',
            toastShown && toasts.length === 1,
            JSON.stringify(toasts),
        );
        check(
            'the notification says what failed and quotes the server',
            toasts.length > 0 &&
                toasts[0].includes('The FlowZap language server could not start') &&
                toasts[0].includes("No module named 'lark'") &&
                toasts[0].includes('broken-fz-lsp (flowzap.server.path)'),
            JSON.stringify(toasts),
        );

        const hostErrors = extensionHostErrors();
        check('the extension host logged no error from the extension', hostErrors.length === 0, hostErrors.join('\n       '));
    } catch (error) {
        check('the scenario ran to the end', false, error instanceof Error ? error.message : String(error));
        await page.screenshot({ path: path.join(ARTIFACTS, 'failure.png') }).catch(() => undefined);
    } finally {
        await browser.close();
    }
    console.log(`${passed} passed, ${failed} failed`);
    process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
}

main().catch((error) => {
    console.error(error);
    process.exit(1);
});
