#!/usr/bin/env node
/**
 * The FlowZap preview in a real VS Code (code-server) driven by headless Chromium: the preview
 * opens from the editor-title button, shows one element per node, follows edits, keeps pan/zoom,
 * keeps the last good picture while the text has errors, jumps to the declaration on a click,
 * highlights the cursor's line, exports SVG; and a ```flowzap fence is drawn in VS Code's own
 * Markdown preview. Runs after drive.cjs, in a workspace of its own, with the server bundled in
 * the .vsix; reads only the LSP traffic recorded after it started.
 *
 * Environment (set by run.sh):
 *   FZ_E2E_BASE_URL    code-server's http://127.0.0.1:PORT
 *   FZ_E2E_TMP         the run's temporary folder (the workspace and wire trace go under it)
 *   FZ_E2E_WIRE        the JSON-lines file lsp-tap.cjs writes
 *   FZ_E2E_PLAYWRIGHT  path of the playwright-core package
 *   FZ_E2E_CHROMIUM    Chromium executable
 *   FZ_E2E_SCREENSHOTS where the screenshots are kept (default: $TMPDIR/fz-vscode-e2e-screenshots)
 *
 * Prints one line per check and ends with "N passed, N failed"; exits 1 if any check failed.
 */
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const env = (name) => {
    const value = process.env[name];
    if (value === undefined || value === '') {
        throw new Error(`${name} is not set`);
    }
    return value;
};
const BASE_URL = env('FZ_E2E_BASE_URL');
const TMP = env('FZ_E2E_TMP');
const WIRE = env('FZ_E2E_WIRE');
const { chromium } = require(env('FZ_E2E_PLAYWRIGHT'));
const CHROMIUM = process.env.FZ_E2E_CHROMIUM || '/usr/bin/chromium';
const TIMEOUT_MS = Number(process.env.FZ_E2E_TIMEOUT_MS || 60000);
const SCREENSHOTS = process.env.FZ_E2E_SCREENSHOTS || path.join(os.tmpdir(), 'fz-vscode-e2e-screenshots');

const WS = path.join(TMP, 'preview-workspace');
const ORDERS_URI = pathToFileURL(path.join(WS, 'orders.fz')).href;
const NODES = ['n1', 'n2', 'n3', 'n4', 'n5'];

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

/** The workspace: the fixtures, and settings that outrank the broken server path drive.cjs leaves behind. */
function setUp() {
    fs.mkdirSync(path.join(WS, '.vscode'), { recursive: true });
    for (const name of ['orders.fz', 'notes.md']) {
        fs.copyFileSync(path.join(__dirname, 'fixtures', 'preview', name), path.join(WS, name));
    }
    fs.writeFileSync(
        path.join(WS, '.vscode', 'settings.json'),
        JSON.stringify({ 'flowzap.server.path': '', 'flowzap.debounceMs': 0, 'files.autoSave': 'off' }, null, 2),
    );
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
}

/** The recorded LSP traffic since this scenario started (drive.cjs's comes before). */
function wire() {
    if (!fs.existsSync(WIRE)) {
        return [];
    }
    return fs
        .readFileSync(WIRE, 'utf8')
        .split('\n')
        .filter((line) => line.trim().length > 0)
        .map((line) => JSON.parse(line))
        .filter((entry) => entry.t >= started);
}

function renderRequests() {
    const entries = wire();
    return entries
        .filter((e) => e.dir === 'c2s' && e.msg && e.msg.method === 'flowzap/render')
        .map((request) => ({
            params: request.msg.params,
            result: entries.find((e) => e.dir === 's2c' && e.pid === request.pid && e.msg && e.msg.id === request.msg.id && !e.msg.method)?.msg.result,
        }));
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
        await new Promise((resolve) => setTimeout(resolve, 200));
    }
}

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
    await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ state: 'visible', timeout: TIMEOUT_MS });
    await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor({ timeout: TIMEOUT_MS });
}

/** The frame (inside a webview's iframes) whose document has `selector`. */
async function frameWith(page, selector) {
    return waitFor(`a webview frame with ${selector}`, async () => {
        for (const frame of page.frames()) {
            const found = await frame.evaluate((s) => document.querySelector(s) !== null, selector).catch(() => false);
            if (found) {
                return frame;
            }
        }
        return undefined;
    });
}

const nodeIds = (frame) =>
    frame.evaluate(() => Array.from(document.querySelectorAll('.fz-stage [data-node]')).map((e) => e.getAttribute('data-node')).sort());

