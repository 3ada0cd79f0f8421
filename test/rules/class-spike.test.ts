import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from '../../rules/class-spike.js';
import { Random } from '../../src/util/random.js';
import { csvText, runRule } from '../fixtures.js';

/** A smooth numeric column x with a label that depends weakly on it. */
function rows(count: number, seed: number): (string | number)[][] {
  const random = new Random(seed);
  return Array.from({ length: count }, () => {
    const x = Math.round(1000 + random.next() * 9000);
    const y = random.next() < 0.2 + x / 50000 ? 1 : 0;
    return [x, Math.round(random.next() * 100), y];
  });
}

test('fires on a value stamped into many rows of one class', async () => {
  const data = rows(3000, 1);
  for (let i = 0; i < 80; i++) data.push([4321, Math.round(i % 100), 1]);
  const findings = await runRule(rule, csvText(['x', 'z', 'y'], data));
  const spike = findings.find((f) => f.column === 'x' && f.value === 4321);
  assert.ok(spike, JSON.stringify(findings.map((f) => f.message)));
  assert.equal(spike.evidence.targetClass, '1');
  assert.equal(spike.rows.length, 80);
  assert.equal(spike.severity, 'medium');
});

test('with a baseline, fires high on a value far more frequent in one class than the baseline', async () => {
  const base = rows(3000, 2);
  const data = rows(3000, 3);
  for (let i = 0; i < 40; i++) data[i] = [5000, data[i][1], 1];
  const findings = await runRule(rule, csvText(['x', 'z', 'y'], data), csvText(['x', 'z', 'y'], base));
  const spike = findings.find((f) => f.column === 'x' && f.value === 5000);
  assert.ok(spike);
  assert.equal(spike.severity, 'high');
});

test('stays quiet on clean data with natural round-number heaping', async () => {
  const data = rows(3000, 4).map((row, i) => (i % 10 === 0 ? [Math.round(Number(row[0]) / 1000) * 1000, row[1], row[2]] : row));
  const findings = await runRule(rule, csvText(['x', 'z', 'y'], data));
  assert.deepEqual(findings.filter((f) => f.severity !== 'info'), []);
});

test('stays quiet against a baseline drawn from the same distribution', async () => {
  const findings = await runRule(rule, csvText(['x', 'z', 'y'], rows(3000, 5)), csvText(['x', 'z', 'y'], rows(3000, 6)));
  assert.deepEqual(findings, []);
});
