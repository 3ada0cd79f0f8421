import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from '../../rules/constant-columns.js';
import { csvText, runRule } from '../fixtures.js';

test('fires on a constant column and on an empty one', async () => {
  const findings = await runRule(rule, csvText(['a', 'same', 'none', 'label'], [[1, 7, '', 0], [2, 7, '', 1], [3, 7, 'NA', 0]]));
  assert.deepEqual(findings.map((f) => [f.column, f.value]).sort(), [['none', null], ['same', 7]]);
});

test('stays quiet when every column varies', async () => {
  assert.deepEqual(await runRule(rule, csvText(['a', 'b', 'label'], [[1, 2, 0], [2, 3, 1]])), []);
});
