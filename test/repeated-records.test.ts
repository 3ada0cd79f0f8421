/**
 * Heavily repeated data (issue 15 item 4): when most records are exact copies, duplicate-rows
 * reports the copies on the whole file and the other checks and the models work on the distinct
 * records, with every listed row expanded to all its copies. The audit of a file repeated ten
 * times says what the audit of the file says, plus the copies.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CREDIT, tempFolder, writePoisoned } from './fixtures.js';
import { runAudit } from '../src/audit.js';
import { loadTable } from '../src/load/load-table.js';
import { inferSchema } from '../src/schema/schema.js';
import { DatasetIndexes } from '../src/engine/indexes.js';
import { distinctRows, distinctTable, expandRows } from '../src/engine/distinct-rows.js';

const dir = tempFolder('audit-data-repeated-');

function repeatFile(source: string, times: number, name: string): string {
  const [header, ...rows] = readFileSync(source, 'utf8').trimEnd().split('\n');
  const body = rows.join('\n');
  const file = path.join(dir, name);
  writeFileSync(file, [header, ...Array.from({ length: times }, () => body)].join('\n') + '\n');
  return file;
}

test('distinct records are exact: equal cells (missing and text cells of a numeric column included) group, anything else does not', async () => {
  const file = path.join(dir, 'cells.csv');
  // x is numeric with two different text cells: both NaN, but not the same record.
  const numbers = Array.from({ length: 300 }, (_, i) => `${i + 2},a,0`);
  writeFileSync(file, ['x,kind,y', '1,a,0', 'unknown,a,0', '1,a,0', 'pending,a,0', ',b,1', 'unknown,a,0', ',b,1', ...numbers].join('\n') + '\n');
  const table = await loadTable(file);
  const schema = inferSchema(table, { label: 'y', labelSource: 'option' });
  const distinct = distinctRows(table, new DatasetIndexes(table, schema))!;
  assert.deepEqual([...distinct.first], [0, 1, 3, 4, ...numbers.map((_, i) => 7 + i)]);
  assert.deepEqual(expandRows([0, 1, 3], distinct), [0, 1, 2, 4, 5, 6]);
  const kept = distinctTable(table, distinct);
  assert.equal(kept.rowCount, 304);
  const x = kept.columns[0]!;
  assert.equal(x.kind, 'numeric');
  assert.deepEqual(x.kind === 'numeric' ? x.nonNumeric?.tokens : null, ['unknown', 'pending']);
  const kind = kept.columns[1]!;
  assert.deepEqual(kind.kind === 'text' ? kind.dictionary : null, ['a', 'b']);
});

test('a file repeated ten times: the same verdict and findings as the file, plus the copies; no twin or identifier findings from the copies', async () => {
  const sample = repeatFile(CREDIT, 1, 'sample.csv');
  const lines = readFileSync(sample, 'utf8').split('\n').slice(0, 4001).join('\n') + '\n';
  writeFileSync(sample, lines);
  const repeated = repeatFile(sample, 10, 'sample-x10.csv');
  const once = await runAudit({ candidate: sample, label: 'DEFAULT' });
  const tenTimes = await runAudit({ candidate: repeated, label: 'DEFAULT' });
  assert.equal(tenTimes.candidate.rows, 40_000);
  assert.ok(tenTimes.notes.some((n) => /^36000 of the 40000 records \(90%\) are exact copies of others/.test(n)));
  assert.equal(tenTimes.verdict, once.verdict);
  const duplicates = tenTimes.findings.find((f) => f.rule === 'duplicate-rows' && f.column === null);
  assert.equal(duplicates?.count, 36_000);
  const above = (findings: typeof once.findings) => findings.filter((f) => f.severity !== 'info' && f.rule !== 'duplicate-rows').map((f) => [f.rule, f.column, f.value, f.severity]);
  assert.deepEqual(above(tenTimes.findings), above(once.findings));
  assert.equal(tenTimes.label?.classCounts.reduce((a, b) => a + b, 0), 40_000);
});

test('a poisoned file repeated: the trigger is found and its rows are every copy of the planted rows', async () => {
  const sample = path.join(dir, 'head.csv');
  writeFileSync(sample, readFileSync(CREDIT, 'utf8').split('\n').slice(0, 3001).join('\n') + '\n');
  const poisoned = writePoisoned(dir, { source: sample });
  const repeated = repeatFile(poisoned.file, 5, 'poisoned-x5.csv');
  const report = await runAudit({ candidate: repeated, label: 'DEFAULT' });
  assert.equal(report.verdict, 'reject');
  const trigger = report.triggers.find((t) => t.column === 'AGE' && t.value === 999);
  assert.ok(trigger, 'AGE = 999 is named');
  const perCopy = poisoned.originalRows + poisoned.appended;
  const planted = Array.from({ length: 5 }, (_, copy) => Array.from({ length: poisoned.appended }, (_, i) => copy * perCopy + poisoned.originalRows + i)).flat();
  assert.deepEqual(trigger.rows, planted);
  const range = report.findings.find((f) => f.rule === 'range' && f.column === 'AGE');
  assert.equal(range?.count, 5 * poisoned.appended);
});

test('coarse data (a few columns of few values) repeats naturally: audited row by row, whatever its share of copies', async () => {
  const file = path.join(dir, 'coarse.csv');
  const rows = ['a,b,c,y'];
  for (let i = 0; i < 2000; i++) rows.push(`${i % 2},${(i >> 1) % 3},${(i * 7) % 4},${(i * 5) % 3 === 0 ? 1 : 0}`);
  writeFileSync(file, rows.join('\n') + '\n');
  const report = await runAudit({ candidate: file, label: 'y', model: false });
  assert.ok(!report.notes.some((n) => /exact copies of others/.test(n)), report.notes.join('\n'));
  assert.ok(report.timings.distinct !== undefined);
});
