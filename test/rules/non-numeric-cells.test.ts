import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from '../../rules/non-numeric-cells.js';
import missingValues from '../../rules/missing-values.js';
import { csvText, runRule } from '../fixtures.js';

/** 400 rows: a numeric column `x`, a label alternating 0/1; `text` puts tokens in chosen rows. */
function table(text: Record<number, string>, label: (row: number) => number = (row) => row % 2): string {
  const rows: (string | number)[][] = [];
  for (let row = 0; row < 400; row++) rows.push([text[row] ?? 10 + (row % 37), label(row)]);
  return csvText(['x', 'label'], rows);
}

test('the text cells of a numeric column: their rows and tokens, low when few and spread over the classes', async () => {
  const findings = await runRule(rule, table({ 5: 'unknown', 88: 'n/k', 201: 'unknown' }));
  assert.equal(findings.length, 1);
  const [finding] = findings;
  assert.equal(finding.column, 'x');
  assert.equal(finding.severity, 'low');
  assert.deepEqual(finding.rows, [5, 88, 201]);
  assert.equal(finding.value, 'unknown');
  assert.equal(finding.count, 3);
  assert.deepEqual(finding.evidence.tokens, [{ value: 'unknown', count: 2 }, { value: 'n/k', count: 1 }]);
  assert.match(finding.message, /3 cells of x are not numbers \(0\.8% of its values\): 'unknown' \(2\), 'n\/k' \(1\)/);
});

test('medium when the text cells sit in one class', async () => {
  const text: Record<number, string> = {};
  for (let row = 1; row < 400; row += 40) text[row] = 'x'; // odd rows: all label 1
  const [finding] = await runRule(rule, table(text));
  assert.equal(finding.severity, 'medium');
  assert.equal(finding.evidence.targetClass, '1');
});

test('medium when they are many (1% of the cells or more)', async () => {
  const text: Record<number, string> = {};
  for (let row = 0; row < 400; row += 25) text[row] = 'unknown'; // 16 cells, 4%, both classes
  const [finding] = await runRule(rule, table(text, (row) => Math.floor(row / 2) % 2));
  assert.equal(finding.severity, 'medium');
});

test('quiet on numbers only and on text columns; missing-values does not count text cells as missing', async () => {
  assert.deepEqual(await runRule(rule, table({})), []);
  assert.deepEqual(await runRule(rule, csvText(['c', 'label'], [['a', 0], ['b', 1], ['1', 0]])), []);
  const missing = await runRule(missingValues, table({ 5: 'unknown', 6: 'NA' }));
  assert.deepEqual(missing.map((f) => [f.column, f.count, f.rows]), [['x', 1, [6]]]);
});
