import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';

import { toReshapeSettings } from '../../src/reshape';

describe('reshaping settings', () => {
    test('defaults when nothing is set', () => {
        assert.deepEqual(toReshapeSettings(() => undefined), {
            format: { indent: 2 },
            inlayHints: { labels: true, maxLength: 24 },
            codeLens: false,
        });
    });

    test('values passed through, wrong types fall back to the defaults', () => {
        const values: Record<string, unknown> = {
            'format.indent': 0,
            'inlayHints.labels': false,
            'inlayHints.maxLength': 10,
            codeLens: true,
        };
        assert.deepEqual(toReshapeSettings((key) => values[key]), {
            format: { indent: 0 },
            inlayHints: { labels: false, maxLength: 10 },
            codeLens: true,
        });
        const wrong: Record<string, unknown> = { 'format.indent': -1, 'inlayHints.maxLength': 'long', codeLens: 'yes' };
        assert.deepEqual(toReshapeSettings((key) => wrong[key]), {
            format: { indent: 2 },
            inlayHints: { labels: true, maxLength: 24 },
            codeLens: false,
        });
    });
});
