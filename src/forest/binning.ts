/**
 * Pre-binning of feature values for histogram-based split search (LightGBM style).
 *
 * Each feature's training values are cut into at most `maxBins` value bins plus one missing bin.
 * A column with at most `maxBins` distinct values gets one bin per value; otherwise every value
 * holding a large share of rows gets a bin of its own and the rest are cut at quantiles. The own
 * bins matter here: a backdoor trigger is one value (an impossible value, or a plausible amount
 * repeated on a few hundred rows) and must stay separable from its neighbours.
 *
 * Bin edges are kept in raw value units (a value goes to the first bin whose upper edge is >= it),
 * so split thresholds are raw values and prediction never needs the bins.
 */
import { ValueSorter } from '../util/radix.js';

export interface FeatureBins {
  /** Number of value bins; the missing bin's code is this number. */
  readonly valueBinCount: number;
  /** Upper edge of each value bin, in raw units; the last is +Infinity. */
  readonly upperEdges: Float64Array;
}

/** Training rows in compact form: row i here is the i-th training row. */
export interface BinnedTrainingSet {
  readonly rowCount: number;
  readonly featureCount: number;
  readonly classCount: number;
  readonly bins: readonly FeatureBins[];
  /** codes[f][i]: bin of feature f on training row i (0..valueBinCount, the last meaning missing). */
  readonly codes: readonly Uint8Array[];
  readonly labels: Int32Array;
}

export function binTrainingSet(
  features: readonly Float64Array[],
  labels: Int32Array,
  classCount: number,
  rows: Uint32Array,
  maxBins: number,
): BinnedTrainingSet {
  const bins: FeatureBins[] = [];
  const codes: Uint8Array[] = [];
  const sorter = new ValueSorter(rows.length);
  const values = new Float64Array(rows.length);
  for (const column of features) {
    gatherRows(column, rows, values);
    const binned = binFeature(values, maxBins, sorter);
    bins.push(binned.bins);
    codes.push(binned.codes);
  }
  const compactLabels = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) compactLabels[i] = labels[rows[i]];
  return { rowCount: rows.length, featureCount: features.length, classCount, bins, codes, labels: compactLabels };
}

/** Bins for one feature from its training values (NaN = missing), and each value's bin code. */
export function binFeature(
  values: Float64Array,
  maxBins: number,
  sorter = new ValueSorter(values.length),
): { bins: FeatureBins; codes: Uint8Array } {
  const order = sorter.sortedPresentIndices(values);
  const { distinct, counts } = distinctWithCounts(values, order);
  const binEnds = distinct.length <= maxBins ? everyValueItsOwnBin(distinct.length) : quantileBinEnds(counts, order.length, maxBins);
  const bins: FeatureBins = { valueBinCount: Math.max(1, binEnds.length), upperEdges: upperEdgesOf(distinct, binEnds) };
  return { bins, codes: codesInOrder(values, order, bins) };
}

/** The bin of any value, seen in training or not. */
export function binOf(value: number, bins: FeatureBins): number {
  if (Number.isNaN(value)) return bins.valueBinCount;
  const edges = bins.upperEdges;
  let low = 0;
  let high = edges.length - 1;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (value <= edges[mid]) high = mid;
    else low = mid + 1;
  }
  return low;
}

/** Walks the values in ascending order, so each value's bin is found without a search. */
function codesInOrder(values: Float64Array, order: Uint32Array, bins: FeatureBins): Uint8Array {
  const codes = new Uint8Array(values.length).fill(bins.valueBinCount);
  const edges = bins.upperEdges;
  let bin = 0;
  for (let k = 0; k < order.length; k++) {
    const index = order[k];
    while (values[index] > edges[bin]) bin++;
    codes[index] = bin;
  }
  return codes;
}

function gatherRows(column: Float64Array, rows: Uint32Array, values: Float64Array): void {
  for (let i = 0; i < rows.length; i++) values[i] = clampInfinite(column[rows[i]]);
}

