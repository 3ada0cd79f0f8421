// Two-sample statistics against reference values computed once with scipy 1.17 / numpy 2.4
// (expressions beside each value; mpmath 1.3 at 50 digits where scipy's tail underflows).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  chiSquareTest,
  jensenShannonDistance,
  ksStatistic,
  logKsPValue,
  populationStabilityIndex,
  wassersteinOverIqr,
  type WeightedSample,
} from '../../src/stats/two-sample.js';

function close(actual: number, expected: number, tolerance: number, what = ''): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected} (tolerance ${tolerance})`);
}

/** A list of numbers as distinct values (ascending) with counts. */
function sample(values: number[]): WeightedSample {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  const distinct = [...counts.keys()].sort((a, b) => a - b);
  return { values: Float64Array.from(distinct), counts: Float64Array.from(distinct, (v) => counts.get(v)!), total: values.length };
}

const X = [1, 2, 2, 3, 5, 8, 8, 8, 13];
const Y = [2, 3, 3, 4, 8, 9, 10, 21, 21, 21, 34];

test('KS statistic, with ties', () => {
  // scipy.stats.ks_2samp(X, Y).statistic = 0.43434343434343436
  close(ksStatistic(sample(X), sample(Y)), 0.43434343434343436, 1e-15, 'D');
  assert.equal(ksStatistic(sample(X), sample(X)), 0);
  assert.equal(ksStatistic(sample([1, 2]), sample([3, 4])), 1);
  assert.equal(ksStatistic(sample([]), sample(X)), 0);
});

test('KS p-value: asymptotic Kolmogorov tail at (sqrt(nm/(n+m)) + 0.12 + 0.11/sqrt(nm/(n+m))) D', () => {
  // scipy.stats.kstwobign.logsf(lambda) at that lambda (Stephens' correction, as in Numerical Recipes probks)
  close(logKsPValue(0.5, 9, 11), -2.1733754500913416, 1e-12, 'D = 0.5, n = 9, m = 11');
  close(logKsPValue(0.1, 1000, 800), -8.301648183195312, 1e-12, 'D = 0.1, n = 1000, m = 800');
  close(logKsPValue(0.05, 20000, 15000), -42.276267521376894, 1e-11, 'D = 0.05, n = 20000, m = 15000');
  // lambda = 49.04: mpmath log(2 sum (-1)^(k-1) exp(-2 k^2 lambda^2)) = -4808.787970667494 (scipy: -inf)
  close(logKsPValue(0.4, 30000, 30000), -4808.787970667494, 1e-9, 'D = 0.4, n = m = 30000');
  assert.equal(logKsPValue(0.3, 0, 10), 0);
});

test('chi-square test of homogeneity on two rows of counts', () => {
  // scipy.stats.chi2_contingency([[30, 50, 20], [10, 60, 40]], correction=False):
  // statistic 17.138429752066116, dof 2, p 0.0001898616562466743
  const plain = chiSquareTest([30, 50, 20], [10, 60, 40]);
  close(plain.statistic, 17.138429752066116, 1e-12, 'statistic');
  assert.equal(plain.degreesOfFreedom, 2);
  close(plain.logP, Math.log(0.0001898616562466743), 1e-12, 'log p');
  // Cells expected under 5 are pooled: [3, 1] and [0, 2] become one cell [4, 2].
  // chi2_contingency([[100, 200, 4], [120, 180, 2]], correction=False): statistic 3.5309178631168687, dof 2, p 0.17110824149100284
  const pooled = chiSquareTest([100, 200, 3, 1], [120, 180, 0, 2]);
  close(pooled.statistic, 3.5309178631168687, 1e-12, 'pooled statistic');
  assert.equal(pooled.degreesOfFreedom, 2);
  close(Math.exp(pooled.logP), 0.17110824149100284, 1e-13, 'pooled p');
  // Far tail: statistic 2571.4285714285716 on 2 df; p = exp(-x/2) (scipy: 0), log p = -1285.7142857142858
  const far = chiSquareTest([5000, 3000, 2000], [2000, 3000, 5000]);
  close(far.statistic, 2571.4285714285716, 1e-9, 'far statistic');
  close(far.logP, -1285.7142857142858, 1e-9, 'far log p');
  assert.deepEqual(chiSquareTest([5, 5], [0, 0]), { statistic: 0, degreesOfFreedom: 0, logP: 0 });
});

test('Jensen-Shannon distance, base 2', () => {
  // scipy.spatial.distance.jensenshannon([30, 50, 20], [10, 60, 40], base=2) = 0.24620958107423788
  close(jensenShannonDistance([30, 50, 20], [10, 60, 40]), 0.24620958107423788, 1e-15, 'three cells');
  // jensenshannon([1, 0, 3], [0, 2, 2], base=2) = 0.6270214338169248
  close(jensenShannonDistance([1, 0, 3], [0, 2, 2]), 0.6270214338169248, 1e-15, 'empty cells');
  assert.equal(jensenShannonDistance([5, 0], [0, 5]), 1);
  assert.equal(jensenShannonDistance([5, 5], [10, 10]), 0);
});

test('population stability index, half a row added to every cell', () => {
  // numpy: a = (a + 0.5) / sum, b likewise, sum((b - a) * log(b / a))
  close(populationStabilityIndex([30, 50, 20], [10, 60, 40]), 0.33795073723454233, 1e-15, 'three cells');
  close(populationStabilityIndex([100, 0, 0], [0, 0, 100]), 10.449861887801134, 1e-12, 'disjoint');
  close(populationStabilityIndex([10, 20], [100, 200]), 0, 1e-3, 'same mix');
});

test('Wasserstein distance over the baseline interquartile range', () => {
  // scipy.stats.wasserstein_distance(X, Y) = 6.808080808080809; numpy.quantile(X, [0.25, 0.75]) = 2, 8
  close(wassersteinOverIqr(sample(X), sample(Y))!, 6.808080808080809 / 6, 1e-14, 'W / IQR');
  // An IQR of 0: the range is the scale. wasserstein_distance([1, 1, 1, 1, 5], [1, 5, 5, 5, 5]) = 2.4, range 4
  close(wassersteinOverIqr(sample([1, 1, 1, 1, 5]), sample([1, 5, 5, 5, 5]))!, 0.6, 1e-15, 'range as the scale');
  assert.equal(wassersteinOverIqr(sample([3, 3]), sample([1, 2])), null, 'no spread: no scale');
  assert.equal(wassersteinOverIqr(sample([]), sample([1, 2])), null);
});
