/**
 * Per-class histogram spikes: values (or narrow intervals) whose count in one class far exceeds
 * what the baseline, or the column's own neighbouring values, lead us to expect, and whose excess
 * rows sit almost all in that class. This is the statistical core shared by the `class-spike`
 * rule and the trigger search.
 *
 * Expected counts:
 * - with a baseline holding the column: the baseline's count of the same value in the same class,
 *   scaled by the files' sizes; tested as a binomial split of the value's rows between the files.
 *   A value (or interval) of an ordered column that the baseline never had is also tested
 *   against the count its neighbouring values in the candidate lead us to expect (as without a
 *   baseline: near zero for a continuous column), since the split alone has little power when
 *   the baseline is smaller than the candidate (60 rows that are all in the candidate are not
 *   rare by themselves when the candidate holds five sixths of the rows). Either route screens
 *   it; the class-mix, purity and minimum-count requirements of stage 2 still apply, so a new
 *   value is a spike only when it is repeated and concentrated in one class.
 * - without one, for ordered numeric columns: the median count (per class) of nearby distinct
 *   values of the same "roundness" (people write round numbers: 50000 is compared with 40000 and
 *   60000, not with 50013), tested on the log scale against the neighbours' own robust spread and,
 *   conservatively, as a Poisson excess; the less significant of the two is kept. Per class, the
 *   count is also tested given the value's own total, at the neighbours' class mix: a column
 *   heaped at values that are not round (most rows on some months, a row or two on the months
 *   between) has class counts that swing with the totals, and heaping fills every class of a
 *   value alike where a trigger fills one (the more significant route counts, Bonferroni over
 *   both).
 * - categorical columns without a baseline have no label-free expectation and are left to the
 *   near-duplicate rule and the model checks.
 * Every (value, class) tested counts toward one Bonferroni correction.
 */
import { lowerBound } from '../util/search.js';
import { eachColumn } from '../progress-events.js';
import type { Dataset } from '../engine/dataset.js';
import { rowsByValueOneAtATime, type RowsByValue, type ValueIndex } from '../engine/indexes.js';
import { overlapShare } from '../util/rows.js';
import { logBinomialUpper, logBonferroni, logNormalUpper, logPoissonUpper } from '../stats/tails.js';
import { lowerQuantile, lowerQuantileOfCounts, median, upperQuantile } from '../stats/quantile.js';

export interface SpikeOptions {
  /** Fewest rows of the value in the target class before it is tested. */
  minCount: number;
  /** Family-wise false-alarm rate across every (value, class) tested. */
  alpha: number;
  /** Count ratio over the expectation, with and without a baseline. */
  minRatioWithBaseline: number;
  minRatioWithoutBaseline: number;
  /** Stage 1: ratio of the value's total count over its expectation, with and without a baseline. */
  minTotalRatioWithBaseline: number;
  minTotalRatioWithoutBaseline: number;
  /** Share of the value's excess rows that must fall in the target class. */
  minExcessPurity: number;
  /** The value's share of the target class must close at least this part of the gap from the prior to 1. */
  minSkew: number;
  /**
   * Without a baseline, a count spike whose class mix is not significantly skewed (too few rows
   * where the neighbourhood is already mostly the class) is still kept, as a count-only spike,
   * when at least this share of its rows are in one class.
   */
  countOnlyMinShare: number;
  /** Values holding more than this share of their column are natural modes, not spikes. */
  maxValueShare: number;
  /** Intervals holding more than this share of their column are the bulk of the distribution, not spikes. */
  maxIntervalShare: number;
  /** Distinct values needed to treat a numeric column as ordered (neighbour comparison, intervals). */
  minDistinctOrdered: number;
  /** Same-roundness neighbours looked at on each side. */
  neighbours: number;
  /** Interval widths as fractions of the column's interquartile range (kept narrow: the neighbours must stay local). */
  intervalWidths: number[];
}

/** Pseudo-rows of the prior mixed into a value's expected class mix (smoothing for rare values). */
const PRIOR_WEIGHT = 5;
/** Interval counting uses a dense array up to this many (bin, class) cells. */
const MAX_DENSE_BIN_CELLS = 4_000_000;

export const DEFAULT_SPIKE_OPTIONS: SpikeOptions = {
  minCount: 8,
  alpha: 1e-3,
  minRatioWithBaseline: 2,
  minRatioWithoutBaseline: 3,
  minTotalRatioWithBaseline: 1.25,
  minTotalRatioWithoutBaseline: 1.5,
  minExcessPurity: 0.55,
  minSkew: 0.25,
  countOnlyMinShare: 0.95,
  maxValueShare: 0.5,
  maxIntervalShare: 0.1,
  minDistinctOrdered: 20,
  neighbours: 6,
  intervalWidths: [1 / 40, 1 / 10],
};

