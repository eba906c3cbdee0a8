import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { configurationAnswer, SettingProblem, toServerSettings } from '../../src/settings';

describe('toServerSettings', () => {
    test('defaults when nothing is set', () => {
        assert.deepEqual(toServerSettings(undefined, undefined), { debounceMs: 150, severity: {} });
    });

    test('passes valid values through', () => {
        const problems: SettingProblem[] = [];
        const settings = toServerSettings(0, { FZ501: 'off', FZ204: 'error', FZ503: 'hint' }, problems);
        assert.deepEqual(settings, { debounceMs: 0, severity: { FZ501: 'off', FZ204: 'error', FZ503: 'hint' } });
        assert.deepEqual(problems, []);
    });

    test('normalises case and whitespace of codes and levels', () => {
        const settings = toServerSettings(150, { ' fz302 ': 'Warning', FZ101: 'ERROR ' });
        assert.deepEqual(settings.severity, { FZ302: 'warning', FZ101: 'error' });
    });

    test('drops invalid entries and says why, keeping the valid ones', () => {
        const problems: SettingProblem[] = [];
        const settings = toServerSettings(150, { FZ501: 'loud', priority: 'off', FZ204: 'info', FZ205: 3 }, problems);
        assert.deepEqual(settings.severity, { FZ204: 'info' });
        assert.deepEqual(
            problems.map((p) => p.message),
            [
                'flowzap.severity.FZ501: "loud" is not one of off, hint, info, warning, error; ignored.',
                'flowzap.severity: "priority" is not a diagnostic code (codes look like FZ101); ignored.',
                'flowzap.severity.FZ205: 3 is not one of off, hint, info, warning, error; ignored.',
            ],
        );
    });

    test('rejects a severity that is not an object', () => {
        const problems: SettingProblem[] = [];
        assert.deepEqual(toServerSettings(150, ['FZ501'], problems).severity, {});
        assert.equal(problems.length, 1);
        assert.equal(problems[0]?.setting, 'flowzap.severity');
    });

    test('debounce: rounds, caps, and falls back on nonsense', () => {
        assert.equal(toServerSettings(12.6, {}).debounceMs, 13);
        assert.equal(toServerSettings(1e9, {}).debounceMs, 10000);
        const problems: SettingProblem[] = [];
        assert.equal(toServerSettings(-5, {}, problems).debounceMs, 150);
        assert.equal(toServerSettings('fast', {}, problems).debounceMs, 150);
        assert.equal(toServerSettings(Number.NaN, {}, problems).debounceMs, 150);
        assert.deepEqual(
            problems.map((p) => p.setting),
            ['flowzap.debounceMs', 'flowzap.debounceMs', 'flowzap.debounceMs'],
        );
    });
});

describe('configurationAnswer', () => {
    const settings = { debounceMs: 0, severity: { FZ501: 'off' as const } };

    test('answers the whole fz-lsp section', () => {
        assert.deepEqual(configurationAnswer('fz-lsp', settings), { handled: true, value: settings });
    });

    test('answers sub-sections', () => {
        assert.deepEqual(configurationAnswer('fz-lsp.debounceMs', settings), { handled: true, value: 0 });
        assert.deepEqual(configurationAnswer('fz-lsp.severity.FZ501', settings), { handled: true, value: 'off' });
        assert.deepEqual(configurationAnswer('fz-lsp.nothing', settings), { handled: true, value: null });
    });

    test('leaves other sections to VS Code', () => {
        assert.deepEqual(configurationAnswer('editor', settings), { handled: false });
        assert.deepEqual(configurationAnswer(undefined, settings), { handled: false });
        assert.deepEqual(configurationAnswer('fz-lspx', settings), { handled: false });
    });
});
