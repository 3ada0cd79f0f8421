import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binFeature, binOf, binTrainingSet } from '../../src/forest/binning.js';
import { sortedPresentIndices } from '../../src/util/radix.js';
import { Random } from '../../src/util/random.js';

function distinctBins(codes: Uint8Array, values: Float64Array, value: number): Set<number> {
  const bins = new Set<number>();
  values.forEach((v, i) => {
    if (v === value) bins.add(codes[i]);
  });
  return bins;
}

test('radix order equals a numeric sort, stable, missing values left out', () => {
  const random = new Random(3);
  const specials = [NaN, -0, 0, Number.MAX_VALUE, -Number.MAX_VALUE, 5e-324, -5e-324, 1e-300, -1e300, 42];
  for (const n of [0, 1, 7, 1000, 20000]) {
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const kind = random.int(4);
      values[i] = kind === 0 ? specials[random.int(specials.length)] : kind === 1 ? random.int(50) - 25 : (random.next() - 0.5) * 1e6;
    }
    const order = sortedPresentIndices(values);
    const expected = Array.from(values).filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
    assert.deepEqual(Array.from(order, (i) => values[i]), expected);
    for (let k = 1; k < order.length; k++) {
      if (values[order[k]] === values[order[k - 1]]) assert.ok(order[k] > order[k - 1], 'stable');
    }
  }
});

test('a column with few distinct values gets one bin per value', () => {
  const values = Float64Array.from([5, 1, 3, 3, NaN, 1, 5, 5]);
  const { bins, codes } = binFeature(values, 255);
  assert.equal(bins.valueBinCount, 3);
  assert.deepEqual(Array.from(codes), [2, 0, 1, 1, 3, 0, 2, 2]);
  // Edges are midpoints, and the last bin is open upwards.
  assert.deepEqual(Array.from(bins.upperEdges), [2, 4, Infinity]);
  assert.equal(binOf(1000, bins), 2, 'a value above the training range lands in the last bin');
  assert.equal(binOf(-1000, bins), 0);
  assert.equal(binOf(NaN, bins), 3);
});

test('with many distinct values, a heavy value keeps a bin of its own', () => {
  const random = new Random(9);
  const n = 30000;
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = Math.round(random.next() * 1e6);
  // 100 rows (1/300 of them, above 1/(2*255)) share one plausible in-range amount.
  for (let i = 0; i < 100; i++) values[i * 7] = 123456;
  const { bins, codes } = binFeature(values, 255);
  assert.ok(bins.valueBinCount <= 255);
  const [bin] = distinctBins(codes, values, 123456);
  for (let i = 0; i < n; i++) {
    if (values[i] !== 123456) assert.notEqual(codes[i], bin, `value ${values[i]} shares the heavy value's bin`);
  }
});

test('bins respect maxBins and every code agrees with binOf on the raw value', () => {
  const random = new Random(1);
  const values = new Float64Array(5000);
  for (let i = 0; i < values.length; i++) values[i] = random.next() < 0.1 ? NaN : random.next() < 0.3 ? 7 : random.next() * 100;
  for (const maxBins of [2, 16, 255]) {
    const { bins, codes } = binFeature(values, maxBins);
    assert.ok(bins.valueBinCount <= maxBins, `${bins.valueBinCount} bins for maxBins ${maxBins}`);
    values.forEach((v, i) => assert.equal(codes[i], binOf(v, bins)));
  }
});

test('many heavy values still fit in maxBins', () => {
  const values = new Float64Array(4000);
  for (let i = 0; i < values.length; i++) values[i] = i % 400; // 400 values of 10 rows each, all "heavy" for maxBins 255
  const { bins } = binFeature(values, 255);
  assert.ok(bins.valueBinCount <= 255);
});

test('infinite values bin with the extremes; an all-missing column has one bin', () => {
  const features = [Float64Array.from([Infinity, 1, 2, -Infinity]), Float64Array.from([NaN, NaN, NaN, NaN])];
  const binned = binTrainingSet(features, Int32Array.from([0, 1, 0, 1]), 2, Uint32Array.from([0, 1, 2, 3]), 255);
  assert.deepEqual(Array.from(binned.codes[0]), [3, 1, 2, 0]);
  assert.equal(binned.bins[1].valueBinCount, 1);
  assert.deepEqual(Array.from(binned.codes[1]), [1, 1, 1, 1]);
});
