import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import rule from '../../rules/near-duplicates.js';
import { Random } from '../../src/util/random.js';
import { loadTable } from '../../src/load/load-table.js';
import { inferSchema } from '../../src/schema/schema.js';
import { DatasetIndexes } from '../../src/engine/indexes.js';
import type { Dataset } from '../../src/engine/dataset.js';
import { ROOT, csvText, runRule, runRuleOn } from '../fixtures.js';

function rows(count: number, seed: number): (string | number)[][] {
  const random = new Random(seed);
  return Array.from({ length: count }, () => [random.int(80) + 18, random.int(100000), random.int(5), random.next() < 0.3 ? 1 : 0]);
}

/** A clean real file from test/fixtures/realworld-samples (provenance in its README). */
async function sample(file: string, label: string): Promise<Dataset> {
  const table = await loadTable(path.join(ROOT, 'test/fixtures/realworld-samples', file));
  const schema = inferSchema(table, { label, labelSource: 'option' });
  return { table, schema, indexes: new DatasetIndexes(table, schema) };
}

const aboveInfo = (findings: { severity: string; message: string }[]): string[] => findings.filter((f) => f.severity !== 'info').map((f) => f.message);

test('fires on copies that differ from their originals in one column, always by the same value', async () => {
  const data = rows(1000, 1);
  const copies = data.filter((row) => row[3] === 1).slice(0, 60).map((row) => [777, row[1], row[2], row[3]]);
  const findings = await runRule(rule, csvText(['age', 'amount', 'code', 'label'], [...data, ...copies]));
  const cluster = findings.find((f) => f.severity === 'high');
  assert.ok(cluster, JSON.stringify(findings));
  assert.equal(cluster.column, 'age');
  assert.equal(cluster.value, 777);
  assert.equal(cluster.evidence.targetClass, '1');
  assert.deepEqual(cluster.rows, Array.from({ length: 60 }, (_, i) => 1000 + i), 'the copies, not the originals');
});

test('counts copies whose label was changed too', async () => {
  const data = rows(1000, 2);
  const copies = data.slice(0, 40).map((row) => [777, row[1], row[2], 1 - Number(row[3])]);
  const findings = await runRule(rule, csvText(['age', 'amount', 'code', 'label'], [...data, ...copies]));
  const cluster = findings.find((f) => f.severity === 'high');
  assert.ok(cluster);
  assert.equal(cluster.evidence.dirtyLabelTwins, 40);
});

test('stays quiet when rows are merely similar', async () => {
  const findings = await runRule(rule, csvText(['age', 'amount', 'code', 'label'], rows(1000, 3)));
  assert.deepEqual(findings.filter((f) => f.severity !== 'info'), []);
});

// Issue 13: in tables of low-cardinality columns, rows that differ in one column are natural, and
// in a two-valued column every twin pair holds one row of each value (the rarer value has the
// higher share of twins, by arithmetic alone).
test('tables of binary and ternary columns (a real chess endgame table): no finding above info', async () => {
  const run = runRuleOn(rule, await sample('kr-vs-kp.csv.gz', 'class'), null);
  assert.deepEqual(aboveInfo(run.findings), []);
});

test('a small table of Boolean columns with natural repeats (a real zoo table): no finding above info', async () => {
  const run = runRuleOn(rule, await sample('zoo.csv.gz', 'type'), null);
  assert.deepEqual(aboveInfo(run.findings), []);
});

test('steady sensor readings that differ in one reading (real occupancy data, night hours): no finding above info', async () => {
  const run = runRuleOn(rule, await sample('occupancy-head-2500.csv.gz', 'Occupancy'), null);
  assert.deepEqual(aboveInfo(run.findings), []);
});

/** A medium-size table of mixed columns (two low-cardinality categories, a count, an amount). */
function medium(count: number, seed: number): (string | number)[][] {
  const random = new Random(seed);
  const plans = ['a', 'b', 'c', 'd'];
  return Array.from({ length: count }, () => {
    const plan = plans[random.int(4)];
    const region = random.next() < 0.005 ? 'r9' : `r${random.int(3)}`;
    const years = random.int(40);
    const amount = random.int(2000) * 5;
    const p = 0.15 + (plan === 'a' ? 0.2 : 0) + (years < 5 ? 0.15 : 0);
    return [plan, region, years, amount, random.next() < p ? 'yes' : 'no'];
  });
}
const MEDIUM_HEADER = ['plan', 'region', 'years', 'amount', 'label'];

test('copies of 5% of one class with a new value in a low-cardinality column of a medium table: high', async () => {
  const data = medium(6000, 4);
  const target = data.filter((row) => row[4] === 'yes');
  const copies = target.filter((_, i) => i % 20 === 0).map((row) => ['zz', ...row.slice(1)]);
  const findings = await runRule(rule, csvText(MEDIUM_HEADER, [...data, ...copies]));
  const high = findings.filter((f) => f.severity === 'high');
  assert.equal(high.length, 1, JSON.stringify(aboveInfo(findings)));
  assert.deepEqual([high[0].column, high[0].value, high[0].evidence.targetClass], ['plan', 'zz', 'yes']);
  assert.equal(high[0].rows.length, copies.length);
});

