import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from '../../rules/missing-values.js';
import { csvText, runRule } from '../fixtures.js';

test('fires per column with the missing count, never treating a missing token as 0', async () => {
  const findings = await runRule(rule, csvText(['a', 'b', 'label'], [[1, 'NA', 0], ['', 2, 1], [3, 'null', 0], [4, 5, 1]]));
  const b = findings.find((f) => f.column === 'b');
  assert.ok(b);
  assert.equal(b.count, 2);
  assert.deepEqual(b.rows, [0, 2]);
  assert.equal(b.severity, 'low');
  assert.deepEqual(findings.find((f) => f.column === 'a')?.rows, [1]);
});

test('stays quiet when nothing is missing (0 is a value)', async () => {
  assert.deepEqual(await runRule(rule, csvText(['a', 'label'], [[0, 0], [1, 1], [0, 1]])), []);
});