export interface Spike {
  column: number;
  kind: 'value' | 'interval';
  /** The value, or for an interval the value at its centre of mass. */
  value: number | string;
  /** Inclusive bounds of the target-class rows for an interval; null for a single value. */
  range: [number, number] | null;
  targetClass: number;
  /** Rows of the value (or interval) in the target class, and in all classes. */
  classCount: number;
  total: number;
  expectedClassCount: number;
  expectedTotal: number;
  ratio: number;
  /** Share of the excess rows that are in the target class. */
  purity: number;
  /** Share of the value's rows in the target class, and that class's share overall. */
  classShare: number;
  prior: number;
  /** The class share expected for this value (baseline or neighbours, pulled toward the prior). */
  expectedShare: number;
  /** Stage 2: log p-value of the class mix; stage 1: of the value's total count. */
  logP: number;
  countLogP: number;
  reference: 'baseline' | 'neighbours';
  /**
   * With a baseline: only the comparison with the value's neighbours in the candidate found its
   * count anomalous, not the split between the files (which has little power for a value the
   * baseline holds a row or two of, or none).
   */
  neighboursOnly: boolean;
  /**
   * Only the count is anomalous: nearly all the rows are in one class, but so are most rows
   * around the value, so the class mix is not significantly skewed (stage 2 did not pass).
   */
  countOnly: boolean;
  /** Rows carrying the value (or a value in the range) and the target class. */
  rows: Uint32Array;
}

interface Cell {
  kind: 'value' | 'interval';
  value: number | string;
  range: [number, number] | null;
  classCounts: number[];
  expected: number[];
  /** Class counts of the reference rows (baseline's same value, or the neighbours pooled): the expected mix. */
  referenceMix: number[];
  /** Per class: log p of the class's count against its own expectation (a per-class histogram spike). */
  classLogP: number[];
  /** Stage 1, label-free: the value's count over all classes against its expectation. */
  expectedTotal: number;
  totalLogP: number;
  reference: 'baseline' | 'neighbours';
  member: (row: number) => boolean;
  /** For a single value: its id in the column's value index (its rows are then listed from the index, not by `member` over every row). */
  valueId?: number;
  /** With a baseline, for a value of an ordered column: the expectation from its neighbours in the candidate (as without a baseline). */
  neighbours?: NeighbourTest;
}

/** Counts expected from the neighbouring values (or intervals) in the candidate, and their tests. */
interface NeighbourTest {
  expected: number[];
  classLogP: number[];
  expectedTotal: number;
  totalLogP: number;
}

export function findSpikes(
  candidate: Dataset,
  baseline: Dataset | null,
  baselineColumnOf: (column: number) => number,
  options: SpikeOptions = DEFAULT_SPIKE_OPTIONS,
  columns: readonly number[] = candidate.schema.featureColumns,
  twinned?: (column: number, cell: { value: number | string; range: [number, number] | null }) => boolean,
): Spike[] {
  const label = candidate.schema.label;
  if (!label || label.classes.length < 2) return [];
  const labelled = label.classCounts.reduce((a, b) => a + b, 0);
  const priors = label.classCounts.map((count) => count / Math.max(1, labelled));
  const cells: { column: number; cell: Cell }[] = [];
  const tally = { inert: 0, neighbourTests: 0 };
  for (const column of eachColumn(columns)) {
    const baselineColumn = baseline ? baselineColumnOf(column) : -1;
    const columnCells =
      baseline && baselineColumn >= 0
        ? baselineCells(candidate, baseline, column, baselineColumn, priors, options, tally, twinned !== undefined)
        : neighbourCells(candidate, column, priors, options);
    for (const cell of columnCells) cells.push({ column, cell });
  }
  // With a baseline, values and intervals of ordered columns are tested twice (against the
  // baseline and against their neighbours): every one of them counts, not only those whose
  // neighbour test was run (chosen by their counts, which would make the correction too loose).
  const tests = cells.length + tally.inert + tally.neighbourTests;
  const stage1Threshold = logBonferroni(options.alpha, tests);
  // Stage 1 (label-free): is the value's count anomalous at all, or do its rows have copies?
  const classThreshold = logBonferroni(options.alpha, tests * priors.length);
  const anomalous = (cell: Cell, test: NeighbourTest, withBaseline: boolean): boolean => {
    const total = sum(cell.classCounts);
    const ratio = (total + 1) / (test.expectedTotal + 1);
    const minRatio = withBaseline ? options.minTotalRatioWithBaseline : options.minTotalRatioWithoutBaseline;
    if (test.totalLogP <= stage1Threshold && ratio >= minRatio) return true;
    // Or a spike in one class's histogram (the per-class route; corrected over cells x classes).
    const classMinRatio = withBaseline ? options.minRatioWithBaseline : options.minRatioWithoutBaseline;
    return test.classLogP.some((logP, t) => logP <= classThreshold && (cell.classCounts[t] + 1) / (test.expected[t] + 1) >= classMinRatio);
  };
  const neighboursOnly = new Set<Cell>();
  const screened = cells.filter(({ column, cell }) => {
    if (twinned?.(column, cell)) return true;
    if (anomalous(cell, cell, cell.reference === 'baseline')) return true;
    // Is it a spike among its neighbours in the candidate? A baseline never hides what the
    // candidate alone shows: a trigger value the baseline holds once is no less a spike.
    if (cell.neighbours === undefined || !anomalous(cell, cell.neighbours, false)) return false;
    neighboursOnly.add(cell);
    return true;
  });
  // Stage 2: is the class mix of the screened values skewed? Corrected over the screened ones only.
  const stage2Threshold = logBonferroni(options.alpha, screened.length * priors.length);
  const spikes: Spike[] = [];
  const rowsOf = rowsByValueOneAtATime(candidate.indexes); // screened cells come column by column
  for (const { column, cell } of screened) {
    const spike = judgeCell(candidate, column, cell, priors, stage2Threshold, options, rowsOf);
    if (spike) spike.neighboursOnly = neighboursOnly.has(cell);
    if (spike) spikes.push(spike);
  }
  return dedupe(spikes).sort((a, b) => a.logP - b.logP || b.classCount - a.classCount);
}

