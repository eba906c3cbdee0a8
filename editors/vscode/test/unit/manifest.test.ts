import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { SEVERITIES } from '../../src/settings';

// out/test/unit/manifest.test.js -> the extension folder
const ROOT = path.resolve(__dirname, '..', '..', '..');
const read = (file: string): string => fs.readFileSync(path.join(ROOT, file), 'utf8');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const manifest = JSON.parse(read('package.json')) as any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const languageConfiguration = JSON.parse(read('language-configuration.json')) as any;

/** Every code of the diagnostic catalogue (shared/flowzap-language.md, section 2). */
const CODES = [
    'FZ001', 'FZ002', 'FZ003', 'FZ004', 'FZ005',
    'FZ101', 'FZ102', 'FZ103', 'FZ104', 'FZ105', 'FZ106',
    'FZ201', 'FZ202', 'FZ203', 'FZ204', 'FZ205', 'FZ206', 'FZ207', 'FZ208', 'FZ209', 'FZ210', 'FZ211', 'FZ212',
    'FZ301', 'FZ302', 'FZ303', 'FZ304',
    'FZ401', 'FZ402',
    'FZ501', 'FZ502', 'FZ503', 'FZ504', 'FZ505',
];

describe('package.json', () => {
    test('registers the flowzap language for *.fz', () => {
        const [language] = manifest.contributes.languages;
        assert.equal(language.id, 'flowzap');
        assert.deepEqual(language.extensions, ['.fz']);
        assert.equal(language.aliases[0], 'FlowZap Code');
        assert.equal(language.icon, undefined);
        assert.ok(fs.existsSync(path.join(ROOT, language.configuration)));
        // Fuzion also claims *.fz: the extension wakes up for it to give FlowZap-looking files back.
        assert.deepEqual(manifest.activationEvents, ['onLanguage:flowzap', 'onLanguage:fuzion']);
        assert.ok(!JSON.stringify(manifest.contributes).includes('source.fz"'), 'never claims source.fz');
    });

    test('points at the source.flowzap grammar', () => {
        const [grammar] = manifest.contributes.grammars;
        assert.equal(grammar.language, 'flowzap');
        assert.equal(grammar.scopeName, 'source.flowzap');
        assert.equal(JSON.parse(read(grammar.path)).scopeName, 'source.flowzap');
    });

    test('every contributed command is registered by the extension', () => {
        const source = ['src/extension.ts', 'src/preview.ts'].map(read).join('\n');
        const ids = manifest.contributes.commands.map((c: { command: string }) => c.command);
        assert.deepEqual(ids, [
            'flowzap.restartServer',
            'flowzap.showServerOutput',
            'flowzap.renumberNodes',
            'flowzap.openPreviewToSide',
            'flowzap.exportDiagram',
        ]);
        assert.equal(manifest.contributes.commands[0].category, 'FlowZap');
        assert.equal(manifest.contributes.commands[0].title, 'Restart Language Server');
        for (const id of ids) {
            assert.ok(source.includes(`registerCommand('${id}'`), `${id} is not registered`);
        }
    });

    test('settings mirror the server and the client', () => {
        const props = manifest.contributes.configuration.properties;
        assert.deepEqual(Object.keys(props).sort(), [
            'flowzap.codeLens',
            'flowzap.debounceMs',
            'flowzap.format.indent',
            'flowzap.inlayHints.labels',
            'flowzap.inlayHints.maxLength',
            'flowzap.server.args',
            'flowzap.server.importStrategy',
            'flowzap.server.path',
            'flowzap.server.python',
            'flowzap.severity',
            'flowzap.trace.server',
        ]);
        assert.equal(props['flowzap.debounceMs'].default, 150);
        assert.equal(props['flowzap.debounceMs'].minimum, 0);
        assert.deepEqual(props['flowzap.trace.server'].enum, ['off', 'messages', 'verbose']);
        const severity = props['flowzap.severity'];
        assert.deepEqual(Object.keys(severity.properties), CODES);
        for (const code of CODES) {
            assert.deepEqual(severity.properties[code].enum, [...SEVERITIES], code);
            assert.match(severity.properties[code].description, /\(default: (error|warning|info|off)\)\.$/, code);
        }
        assert.equal(severity.additionalProperties, false);
        assert.deepEqual(props['flowzap.server.importStrategy'].enum, ['useBundled', 'fromEnvironment']);
        assert.equal(props['flowzap.server.importStrategy'].default, 'useBundled');
        for (const key of ['flowzap.server.path', 'flowzap.server.args', 'flowzap.server.python', 'flowzap.server.importStrategy']) {
            assert.equal(props[key].scope, 'machine-overridable', key);
            assert.ok(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations.includes(key), key);
        }
    });

    test('the engine matches the language client and the types', () => {
        assert.equal(manifest.engines.vscode, '^1.82.0');
        assert.equal(manifest.dependencies['vscode-languageclient'], '9.0.1');
        assert.equal(manifest.devDependencies['@types/vscode'], '1.82.0');
    });
});

describe('language-configuration.json', () => {
    test('comments, brackets and auto-closing', () => {
        assert.deepEqual(languageConfiguration.comments, { lineComment: '//' });
        assert.deepEqual(languageConfiguration.brackets, [
            ['{', '}'],
            ['[', ']'],
            ['(', ')'],
        ]);
        const closing = languageConfiguration.autoClosingPairs.map((p: { open: string; close: string }) => p.open + p.close);
        assert.deepEqual(closing, ['{}', '[]', '()', '""']);
    });

    test('folds lanes', () => {
        const start = new RegExp(languageConfiguration.folding.markers.start);
        const end = new RegExp(languageConfiguration.folding.markers.end);
        for (const header of ['OrderService {', 'OrderService { # Order Service', '  n8nTrigger-x {', '支付服务 { # 支付']) {
            assert.ok(start.test(header), header);
        }
        for (const other of ['n1: circle label:"{"', 'n1.handle(right) -> n2.handle(left)', 'loop [a {] n1 n2', '# x {']) {
            assert.ok(!start.test(other), other);
        }
        assert.ok(end.test('}'));
        assert.ok(end.test('  }'));
    });

    test('words stop at dots and arrows, so Lane.n12 is selectable in parts', () => {
        const words = (text: string): string[] => text.match(new RegExp(languageConfiguration.wordPattern, 'gu')) ?? [];
        assert.deepEqual(words('Billing.n12.handle(top)'), ['Billing', 'n12', 'handle', 'top']);
        assert.deepEqual(words('n1.handle(right) -> my-lane.n2'), ['n1', 'handle', 'right', 'my-lane', 'n2']);
        assert.deepEqual(words('n1->n2'), ['n1', 'n2']);
        assert.deepEqual(words('label:"Last-Write-Wins 支付 💳"'), ['label', 'Last-Write-Wins', '支付', '💳']);
        assert.deepEqual(words('loop [x] n2 n3'), ['loop', 'x', 'n2', 'n3']);
    });
});

describe('.vscodeignore', () => {
    test('keeps sources, tests and dependencies out of the .vsix', () => {
        const lines = read('.vscodeignore').split('\n');
        for (const pattern of ['src/**', 'test/**', 'node_modules/**', 'out/**', '**/*.map', '.cache/**', 'scripts/**']) {
            assert.ok(lines.includes(pattern), pattern);
        }
        assert.ok(!lines.some((l) => l.startsWith('bundled/')), 'the bundled server goes into the .vsix');
    });
});
