/**
 * Two-sample comparison of one column between the baseline and the candidate (or of one class's
 * rows of it), shared by the baseline-comparison rules (`drift`, `label-shift`, `schema-changes`).
 *
 * The test depends on the column's shape:
 * - numbers with many distinct values: two-sample Kolmogorov-Smirnov (p-value from the asymptotic
 *   Kolmogorov distribution, Stephens' small-sample correction); effect size = the KS distance D
 *   (largest gap between the two cumulative distributions, 0..1); plus the Wasserstein distance
 *   over the baseline's interquartile range and PSI on baseline-quantile bins, for the report.
 * - text, and numeric codes (at most `maxDiscreteValues` distinct baseline values): chi-square on
 *   the value counts (cells with an expected count under 5 pooled); effect size = Jensen-Shannon
 *   distance (base 2, 0..1); plus PSI.
 * Either way the result carries "cells" (values, baseline-quantile ranges, values the baseline
 * never had) with before/after shares, so that a finding can name what moved most.
 *
 * The statistics themselves are in src/stats/two-sample.ts; every p-value is a natural log (see
 * src/stats/tails.ts) so that 1e-300 and below still compare.
 */
import type { Dataset } from '../engine/dataset.js';
import { MISSING_CODE } from '../table/table.js';
import { formatNumber, formatRange, formatValue, percentOneDecimal, round } from '../format.js';
import { log10P } from '../stats/tails.js';
import { lowerQuantileOfCounts } from '../stats/quantile.js';
import {
  chiSquareTest,
  jensenShannonDistance,
  ksStatistic,
  logKsPValue,
  populationStabilityIndex,
  wassersteinOverIqr,
  type WeightedSample,
} from '../stats/two-sample.js';

export interface ComparisonOptions {
  /** Numeric columns with at most this many distinct baseline values are codes: compared value by value. */
  maxDiscreteValues: number;
  /** Baseline-quantile bins for numeric columns (PSI and "what moved"). */
  quantileBins: number;
  /** Text values kept as their own cell; the rarer ones are pooled as "other values". */
  maxCategories: number;
  /** Fewer non-missing rows than this on either side: no comparison. */
  minRows: number;
}

export const DEFAULT_COMPARISON_OPTIONS: ComparisonOptions = {
  maxDiscreteValues: 20,
  quantileBins: 10,
  maxCategories: 50,
  minRows: 20,
};

/** Thresholds shared by the drift-like rules: significance and effect size. */
export interface DriftThresholds {
  /** Family-wise false-alarm rate, Bonferroni over every comparison the rule makes. */
  alpha: number;
  /** Effect size (KS D or Jensen-Shannon distance) for a moderate and a large shift. */
  moderateEffect: number;
  largeEffect: number;
}

export interface ColumnSample {
  readonly dataset: Dataset;
  readonly column: number;
  /** The rows to compare (e.g. one class); null for every row. */
  readonly rows: ArrayLike<number> | null;
}

export type CellKind = 'value' | 'range' | 'below' | 'above' | 'unseen' | 'other';

export interface DriftCell {
  readonly kind: CellKind;
  /** The value of a 'value' or 'unseen' cell (a value only the candidate has), else null. */
  readonly value: number | string | null;
  /** Observed bounds (both files) of a numeric range cell; null otherwise. */
  readonly range: [number, number] | null;
  /** 'unseen' cells: the value, as a list (the evidence's shape since values were pooled). */
  readonly examples: readonly (number | string)[];
  readonly baselineCount: number;
  readonly candidateCount: number;
  /** Share of the baseline's and the candidate's compared rows in this cell. */
  readonly before: number;
  readonly after: number;
}

export type TestName = 'kolmogorov-smirnov' | 'chi-square';

export interface Comparison {
  readonly test: TestName;
  /** KS D, or the chi-square statistic. */
  readonly statistic: number;
  readonly degreesOfFreedom: number | null;
  readonly logP: number;
  /** KS D for numbers, Jensen-Shannon distance for values: what the effect thresholds apply to. */
  readonly effect: number;
  readonly effectName: 'ks-distance' | 'js-distance';
  readonly psi: number;
  readonly jsDistance: number;
  /** Wasserstein distance over the baseline's interquartile range (numbers only). */
  readonly wassersteinIqr: number | null;
  readonly baselineRows: number;
  readonly candidateRows: number;
  readonly cells: readonly DriftCell[];
  /** The cell of a candidate row, -1 when the cell is missing. */
  cellOfCandidateRow(row: number): number;
}