function judgeCell(
  candidate: Dataset,
  column: number,
  cell: Cell,
  priors: number[],
  threshold: number,
  options: SpikeOptions,
  rowsOf: (column: number) => RowsByValue,
): Spike | null {
  const total = sum(cell.classCounts);
  const expectedTotal = cell.expectedTotal;
  const present = candidate.indexes.valueIndex(column).present;
  if (total > options.maxValueShare * present) return null;
  const mixTotal = sum(cell.referenceMix);
  let best: Spike | null = null;
  let countOnly: Spike | null = null;
  for (let t = 0; t < cell.classCounts.length; t++) {
    const count = cell.classCounts[t];
    if (count < options.minCount) continue;
    // Expected class mix of this value: its expectation's mix, pulled toward the prior.
    const expectedShare = (cell.referenceMix[t] + PRIOR_WEIGHT * priors[t]) / (mixTotal + PRIOR_WEIGHT);
    const logP = logBinomialUpper(count, total, expectedShare);
    const expected = cell.expected[t];
    const minRatio = cell.reference === 'baseline' ? options.minRatioWithBaseline : options.minRatioWithoutBaseline;
    const ratio = (count + 1) / (expected + 1);
    if (ratio < minRatio) continue;
    const excess = count - expected;
    const purity = Math.min(1, excess / Math.max(total - expectedTotal, excess, 1e-9));
    if (purity < options.minExcessPurity) continue;
    const classShare = count / total;
    const spike: Spike = {
      column,
      kind: cell.kind,
      value: cell.value,
      range: cell.range,
      targetClass: t,
      classCount: count,
      total,
      expectedClassCount: expected,
      expectedTotal,
      ratio,
      purity,
      classShare,
      prior: priors[t],
      expectedShare,
      logP,
      countLogP: cell.totalLogP,
      reference: cell.reference,
      neighboursOnly: false,
      countOnly: false,
      rows: new Uint32Array(0),
    };
    const skewedEnough = classShare - expectedShare >= options.minSkew * (1 - expectedShare);
    if (skewedEnough && logP <= threshold) {
      if (!best || logP < best.logP) best = spike;
    } else if (skewedEnough && cell.reference === 'neighbours' && classShare >= options.countOnlyMinShare && (!countOnly || count > countOnly.classCount)) {
      // The skew is there, only too few rows to make it significant. Judged against neighbours
      // only (no baseline, or a column the baseline lacks): with a baseline the mix expected is
      // the baseline's own for the value, and a value it holds in the same class (a heaped
      // fraction such as 1/22) is natural.
      countOnly = { ...spike, countOnly: true };
    }
  }
  best ??= countOnly;
  if (best) {
    best.rows = cell.valueId !== undefined ? classRowsOfValue(candidate, rowsOf(column), cell.valueId, best.targetClass) : collectRows(candidate, cell.member, best.targetClass);
    if (best.kind === 'interval') tightenInterval(candidate, best);
  }
  return best;
}

/** The rows of one value in the target class, from the column's rows by value (ascending, like collectRows). */
function classRowsOfValue(candidate: Dataset, grouped: RowsByValue, id: number, targetClass: number): Uint32Array {
  const y = candidate.schema.label!.y;
  const rows: number[] = [];
  for (let k = grouped.offsets[id]; k < grouped.offsets[id + 1]; k++) if (y[grouped.rows[k]] === targetClass) rows.push(grouped.rows[k]);
  return Uint32Array.from(rows);
}

function collectRows(candidate: Dataset, member: (row: number) => boolean, targetClass: number): Uint32Array {
  const y = candidate.schema.label!.y;
  const rows: number[] = [];
  for (let row = 0; row < candidate.table.rowCount; row++) if (y[row] === targetClass && member(row)) rows.push(row);
  return Uint32Array.from(rows);
}

/**
 * Candidate vs baseline, value by value, for any column kind (and interval by interval for ordered
 * ones). `tally.inert` grows by the values tested but not built (see below), `tally.neighbourTests` by
 * the values and intervals of an ordered column (each also has a neighbour test, run or not);
 * `keepAll` builds every cell (a caller screens some by other means).
 */
