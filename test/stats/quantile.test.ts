// Quantiles: Hyndman & Fan type 7 against numpy 2.4 (numpy.quantile(x, q, method='linear'), which
// equals R's quantile(x, q, type = 7)), and its 'lower' / 'higher' order statistics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lowerQuantile, lowerQuantileOfCounts, median, quantile, quantileOfCounts, upperQuantile, valueAtRank } from '../../src/stats/quantile.js';

const SORTED = [1, 1, 2, 3, 4, 5, 6, 9];

test('type 7 on a sorted list, edges included', () => {
  // numpy.quantile([1, 1, 2, 3, 4, 5, 6, 9], q) for q = 0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.999, 1
  const expected: [number, number][] = [[0, 1], [0.01, 1], [0.1, 1], [0.25, 1.75], [0.5, 3.5], [0.75, 5.25], [0.9, 6.8999999999999995], [0.999, 8.979000000000001], [1, 9]];
  for (const [q, value] of expected) assert.equal(quantile(SORTED, q), value, `q = ${q}`);
  assert.equal(quantile([7], 0.3), 7, 'one value');
  assert.equal(quantile(SORTED, -1), 1, 'q below 0 is the minimum');
  assert.equal(quantile(SORTED, 2), 9, 'q above 1 is the maximum');
  assert.ok(Number.isNaN(quantile([], 0.5)), 'no values: NaN');
  assert.equal(quantile([1, Infinity], 0), 1, 'an infinite neighbour does not make NaN');
  assert.equal(quantile([-Infinity, -Infinity, 0], 0.25), -Infinity);
});

test('median is type 7 at one half', () => {
  // numpy.median([1, 2, 3, 4]) = 2.5
  assert.equal(median([1, 2, 3, 4]), 2.5);
  assert.equal(median([1, 2, 30]), 2);
  assert.equal(median(SORTED), quantile(SORTED, 0.5));
  assert.ok(Number.isNaN(median([])));
});

test("the 'lower' and 'higher' order statistics of the same h", () => {
  // numpy.quantile(SORTED, q, method='lower') and method='higher'
  const expected: [number, number, number][] = [[0, 1, 1], [0.25, 1, 2], [0.5, 3, 4], [0.75, 5, 6], [0.9, 6, 9], [0.999, 6, 9], [1, 9, 9]];
  for (const [q, lower, higher] of expected) {
    assert.equal(lowerQuantile(SORTED, q), lower, `lower, q = ${q}`);
    assert.equal(upperQuantile(SORTED, q), higher, `higher, q = ${q}`);
  }
  assert.equal(upperQuantile([1, 2, 3, 4], 0.5), 3, 'upper median');
  assert.ok(Number.isNaN(lowerQuantile([], 0.5)));
});

test('the count variants equal the list with every value repeated', () => {
  // values 10, 20, 30, 40 with counts 1, 3, 0, 4 = numpy.repeat(...) = [10, 20, 20, 20, 40, 40, 40, 40]
  const values = [10, 20, 30, 40];
  const counts = [1, 3, 0, 4];
  // numpy.quantile(that, q) and method='lower', q = 0, 0.25, 0.5, 0.9, 1
  const expected: [number, number, number][] = [[0, 10, 10], [0.25, 20, 20], [0.5, 30, 20], [0.9, 40, 40], [1, 40, 40]];
  for (const [q, linear, lower] of expected) {
    assert.equal(quantileOfCounts(values, counts, q), linear, `linear, q = ${q}`);
    assert.equal(lowerQuantileOfCounts(values, counts, q), lower, `lower, q = ${q}`);
  }
  const expanded = [10, 20, 20, 20, 40, 40, 40, 40];
  for (let q = 0; q <= 1; q += 0.05) assert.equal(quantileOfCounts(values, counts, q), quantile(expanded, q), `q = ${q}`);
  assert.equal(valueAtRank(values, counts, 0), 10);
  assert.equal(valueAtRank(values, counts, 4), 40);
  assert.equal(valueAtRank(values, counts, 99), 40, 'past the end: the largest value');
  assert.ok(Number.isNaN(quantileOfCounts(values, [0, 0, 0, 0], 0.5)), 'no rows: NaN');
  assert.equal(quantileOfCounts(Float64Array.from([5]), Uint32Array.from([3]), 0.7), 5, 'typed arrays, one value');
});
