import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import rule from '../../rules/duplicate-rows.js';
import { Random } from '../../src/util/random.js';
import { loadTable } from '../../src/load/load-table.js';
import { inferSchema } from '../../src/schema/schema.js';
import { DatasetIndexes } from '../../src/engine/indexes.js';
import type { Dataset } from '../../src/engine/dataset.js';
import { ROOT, corpusHalves, csvText, datasetFromCsv, runRule, runRuleOn } from '../fixtures.js';

const rows = Array.from({ length: 200 }, (_, i) => [i + 1, i * 2.5, (i * 13) % 7, i % 2]);

/** A clean real file from test/fixtures/realworld-samples (provenance in its README). */
async function sample(file: string, label: string): Promise<Dataset> {
  const table = await loadTable(path.join(ROOT, 'test/fixtures/realworld-samples', file));
  const schema = inferSchema(table, { label, labelSource: 'option' });
  return { table, schema, indexes: new DatasetIndexes(table, schema) };
}

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

// Issue 13: exact duplicates in clean real data rise above low only beyond what the data explain.
test('a few natural duplicates, all of one class, in continuous measurements (real banknote data): low', async () => {
  const run = runRuleOn(rule, await sample('banknote.csv.gz', 'class'), null);
  assert.deepEqual(run.findings.map((f) => f.severity), ['low'], JSON.stringify(run.findings.map((f) => f.message)));
});

test('steady sensor readings repeating exactly in the class whose readings are steady (real occupancy data): low', async () => {
  const run = runRuleOn(rule, await sample('occupancy-head-2500.csv.gz', 'Occupancy'), null);
  const duplicates = run.findings.find((f) => f.column === null);
  assert.equal(duplicates?.severity, 'low', duplicates?.message);
});

test('with a baseline: medium when the duplicate share is significantly and at least twice the baseline share', async () => {
  const copies = rows.slice(0, 20).map((row) => [1000 + Number(row[0]), row[1], row[2], row[3]]);
  const findings = await runRule(rule, csvText(['id', 'a', 'b', 'label'], [...rows, ...copies]), csvText(['id', 'a', 'b', 'label'], rows));
  const duplicates = findings.find((f) => f.column === null);
  assert.equal(duplicates?.severity, 'medium', duplicates?.message);
  assert.equal(duplicates?.evidence.baselineShare, 0);
});

test('with a baseline that has as many duplicates of the same class: low', async () => {
  const copies = (from: number) => rows.filter((row) => row[3] === 1).slice(from, from + 10).map((row) => [1000 + Number(row[0]), row[1], row[2], row[3]]);
  const findings = await runRule(rule, csvText(['id', 'a', 'b', 'label'], [...rows, ...copies(0)]), csvText(['id', 'a', 'b', 'label'], [...rows, ...copies(20)]));
  assert.equal(findings.find((f) => f.column === null)?.severity, 'low');
});

test('a candidate three times the size of its baseline: chance collisions grow with the rows, not an excess', async () => {
  const random = new Random(3);
  const coarse = (count: number) => Array.from({ length: count }, () => [random.int(30), random.int(30), random.int(30), random.int(2)]);
  const header = ['a', 'b', 'c', 'label'];
  const findings = await runRule(rule, csvText(header, coarse(6000)), csvText(header, coarse(2000)));
  const duplicates = findings.find((f) => f.column === null);
  assert.ok(duplicates);
  assert.equal(duplicates.severity, 'low', duplicates.message);
});

// Issue 13: the records of one duplicate group share a label, so a natural heap is one piece of
// evidence about the classes, not one per repeat. Same class, same number of repeats: heaps of a
// few coarse records stay low, copies of many distinct records are medium.
test('without a baseline: a few records repeated many times in one class (natural heaps) stay low; as many copies of distinct records are medium', async () => {
  const ofClass1 = rows.filter((row) => row[3] === 1);
  const heaps = ofClass1.slice(0, 3).flatMap((row) => Array.from({ length: 10 }, (_, i) => [2000 + 10 * Number(row[0]) + i, row[1], row[2], row[3]]));
  const copies = ofClass1.slice(0, 30).map((row) => [2000 + Number(row[0]), row[1], row[2], row[3]]);
  const severity = async (extra: (string | number)[][]) => (await runRule(rule, csvText(['id', 'a', 'b', 'label'], [...rows, ...extra]))).find((f) => f.column === null);
  const heaped = await severity(heaps);
  const copied = await severity(copies);
  assert.equal(heaped?.evidence.classDuplicates, copied?.evidence.classDuplicates, 'both put 30 repeats in class 1');
  assert.equal(heaped?.severity, 'low', heaped?.message);
  assert.equal(copied?.severity, 'medium', copied?.message);
});

test('a random half of the real transfusion data (coarse counts, heaps of up to 15 identical non-donors) is low for every split', async () => {
  for (const seed of [1, 101, 104]) {
    const { label, halves } = await corpusHalves('transfusion.csv', seed);
    const duplicates = runRuleOn(rule, await datasetFromCsv(halves[0], { label, labelSource: 'option' }), null).findings.find((f) => f.column === null);
    assert.equal(duplicates?.severity, 'low', `split ${seed}: ${duplicates?.message}`);
  }
});
