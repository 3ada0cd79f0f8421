/**
 * Two-sample statistics: the Kolmogorov-Smirnov distance and its p-value, the chi-square test of
 * homogeneity on two rows of counts, the Jensen-Shannon distance, the population stability index
 * and the Wasserstein distance over the interquartile range. No data set types: numeric samples
 * come as distinct values with counts (`WeightedSample`), categorical ones as two count rows.
 * Every p-value is a natural log (see tails.ts). Reference values: test/stats/two-sample.test.ts.
 */
import { logChiSquareUpper, logKolmogorovUpper } from './tails.js';
import { quantileOfCounts } from './quantile.js';

/** A numeric sample as its distinct values (ascending) with their counts: no sorting of rows. */
export interface WeightedSample {
  readonly values: Float64Array;
  readonly counts: Float64Array;
  readonly total: number;
}

/** Visits the union of both samples' values in ascending order with the cumulative counts up to each. */
function walkMerged(a: WeightedSample, b: WeightedSample, visit: (value: number, cumulativeA: number, cumulativeB: number) => void): void {
  let i = 0;
  let j = 0;
  let cumulativeA = 0;
  let cumulativeB = 0;
  while (i < a.values.length || j < b.values.length) {
    const value = i >= a.values.length ? b.values[j] : j >= b.values.length ? a.values[i] : Math.min(a.values[i], b.values[j]);
    if (i < a.values.length && a.values[i] === value) cumulativeA += a.counts[i++];
    if (j < b.values.length && b.values[j] === value) cumulativeB += b.counts[j++];
    visit(value, cumulativeA, cumulativeB);
  }
}

/** Largest gap between the two empirical cumulative distributions (ties handled). */
export function ksStatistic(a: WeightedSample, b: WeightedSample): number {
  if (a.total === 0 || b.total === 0) return 0;
  let d = 0;
  walkMerged(a, b, (_, cumulativeA, cumulativeB) => {
    d = Math.max(d, Math.abs(cumulativeA / a.total - cumulativeB / b.total));
  });
  return d;
}

/** log p of a two-sample KS distance, from the asymptotic distribution (conservative with ties). */
export function logKsPValue(d: number, n: number, m: number): number {
  if (n === 0 || m === 0) return 0;
  const effective = Math.sqrt((n * m) / (n + m));
  return logKolmogorovUpper((effective + 0.12 + 0.11 / effective) * d);
}

/** Integral of |F - G| over the finite values, divided by the baseline's IQR (its range if the IQR is 0). */
export function wassersteinOverIqr(before: WeightedSample, after: WeightedSample): number | null {
  if (before.total === 0 || after.total === 0) return null;
  let area = 0;
  let previous = NaN;
  let gap = 0;
  walkMerged(before, after, (value, cumulativeA, cumulativeB) => {
    if (!Number.isFinite(value)) return;
    if (!Number.isNaN(previous)) area += gap * (value - previous);
    gap = Math.abs(cumulativeA / before.total - cumulativeB / after.total);
    previous = value;
  });
  const finite = before.values.filter((value, i) => Number.isFinite(value) && before.counts[i] > 0);
  const scale = quantileOfCounts(before.values, before.counts, 0.75, before.total) - quantileOfCounts(before.values, before.counts, 0.25, before.total) || finite[finite.length - 1] - finite[0];
  return Number.isFinite(scale) && scale > 0 ? area / scale : null;
}

/** Chi-square test of homogeneity on a 2 x k table; cells expected under 5 in either row are pooled. */
export function chiSquareTest(
  a: readonly number[],
  b: readonly number[],
): { statistic: number; degreesOfFreedom: number; logP: number } {
  const totalA = sum(a);
  const totalB = sum(b);
  const total = totalA + totalB;
  if (totalA === 0 || totalB === 0) return { statistic: 0, degreesOfFreedom: 0, logP: 0 };
  const smaller = Math.min(totalA, totalB) / total;
  const cells: [number, number][] = [];
  const pooled: [number, number] = [0, 0];
  for (let i = 0; i < a.length; i++) {
    const cellTotal = a[i] + b[i];
    if (cellTotal === 0) continue;
    if (cellTotal * smaller < 5) {
      pooled[0] += a[i];
      pooled[1] += b[i];
    } else cells.push([a[i], b[i]]);
  }
  if (pooled[0] + pooled[1] > 0) cells.push(pooled);
  if (cells.length < 2) return { statistic: 0, degreesOfFreedom: 0, logP: 0 };
  let statistic = 0;
  for (const [countA, countB] of cells) {
    const expectedA = ((countA + countB) * totalA) / total;
    const expectedB = ((countA + countB) * totalB) / total;
    statistic += (countA - expectedA) ** 2 / expectedA + (countB - expectedB) ** 2 / expectedB;
  }
  const degreesOfFreedom = cells.length - 1;
  return { statistic, degreesOfFreedom, logP: logChiSquareUpper(statistic, degreesOfFreedom) };
}

/** Jensen-Shannon distance (square root of the divergence, base 2): 0 for equal mixes, 1 for disjoint ones. */
export function jensenShannonDistance(a: readonly number[], b: readonly number[]): number {
  const totalA = sum(a);
  const totalB = sum(b);
  if (totalA === 0 || totalB === 0) return 0;
  let divergence = 0;
  for (let i = 0; i < a.length; i++) {
    const p = a[i] / totalA;
    const q = b[i] / totalB;
    const m = (p + q) / 2;
    if (p > 0) divergence += p * Math.log2(p / m);
    if (q > 0) divergence += q * Math.log2(q / m);
  }
  return Math.sqrt(Math.max(0, divergence / 2));
}

/**
 * Population stability index, sum of (after - before) * ln(after / before) over the cells, with
 * half a row added to every cell so that empty cells stay finite. Rule of thumb: under 0.1
 * stable, 0.1-0.25 moderate shift, over 0.25 large shift.
 */
export function populationStabilityIndex(a: readonly number[], b: readonly number[]): number {
  const totalA = sum(a) + 0.5 * a.length;
  const totalB = sum(b) + 0.5 * b.length;
  let psi = 0;
  for (let i = 0; i < a.length; i++) {
    const before = (a[i] + 0.5) / totalA;
    const after = (b[i] + 0.5) / totalB;
    psi += (after - before) * Math.log(after / before);
  }
  return psi;
}

function sum(values: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i];
  return total;
}