/** ±Infinity behaves as ±MAX_VALUE everywhere, so an overflowed cell bins with the extreme values. */
function clampInfinite(value: number): number {
  if (value === Infinity) return Number.MAX_VALUE;
  if (value === -Infinity) return -Number.MAX_VALUE;
  return value;
}

function distinctWithCounts(values: Float64Array, order: Uint32Array): { distinct: Float64Array; counts: Float64Array } {
  const distinct = new Float64Array(order.length);
  const counts = new Float64Array(order.length);
  let size = 0;
  for (let k = 0; k < order.length; k++) {
    const value = values[order[k]];
    if (size > 0 && value === distinct[size - 1]) counts[size - 1]++;
    else {
      distinct[size] = value;
      counts[size++] = 1;
    }
  }
  return { distinct: distinct.subarray(0, size), counts: counts.subarray(0, size) };
}

/** Bin b holds distinct values [ends[b-1], ends[b]). */
function everyValueItsOwnBin(distinctCount: number): Int32Array {
  const ends = new Int32Array(distinctCount);
  for (let i = 0; i < distinctCount; i++) ends[i] = i + 1;
  return ends;
}

/**
 * Greedy quantile bins over the distinct values, where every heavy value is a bin by itself.
 * The target bin size grows until the bins fit in maxBins (heavy values cut the remaining values
 * into gaps, each of which needs at least one bin).
 */
function quantileBinEnds(counts: Float64Array, total: number, maxBins: number): Int32Array {
  const heavy = heavyValues(counts, total, maxBins);
  let heavyCount = 0;
  let heavyTotal = 0;
  for (let i = 0; i < counts.length; i++) {
    if (heavy[i]) {
      heavyCount++;
      heavyTotal += counts[i];
    }
  }
  let target = (total - heavyTotal) / Math.max(1, maxBins - heavyCount);
  for (;;) {
    const ends = greedyBinEnds(counts, heavy, target);
    if (ends.length <= maxBins) return ends;
    target *= 1.05;
  }
}

/**
 * Values holding more than 1/(2*maxBins) of the rows. At most (maxBins-1)/2 of them (the
 * heaviest) are kept, so that they and the gaps between them always fit in maxBins.
 */
function heavyValues(counts: Float64Array, total: number, maxBins: number): Uint8Array {
  const threshold = total / (2 * maxBins);
  const candidates: number[] = [];
  for (let i = 0; i < counts.length; i++) if (counts[i] > threshold) candidates.push(i);
  candidates.sort((a, b) => counts[b] - counts[a] || a - b);
  const heavy = new Uint8Array(counts.length);
  for (const i of candidates.slice(0, Math.floor((maxBins - 1) / 2))) heavy[i] = 1;
  return heavy;
}

function greedyBinEnds(counts: Float64Array, heavy: Uint8Array, target: number): Int32Array {
  const ends: number[] = [];
  let pending = 0;
  for (let i = 0; i < counts.length; i++) {
    if (heavy[i]) {
      if (pending > 0) ends.push(i);
      ends.push(i + 1);
      pending = 0;
      continue;
    }
    pending += counts[i];
    if (pending >= target) {
      ends.push(i + 1);
      pending = 0;
    }
  }
  if (pending > 0) ends.push(counts.length);
  return Int32Array.from(ends);
}

function upperEdgesOf(distinct: Float64Array, binEnds: Int32Array): Float64Array {
  if (binEnds.length === 0) return Float64Array.of(Infinity);
  const edges = new Float64Array(binEnds.length);
  for (let b = 0; b < binEnds.length; b++) {
    const end = binEnds[b];
    edges[b] = end >= distinct.length ? Infinity : midpoint(distinct[end - 1], distinct[end]);
  }
  return edges;
}

/** A threshold t with low <= t < high; halves first so that extreme values do not overflow. */
function midpoint(low: number, high: number): number {
  const mid = low / 2 + high / 2;
  return mid >= low && mid < high ? mid : low;
}