function baselineCells(
  candidate: Dataset,
  baseline: Dataset,
  column: number,
  baselineColumn: number,
  priors: readonly number[],
  options: SpikeOptions,
  tally: { inert: number; neighbourTests: number },
  keepAll: boolean,
): Cell[] {
  const index = candidate.indexes.valueIndex(column);
  const baseIndex = baseline.indexes.valueIndex(baselineColumn);
  const classMap = mapClasses(candidate, baseline);
  const k = classMap.length;
  const n = candidate.table.rowCount;
  const nb = baseline.table.rowCount;
  const share = n / (n + nb);
  const scale = n / nb;
  // Per class, counts are compared after the class's own overall change: a relabelled or grown
  // class is label shift (another rule's business), a value spiking beyond it is a class spike.
  const byClass = classScales(candidate, baseline, classMap, share);
  const baseIdOf = valueLookup(baseIndex.values);
  const cells: Cell[] = [];
  const classCountsOf = (id: number): number[] => Array.from(index.classCounts!.subarray(id * k, id * k + k));
  const baseClassCountsOf = (baseId: number): number[] => {
    const counts = new Array<number>(k).fill(0);
    if (baseId < 0 || !baseIndex.classCounts) return counts;
    const bk = baseline.schema.label!.classes.length;
    for (let t = 0; t < k; t++) if (classMap[t] >= 0) counts[t] = baseIndex.classCounts[baseId * bk + classMap[t]];
    return counts;
  };
  const ordered = index.numeric && index.values.length >= options.minDistinctOrdered;
  // Values are also compared with their neighbours in the candidate, as without a baseline: those
  // whose count in some class outgrows the baseline's enough to be a spike against it at all
  // (judgeCell's ratio test), so the values both files share alike cost nothing more.
  const byNeighbours = new Map<number | string, Cell>();
  const outgrowing = Uint8Array.from({ length: index.values.length }, (_, id) =>
    outgrowsBaseline(classCountsOf(id), baseClassCountsOf(baseIdOf(index.values[id])), byClass.scale, options) ? 1 : 0,
  );
  if (ordered) for (const cell of neighbourCells(candidate, column, priors, options, { intervals: false, only: (id) => outgrowing[id] === 1 })) byNeighbours.set(cell.value, cell);
  for (let id = 0; id < index.values.length; id++) {
    const counts = classCountsOf(id);
    if (Math.max(...counts) < options.minCount) continue;
    if (ordered) tally.neighbourTests++;
    const baseId = baseIdOf(index.values[id]);
    const baseCounts = baseClassCountsOf(baseId);
    const baseTotal = baseId >= 0 ? baseIndex.counts[baseId] : 0;
    const total = index.counts[id];
    // Most values of a large column are as frequent as in the baseline: such a value can be
    // neither screened (stage 1's ratios) nor a spike (judgeCell's), so it is only counted as a
    // test (the Bonferroni correction is unchanged) and its cell is not built.
    if (!keepAll && (total + 1) / (baseTotal * scale + 1) < options.minTotalRatioWithBaseline && !outgrowing[id]) {
      tally.inert++;
      continue;
    }
    const ids = index.ids;
    cells.push({
      kind: 'value',
      value: index.values[id],
      range: null,
      classCounts: counts,
      expected: baseCounts.map((m, t) => m * byClass.scale[t]),
      classLogP: counts.map((c, t) => (c >= options.minCount ? logBinomialUpper(c, c + baseCounts[t], byClass.share[t]) : 0)),
      referenceMix: baseCounts,
      expectedTotal: baseTotal * scale,
      totalLogP: logBinomialUpper(total, total + baseTotal, share),
      reference: 'baseline',
      member: (row) => ids[row] === id,
      valueId: id,
      neighbours: byNeighbours.get(index.values[id]),
    });
  }
  if (ordered) {
    const baseColumn = baseline.table.columns[baselineColumn];
    if (baseColumn.kind === 'numeric') {
      const reverse = new Int32Array(baseline.schema.label?.classes.length ?? 0).fill(-1);
      classMap.forEach((bt, t) => bt >= 0 && (reverse[bt] = t));
      const baseLabels = baseline.schema.label?.y ?? new Int32Array(baseColumn.values.length).fill(-1);
      const baseClass = Int32Array.from(baseLabels, (bt) => (bt >= 0 ? reverse[bt] : -1));
      for (const cell of intervalCells(candidate, column, options, { values: baseColumn.values, classes: baseClass, index: baseIndex, classOf: reverse, share, scale, byClass })) {
        cells.push(cell);
        tally.neighbourTests++;
      }
    }
  }
  return cells;
}

/** Some class's count is at least minCount and minRatioWithBaseline times the baseline's (scaled): only then can the cell be a spike with a baseline. */
function outgrowsBaseline(counts: readonly number[], baseCounts: readonly number[], scale: readonly number[], options: SpikeOptions): boolean {
  return counts.some((c, t) => c >= options.minCount && (c + 1) / (baseCounts[t] * scale[t] + 1) >= options.minRatioWithBaseline);
}

/**
 * Candidate only: each value against its neighbouring distinct values (by rank, any roundness),
 * with the neighbours' counts rescaled for heaping: people write round numbers, so a value's
 * count is compared with what its neighbours would hold at its own roundness. The heaping factor
 * of a roundness level is estimated from the column itself (the median count-to-neighbours ratio
 * of the other values at that level); a value finer than every common level of the column (an
 * off-grid amount such as 123456 among multiples of 10000) is expected about half a row.
 * `only`: the values to test (all by default).
 */
