import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from '../../rules/near-duplicates.js';
import { Random } from '../../src/util/random.js';
import { csvText, runRule } from '../fixtures.js';

function rows(count: number, seed: number): (string | number)[][] {
  const random = new Random(seed);
  return Array.from({ length: count }, () => [random.int(80) + 18, random.int(100000), random.int(5), random.next() < 0.3 ? 1 : 0]);
}

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