/**
 * Compares the baseline sample with the candidate sample, or returns null when they cannot be
 * compared (one holds numbers and the other text, or too few non-missing rows).
 */
export function compareSamples(
  baseline: ColumnSample,
  candidate: ColumnSample,
  options: ComparisonOptions = DEFAULT_COMPARISON_OPTIONS,
): Comparison | null {
  const baselineKind = baseline.dataset.table.columns[baseline.column].kind;
  const candidateKind = candidate.dataset.table.columns[candidate.column].kind;
  if (baselineKind !== candidateKind) return null;
  const baselineIndex = baseline.dataset.indexes.valueIndex(baseline.column);
  const comparison =
    baselineKind === 'numeric' && baselineIndex.values.length > options.maxDiscreteValues
      ? compareNumbers(baseline, candidate, options)
      : compareValues(baseline, candidate, options);
  if (comparison.baselineRows < options.minRows || comparison.candidateRows < options.minRows) return null;
  return comparison;
}

/** 'large', 'moderate' or null: significant (log p at or under the threshold) and big enough. */
export function driftLevel(comparison: Comparison, logThreshold: number, thresholds: DriftThresholds): 'large' | 'moderate' | null {
  if (comparison.logP > logThreshold) return null;
  if (comparison.effect >= thresholds.largeEffect) return 'large';
  if (comparison.effect >= thresholds.moderateEffect) return 'moderate';
  return null;
}

// ---------------------------------------------------------------------------------------------
// Values (text and numeric codes): chi-square, Jensen-Shannon, PSI

function compareValues(baseline: ColumnSample, candidate: ColumnSample, options: ComparisonOptions): Comparison {
  const baselineIndex = baseline.dataset.indexes.valueIndex(baseline.column);
  const candidateIndex = candidate.dataset.indexes.valueIndex(candidate.column);
  const baselineCounts = countIds(baselineIndex.ids, baselineIndex.values.length, baseline.rows);
  const candidateCounts = countIds(candidateIndex.ids, candidateIndex.values.length, candidate.rows);
  const { matchedId, candidateCountOfBaselineId } = matchToBaseline(baselineIndex.values, candidateIndex.values, candidateCounts);
  const { cells, cellOfBaselineId, cellOfNewId } = valueCells(baselineIndex.values, baselineCounts, candidateIndex.values, candidateCounts, matchedId, candidateCountOfBaselineId, options.maxCategories);
  const cellOfCandidateId = Int32Array.from(matchedId, (id, candidateId) => (id >= 0 ? cellOfBaselineId[id] : cellOfNewId[candidateId]));

  const baselineCellCounts = cells.map((cell) => cell.baselineCount);
  const candidateCellCounts = cells.map((cell) => cell.candidateCount);
  const chi = chiSquareTest(baselineCellCounts, candidateCellCounts);
  const js = jensenShannonDistance(baselineCellCounts, candidateCellCounts);
  return {
    test: 'chi-square',
    statistic: chi.statistic,
    degreesOfFreedom: chi.degreesOfFreedom,
    logP: chi.logP,
    effect: js,
    effectName: 'js-distance',
    psi: populationStabilityIndex(baselineCellCounts, candidateCellCounts),
    jsDistance: js,
    wassersteinIqr: null,
    ...withShares(cells),
    cellOfCandidateRow(row: number): number {
      const id = candidateIndex.ids[row];
      return id === MISSING_CODE ? -1 : cellOfCandidateId[id];
    },
  };
}

/** For each candidate value id, the baseline id of the same value (-1 if none); and candidate counts by baseline id. */
function matchToBaseline(
  baselineValues: Float64Array | readonly string[],
  candidateValues: Float64Array | readonly string[],
  candidateCounts: Float64Array,
): { matchedId: Int32Array; candidateCountOfBaselineId: Float64Array } {
  const baselineIdOf = new Map<number | string, number>();
  for (let id = 0; id < baselineValues.length; id++) baselineIdOf.set(baselineValues[id], id);
  const matchedId = new Int32Array(candidateValues.length);
  const candidateCountOfBaselineId = new Float64Array(baselineValues.length);
  for (let id = 0; id < candidateValues.length; id++) {
    matchedId[id] = baselineIdOf.get(candidateValues[id]) ?? -1;
    if (matchedId[id] >= 0) candidateCountOfBaselineId[matchedId[id]] += candidateCounts[id];
  }
  return { matchedId, candidateCountOfBaselineId };
}