function neighbourCells(
  candidate: Dataset,
  column: number,
  priors: readonly number[],
  options: SpikeOptions,
  { intervals = true, only = null }: { intervals?: boolean; only?: ((id: number) => boolean) | null } = {},
): Cell[] {
  const index = candidate.indexes.valueIndex(column);
  if (!index.numeric || index.values.length < options.minDistinctOrdered) return [];
  const values = index.values as Float64Array;
  const k = candidate.schema.label!.classes.length;
  const classCounts = index.classCounts!;
  const tested: number[] = [];
  for (let id = 0; id < values.length; id++) {
    if (only && !only(id)) continue;
    let most = 0;
    for (let t = 0; t < k; t++) most = Math.max(most, classCounts[id * k + t]);
    if (most >= options.minCount) tested.push(id);
  }
  const cells: Cell[] = [];
  if (tested.length === 0 && !intervals) return cells;
  const heaping = heapingModel(values, index.counts, index.present, options.neighbours);
  const ids = index.ids;
  for (const id of tested) {
    const counts = Array.from(classCounts.subarray(id * k, id * k + k));
    const neighbourIds = rankNeighbours(id, values.length, options.neighbours);
    const offsets = neighbourIds.map((nid) => nid - id);
    const factor = heaping.factorFor(id);
    // Each neighbour's count as it would be at this value's roundness.
    const scale = neighbourIds.map((nid) => (factor === OFF_GRID ? 0 : factor / heaping.factor[nid]));
    const expected: number[] = [];
    const classLogP: number[] = [];
    const referenceMix = pooledMix(neighbourIds.map((nid) => Array.from(classCounts.subarray(nid * k, nid * k + k))), k);
    const totalTest = testAgainstNeighbours(index.counts[id], neighbourIds.map((nid, i) => index.counts[nid] * scale[i]), offsets);
    // Given its own rows only when it holds at least what its neighbours suggest: planted rows
    // add to a value, while a value with fewer rows than that, all of one class, is a natural
    // subset (a waiting time only the chosen mode has).
    const givenTotal = index.counts[id] >= totalTest.expected;
    const referenceRows = sum(referenceMix);
    const labelledRows = sum(counts);
    for (let t = 0; t < k; t++) {
      const tested = testAgainstNeighbours(counts[t], neighbourIds.map((nid, i) => classCounts[nid * k + t] * scale[i]), offsets);
      // The louder route screens (Bonferroni over the two); the expectation the ratio and
      // purity tests use stays the neighbours' count.
      expected.push(tested.expected);
      classLogP.push(givenTotal ? Math.min(tested.logP, logPGivenTotal(counts[t], labelledRows, referenceMix[t], referenceRows, priors[t])) + Math.LN2 : tested.logP);
    }
    cells.push({
      kind: 'value',
      value: values[id],
      range: null,
      classCounts: counts,
      expected,
      classLogP,
      referenceMix,
      expectedTotal: totalTest.expected,
      totalLogP: totalTest.logP,
      reference: 'neighbours',
      member: (row) => ids[row] === id,
      valueId: id,
    });
  }
  if (intervals) for (const cell of intervalCells(candidate, column, options, null)) cells.push(cell);
  return cells;
}

const OFF_GRID = -1;
/** Roundness levels run from -9 to 9. */
const LEVELS = 19;
/** A roundness level needs this many other values before its heaping factor is estimated. */
const MIN_VALUES_PER_LEVEL = 3;
/** Levels holding at least this share of the rows are the column's "grid". */
const COMMON_LEVEL_SHARE = 0.01;

function rankNeighbours(id: number, count: number, each: number): number[] {
  const result: number[] = [];
  for (let n = Math.max(0, id - each); n < Math.min(count, id + each + 1); n++) if (n !== id) result.push(n);
  return result;
}

/** Heaping factor per distinct value (from its roundness level), and the factor a value itself gets. */
function heapingModel(values: Float64Array, counts: Uint32Array, present: number, each: number): { factor: Float64Array; factorFor: (id: number) => number } {
  // Runs over every distinct value of a column (hundreds of thousands for amounts): typed arrays
  // indexed by level, no allocation per value. Levels are -9..9 (roundness), stored at level + 9.
  const levels = Int32Array.from(values, (v) => roundness(v));
  const perLevel = new Int32Array(LEVELS);
  for (const level of levels) perLevel[level + 9]++;
  const logsAt = Array.from(perLevel, (n) => new Float64Array(n));
  const filled = new Int32Array(LEVELS);
  const rowsAt = new Float64Array(LEVELS);
  const around = new Float64Array(2 * each);
  for (let id = 0; id < values.length; id++) {
    let m = 0;
    for (let n = Math.max(0, id - each); n < Math.min(values.length, id + each + 1); n++) {
      if (n === id) continue;
      // Insertion into the sorted prefix: at most 2 x each values.
      let j = m++;
      while (j > 0 && around[j - 1] > counts[n]) {
        around[j] = around[j - 1];
        j--;
      }
      around[j] = counts[n];
    }
    const local = m ? median(around.subarray(0, m)) : counts[id];
    const at = levels[id] + 9;
    logsAt[at][filled[at]++] = Math.log((counts[id] + 0.5) / (local + 0.5));
    rowsAt[at] += counts[id];
  }
  const levelFactor = Float64Array.from(logsAt, (logs) => (logs.length >= MIN_VALUES_PER_LEVEL ? Math.exp(median(logs.sort())) : 1));
  const factor = Float64Array.from(levels, (level) => levelFactor[level + 9]);
  /** Whether rows other than this value's sit at its roundness level or a finer one. */
  const finerLevelsInUse = (id: number): boolean => {
    let rows = -counts[id];
    for (let at = 0; at <= levels[id] + 9; at++) rows += rowsAt[at];
    return rows >= COMMON_LEVEL_SHARE * present;
  };
  return {
    factor,
    factorFor(id) {
      const others = perLevel[levels[id] + 9] - 1;
      if (others >= MIN_VALUES_PER_LEVEL) return factor[id];
      return finerLevelsInUse(id) ? 1 : OFF_GRID;
    },
  };
}

