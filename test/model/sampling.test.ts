// Content order (src/model/sampling.ts) is the order of its definition: seeded rank, then the
// row's content key, then its position; the fast packed sort must give exactly that order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contentOrder, contentSample, contentSplit } from '../../src/model/sampling.js';
import { finalMix32 } from '../../src/util/search.js';
import { kthSmallest } from '../../src/util/select.js';
import { Random } from '../../src/util/random.js';

/** The definition, as a comparator sort (the seeded rank is computed the same way). */
function referenceOrder(rows: number[], keys: Float64Array, seed: number): number[] {
  const rank = (key: number) => finalMix32(Math.imul((key % 4294967296) ^ seed, 0x85ebca6b) ^ Math.imul(Math.floor(key / 4294967296) + seed, 0xc2b2ae35));
  return rows.slice().sort((a, b) => rank(keys[a]) - rank(keys[b]) || keys[a] - keys[b] || a - b);
}

test('content order equals the comparator definition, with many identical rows and rows in any order', () => {
  const random = new Random(11);
  for (const n of [1, 2, 50, 5000]) {
    // Few distinct keys: most rows are identical to others (equal ranks, ordered by position).
    const keys = Float64Array.from({ length: n }, () => random.int(Math.max(1, n >> 3)) * 2654435761 + 17);
    const rows = random.shuffle(Array.from({ length: n }, (_, i) => i)).slice(0, Math.ceil(n * 0.8));
    for (const seed of [0, 42, 0x7fffffff]) assert.deepEqual(Array.from(contentOrder(rows, keys, seed)), referenceOrder(rows, keys, seed), `n=${n} seed=${seed}`);
  }
});

test('a content sample is the first rows of that order, in ascending row order', () => {
  const random = new Random(3);
  const keys = Float64Array.from({ length: 1000 }, () => random.next() * 2 ** 52);
  const rows = Array.from({ length: 1000 }, (_, i) => i);
  const expected = referenceOrder(rows, keys, 5).slice(0, 100).sort((a, b) => a - b);
  assert.deepEqual(Array.from(contentSample(rows, 100, keys, 5)), expected);
});

test('a content sample of rows with many identical keys (ties at the cut) is still the first rows of that order', () => {
  const random = new Random(8);
  for (const n of [10, 777, 4000]) {
    const keys = Float64Array.from({ length: n }, () => random.int(Math.max(1, n >> 4)) * 2654435761 + 3);
    const rows = random.shuffle(Array.from({ length: n }, (_, i) => i)).slice(0, Math.ceil(n * 0.9));
    for (const count of [0, 1, 7, Math.floor(rows.length / 2), rows.length - 1]) {
      const expected = referenceOrder(rows, keys, 9).slice(0, count).sort((a, b) => a - b);
      assert.deepEqual(Array.from(contentSample(rows, count, keys, 9)), expected, `n=${n} count=${count}`);
    }
  }
});

test('kthSmallest is the k-th value of the sorted array, with duplicates', () => {
  const random = new Random(4);
  for (const n of [1, 2, 3, 10, 1000]) {
    const values = Float64Array.from({ length: n }, () => random.int(Math.max(1, n >> 2)));
    const sorted = values.slice().sort();
    for (const k of [0, n >> 1, n - 1]) assert.equal(kthSmallest(values.slice(), k), sorted[k], `n=${n} k=${k}`);
  }
});

test('a content split holds out, per class, the rows first in content order (all but one at most), with ties', () => {
  const random = new Random(12);
  for (const n of [3, 50, 3000]) {
    const keys = Float64Array.from({ length: n }, () => random.int(Math.max(1, n >> 3)) * 2654435761 + 5);
    const labels = Int32Array.from({ length: n }, () => random.int(4) - 1); // -1: unlabelled
    const rows = random.shuffle(Array.from({ length: n }, (_, i) => i)).slice(0, Math.ceil(n * 0.7));
    for (const fraction of [0.25, 0.9]) {
      const ordered = referenceOrder(rows, keys, 6);
      const expected = { train: [] as number[], test: [] as number[] };
      for (const cls of [0, 1, 2]) {
        const ofClass = ordered.filter((row) => labels[row] === cls);
        const testCount = Math.min(Math.round(ofClass.length * fraction), Math.max(0, ofClass.length - 1));
        expected.test.push(...ofClass.slice(0, testCount));
        expected.train.push(...ofClass.slice(testCount));
      }
      const split = contentSplit(labels, fraction, keys, 6, rows);
      assert.deepEqual(Array.from(split.test), expected.test.sort((a, b) => a - b), `n=${n} test`);
      assert.deepEqual(Array.from(split.train), expected.train.sort((a, b) => a - b), `n=${n} train`);
    }
  }
});
