import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from '../../rules/conflicting-labels.js';
import { csvText, runRule } from '../fixtures.js';

const rows = Array.from({ length: 100 }, (_, i) => [i * 2.5, i % 7, i % 2]);

test('fires on identical features with different labels and names the minority rows', async () => {
  const conflicting = [...rows, [7.5, 3, 0], [7.5, 3, 0]];
  const findings = await runRule(rule, csvText(['a', 'b', 'label'], conflicting));
  assert.equal(findings.length, 1);
  assert.deepEqual(findings[0].rows, [3], 'row 3 (label 1) disagrees with its two copies (label 0)');
  assert.equal(findings[0].count, 3);
});

test('stays quiet when equal features agree on the label', async () => {
  assert.deepEqual(await runRule(rule, csvText(['a', 'b', 'label'], [...rows, [7.5, 3, 1]])), []);
});