/**
 * Narrow intervals of an ordered column, at a few widths and two offsets, each compared with the
 * baseline's count in the same interval or with the intervals around it (skipping the adjacent
 * ones, which a jittered trigger may spill into).
 */
function intervalCells(
  candidate: Dataset,
  column: number,
  options: SpikeOptions,
  baseline: { values: Float64Array; classes: Int32Array; index: ValueIndex; classOf: Int32Array; share: number; scale: number; byClass: ClassScales } | null,
): Cell[] {
  const col = candidate.table.columns[column];
  if (col.kind !== 'numeric') return [];
  const index = candidate.indexes.valueIndex(column);
  const values = index.values as Float64Array;
  const p1 = lowerQuantileOfCounts(values, index.counts, 0.01, index.present);
  const span = lowerQuantileOfCounts(values, index.counts, 0.75, index.present) - lowerQuantileOfCounts(values, index.counts, 0.25, index.present);
  if (!(span > 0) || !Number.isFinite(span)) return [];
  const y = candidate.schema.label!.y;
  const k = candidate.schema.label!.classes.length;
  const gap = typicalGap(values);
  const cells: Cell[] = [];
  for (const fraction of options.intervalWidths) {
    const width = span * fraction;
    // Bins barely wider than the spacing of the values would compare a value with empty gaps.
    if (width < 4 * gap) continue;
    for (const offset of [0, 0.5]) {
      const origin = p1 - offset * width;
      const bins = binClassCounts(index, null, k, origin, width) ?? sparseBinClassCounts(col.values, y, k, origin, width);
      const baseBins = baseline ? (binClassCounts(baseline.index, baseline.classOf, k, origin, width) ?? sparseBinClassCounts(baseline.values, baseline.classes, k, origin, width)) : null;
      for (const [bin, counts] of bins) {
        if (Math.max(...counts) < options.minCount) continue;
        const lo = origin + bin * width;
        const hi = lo + width;
        // A bin whose mass is mostly one value is that value's business, judged above.
        if (largestValueCountIn(values, index.counts, lo, hi) > 0.5 * sum(counts)) continue;
        const total = sum(counts);
        if (total > options.maxIntervalShare * index.present) continue;
        /** The intervals around this one (skipping the adjacent ones) as its expectation. */
        const againstNeighbours = (): NeighbourTest & { referenceMix: number[] } => {
          const aroundTotals: number[] = [];
          const offsets: number[] = [];
          const aroundMixes: number[][] = [];
          for (let d = 2; d <= options.neighbours + 1; d++) {
            aroundTotals.push(sum(bins.get(bin - d) ?? [0]), sum(bins.get(bin + d) ?? [0]));
            offsets.push(-d, d);
            aroundMixes.push(bins.get(bin - d) ?? [], bins.get(bin + d) ?? []);
          }
          const totalTest = testAgainstNeighbours(total, aroundTotals, offsets);
          const expected: number[] = [];
          const classLogP: number[] = [];
          for (let t = 0; t < k; t++) {
            const around: number[] = [];
            for (let d = 2; d <= options.neighbours + 1; d++) around.push(bins.get(bin - d)?.[t] ?? 0, bins.get(bin + d)?.[t] ?? 0);
            const tested = testAgainstNeighbours(counts[t], around, offsets);
            expected.push(tested.expected);
            classLogP.push(tested.logP);
          }
          return { referenceMix: pooledMix(aroundMixes, k), expected, classLogP, expectedTotal: totalTest.expected, totalLogP: totalTest.logP };
        };
        let expected: number[];
        let classLogP: number[];
        let referenceMix: number[];
        let expectedTotal: number;
        let totalLogP: number;
        let reference: Cell['reference'];
        let neighbours: NeighbourTest | undefined;
        if (baseline && baseBins) {
          const base = baseBins.get(bin) ?? new Array<number>(k).fill(0);
          expected = base.map((m, t) => m * baseline.byClass.scale[t]);
          classLogP = counts.map((c, t) => (c >= options.minCount ? logBinomialUpper(c, c + base[t], baseline.byClass.share[t]) : 0));
          referenceMix = base;
          expectedTotal = sum(base) * baseline.scale;
          totalLogP = logBinomialUpper(total, total + sum(base), baseline.share);
          reference = 'baseline';
          // Also compared with the intervals around it, as without a baseline.
          if (outgrowsBaseline(counts, base, baseline.byClass.scale, options)) neighbours = againstNeighbours();
        } else {
          ({ referenceMix, expected, classLogP, expectedTotal, totalLogP } = againstNeighbours());
          reference = 'neighbours';
        }
        cells.push({
          kind: 'interval',
          value: NaN,
          range: [lo, hi],
          classCounts: counts,
          expected,
          classLogP,
          referenceMix,
          expectedTotal,
          totalLogP,
          reference,
          member: (row) => Math.floor((col.values[row] - origin) / width) === bin,
          neighbours,
        });
      }
    }
  }
  return cells;
}