/**
 * One cell per value seen in either sample (a value only the candidate has is an 'unseen' cell),
 * the `maxCategories` most frequent kept apart, the rest pooled as "rarer values". The cells are
 * chosen by a value's count in both samples together, never by which sample holds it: between two
 * random halves of a column of many rare codes, the values only one half has are about as many on
 * each side, and a cell chosen for holding the candidate's new values would be all candidate by
 * construction. Values too rare for the chi-square (an expected count under 5 on the smaller side)
 * are pooled here, so that every statistic (chi-square, Jensen-Shannon, PSI) sees the same cells;
 * a planted new value with enough rows still stands alone.
 */
function valueCells(
  baselineValues: Float64Array | readonly string[],
  baselineCounts: Float64Array,
  candidateValues: Float64Array | readonly string[],
  candidateCounts: Float64Array,
  matchedId: Int32Array,
  candidateCountOfBaselineId: Float64Array,
  maxCategories: number,
): { cells: MutableCell[]; cellOfBaselineId: Int32Array; cellOfNewId: Int32Array } {
  const baselineRows = sum(baselineCounts);
  const candidateRows = sum(candidateCounts);
  const smaller = Math.min(baselineRows, candidateRows) / Math.max(1, baselineRows + candidateRows);
  // Entries: baseline ids as is, candidate-only ids after them.
  const entries: { id: number; isNew: boolean; total: number }[] = [];
  for (let id = 0; id < baselineValues.length; id++) {
    const total = baselineCounts[id] + candidateCountOfBaselineId[id];
    if (total > 0) entries.push({ id, isNew: false, total });
  }
  for (let id = 0; id < candidateValues.length; id++) if (matchedId[id] < 0 && candidateCounts[id] > 0) entries.push({ id, isNew: true, total: candidateCounts[id] });
  const valueOf = (e: (typeof entries)[number]) => (e.isNew ? candidateValues[e.id] : baselineValues[e.id]);
  const apart = entries.filter((e) => e.total * smaller >= 5).sort((a, b) => b.total - a.total || Number(a.isNew) - Number(b.isNew) || a.id - b.id);
  const own = new Set(apart.slice(0, maxCategories));
  const cells: MutableCell[] = [];
  const cellOfBaselineId = new Int32Array(baselineValues.length).fill(-1);
  const cellOfNewId = new Int32Array(candidateValues.length).fill(-1);
  const assign = (e: (typeof entries)[number], cell: number) => ((e.isNew ? cellOfNewId : cellOfBaselineId)[e.id] = cell);
  // Cells in entry order: the baseline's values, then the candidate's new ones.
  for (const e of entries) {
    if (!own.has(e)) continue;
    assign(e, cells.length);
    cells.push(e.isNew ? unseenCell(valueOf(e), candidateCounts[e.id]) : valueCell(valueOf(e), baselineCounts[e.id], candidateCountOfBaselineId[e.id]));
  }
  const pooled = entries.filter((e) => !own.has(e));
  if (pooled.length > 0) {
    const other = emptyCell('other');
    for (const e of pooled) {
      other.baselineCount += e.isNew ? 0 : baselineCounts[e.id];
      other.candidateCount += e.isNew ? candidateCounts[e.id] : candidateCountOfBaselineId[e.id];
      assign(e, cells.length);
    }
    cells.push(other);
  }
  return { cells, cellOfBaselineId, cellOfNewId };
}

interface MutableCell {
  kind: CellKind;
  value: number | string | null;
  range: [number, number] | null;
  examples: (number | string)[];
  baselineCount: number;
  candidateCount: number;
}

function emptyCell(kind: CellKind): MutableCell {
  return { kind, value: null, range: null, examples: [], baselineCount: 0, candidateCount: 0 };
}

function valueCell(value: number | string, baselineCount: number, candidateCount: number): MutableCell {
  return { ...emptyCell('value'), value, baselineCount, candidateCount };
}

function unseenCell(value: number | string, candidateCount: number): MutableCell {
  return { ...emptyCell('unseen'), value, examples: [value], candidateCount };
}

