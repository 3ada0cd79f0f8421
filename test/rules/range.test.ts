import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from '../../rules/range.js';
import { Random } from '../../src/util/random.js';
import { csvText, runRule } from '../fixtures.js';

function rows(count: number, seed: number): (string | number)[][] {
  const random = new Random(seed);
  return Array.from({ length: count }, () => [random.int(60) + 20, Math.round(random.next() * 1000), random.int(2)]);
}

test('fires high on values outside a semantic domain (an age of 999)', async () => {
  const data = [...rows(500, 1), [999, 10, 1], [999, 20, 1]];
  const findings = await runRule(rule, csvText(['Age', 'spend', 'label'], data));
  const age = findings.find((f) => f.column === 'Age');
  assert.ok(age);
  assert.equal(age.severity, 'high');
  assert.deepEqual(age.rows, [500, 501]);
  assert.equal(age.value, 999);
});

test('uses configured constraints first', async () => {
  const findings = await runRule(rule, csvText(['Age', 'spend', 'label'], rows(300, 2)), undefined, {}, { constraints: { spend: { max: 500 } } });
  const spend = findings.find((f) => f.column === 'spend');
  assert.ok(spend && spend.severity === 'high' && spend.evidence.boundsSource === 'config');
});

test('flags values far outside the baseline range at medium', async () => {
  const data = [...rows(300, 3), ...Array.from({ length: 12 }, () => [40, 50000, 0])];
  const findings = await runRule(rule, csvText(['Age', 'spend', 'label'], data), csvText(['Age', 'spend', 'label'], rows(300, 4)));
  const spend = findings.find((f) => f.column === 'spend');
  assert.ok(spend && spend.severity === 'medium');
});

test('reports non-finite numbers', async () => {
  const findings = await runRule(rule, csvText(['Age', 'spend', 'label'], [...rows(100, 5), [30, '1e309', 0]]));
  assert.ok(findings.some((f) => f.column === 'spend' && f.evidence.nonFinite === 1));
});

test('stays quiet within the domain and the baseline range, and does not apply "age" to a column in months', async () => {
  assert.deepEqual(await runRule(rule, csvText(['Age', 'spend', 'label'], rows(300, 6)), csvText(['Age', 'spend', 'label'], rows(300, 7))), []);
  const months = rows(300, 8).map((row) => [Number(row[0]) * 12, row[1], row[2]]);
  const findings = await runRule(rule, csvText(['age_months', 'spend', 'label'], months));
  assert.deepEqual(findings.filter((f) => f.severity !== 'info'), []);
});