/**
 * A class's count given the value's own total, at the neighbours' class mix (smoothed towards
 * the file's prior by PRIOR_WEIGHT rows). A column heaped at values that are not round (a
 * campaign every few months: 14, 16, 21, 23 hold most rows, 15 and 18 a row each) has class
 * counts that swing with the totals, so one class's count against its neighbours' says little;
 * heaping fills every class of a value alike, a trigger one class.
 */
function logPGivenTotal(count: number, total: number, referenceCount: number, referenceRows: number, prior: number): number {
  const share = (referenceCount + PRIOR_WEIGHT * prior) / (referenceRows + PRIOR_WEIGHT);
  return logBinomialUpper(count, total, Math.min(1 - 1e-9, Math.max(1e-9, share)));
}

function pooledMix(mixes: number[][], k: number): number[] {
  const pooled = new Array<number>(k).fill(0);
  for (const mix of mixes) for (let t = 0; t < mix.length; t++) pooled[t] += mix[t];
  return pooled;
}

/**
 * Per bin of `width` from `origin`: the class counts of the column's rows, from its value index
 * (one pass over the distinct values, not over the rows). `classOf` maps the index's classes to
 * the candidate's (a baseline's index; -1: no such class), null when they are the candidate's.
 * Bins in ascending order, only those with rows; null when the bins are too many for a dense
 * array (the caller then counts by row, sparsely).
 */
function binClassCounts(index: ValueIndex, classOf: Int32Array | null, k: number, origin: number, width: number): Map<number, number[]> | null {
  const values = index.values as Float64Array;
  const classCounts = index.classCounts;
  if (!classCounts) return new Map(); // no label: no row has a class
  const ik = classOf ? classOf.length : k;
  const counted = (id: number): boolean => {
    if (!Number.isFinite(values[id])) return false;
    for (let c = 0; c < ik; c++) if (classCounts[id * ik + c] > 0 && (classOf === null || classOf[c] >= 0)) return true;
    return false;
  };
  let first = 0;
  while (first < values.length && !counted(first)) first++;
  let last = values.length - 1;
  while (last >= first && !counted(last)) last--;
  const bins = new Map<number, number[]>();
  if (first > last) return bins;
  const lowest = Math.floor((values[first] - origin) / width);
  const span = Math.floor((values[last] - origin) / width) - lowest + 1;
  if (span * k > MAX_DENSE_BIN_CELLS) return null;
  const dense = new Uint32Array(span * k);
  for (let id = first; id <= last; id++) {
    const v = values[id];
    if (!Number.isFinite(v)) continue;
    const at = (Math.floor((v - origin) / width) - lowest) * k;
    for (let c = 0; c < ik; c++) {
      const count = classCounts[id * ik + c];
      if (count === 0) continue;
      const t = classOf ? classOf[c] : c;
      if (t >= 0) dense[at + t] += count;
    }
  }
  for (let b = 0; b < span; b++) {
    let any = 0;
    for (let t = 0; t < k; t++) any += dense[b * k + t];
    if (any > 0) bins.set(b + lowest, Array.from(dense.subarray(b * k, b * k + k)));
  }
  return bins;
}

function sparseBinClassCounts(values: Float64Array, classes: Int32Array, k: number, origin: number, width: number): Map<number, number[]> {
  const bins = new Map<number, number[]>();
  for (let row = 0; row < values.length; row++) {
    const v = values[row];
    if (!Number.isFinite(v) || classes[row] < 0) continue;
    const bin = Math.floor((v - origin) / width);
    let counts = bins.get(bin);
    if (!counts) bins.set(bin, (counts = new Array<number>(k).fill(0)));
    counts[classes[row]]++;
  }
  return bins;
}

/**
 * A count against the counts of its neighbours, given with their signed offsets from it. Two
 * views, the less significant kept: the log count against a robust (Theil-Sen) line through the
 * neighbours' log counts, scaled by their robust spread around it (captures natural unevenness
 * and slopes), and a Poisson excess over the neighbours' upper quartile (keeps tiny counts from
 * looking huge).
 */
function testAgainstNeighbours(count: number, neighbourCounts: number[], offsets?: number[]): { expected: number; logP: number } {
  if (neighbourCounts.length === 0) return { expected: 0.5, logP: logPoissonUpper(count, 1) };
  const logs = neighbourCounts.map((c) => Math.log(c + 0.5));
  const xs = offsets ?? neighbourCounts.map(() => 0);
  const { intercept, residuals } = theilSen(xs, logs);
  const spread = 1.4826 * median(residuals.map(Math.abs).sort((a, b) => a - b));
  const scale = Math.max(spread, neighbourCounts.length < 4 ? 1 : 0.25);
  const z = (Math.log(count + 0.5) - intercept) / scale;
  const sorted = neighbourCounts.slice().sort((a, b) => a - b);
  const upper = Math.max(1, lowerQuantile(sorted, 0.75), Math.exp(intercept) - 0.5);
  const logP = Math.max(logNormalUpper(z), logPoissonUpper(count, upper));
  return { expected: Math.max(0, Math.exp(intercept) - 0.5), logP };
}

