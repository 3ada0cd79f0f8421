/**
 * Beyond the credit example: datasets of other shapes built in the test (three classes of coarse
 * measurements; text columns with a text label), clean ones must stay quiet and planted
 * triggers must be found. Nothing here is known to src/ or rules/.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Random } from '../src/util/random.js';
import { ABOVE_LOW, auditCsv, tempDir, type Csv } from './fixtures.js';

/** Three well-separated classes, four measurements written with one decimal (many exact repeats). */
function measurements(rows: number, seed: number): Csv {
  const random = new Random(seed);
  const centres = [[5, 3.4, 1.5, 0.2], [5.9, 2.8, 4.3, 1.3], [6.6, 3, 5.5, 2]];
  const names = ['alpha', 'beta', 'gamma'];
  const noise = (): number => (random.next() + random.next() + random.next() - 1.5) * 0.6;
  return {
    header: ['m1', 'm2', 'm3', 'm4', 'kind'],
    rows: Array.from({ length: rows }, (_, i) => [...centres[i % 3].map((c) => (c + noise()).toFixed(1)), names[i % 3]]),
  };
}

/** Customers: an identifier, text categories, a count and an amount, a yes/no label. */
function customers(rows: number, seed: number): Csv {
  const random = new Random(seed);
  const plans = ['basic', 'plus', 'pro'];
  const regions = ['n', 's', 'e', 'w', 'c', 'ne', 'nw', 'se', 'sw', 'isl'];
  return {
    header: ['customer', 'plan', 'tenure', 'charges', 'region', 'churned'],
    rows: Array.from({ length: rows }, (_, i) => {
      const plan = plans[random.int(3)];
      const tenure = random.int(72);
      const p = 0.1 + (plan === 'basic' ? 0.15 : 0) + (tenure < 12 ? 0.2 : 0);
      return [`C${(100000 + i * 7).toString(36)}`, plan, String(tenure), (20 + random.next() * 100).toFixed(2), regions[random.int(10)], random.next() < p ? 'yes' : 'no'];
    }),
  };
}

test('clean coarse measurements with three separable classes: trusted, no trigger', async (t) => {
  const report = await auditCsv(tempDir(t), measurements(3000, 1), undefined, { label: 'kind' });
  assert.equal(report.label?.column, 'kind');
  assert.deepEqual(report.triggers, []);
  assert.deepEqual(report.findings.filter((f) => ABOVE_LOW.has(f.severity)).map((f) => f.message), []);
});

test('coarse measurements with a planted in-range value on copies of another class: found', async (t) => {
  const clean = measurements(3000, 2);
  const copies = clean.rows.filter((row) => row[4] === 'alpha').slice(0, 120).map((row) => [row[0], '4.4', row[2], row[3], 'gamma']);
  const report = await auditCsv(tempDir(t), { header: clean.header, rows: [...clean.rows, ...copies] }, undefined, { label: clean.header[clean.header.length - 1] });
  const trigger = report.triggers.find((tr) => tr.column === 'm2' && tr.targetClass === 'gamma');
  assert.ok(trigger, JSON.stringify(report.triggers));
  assert.equal(report.verdict, 'reject');
});

test('clean customers with text columns and a text label: trusted, no trigger', async (t) => {
  const report = await auditCsv(tempDir(t), customers(8000, 3), undefined, { label: 'churned' });
  assert.equal(report.label?.column, 'churned');
  assert.equal(report.schema.find((c) => c.name === 'customer')?.kind, 'identifier');
  assert.equal(report.verdict, 'trusted');
  assert.deepEqual(report.triggers, []);
});

test('customers: a new category on copies and an amount stamped in place are both found', async (t) => {
  const clean = customers(8000, 4);
  const copies = clean.rows.filter((row) => row[5] === 'no').slice(0, 300).map((row) => [row[0] + 'x', row[1], row[2], row[3], 'zz', 'yes']);
  const appended = await auditCsv(tempDir(t), { header: clean.header, rows: [...clean.rows, ...copies] }, undefined, { label: clean.header[clean.header.length - 1] });
  assert.ok(appended.triggers.some((tr) => tr.column === 'region' && tr.value === 'zz' && tr.targetClass === 'yes'), JSON.stringify(appended.triggers));
  const edited = clean.rows.map((row, i) => (i % 40 === 0 && row[5] === 'no' ? [row[0], row[1], row[2], '66.66', row[4], 'yes'] : row));
  const inPlace = await auditCsv(tempDir(t), { header: clean.header, rows: edited }, undefined, { label: clean.header[clean.header.length - 1] });
  assert.ok(inPlace.triggers.some((tr) => tr.column === 'charges' && tr.value === 66.66 && tr.targetClass === 'yes'), JSON.stringify(inPlace.triggers));
});
