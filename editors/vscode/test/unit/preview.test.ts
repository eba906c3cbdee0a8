import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { FenceCache, codePointsToUtf16, escapeHtml, isActivation } from '../../src/previewProtocol';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const read = (file: string): string => fs.readFileSync(path.join(ROOT, file), 'utf8');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const manifest = JSON.parse(read('package.json')) as any;

describe('positions from the picture', () => {
    test('code points become UTF-16 units: emoji outside the BMP count twice', () => {
        const line = 'n1: circle label:"开始 🚀" 🎉x';
        assert.equal(codePointsToUtf16(line, 0), 0);
        assert.equal(codePointsToUtf16(line, 21), 21); // up to the rocket: Chinese is one unit each
        assert.equal(codePointsToUtf16(line, 22), 23); // past the rocket
        assert.equal(codePointsToUtf16(line, [...line].length), line.length);
        assert.equal(codePointsToUtf16('ab', 5), 5); // beyond the end: counted as plain columns
    });

    test('only well-formed clicks are acted on', () => {
        assert.ok(isActivation({ kind: 'node', id: 'n1', range: [1, 0, 1, 20] }));
        assert.ok(isActivation({ kind: 'edge', id: 'n1->n2', range: null }));
        assert.ok(!isActivation({ kind: 'script', id: 'n1', range: null }));
        assert.ok(!isActivation({ kind: 'node', id: 'n1', range: [1, -1, 1, 2] }));
        assert.ok(!isActivation({ kind: 'node', id: 'n1', range: [1, 2] }));
        assert.ok(!isActivation(null));
    });
});

describe('Markdown fences', () => {
    test('the cache is keyed by theme and text and drops the least recently used', () => {
        const cache = new FenceCache<number>(2);
        const a = FenceCache.key('light', 'A {\n}');
        const b = FenceCache.key('dark', 'A {\n}');
        const c = FenceCache.key('light', 'B {\n}');
        assert.notEqual(a, b);
        cache.set(a, 1);
        cache.set(b, 2);
        assert.equal(cache.get(a), 1); // a is now the most recent
        cache.set(c, 3);
        assert.equal(cache.get(b), undefined);
        assert.equal(cache.get(a), 1);
        assert.equal(cache.get(c), 3);
        assert.equal(cache.size, 2);
    });

    test('fence text shown as code is escaped', () => {
        assert.equal(escapeHtml(`<script>"x" & 'y'</script>`), '&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;');
    });

    test('the plugin and the injection grammar are contributed, without claiming source.fz', () => {
        assert.equal(manifest.contributes['markdown.markdownItPlugins'], true);
        const injection = manifest.contributes.grammars.find((g: { injectTo?: string[] }) => g.injectTo !== undefined);
        assert.deepEqual(injection.injectTo, ['text.html.markdown']);
        assert.deepEqual(injection.embeddedLanguages, { 'meta.embedded.block.flowzap': 'flowzap' });
        const grammar = JSON.parse(read(injection.path));
        assert.equal(grammar.scopeName, injection.scopeName);
        assert.equal(grammar.injectionSelector, 'L:text.html.markdown');
        const text = read(injection.path);
        assert.ok(text.includes('"include": "source.flowzap"'));
        assert.ok(!/source\.fz"/.test(text));
        const begin = new RegExp(grammar.repository['flowzap-fence'].begin.replace('(?i:', '(?:'), 'i');
        assert.ok(begin.test('```flowzap'));
        assert.ok(begin.test('~~~ FlowZap title="x"'));
        assert.ok(!begin.test('```fz'));
        assert.ok(!begin.test('```flowzapper'));
    });

    test('the preview button sits in the editor title of FlowZap files only', () => {
        const [button] = manifest.contributes.menus['editor/title'];
        assert.deepEqual(button, { command: 'flowzap.openPreviewToSide', when: 'editorLangId == flowzap', group: 'navigation' });
    });
});
