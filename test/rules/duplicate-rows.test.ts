import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from '../../rules/duplicate-rows.js';
import { csvText, runRule } from '../fixtures.js';

const rows = Array.from({ length: 200 }, (_, i) => [i + 1, i * 2.5, (i * 13) % 7, i % 2]);

test('fires on exact copies of one class (identifier ignored) and reports the later occurrences', async () => {
  const copies = rows.filter((row) => row[3] === 1).slice(0, 10).map((row) => [1000 + Number(row[0]), row[1], row[2], row[3]]);
  const findings = await runRule(rule, csvText(['id', 'a', 'b', 'label'], [...rows, ...copies]));
  const duplicates = findings.find((f) => f.column === null);
  assert.ok(duplicates);
  assert.deepEqual(duplicates.rows, Array.from({ length: 10 }, (_, i) => 200 + i));
  assert.equal(duplicates.severity, 'medium');
});

test('copies spread over the classes like the data itself (coarse measurements) stay low', async () => {
  const copies = rows.slice(0, 10).map((row) => [1000 + Number(row[0]), row[1], row[2], row[3]]);
  const findings = await runRule(rule, csvText(['id', 'a', 'b', 'label'], [...rows, ...copies]));
  assert.equal(findings.find((f) => f.column === null)?.severity, 'low');
});

test('fires on a repeated identifier', async () => {
  const repeated = [...rows, [5, 99, 3, 0]];
  const findings = await runRule(rule, csvText(['id', 'a', 'b', 'label'], repeated));
  const ids = findings.find((f) => f.column === 'id');
  assert.ok(ids);
  assert.deepEqual(ids.rows, [200]);
});

test('stays quiet on distinct records', async () => {
  assert.deepEqual(await runRule(rule, csvText(['id', 'a', 'b', 'label'], rows)), []);
});
