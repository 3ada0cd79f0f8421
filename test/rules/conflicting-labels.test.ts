import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import rule from '../../rules/conflicting-labels.js';
import { loadTable } from '../../src/load/load-table.js';
import { inferSchema } from '../../src/schema/schema.js';
import { DatasetIndexes } from '../../src/engine/indexes.js';
import { ROOT, csvText, runRule, runRuleOn } from '../fixtures.js';

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

// Issue 13: natural conflicts are common when features are coarse; without a baseline there is no
// telling them from flipped copies, so they are low; a baseline tells what is natural.
test('coarse features with many natural conflicts (real blood-donation records): low, saying why', async () => {
  const table = await loadTable(path.join(ROOT, 'test/fixtures/realworld-samples/transfusion.csv.gz'));
  const schema = inferSchema(table, { label: 'whether he/she donated blood in March 2007', labelSource: 'option' });
  const run = runRuleOn(rule, { table, schema, indexes: new DatasetIndexes(table, schema) }, null);
  assert.deepEqual(run.findings.map((f) => f.severity), ['low']);
  assert.match(run.findings[0].message, /coarse/);
});

const flipped = (from: number, count: number) => rows.slice(from, from + count).map((row) => [row[0], row[1], 1 - Number(row[2])]);

test('without a baseline even many conflicts are low', async () => {
  const findings = await runRule(rule, csvText(['a', 'b', 'label'], [...rows, ...flipped(0, 10)]));
  assert.deepEqual(findings.map((f) => f.severity), ['low']);
});

test('with a baseline: medium when the conflict share is significantly and at least twice the baseline share', async () => {
  const findings = await runRule(rule, csvText(['a', 'b', 'label'], [...rows, ...flipped(0, 10)]), csvText(['a', 'b', 'label'], [...rows, ...flipped(50, 1)]));
  assert.deepEqual(findings.map((f) => f.severity), ['medium'], findings.map((f) => f.message).join('\n'));
  assert.equal(findings[0].evidence.baselineShare, 0.0198);
});

test('with a baseline that has as many conflicts: low', async () => {
  const findings = await runRule(rule, csvText(['a', 'b', 'label'], [...rows, ...flipped(0, 10)]), csvText(['a', 'b', 'label'], [...rows, ...flipped(40, 9)]));
  assert.deepEqual(findings.map((f) => f.severity), ['low']);
});