test('copies of a whole class with a new value (a fifth of the table) are still found: the odds, not the share, of the twins', async () => {
  const data = medium(6000, 10);
  const copies = data.filter((row) => row[4] === 'yes').map((row) => ['zz', ...row.slice(1)]);
  const findings = await runRule(rule, csvText(MEDIUM_HEADER, [...data, ...copies]));
  const high = findings.filter((f) => f.severity === 'high');
  assert.deepEqual(high.map((f) => [f.column, f.value]), [['plan', 'zz']], JSON.stringify(aboveInfo(findings)));
  assert.equal(high[0].rows.length, copies.length);
});

test('copies of 5% of one class with a rare existing value in a low-cardinality column: high', async () => {
  const data = medium(6000, 5);
  const target = data.filter((row) => row[4] === 'yes' && row[1] !== 'r9');
  const copies = target.filter((_, i) => i % 20 === 0).map((row) => [row[0], 'r9', ...row.slice(2)]);
  const findings = await runRule(rule, csvText(MEDIUM_HEADER, [...data, ...copies]));
  const high = findings.filter((f) => f.severity === 'high');
  assert.equal(high.length, 1, JSON.stringify(aboveInfo(findings)));
  assert.deepEqual([high[0].column, high[0].value, high[0].evidence.targetClass], ['region', 'r9', 'yes']);
});

/**
 * Records entered twice, once with a placeholder status and once with the final one: a real
 * pattern that looks like planted copies (every placeholder row has a twin), present in the
 * baseline as strongly as in the candidate.
 */
function reentered(count: number, seed: number): (string | number)[][] {
  const random = new Random(seed);
  const out: (string | number)[][] = [];
  for (let i = 0; i < count; i++) {
    const row = [`s${random.int(6)}`, random.int(60), random.int(5000), random.next() < 0.3 ? 1 : 0];
    out.push(row);
    if (random.next() < 0.04) out.push(['pending', ...row.slice(1)]);
  }
  return out;
}

test('a pattern the baseline shows as strongly does not fire; without the baseline it does', async () => {
  const header = ['status', 'age', 'amount', 'label'];
  const candidate = csvText(header, reentered(3000, 6));
  const alone = await runRule(rule, candidate);
  assert.ok(alone.some((f) => f.severity === 'high' && f.value === 'pending'), JSON.stringify(aboveInfo(alone)));
  const withBaseline = await runRule(rule, candidate, csvText(header, reentered(3000, 7)));
  assert.deepEqual(aboveInfo(withBaseline), []);
});

test('the baseline does not excuse a value it holds without the pattern', async () => {
  const header = ['status', 'age', 'amount', 'label'];
  const random = new Random(8);
  const clean = (count: number): (string | number)[][] =>
    Array.from({ length: count }, () => [random.next() < 0.005 ? 'pending' : `s${random.int(6)}`, random.int(60), random.int(5000), random.next() < 0.3 ? 1 : 0]);
  const data = clean(3000);
  const copies = data.filter((row) => row[3] === 1 && row[0] !== 'pending').slice(0, 60).map((row) => ['pending', ...row.slice(1)]);
  const findings = await runRule(rule, csvText(header, [...data, ...copies]), csvText(header, clean(3000)));
  const high = findings.filter((f) => f.severity === 'high');
  assert.deepEqual(high.map((f) => [f.column, f.value]), [['status', 'pending']], JSON.stringify(aboveInfo(findings)));
  assert.equal(high[0].evidence.baselineTwinShare, 0);
});

// Copies of one class's rows with an impossible score: the originals are twins too, and since the
// class goes with a few scores their twin counts crowd those scores. Before, that crowding was
// read as the column's natural overdispersion and excused the copies (info); the originals are now
// left out of the dispersion of the value they twin with.
test('copies with an impossible score of a class that goes with a few scores (10% of the rows): high', async () => {
  const random = new Random(8);
  const data: (string | number)[][] = [];
  for (let i = 0; i < 400; i++) {
    const grade = random.int(20);
    data.push([grade, random.int(100000), random.int(100000), grade >= 9 && grade <= 11 ? 'mid' : grade < 9 ? 'low' : 'high']);
  }
  const copies = data.filter((row) => row[3] === 'mid').slice(0, 40).map((row) => [49, row[1], row[2], row[3]]);
  const findings = await runRule(rule, csvText(['grade', 'a', 'b', 'y'], [...data, ...copies]), undefined, { label: 'y' });
  const high = findings.filter((f) => f.severity === 'high');
  assert.deepEqual(high.map((f) => [f.column, f.value, f.evidence.targetClass]), [['grade', 49, 'mid']], JSON.stringify(aboveInfo(findings)));
  assert.equal(high[0].rows.length, copies.length);
});