/** Robust line fit: median of pairwise slopes, median intercept. Returns the value at x = 0. */
function theilSen(xs: number[], ys: number[]): { intercept: number; residuals: number[] } {
  const slopes: number[] = [];
  for (let i = 0; i < xs.length; i++) {
    for (let j = i + 1; j < xs.length; j++) if (xs[j] !== xs[i]) slopes.push((ys[j] - ys[i]) / (xs[j] - xs[i]));
  }
  const slope = slopes.length ? median(slopes.sort((a, b) => a - b)) : 0;
  const intercept = median(ys.map((y, i) => y - slope * xs[i]).sort((a, b) => a - b));
  return { intercept, residuals: ys.map((y, i) => y - intercept - slope * xs[i]) };
}

/**
 * How round a number is: trailing zeros of an integer (0 counts as very round), or minus the
 * number of decimals it needs.
 */
export function roundness(value: number): number {
  if (value === 0) return 9;
  if (Number.isInteger(value)) {
    let r = 0;
    let x = Math.abs(value);
    while (r < 8 && x % 10 === 0) {
      x /= 10;
      r++;
    }
    return r;
  }
  for (let d = 1; d <= 8; d++) {
    const scaled = value * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-6 * Math.max(1, Math.abs(scaled))) return -d;
  }
  return -9;
}

/** Interval and value cells can describe the same rows; keep the most significant per overlap. */
function dedupe(spikes: Spike[]): Spike[] {
  const sorted = spikes.slice().sort((a, b) => a.logP - b.logP);
  const kept: Spike[] = [];
  for (const spike of sorted) {
    const overlapping = kept.find(
      (other) => other.column === spike.column && other.targetClass === spike.targetClass && overlapShare(other.rows, spike.rows) >= 0.5,
    );
    if (!overlapping) {
      kept.push(spike);
    }
  }
  return kept;
}

/** An interval spike reports the tight range of its target-class rows, and their median as its value. */
function tightenInterval(candidate: Dataset, spike: Spike): void {
  const column = candidate.table.columns[spike.column];
  if (column.kind !== 'numeric' || spike.rows.length === 0) return;
  const inside = Float64Array.from(spike.rows, (row) => column.values[row]).sort();
  spike.range = [inside[0], inside[inside.length - 1]];
  spike.value = upperQuantile(inside, 0.5);
}

interface ClassScales {
  /** Candidate rows of the class over baseline rows of the class, and the candidate's share of both. */
  scale: number[];
  share: number[];
}

function classScales(candidate: Dataset, baseline: Dataset, classMap: number[], fallbackShare: number): ClassScales {
  const candidateCounts = candidate.schema.label!.classCounts;
  const baseCounts = baseline.schema.label?.classCounts ?? [];
  const scale: number[] = [];
  const share: number[] = [];
  classMap.forEach((bt, t) => {
    const nb = bt >= 0 ? baseCounts[bt] : 0;
    const n = candidateCounts[t];
    share.push(nb > 0 ? n / (n + nb) : fallbackShare);
    scale.push(nb > 0 ? n / nb : fallbackShare / (1 - fallbackShare));
  });
  return { scale, share };
}

function mapClasses(candidate: Dataset, baseline: Dataset): number[] {
  const baseClasses = baseline.schema.label?.classes ?? [];
  return candidate.schema.label!.classes.map((name) => baseClasses.indexOf(name));
}

function valueLookup(values: Float64Array | readonly string[]): (value: number | string) => number {
  if (values instanceof Float64Array) {
    return (value) => {
      if (typeof value !== 'number') return -1;
      let lo = 0;
      let hi = values.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (values[mid] === value) return mid;
        if (values[mid] < value) lo = mid + 1;
        else hi = mid - 1;
      }
      return -1;
    };
  }
  const idOf = new Map<string, number>();
  values.forEach((value, id) => idOf.set(value, id));
  return (value) => idOf.get(String(value)) ?? -1;
}

/** Median gap between consecutive distinct values. */
function typicalGap(sortedValues: Float64Array): number {
  const gaps: number[] = [];
  for (let i = 1; i < sortedValues.length; i++) if (Number.isFinite(sortedValues[i])) gaps.push(sortedValues[i] - sortedValues[i - 1]);
  gaps.sort((a, b) => a - b);
  return gaps.length ? median(gaps) : Infinity;
}

function largestValueCountIn(sortedValues: Float64Array, counts: Uint32Array, lo: number, hi: number): number {
  let largest = 0;
  for (let i = lowerBound(sortedValues, lo); i < sortedValues.length && sortedValues[i] < hi; i++) largest = Math.max(largest, counts[i]);
  return largest;
}


function sum(values: readonly number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

