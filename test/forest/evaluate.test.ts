import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accuracy, confusion, perClassRecall, stratifiedSplit } from '../../src/forest/index.js';

test('stratifiedSplit keeps the class mix, is disjoint, sorted, deterministic, and skips unknown labels', () => {
  const labels = Int32Array.from({ length: 1000 }, (_, i) => (i % 10 === 0 ? -1 : i % 4 === 0 ? 1 : 0));
  const { train, test: held } = stratifiedSplit(labels, 0.2, 5);
  const labelled = labels.filter((l) => l >= 0).length;
  assert.equal(train.length + held.length, labelled);
  assert.equal(new Set([...train, ...held]).size, labelled);
  for (const list of [train, held]) {
    for (let i = 1; i < list.length; i++) assert.ok(list[i] > list[i - 1]);
    for (const row of list) assert.notEqual(labels[row], -1);
  }
  const share = (rows: Uint32Array) => rows.filter((r) => labels[r] === 1).length / rows.length;
  assert.ok(Math.abs(share(held) - share(train)) < 0.01);
  assert.deepEqual(stratifiedSplit(labels, 0.2, 5), { train, test: held });
  assert.notDeepEqual(stratifiedSplit(labels, 0.2, 6).test, held);
});

test('stratifiedSplit within a subset keeps one training row per class', () => {
  const labels = Int32Array.from([0, 0, 1, 1, 1, 2]);
  const { train, test: held } = stratifiedSplit(labels, 0.5, 1, Uint32Array.from([0, 1, 2, 5]));
  assert.deepEqual([...train, ...held].sort(), [0, 1, 2, 5]);
  assert.ok(train.includes(2) && train.includes(5), 'a class of one row stays in training');
});

test('accuracy, confusion and per-class recall', () => {
  const labels = Int32Array.from([0, 0, 1, 1, 1, -1]);
  const rows = Uint32Array.from([0, 1, 2, 3, 4, 5]);
  const predicted = Int32Array.from([0, 1, 1, 1, 0, 1]);
  assert.equal(accuracy(labels, rows, predicted), 3 / 5);
  assert.deepEqual(confusion(labels, rows, predicted, 2), [
    [1, 1],
    [1, 2],
  ]);
  assert.deepEqual(Array.from(perClassRecall(labels, rows, predicted, 3)), [0.5, 2 / 3, NaN]);
  assert.ok(Number.isNaN(accuracy(labels, Uint32Array.from([5]), Int32Array.from([0]))));
  assert.throws(() => accuracy(labels, rows, Int32Array.from([0])), RangeError);
});
