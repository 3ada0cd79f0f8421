import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFeatures, trainForest } from '../../src/forest/index.js';
import { MISSING_CODE, type Table } from '../../src/table/table.js';

const table: Table = {
  rowCount: 4,
  columns: [
    { kind: 'numeric', name: 'amount', values: Float64Array.from([1.5, NaN, Infinity, -Infinity]), missingCount: 1 },
    { kind: 'text', name: 'city', codes: Uint32Array.from([0, 1, MISSING_CODE, 0]), dictionary: ['Oslo', 'Lima'], missingCount: 1 },
    { kind: 'text', name: '__proto__', codes: Uint32Array.from([0, 0, 0, 0]), dictionary: ['x'], missingCount: 0 },
  ],
};

test('numeric columns as they are (infinities clamped), text columns as their sorted rank with NaN for missing', () => {
  const { features, names } = buildFeatures(table, [1, 0, 2]);
  assert.deepEqual(names, ['city', 'amount', '__proto__']);
  // Oslo holds two rows, Lima one: Oslo ranks first, whatever row either first appears in.
  assert.deepEqual(Array.from(features[0]), [0, 1, NaN, 0]);
  assert.deepEqual(Array.from(features[1]), [1.5, NaN, Number.MAX_VALUE, -Number.MAX_VALUE]);
  assert.notEqual(features[1], (table.columns[0] as { values: Float64Array }).values, 'a copy, the table stays untouched');
  assert.throws(() => buildFeatures(table, [3]), RangeError);
});

test('a category decides the label: the forest isolates its code', () => {
  const n = 600;
  const codes = Uint32Array.from({ length: n }, (_, i) => i % 6);
  const wide: Table = { rowCount: n, columns: [{ kind: 'text', name: 'c', codes, dictionary: ['a', 'b', 'c', 'd', 'e', 'f'], missingCount: 0 }] };
  const { features } = buildFeatures(wide, [0]);
  const labels = Int32Array.from(codes, (code) => (code === 3 ? 1 : 0));
  const model = trainForest({ features, labels, classCount: 2 }, { trees: 3, seed: 1 });
  for (let code = 0; code < 6; code++) assert.equal(model.predictProbaVector([code])[1] > 0.5, code === 3);
});

test('a text feature does not depend on the order of the rows (the dictionary follows first appearance, the feature does not); rare values rank last', () => {
  // Rows b, c, a, a (forward) and a, a, c, b (backward): a is the most frequent, then b and c by name.
  const forward: Table = { rowCount: 4, columns: [{ kind: 'text', name: 'c', codes: Uint32Array.from([0, 1, 2, 2]), dictionary: ['b', 'c', 'a'], missingCount: 0 }] };
  const backward: Table = { rowCount: 4, columns: [{ kind: 'text', name: 'c', codes: Uint32Array.from([0, 0, 1, 2]), dictionary: ['a', 'c', 'b'], missingCount: 0 }] };
  assert.deepEqual(Array.from(buildFeatures(forward, [0]).features[0]), [1, 2, 0, 0]);
  assert.deepEqual(Array.from(buildFeatures(backward, [0]).features[0]).reverse(), [1, 2, 0, 0]);
});
