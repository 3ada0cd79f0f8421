/**
 * Quantiles, one definition for the whole program: Hyndman & Fan type 7, linear interpolation
 * between order statistics (R's default `quantile(type = 7)`, numpy's `method='linear'`,
 * Excel's PERCENTILE.INC). For n values sorted ascending, x[0] <= ... <= x[n-1]:
 *
 *   h = (n - 1) q,   Q(q) = x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h])
 *
 * so Q(0) is the minimum, Q(1) the maximum and Q(1/2) the usual median.
 *
 * The count variants take a sample as its distinct values (ascending) with their counts, and give
 * exactly what the sorted list with every value repeated `count` times would give: no rows sorted.
 *
 * Where a quantile must be one of the values (a bin cut, a value to report), the `lower` and
 * `upper` variants take the order statistic x[floor h] or x[ceil h] between which type 7
 * interpolates (numpy's `method='lower'` and `'higher'`): the same h, no interpolation.
 *
 * An empty sample has no quantile: NaN.
 */

/** Type 7 quantile of numbers sorted ascending. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = clamp01(q) * (n - 1);
  return interpolate(sorted[Math.floor(h)], sorted[Math.ceil(h)], h - Math.floor(h));
}

/**
 * The median of numbers sorted ascending: type 7 at q = 1/2, computed as the mean of the two
 * middle values when n is even (the same number up to rounding; this form is the familiar one).
 */
export function median(sorted: ArrayLike<number>): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const mid = n >> 1;
  return n % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The order statistic x[floor h] of type 7 (numpy 'lower'): always one of the values. */
export function lowerQuantile(sorted: ArrayLike<number>, q: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.floor(clamp01(q) * (sorted.length - 1))];
}

/** The order statistic x[ceil h] of type 7 (numpy 'higher'): always one of the values; at q = 1/2 the upper median. */
export function upperQuantile(sorted: ArrayLike<number>, q: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.ceil(clamp01(q) * (sorted.length - 1))];
}

/** Type 7 quantile of a sample given as distinct values (ascending) and their counts. */
export function quantileOfCounts(values: ArrayLike<number>, counts: ArrayLike<number>, q: number, total = sumOf(counts)): number {
  if (!(total > 0)) return NaN;
  const h = clamp01(q) * (total - 1);
  return interpolate(valueAtRank(values, counts, Math.floor(h)), valueAtRank(values, counts, Math.ceil(h)), h - Math.floor(h));
}

/** The order statistic x[floor h] of type 7 (numpy 'lower'): always one of the values. */
export function lowerQuantileOfCounts(values: ArrayLike<number>, counts: ArrayLike<number>, q: number, total = sumOf(counts)): number {
  if (!(total > 0)) return NaN;
  return valueAtRank(values, counts, Math.floor(clamp01(q) * (total - 1)));
}

/** x[rank] (0-based) of the sorted list with every value repeated `count` times; the largest value past the end. */
export function valueAtRank(values: ArrayLike<number>, counts: ArrayLike<number>, rank: number): number {
  let seen = 0;
  for (let i = 0; i < values.length; i++) {
    seen += counts[i];
    if (seen > rank) return values[i];
  }
  return values[values.length - 1];
}

/** lo + (hi - lo) f, and lo itself when f is 0 or both are the same (an infinite end stays infinite, not NaN). */
function interpolate(lo: number, hi: number, f: number): number {
  return f === 0 || lo === hi ? lo : lo + (hi - lo) * f;
}

function clamp01(q: number): number {
  return q <= 0 ? 0 : q >= 1 ? 1 : q;
}

function sumOf(counts: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i];
  return total;
}