/** A real mouse click at a point given in the frame's own coordinates (an edge may be a box of no height). */
async function clickInFrame(page, frame, point) {
    const origin = await frame.locator('html').boundingBox();
    await page.mouse.click(origin.x + point.x, origin.y + point.y);
}

/** The middle of an edge's drawn line, in the frame's coordinates. */
async function midpointOfEdge(frame, id) {
    return frame.evaluate((edgeId) => {
        const edge = Array.from(document.querySelectorAll('[data-edge]')).find((e) => e.getAttribute('data-edge') === edgeId);
        const line = edge.matches('path, polyline, line') ? edge : edge.querySelector('path, polyline, line');
        const point = line.getPointAtLength(line.getTotalLength() / 2);
        const screen = new DOMPoint(point.x, point.y).matrixTransform(line.getScreenCTM());
        return { x: screen.x, y: screen.y };
    }, id);
}

async function selectionText(page) {
    return (await page.locator('#status\\.editor\\.selection').first().innerText().catch(() => '')).trim();
}

async function main() {
    setUp();
    const browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
    });
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    try {
        await page.goto(`${BASE_URL}/?folder=${encodeURIComponent(WS)}`, { waitUntil: 'domcontentloaded', timeout: TIMEOUT_MS });
        await page.locator('.monaco-workbench').waitFor({ timeout: TIMEOUT_MS });
        await openFile(page, 'orders.fz');
        await waitFor('the server to start', () => wire().some((e) => e.dir === 's2c' && e.msg && e.msg.result && e.msg.result.capabilities));

        // 1. The editor-title button opens the preview beside the editor.
        const button = page.locator('.editor-actions [aria-label^="FlowZap: Open Preview to the Side"], .editor-actions [aria-label^="Open Preview to the Side"]').first();
        const hasButton = await button.waitFor({ state: 'visible', timeout: TIMEOUT_MS }).then(() => true).catch(() => false);
        check('the editor title of a .fz file has the preview button', hasButton);
        if (hasButton) {
            await button.click();
        } else {
            await runCommand(page, 'FlowZap: Open Preview to the Side');
        }
        const frame = await frameWith(page, '#flowzap-preview');
        await waitFor('5 nodes in the preview', async () => (await nodeIds(frame)).length === 5).catch(() => undefined);
        const ids = await nodeIds(frame);
        check('the preview shows one element per node', JSON.stringify(ids) === JSON.stringify(NODES), JSON.stringify(ids));
        // Labels wrap onto several lines of text: compare without the spaces.
        const labels = await frame.evaluate(() =>
            Object.fromEntries(Array.from(document.querySelectorAll('.fz-stage [data-node]')).map((e) => [e.getAttribute('data-node'), e.textContent.replace(/\s+/g, '')])),
        );
        check('labels are shown as text (Unicode, <, &, quotes)', labels.n1 === '开始🚀' && labels.n2 === 'Check<stock>&"price"', JSON.stringify(labels));
        // The renderer's stylesheet (inside the SVG) applies under the webview's CSP, in the editor's theme.
        const look = await frame.evaluate(() => ({
            dark: document.body.classList.contains('vscode-dark') || document.body.classList.contains('vscode-high-contrast'),
            fill: getComputedStyle(document.querySelector('.fz-stage [data-node="n2"] .fz-shape')).fill,
        }));
        check(
            'the picture is styled, in the theme of the editor',
            look.fill === (look.dark ? 'rgb(13, 17, 23)' : 'rgb(255, 255, 255)'),
            JSON.stringify(look),
        );
        const first = renderRequests()[0];
        check(
            'the picture came from flowzap/render for the open document',
            first !== undefined && first.params.textDocument.uri === ORDERS_URI && first.params.format === 'svg' && first.result && first.result.errors === 0,
            JSON.stringify(first && { params: first.params, errors: first.result && first.result.errors }),
        );
        const csp = await frame.evaluate(() => {
            const meta = document.querySelector('meta[http-equiv="Content-Security-Policy"]');
            return meta ? meta.getAttribute('content') : '';
        });
        // The only origin allowed is the webview's own resource origin (VS Code's `webview.cspSource`).
        const origins = (csp.match(/https?:\/\/[^\s;]+/g) || []).filter((o) => o !== 'https://*.vscode-cdn.net');
        check(
            'the webview has a strict Content-Security-Policy (nonce scripts, no remote content)',
            /default-src 'none'/.test(csp) && /script-src 'nonce-[A-Za-z0-9]+';/.test(csp) && !/unsafe-inline|unsafe-eval/.test(csp) && origins.length === 0,
            csp,
        );

        // 2. Pan/zoom, then an edit: the new node appears and the view stays where it was.
        await frame.locator('button[title="Zoom in"]').click();
        await frame.locator('button[title="Zoom in"]').click();
        const zoomed = await frame.evaluate(() => document.querySelector('.fz-stage').style.transform);
        await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
        await goTo(page, 11, 22); // end of `n5: circle label:"完成 🎉"` (UTF-16 column 21 + 1)
        await page.keyboard.press('End');
        await page.keyboard.type('\nn6: rectangle label:"退款 💸"', { delay: 15 });
        await waitFor('n6 in the preview', async () => (await nodeIds(frame)).includes('n6')).catch(() => undefined);
        const afterEdit = await nodeIds(frame);
        check('the preview follows typing (a new node appears)', afterEdit.includes('n6') && afterEdit.length === 6, JSON.stringify(afterEdit));
        const kept = await frame.evaluate(() => document.querySelector('.fz-stage').style.transform);
        check('pan/zoom is kept across updates', kept === zoomed && kept !== '', `${zoomed} -> ${kept}`);
        const versions = renderRequests().map((r) => r.result && r.result.version);
        check('updates are answered for newer versions', versions.length >= 2 && versions[versions.length - 1] > versions[0], JSON.stringify(versions));

        // 3. Mid-word: an edge to a node that does not exist yet; the last good picture stays, with a banner.
        await page.keyboard.type('\nn6.handle(right) -> n9', { delay: 15 });
        await waitFor('the error banner', () => frame.evaluate(() => document.querySelector('.fz-root').getAttribute('data-state') === 'banner')).catch(() => undefined);
        const banner = await frame.evaluate(() => document.querySelector('.fz-banner').textContent);
        check('while the text has errors, a banner says the last good picture is shown', /showing the last error-free picture/.test(banner), banner);
        check('the last good picture is still there', (await nodeIds(frame)).length === 6);
        await page.keyboard.press('Backspace');
        await page.keyboard.type('5.handle(left)', { delay: 15 });
        await waitFor('the banner to go', () => frame.evaluate(() => document.querySelector('.fz-root').getAttribute('data-state') === 'clean')).catch(() => undefined);
        check('correcting the error removes the banner', await frame.evaluate(() => document.querySelector('.fz-root').getAttribute('data-state') === 'clean'));

        // 4. Cursor on an edge line -> that edge is highlighted.
        await goTo(page, 6, 3); // `n2.handle(right) -> n3.handle(left)`
        const highlighted = () =>
            frame.evaluate(() => [...new Set(Array.from(document.querySelectorAll('.fz-highlight')).map((e) => e.getAttribute('data-edge') || e.getAttribute('data-node')))]);
        await waitFor('n2->n3 highlighted', async () => JSON.stringify(await highlighted()) === '["n2->n3"]').catch(() => undefined);
        const lit = await highlighted();
        check('the edge under the cursor is highlighted', JSON.stringify(lit) === JSON.stringify(['n2->n3']), JSON.stringify(lit));

        // 5. A click on a node selects its ID in its declaration; a click on an edge selects the edge's statement.
        await frame.locator('button[title="Fit to window"]').click();
        await frame.locator('[data-node="n4"]').first().click();
        // The ID `n4` is selected, the cursor at its end.
        await waitFor('the selection on n4', async () => (await selectionText(page)) === 'Ln 10, Col 3 (2 selected)').catch(() => undefined);
        const onNode = await selectionText(page);
        check('clicking a node jumps to its declaration (ID selected)', onNode === 'Ln 10, Col 3 (2 selected)', onNode);
        await clickInFrame(page, frame, await midpointOfEdge(frame, 'n1->n2'));
        // The status bar counts characters (the emoji is one): the whole line is selected, the cursor at its end.
        const edgeLine = [...'n1.handle(right) -> n2.handle(left) [label="下单 📦"]'];
        const wantEdge = `Ln 5, Col ${edgeLine.length + 1} (${edgeLine.length} selected)`;
        await waitFor('the selection on the edge', async () => (await selectionText(page)) === wantEdge).catch(() => undefined);
        const onEdge = await selectionText(page);
        check('clicking an edge selects its statement', onEdge === wantEdge, `${onEdge}, want ${wantEdge}`);

        const shot = path.join(SCREENSHOTS, 'vscode-preview.png');
        await page.screenshot({ path: shot });
        check(`screenshot kept: ${shot}`, fs.statSync(shot).size > 10000);

        // 6. Export: the SVG written beside the file is the server's picture.
        // The save dialog (code-server's own, in the quick input) proposes orders.svg beside the file.
        await page.keyboard.press('F1');
        const input = page.locator('.quick-input-widget input');
        await input.waitFor({ state: 'visible', timeout: TIMEOUT_MS });
        await input.fill('>FlowZap: Export Diagram...');
        await page.locator('.quick-input-list .monaco-list-row', { hasText: 'FlowZap: Export Diagram...' }).first().waitFor({ state: 'visible', timeout: TIMEOUT_MS });
        await page.keyboard.press('Enter');
        const dialog = page.locator('.quick-input-widget input[aria-label*="Export FlowZap Diagram"]');
        await dialog.waitFor({ state: 'visible', timeout: TIMEOUT_MS });
        const want = path.join(WS, 'orders.svg');
        const proposed = await waitFor('the proposed file name', async () => ((await dialog.inputValue()) === want ? want : undefined), 10000).catch(() => dialog.inputValue());
        check('the export dialog proposes orders.svg beside the file', proposed === want, proposed);
        await page.locator('.quick-input-widget .monaco-button', { hasText: 'OK' }).first().click();
        const exported = path.join(WS, 'orders.svg');
        await waitFor('orders.svg', () => fs.existsSync(exported) && fs.statSync(exported).size > 0).catch(() => undefined);
        const svg = fs.existsSync(exported) ? fs.readFileSync(exported, 'utf8') : '';
        const exportedNodes = (svg.match(/data-node="/g) || []).length;
        check('"FlowZap: Export Diagram..." writes the SVG', svg.startsWith('<svg') && exportedNodes === 6, `${svg.slice(0, 80)} (${exportedNodes} nodes)`);

        // 7. Markdown: the flowzap fence is drawn in VS Code's Markdown preview; other fences stay code.
        await openFile(page, 'notes.md');
        await runCommand(page, 'Markdown: Open Preview to the Side');
        // The Markdown preview may replace its frame when it refreshes: look for it on every try.
        const readFence = async () => {
            const markdown = await frameWith(page, '.flowzap-fence');
            return markdown
                .evaluate(() => ({
                    drawn: document.querySelectorAll('.flowzap-fence[data-flowzap="drawn"]').length,
                    nodes: Array.from(document.querySelectorAll('.flowzap-fence svg [data-node]')).map((e) => e.getAttribute('data-node')).sort(),
                    text: document.querySelector('.flowzap-fence svg')?.textContent ?? '',
                    python: document.querySelectorAll('code.language-python').length,
                }))
                .catch(() => undefined);
        };
        let fence = await waitFor('the drawn fence', async () => {
            const found = await readFence();
            return found !== undefined && found.drawn > 0 ? found : undefined;
        }).catch(() => undefined);
        fence = fence ?? (await readFence()) ?? {};
        check(
            'a ```flowzap fence is drawn in the Markdown preview',
            fence.drawn === 1 && JSON.stringify(fence.nodes) === '["n1","n2"]' && fence.text.includes('开始 🚀'),
            JSON.stringify(fence),
        );
        check('other fences stay code', fence.python === 1, JSON.stringify(fence));
        const textRequests = renderRequests().filter((r) => typeof r.params.text === 'string');
        check('the fence was drawn by the server from its text', textRequests.length >= 1 && textRequests.every((r) => r.result && r.result.svg), `${textRequests.length} requests`);
        const colours = await page.evaluate(() => {
            const lines = Array.from(document.querySelectorAll('.editor-instance .monaco-editor .view-line'));
            const line = lines.find((l) => l.textContent.startsWith('n1.handle(right)'));
            return line ? Array.from(new Set(Array.from(line.querySelectorAll('span[class^="mtk"]')).map((s) => s.className))) : [];
        });
        check('the fence gets FlowZap syntax colours in the Markdown editor', colours.length >= 2, JSON.stringify(colours));
        await page.screenshot({ path: path.join(SCREENSHOTS, 'vscode-markdown.png') });
    } catch (error) {
        check('the preview scenario ran to the end', false, error instanceof Error ? error.message : String(error));
        await page.screenshot({ path: path.join(SCREENSHOTS, 'vscode-preview-failure.png') }).catch(() => undefined);
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