function countIds(ids: Uint32Array, valueCount: number, rows: ArrayLike<number> | null): Float64Array {
  const counts = new Float64Array(valueCount);
  const total = rows ? rows.length : ids.length;
  for (let i = 0; i < total; i++) {
    const id = ids[rows ? rows[i] : i];
    if (id !== MISSING_CODE) counts[id]++;
  }
  return counts;
}

function withShares(cells: readonly MutableCell[]): { cells: DriftCell[]; baselineRows: number; candidateRows: number } {
  const baselineRows = sum(cells.map((cell) => cell.baselineCount));
  const candidateRows = sum(cells.map((cell) => cell.candidateCount));
  return {
    baselineRows,
    candidateRows,
    cells: cells.map((cell) => ({
      ...cell,
      before: cell.baselineCount / Math.max(1, baselineRows),
      after: cell.candidateCount / Math.max(1, candidateRows),
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// Numbers: Kolmogorov-Smirnov, Wasserstein over IQR, PSI on baseline-quantile bins

function compareNumbers(baseline: ColumnSample, candidate: ColumnSample, options: ComparisonOptions): Comparison {
  const before = weightedSample(baseline);
  const after = weightedSample(candidate);
  const d = ksStatistic(before, after);
  const bins = quantileBins(before, after, options.quantileBins);
  const baselineCellCounts = bins.cells.map((cell) => cell.baselineCount);
  const candidateCellCounts = bins.cells.map((cell) => cell.candidateCount);
  const values = (candidate.dataset.table.columns[candidate.column] as { values: Float64Array }).values;
  return {
    test: 'kolmogorov-smirnov',
    statistic: d,
    degreesOfFreedom: null,
    logP: logKsPValue(d, before.total, after.total),
    effect: d,
    effectName: 'ks-distance',
    psi: populationStabilityIndex(baselineCellCounts, candidateCellCounts),
    jsDistance: jensenShannonDistance(baselineCellCounts, candidateCellCounts),
    wassersteinIqr: wassersteinOverIqr(before, after),
    ...withShares(bins.cells),
    cellOfCandidateRow(row: number): number {
      const value = values[row];
      return Number.isNaN(value) ? -1 : bins.cellOf(value);
    },
  };
}

function weightedSample(sample: ColumnSample): WeightedSample {
  const index = sample.dataset.indexes.valueIndex(sample.column);
  const counts = countIds(index.ids, index.values.length, sample.rows);
  return { values: index.values as Float64Array, counts, total: sum(counts) };
}

function extremes(sample: WeightedSample): [number, number] {
  let first = -1;
  let last = -1;
  for (let i = 0; i < sample.values.length; i++) {
    if (sample.counts[i] === 0) continue;
    if (first < 0) first = i;
    last = i;
  }
  return [sample.values[first], sample.values[last]];
}

/**
 * Bins on the baseline's quantiles, plus a bin below the baseline's minimum and one above its
 * maximum (where a rescaled or shifted column lands). Empty bins are dropped.
 */
function quantileBins(
  before: WeightedSample,
  after: WeightedSample,
  binCount: number,
): { cells: MutableCell[]; cellOf(value: number): number } {
  const [min, max] = extremes(before);
  const uppers: number[] = [];
  for (let k = 1; k < binCount; k++) {
    const cut = lowerQuantileOfCounts(before.values, before.counts, k / binCount, before.total);
    if (cut < max && (uppers.length === 0 || cut > uppers[uppers.length - 1])) uppers.push(cut);
  }
  uppers.push(max);
  const below = 0;
  const above = uppers.length + 1;
  const binOf = (value: number): number => {
    if (value < min) return below;
    if (value > max) return above;
    let low = 0;
    let high = uppers.length - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (value <= uppers[mid]) high = mid;
      else low = mid + 1;
    }
    return low + 1;
  };
  const bins: MutableCell[] = [emptyCell('below'), ...uppers.map(() => emptyCell('range')), emptyCell('above')];
  const tally = (sample: WeightedSample, key: 'baselineCount' | 'candidateCount'): void => {
    for (let i = 0; i < sample.values.length; i++) {
      if (sample.counts[i] === 0) continue;
      const value = sample.values[i];
      const bin = bins[binOf(value)];
      bin[key] += sample.counts[i];
      bin.range = bin.range ? [Math.min(bin.range[0], value), Math.max(bin.range[1], value)] : [value, value];
    }
  };
  tally(before, 'baselineCount');
  tally(after, 'candidateCount');
  const cellOfBin = new Int32Array(bins.length).fill(-1);
  const cells: MutableCell[] = [];
  bins.forEach((bin, index) => {
    if (bin.baselineCount + bin.candidateCount === 0) return;
    if (bin.kind === 'range' && bin.range && bin.range[0] === bin.range[1]) {
      bin.kind = 'value';
      bin.value = bin.range[0];
    }
    cellOfBin[index] = cells.length;
    cells.push(bin);
  });
  return { cells, cellOf: (value) => cellOfBin[binOf(value)] };
}

function sum(values: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i];
  return total;
}

// ---------------------------------------------------------------------------------------------
// Reporting

/** The cell whose share changed most (either way). */
export function movedMost(comparison: Comparison): DriftCell {
  return comparison.cells.reduce((best, cell) => (Math.abs(cell.after - cell.before) > Math.abs(best.after - best.before) ? cell : best));
}

/** Candidate rows in the cell that gained most share (the over-represented ones); empty if none gained. */
export function rowsOfGrownCell(comparison: Comparison, rows: ArrayLike<number> | null, rowCount: number): number[] {
  let grown = -1;
  comparison.cells.forEach((cell, index) => {
    if (cell.after > cell.before && (grown < 0 || cell.after - cell.before > comparison.cells[grown].after - comparison.cells[grown].before)) {
      grown = index;
    }
  });
  if (grown < 0) return [];
  const out: number[] = [];
  const total = rows ? rows.length : rowCount;
  for (let i = 0; i < total; i++) {
    const row = rows ? rows[i] : i;
    if (comparison.cellOfCandidateRow(row) === grown) out.push(row);
  }
  return out;
}

/** "size = 30", "size in 21..25", "size below the baseline's minimum (0.02..0.07)", ... */
export function describeCell(columnName: string, cell: DriftCell): string {
  switch (cell.kind) {
    case 'value':
      return `${columnName} = ${formatValue(cell.value!)}`;
    case 'range':
      return `${columnName} in ${formatRange(cell.range!)}`;
    case 'below':
      return `${columnName} below the baseline's minimum (${formatRange(cell.range!)})`;
    case 'above':
      return `${columnName} above the baseline's maximum (${formatRange(cell.range!)})`;
    case 'unseen':
      return `${columnName} = ${formatValue(cell.value!)}, a value the baseline never had`;
    case 'other':
      return `${columnName} rarer values`;
  }
}

/** "from 12.0% to 33.4% of rows". */
export function describeShift(cell: DriftCell): string {
  return `from ${percentOneDecimal(cell.before)} to ${percentOneDecimal(cell.after)}`;
}

export function testLabel(comparison: Comparison): string {
  return comparison.test === 'kolmogorov-smirnov'
    ? `Kolmogorov-Smirnov D = ${formatNumber(round(comparison.statistic, 3))}`
    : `chi-square ${formatNumber(round(comparison.statistic, 1))} on ${comparison.degreesOfFreedom} df, Jensen-Shannon distance ${formatNumber(round(comparison.jsDistance, 3))}`;
}

export function cellEvidence(cell: DriftCell): Record<string, unknown> {
  return {
    kind: cell.kind,
    value: cell.value,
    range: cell.range,
    ...(cell.kind === 'unseen' ? { examples: cell.examples } : {}),
    baselineCount: cell.baselineCount,
    candidateCount: cell.candidateCount,
    before: round(cell.before),
    after: round(cell.after),
  };
}

export function comparisonEvidence(comparison: Comparison, topCells = 5): Record<string, unknown> {
  const moved = [...comparison.cells]
    .sort((x, y) => Math.abs(y.after - y.before) - Math.abs(x.after - x.before))
    .slice(0, topCells)
    .map(cellEvidence);
  return {
    test: comparison.test,
    statistic: round(comparison.statistic),
    degreesOfFreedom: comparison.degreesOfFreedom,
    log10P: log10P(comparison.logP),
    effectName: comparison.effectName,
    effect: round(comparison.effect),
    psi: round(comparison.psi),
    jsDistance: round(comparison.jsDistance),
    wassersteinIqr: comparison.wassersteinIqr === null ? null : round(comparison.wassersteinIqr),
    baselineRows: comparison.baselineRows,
    candidateRows: comparison.candidateRows,
    movedMost: moved,
  };
}
