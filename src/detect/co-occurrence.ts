/**
 * Value conjunctions concentrated in one class (the detector behind rules/co-occurrence.ts).
 *
 * A multi-column trigger stamps two or three ordinary values together into rows of one class.
 * Each value alone stays unremarkable (common, in range, no single-value spike), but the
 * combination turns up in that class far more often than its columns predict. For a combination
 * (values a, b of two feature columns, or a triple) and a class t, with c rows of class t holding
 * it and N labelled rows (any class) holding it, without a baseline both models must hold:
 *   - the label model: the combination is purer in t than its smaller parts. The reference q is
 *     the largest P(t) of a part (for a pair: a without b, b without a; for a triple: each
 *     sub-pair without the third value), counted on all the part's rows when fewer than
 *     `minCount` lack the rest. c of N must exceed N q (binomial upper tail below `alpha`,
 *     Bonferroni over the cells tested) by at least `minExcessShare` of c. Correlated columns (one
 *     a multiple of the other, both zero together) stay quiet: the combination is as pure as its
 *     parts, and additive effects (two risk factors) fall short of the excess;
 *   - the independence model: given the class the columns are independent, E = n_t prod P(part|t)
 *     (Poisson upper tail); the effect size, at least `minRatio`, is c over the same product with
 *     the combination's rows left out of the class and of each part (it keeps growing when the
 *     stamped rows are a large part of a small class). Values that naturally exclude each other
 *     are the other way in ("exclusive elsewhere"): the other classes hold at most 1/`minRatio` of
 *     the rows their frequencies predict (at least `minCount` predicted; Poisson lower tail) while
 *     class t holds at least what its frequencies predict;
 *   - at least `minCount` rows, `minPurity` of them in t, and rare: N <= `maxShare` of the rows.
 * With a baseline that has the columns, the baseline replaces both models: c against the
 * baseline's count of the same combination in the same class, binomial with the two files' sizes
 * (c of c + c_b at n / (n + n_b)), at least `baselineRatio` times the baseline's rate ((c_b + 1)
 * rows, scaled). A combination the baseline shows as often never fires, and a value the baseline
 * never had is left to the single-value rules.
 *
 * Triples: three common values can be rare together while every pair of them is common. Pairs
 * that lean to a class (`seedAlpha`, up to `seedMaxShare` of the rows; those that fire first, then
 * by their excess share or baseline test, at most `maxSeeds`) are extended by every value of every
 * other column and the triples tested as above (Bonferroni over pairs and triples). A pair that
 * fires becomes the strongest fired triple holding `extendMinShare` of its class rows; failing
 * that it is grown by a value riding along on `extendMinShare` of its class rows far more often
 * than on the class rows holding one of its values but not the other (binomial, Bonferroni over
 * the values tried): the third column of a pair that is already pure, which the label model cannot
 * see, while a column that merely follows a or b is not added.
 *
 * Every combination kept is checked against the rest of its rows (`restOfRow`): a naive Bayes
 * score of the target class from the other feature columns (numbers in quantile bins, each row
 * left out of its own counts). Rows stamped and relabelled keep the rest of the row of their true
 * class, so far fewer of them score as the target class than its other rows do; natural
 * interactions keep them alike (or more alike). Those that contradict are reported first.
 *
 * Cost: a column's values are its `maxValuesPerColumn` most frequent ones seen at least `minCount`
 * times (exact values: a stamped value repeats), coded in a byte per row, and only columns whose
 * coded values cover `minCoverage` of their rows take part (a continuous column's repeated exact
 * values mark a moment or an entity, not a category); each column pair is counted in one pass over
 * the rows into a dense (a, b, class) table, the column pairs are cut so that pairs x rows stays
 * below `maxRowVisits`, and so are the seeds' passes; tails are summed only for cells whose first
 * term is already significant.
 */
import type { Dataset } from '../engine/dataset.js';
import { eachColumn } from '../progress-events.js';
import type { ValueIndex } from '../engine/indexes.js';
import { MISSING_CODE } from '../table/table.js';
import { gammaln } from 'simple-statistics';
import { logBinomialUpper, logBonferroni, logPoissonUpper } from '../stats/tails.js';
import { overlapShare } from '../util/rows.js';
import { restOfRowScorer, type RestOfRow } from './rest-of-row.js';

export interface CoOccurrenceOptions {
  minCount: number;
  minRatio: number;
  maxShare: number;
  minPurity: number;
  minExcessShare: number;
  alpha: number;
  maxValuesPerColumn: number;
  /** Values held by more of the rows than this are left out (nothing can be rare with them). */
  maxValueShare: number;
  minCoverage: number;
  maxParts: number;
  extendMinShare: number;
  baselineRatio: number;
  seedAlpha: number;
  seedMaxShare: number;
  maxSeeds: number;
  maxConjunctions: number;
  maxRowVisits: number;
  restShareRatio: number;
  restAlpha: number;
}

export const DEFAULT_CO_OCCURRENCE_OPTIONS: CoOccurrenceOptions = {
  minCount: 10,
  minRatio: 5,
  maxShare: 0.05,
  minPurity: 0.5,
  minExcessShare: 0.5,
  alpha: 1e-3,
  maxValuesPerColumn: 48,
  maxValueShare: 0.9,
  minCoverage: 0.5,
  maxParts: 3,
  extendMinShare: 0.7,
  baselineRatio: 2.5,
  seedAlpha: 1e-3,
  seedMaxShare: 0.5,
  maxSeeds: 64,
  maxConjunctions: 3,
  maxRowVisits: 4e8,
  restShareRatio: 0.5,
  restAlpha: 1e-6,
};

export interface ConjunctionPart {
  column: number;
  /** Value id in the candidate's value index of the column. */
  id: number;
  value: number | string;
}


export interface Conjunction {
  parts: ConjunctionPart[];
  targetClass: number;
  /** Rows of the target class holding every part (sorted). */
  rows: Uint32Array;
  /** Labelled rows of any class holding every part. */
  total: number;
  /** Expected class-t rows: the independence model, or the baseline's count scaled to the candidate. */
  expected: number;
  ratio: number;
  /** Share of the rows with the combination in the target class, and that class's share of the labelled rows. */
  purity: number;
  prior: number;
  /** Without a baseline: P(t) given the most telling smaller part of the combination (the label model's reference). */
  partPurity: number | null;
  /** The test that found the combination (natural log), and the extension's, if any. */
  logP: number;
  extensionLogP: number | null;
  reference: 'independence' | 'baseline';
  /** With a baseline: its class-t rows with the combination, all its rows with it, its labelled rows. */
  baseline: { count: number; total: number; rows: number } | null;
  restOfRow: RestOfRow | null;
  /** Without a baseline: the values exclude each other in the other classes (their rows there, and the rows their frequencies predict). */
  elsewhere: { exclusive: boolean; count: number; expected: number } | null;
  /** Class-t carriers equal to a row without the combination in every other feature column. */
  copies: number;
  /** Share of all rows with such a twin for the same columns (the copies' null rate). */
  copyRate: number;
}

type BaselineColumnOf = (candidateColumn: number) => number;

interface ColumnCodes {
  column: number;
  /** Value ids (candidate index) of the coded values; code k + 1 is ids[k]. */
  ids: number[];
  /** Per row: 0 when the value is not coded, else its code. */
  codes: Uint8Array;
  index: ValueIndex;
  /** Baseline codes per baseline row (same coding), or null when the baseline lacks the column. */
  baseCodes: Uint8Array | null;
}

interface Part {
  k: number;
  code: number;
}

interface Cell {
  parts: Part[];
  t: number;
  count: number;
  total: number;
  expected: number;
  ratio: number;
  purity: number;
  partPurity: number | null;
  logP: number;
  reference: 'independence' | 'baseline';
  baseline: { count: number; total: number; rows: number } | null;
  /** Independence model: the values exclude each other in the other classes (rows there, and rows their frequencies predict). */
  exclusive?: boolean;
  otherCount?: number;
  otherExpected?: number;
}

/** A pair to extend by a third value: whether it fires itself, and how far it leans to its class. */
interface Seed {
  cell: Cell;
  fires: boolean;
  score: number;
}

interface Base {
  y: Int32Array;
  /** Baseline class index -> candidate class index, -1 when the candidate lacks it. */
  classOf: number[];
  labelled: number;
}

interface Context {
  candidate: Dataset;
  y: Int32Array;
  K: number;
  labelled: number;
  columns: ColumnCodes[];
  base: Base | null;
  options: CoOccurrenceOptions;
}

export function findConjunctions(
  candidate: Dataset,
  baseline: Dataset | null,
  baselineColumnOf: BaselineColumnOf,
  options: CoOccurrenceOptions,
): Conjunction[] {
  const label = candidate.schema.label;
  if (!label || label.classes.length < 2) return [];
  const y = label.y;
  let labelled = 0;
  for (let row = 0; row < y.length; row++) if (y[row] >= 0) labelled++;
  if (labelled < options.minCount) return [];
  let base: Base | null = null;
  const baseLabel = baseline?.schema.label ?? null;
  if (baseLabel) {
    const classOf = baseLabel.classes.map((name) => label.classes.indexOf(name));
    let count = 0;
    for (let row = 0; row < baseLabel.y.length; row++) if (baseLabel.y[row] >= 0 && classOf[baseLabel.y[row]] >= 0) count++;
    if (count >= options.minCount) base = { y: baseLabel.y, classOf, labelled: count };
  }
  const columns = codeColumns(candidate, base ? baseline : null, baselineColumnOf, options);
  if (columns.length < 2) return [];
  const ctx: Context = { candidate, y, K: label.classes.length, labelled, columns, base, options };

  const pairs = pairCells(ctx);
  let tested = pairs.tested;
  let fired = pairs.cells;
  let triples: Cell[] = [];
  if (options.maxParts >= 3) {
    // Pairs that fire first, then the others by how far they lean to their class (the share of
    // their class rows beyond the label model, or the baseline test).
    const seeds = [...pairs.seeds]
      .sort((p, q) => Number(q.fires) - Number(p.fires) || q.score - p.score || p.cell.logP - q.cell.logP)
      .slice(0, options.maxSeeds)
      .map((seed) => seed.cell);
    const extended = tripleCells(ctx, seeds);
    tested += extended.tested;
    triples = extended.cells;
  }
  if (tested === 0) return [];
  const threshold = logBonferroni(options.alpha, tested);
  fired = fired.filter((cell) => cell.logP <= threshold);
  triples = triples.filter((cell) => cell.logP <= threshold);

  const ordered = [...fired, ...triples].sort((p, q) => p.logP - q.logP || q.count - p.count || q.parts.length - p.parts.length);
  // Distinct combinations (a pair and its triple, or two pairs on the same rows, are one), up to
  // CANDIDATES_PER_RESULT times the number reported; those whose rest of the row contradicts
  // their class come first, then by strength.
  const found: Conjunction[] = [];
  const hashes = new RowHashes(candidate);
  for (const cell of ordered) {
    if (found.length >= CANDIDATES_PER_RESULT * options.maxConjunctions) break;
    const fromTriple = extendFromTriples(ctx, cell, triples);
    const grown = fromTriple.cell === cell ? grow(ctx, cell) : fromTriple;
    const rows = carrierRows(ctx, grown.cell.parts, cell.t);
    if (found.some((f) => f.targetClass === cell.t && (overlapShare(f.rows, rows) >= 0.5 || covers(ctx, f, grown.cell.parts)))) continue;
    found.push(finish(ctx, grown.cell, grown.extensionLogP, rows, hashes));
  }
  for (const conjunction of found) conjunction.restOfRow = restOfRow(ctx, conjunction, found);
  const rank = (c: Conjunction) => (restContradicts(c, options) ? 0 : 1);
  return found
    .map((c, order) => ({ c, order }))
    .sort((p, q) => rank(p.c) - rank(q.c) || (rank(p.c) === 0 ? p.c.restOfRow!.logP - q.c.restOfRow!.logP : 0) || p.order - q.order)
    .slice(0, options.maxConjunctions)
    .map((entry) => entry.c);
}

const CANDIDATES_PER_RESULT = 4;

/** Far fewer of the combination's rows look like their class, by the rest of the row, than the class's other rows do. */
export function restContradicts(c: Conjunction, options: Pick<CoOccurrenceOptions, 'restShareRatio' | 'restAlpha'>): boolean {
  const rest = c.restOfRow;
  return rest !== null && rest.carrierShare <= options.restShareRatio * rest.classShare && rest.logP <= Math.log(options.restAlpha);
}

function covers(ctx: Context, found: Conjunction, parts: readonly Part[]): boolean {
  return parts.every((p) => found.parts.some((q) => q.column === ctx.columns[p.k].column && q.id === ctx.columns[p.k].ids[p.code - 1]));
}

/** The coded values of each feature column (and the baseline's rows in the same coding). */
function codeColumns(candidate: Dataset, baseline: Dataset | null, baselineColumnOf: BaselineColumnOf, options: CoOccurrenceOptions): ColumnCodes[] {
  const result: ColumnCodes[] = [];
  const limit = Math.min(options.maxValuesPerColumn, 255);
  for (const column of eachColumn(candidate.schema.featureColumns)) {
    const index = candidate.indexes.valueIndex(column);
    const chosen: number[] = [];
    for (let id = 0; id < index.counts.length; id++) {
      const count = index.counts[id];
      if (count >= options.minCount && count <= options.maxValueShare * index.present) chosen.push(id);
    }
    if (chosen.length === 0) continue;
    chosen.sort((p, q) => index.counts[q] - index.counts[p] || p - q);
    const ids = chosen.slice(0, limit);
    let covered = 0;
    for (const id of ids) covered += index.counts[id];
    // Values held by more than maxValueShare of the rows count as covered: the column is categorical.
    for (let id = 0; id < index.counts.length; id++) if (index.counts[id] > options.maxValueShare * index.present) covered += index.counts[id];
    if (covered < options.minCoverage * index.present) continue;
    const codeOf = new Uint8Array(index.counts.length);
    ids.forEach((id, k) => (codeOf[id] = k + 1));
    const codes = new Uint8Array(index.ids.length);
    for (let row = 0; row < codes.length; row++) {
      const id = index.ids[row];
      if (id !== MISSING_CODE) codes[row] = codeOf[id];
    }
    let baseCodes: Uint8Array | null = null;
    const baseColumn = baseline ? baselineColumnOf(column) : -1;
    if (baseline && baseColumn >= 0 && baseline.schema.featureColumns.includes(baseColumn)) {
      const baseIndex = baseline.indexes.valueIndex(baseColumn);
      const byValue = new Map<string, number>();
      ids.forEach((id, k) => byValue.set(valueKey(index.values[id]), k + 1));
      const baseCodeOf = new Uint8Array(baseIndex.counts.length);
      for (let id = 0; id < baseIndex.counts.length; id++) baseCodeOf[id] = byValue.get(valueKey(baseIndex.values[id])) ?? 0;
      baseCodes = new Uint8Array(baseIndex.ids.length);
      const seen = new Uint8Array(ids.length + 1);
      for (let row = 0; row < baseCodes.length; row++) {
        const id = baseIndex.ids[row];
        if (id !== MISSING_CODE) seen[(baseCodes[row] = baseCodeOf[id])] = 1;
      }
      // A value the baseline never had is a single-value finding (class-spike's), not a combination.
      for (let row = 0; row < codes.length; row++) if (codes[row] > 0 && !seen[codes[row]]) codes[row] = 0;
    }
    result.push({ column, ids, codes, index, baseCodes });
  }
  return result;
}

/** A value's identity across files: numbers by value, text by its string. */
function valueKey(value: number | string): string {
  return typeof value === 'number' ? `n${value === 0 ? 0 : value}` : `s${value}`;
}

function classCountOf(ctx: Context, part: Part, t: number): number {
  const c = ctx.columns[part.k];
  return c.index.classCounts![c.ids[part.code - 1] * ctx.K + t];
}

function countOf(ctx: Context, part: Part): number {
  const c = ctx.columns[part.k];
  return c.index.counts[c.ids[part.code - 1]];
}

/** Binomial test of c candidate rows against c_b baseline rows of the same combination and class. */
function baselineTest(ctx: Context, count: number, baseCount: number): { logP: number; expected: number; ratio: number } {
  const base = ctx.base!;
  const scale = ctx.labelled / base.labelled;
  return {
    logP: binomialTail(count, count + baseCount, ctx.labelled / (ctx.labelled + base.labelled), Math.log(ctx.options.seedAlpha)),
    expected: baseCount * scale,
    ratio: count / ((baseCount + 1) * scale),
  };
}

/**
 * Counts every column pair's (a, b, class) cells and tests those with enough rows. Returns the
 * cells that pass the effect-size filters with their tail probability, the number tested, and
 * the seeds for triples (pairs leaning to a class at `seedAlpha`, up to `seedMaxShare` of the rows).
 */
function pairCells(ctx: Context): { cells: Cell[]; seeds: Seed[]; tested: number } {
  const { columns, y, K, labelled, base, options } = ctx;
  const n = y.length;
  // Column pairs, cut to the visiting budget (the columns with most coded rows first).
  const coverage = columns.map((c) => c.ids.reduce((sum, id) => sum + c.index.counts[id], 0));
  const order = columns.map((_, k) => k).sort((p, q) => coverage[q] - coverage[p] || p - q);
  const rowsPerPair = n + (base ? base.y.length : 0);
  const maxPairs = Math.max(1, Math.floor(options.maxRowVisits / Math.max(1, rowsPerPair)));
  let kept = order.length;
  while (kept > 2 && (kept * (kept - 1)) / 2 > maxPairs) kept--;
  const used = order.slice(0, kept).sort((p, q) => p - q);

  // Per column: code and class in one number ((code - 1) * K + class), NONE when either is missing.
  const NONE = 0xffff;
  const withClass = new Map<number, Uint16Array>();
  const baseWithClass = new Map<number, Uint16Array>();
  for (const k of used) {
    const codes = columns[k].codes;
    const out = new Uint16Array(n);
    for (let row = 0; row < n; row++) out[row] = codes[row] > 0 && y[row] >= 0 ? (codes[row] - 1) * K + y[row] : NONE;
    withClass.set(k, out);
    const baseCodes = columns[k].baseCodes;
    if (base && baseCodes) {
      const mapped = new Uint16Array(baseCodes.length);
      for (let row = 0; row < baseCodes.length; row++) {
        const t = base.y[row] >= 0 ? base.classOf[base.y[row]] : -1;
        mapped[row] = baseCodes[row] > 0 && t >= 0 ? (baseCodes[row] - 1) * K + t : NONE;
      }
      baseWithClass.set(k, mapped);
    }
  }

  const cells: Cell[] = [];
  const seeds: Seed[] = [];
  let tested = 0;
  let buffer = new Uint32Array(0);
  let baseBuffer = new Uint32Array(0);
  const maxTotal = options.maxShare * labelled;
  const maxSeedTotal = Math.max(maxTotal, options.seedMaxShare * labelled);
  const seedLogP = Math.log(options.seedAlpha);
  for (let x = 0; x < used.length; x++) {
    for (let z = x + 1; z < used.length; z++) {
      const i = used[x];
      const j = used[z];
      const vi = columns[i].ids.length;
      const vj = columns[j].ids.length;
      const stride = vi * K;
      const size = stride * vj;
      if (buffer.length < size) buffer = new Uint32Array(size);
      const counts = buffer.subarray(0, size);
      counts.fill(0);
      const left = withClass.get(i)!;
      const right = columns[j].codes;
      for (let row = 0; row < n; row++) {
        const a = left[row];
        const b = right[row];
        if (a !== NONE && b !== 0) counts[(b - 1) * stride + a]++;
      }
      let baseCounts: Uint32Array | null = null;
      const baseLeft = baseWithClass.get(i);
      const baseRight = columns[j].baseCodes;
      if (baseLeft && baseRight) {
        if (baseBuffer.length < size) baseBuffer = new Uint32Array(size);
        baseCounts = baseBuffer.subarray(0, size);
        baseCounts.fill(0);
        for (let row = 0; row < baseLeft.length; row++) {
          const a = baseLeft[row];
          const b = baseRight[row];
          if (a !== NONE && b !== 0) baseCounts[(b - 1) * stride + a]++;
        }
      }
      for (let b = 0; b < vj; b++) {
        for (let a = 0; a < vi; a++) {
          const offset = b * stride + a * K;
          let total = 0;
          for (let t = 0; t < K; t++) total += counts[offset + t];
          if (total < options.minCount || total > maxSeedTotal) continue;
          let baseTotal = 0;
          if (baseCounts) for (let t = 0; t < K; t++) baseTotal += baseCounts[offset + t];
          const parts: Part[] = [
            { k: i, code: a + 1 },
            { k: j, code: b + 1 },
          ];
          for (let t = 0; t < K; t++) {
            const count = counts[offset + t];
            if (count < options.minCount) continue;
            const rare = total <= maxTotal;
            if (rare) tested++;
            const purity = count / total;
            if (baseCounts) {
              const baseCount = baseCounts[offset + t];
              const test = baselineTest(ctx, count, baseCount);
              const cell: Cell = {
                parts, t, count, total, purity, partPurity: null,
                logP: test.logP, expected: test.expected, ratio: test.ratio,
                reference: 'baseline',
                baseline: { count: baseCount, total: baseTotal, rows: base!.labelled },
              };
              const fires = rare && purity >= options.minPurity && test.ratio >= options.baselineRatio;
              if (fires) cells.push(cell);
              if (test.logP <= seedLogP && count > test.expected) seeds.push({ cell, fires, score: -test.logP });
              continue;
            }
            const references = parts.map((part) => {
              const all = countOf(ctx, part);
              const inClass = classCountOf(ctx, part, t);
              return without(inClass, all, count, total, options.minCount);
            });
            const model = independenceModel(ctx, count, total, t, parts, references, seedLogP);
            const cell: Cell = { parts, t, count, total, purity, ...model, reference: 'independence', baseline: null };
            const fires = rare && passes(cell, model, options);
            if (fires) cells.push(cell);
            if (model.logP <= seedLogP && count > model.expected && model.excess > 0) seeds.push({ cell, fires, score: model.excess / count });
          }
        }
      }
    }
  }
  return { cells, seeds, tested };
}

/** P(t) among the rows of a (sub-)combination that lack the rest of the combination; among all its rows when fewer than minCount lack it. */
function without(inClass: number, all: number, count: number, total: number, minCount: number): number {
  const outside = all - total;
  return outside >= minCount ? (inClass - count) / outside : inClass / Math.max(1, all);
}

interface Model {
  expected: number;
  ratio: number;
  partPurity: number;
  logP: number;
  excess: number;
  exclusive: boolean;
  otherCount: number;
  otherExpected: number;
}

/**
 * The independence and label models of a combination with `count` class-t rows among `total`:
 * expected E = n_t prod P(part | t); the effect size is count over the same product with the
 * combination's own rows left out of the class and of each part (it keeps growing when the
 * combination is a large part of the class, which makes up most of P(part | t)). Values that
 * exclude each other naturally are the other way in: the other classes hold at most 1/minRatio
 * of the rows their own frequencies predict (at least minCount predicted) while class t holds at
 * least as many as its frequencies predict ("exclusive elsewhere"; Poisson lower tail). The label
 * model's reference is the largest P(t) of a smaller part without the rest (`references`).
 */
function independenceModel(
  ctx: Context,
  count: number,
  total: number,
  t: number,
  parts: readonly Part[],
  references: readonly number[],
  cutoff: number,
): Model {
  const classTotal = ctx.candidate.schema.label!.classCounts[t];
  const otherTotal = ctx.labelled - classTotal;
  let expected = classTotal;
  let leftOut = Math.max(1, classTotal - count);
  let otherExpected = otherTotal;
  for (const part of parts) {
    const inClass = classCountOf(ctx, part, t);
    expected *= inClass / Math.max(1, classTotal);
    leftOut *= Math.max(0, inClass - count) / Math.max(1, classTotal - count);
    otherExpected *= Math.max(0, countOf(ctx, part) - inClass) / Math.max(1, otherTotal);
  }
  const ratio = count / Math.max(leftOut, 0.5);
  const otherCount = total - count;
  const { minRatio, minCount } = ctx.options;
  const exclusive = ratio < minRatio && ratio >= 1 && otherExpected >= minCount && otherCount * minRatio <= otherExpected;
  const partPurity = Math.min(1, Math.max(0, ...references));
  const logLabel = binomialTail(count, total, Math.max(partPurity, 1e-9), cutoff);
  let logIndependence = 0;
  if (logLabel <= cutoff) logIndependence = exclusive ? poissonLower(otherCount, otherExpected) : poissonTail(count, expected, cutoff);
  return { expected, ratio, partPurity, logP: Math.max(logIndependence, logLabel), excess: count - total * partPurity, exclusive, otherCount, otherExpected };
}

/** log P(X <= k) for X ~ Poisson(lambda). */
function poissonLower(k: number, lambda: number): number {
  if (k >= lambda) return 0;
  let total = -Infinity;
  for (let i = 0; i <= k; i++) {
    const term = i * Math.log(lambda) - lambda - gammaln(i + 1);
    total = total === -Infinity ? term : Math.max(total, term) + Math.log1p(Math.exp(-Math.abs(total - term)));
  }
  return Math.min(0, total);
}

/**
 * Upper tails that skip the exact sum when even its first term shows the count is not significant
 * at `cutoff` (natural log): then that term (a lower bound of the tail, above the cutoff) is returned.
 * Most cells are near their expectation, where the exact sums are long.
 */
function binomialTail(k: number, n: number, p: number, cutoff: number): number {
  if (k <= n * p || p >= 1) return 0;
  if (k <= n && p > 0) {
    const term = gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1) + k * Math.log(p) + (n - k) * Math.log1p(-p);
    if (term > cutoff) return term;
  }
  return logBinomialUpper(k, n, p);
}

function poissonTail(k: number, lambda: number, cutoff: number): number {
  if (k <= lambda) return 0;
  if (lambda > 0) {
    const term = k * Math.log(lambda) - lambda - gammaln(k + 1);
    if (term > cutoff) return term;
  }
  return logPoissonUpper(k, lambda);
}

function passes(cell: Cell, model: Model, options: CoOccurrenceOptions): boolean {
  return cell.purity >= options.minPurity && (model.ratio >= options.minRatio || model.exclusive) && model.excess >= Math.max(options.minCount, options.minExcessShare * cell.count);
}

/**
 * Each seed pair extended by every coded value of every other column: the triple's class-t count
 * tested against the baseline's (as for pairs) or, without one, by the independence and label
 * models (the label model's references are the three sub-pairs, each without the third value).
 */
function tripleCells(ctx: Context, seeds: readonly Cell[]): { cells: Cell[]; tested: number } {
  const { columns, y, base, options } = ctx;
  const cells: Cell[] = [];
  let tested = 0;
  const maxTotal = options.maxShare * ctx.labelled;
  const seen = new Set<string>();
  let visits = 0;
  for (const seed of seeds) {
    if (visits > options.maxRowVisits) break;
    const t = seed.t;
    const useBase = seed.reference === 'baseline';
    const others = columns.map((_, k) => k).filter((k) => !seed.parts.some((p) => p.k === k) && (!useBase || columns[k].baseCodes));
    const cand = bucketCounts(columns, seed.parts, others, (k) => columns[k].codes, y, null, t);
    visits += y.length + cand.visits;
    const baseCounts = useBase ? bucketCounts(columns, seed.parts, others, (k) => columns[k].baseCodes!, base!.y, (c) => base!.classOf[c], t) : null;
    if (baseCounts) visits += base!.y.length + baseCounts.visits;
    for (let o = 0; o < others.length; o++) {
      const size = columns[others[o]].ids.length + 1;
      for (let code = 1; code < size; code++) {
        const count = cand.both.inClass[o][code];
        const total = cand.both.all[o][code];
        if (count < options.minCount || total > maxTotal) continue;
        const parts = [...seed.parts, { k: others[o], code }].sort((p, q) => p.k - q.k);
        const key = `${t}:` + parts.map((p) => `${p.k}=${p.code}`).join('&');
        if (seen.has(key)) continue;
        seen.add(key);
        tested++;
        const purity = count / total;
        if (purity < options.minPurity) continue;
        if (baseCounts) {
          const baseCount = baseCounts.both.inClass[o][code];
          const test = baselineTest(ctx, count, baseCount);
          if (test.ratio < options.baselineRatio) continue;
          cells.push({
            parts, t, count, total, purity, partPurity: null,
            logP: test.logP, expected: test.expected, ratio: test.ratio,
            reference: 'baseline',
            baseline: { count: baseCount, total: baseCounts.both.all[o][code], rows: base!.labelled },
          });
          continue;
        }
        const third = { k: others[o], code };
        const references = [
          // the seed pair without the third value; each seed value with the third, without the other seed value
          without(cand.seedInClass, cand.seedAll, count, total, options.minCount),
          ...cand.single.map((bucket) => {
            const inClass = bucket.inClass[o][code];
            const all = bucket.all[o][code];
            return all >= options.minCount ? inClass / all : (inClass + count) / Math.max(1, all + total);
          }),
        ];
        const model = independenceModel(ctx, count, total, t, parts, references, Math.log(options.seedAlpha));
        const cell: Cell = { parts, t, count, total, purity, ...model, reference: 'independence', baseline: null };
        void third;
        if (passes(cell, model, options)) cells.push(cell);
      }
    }
  }
  return { cells, tested };
}

interface Bucket {
  /** Per other column: counts per code (0 = not coded), in the class and in all classes. */
  inClass: Uint32Array[];
  all: Uint32Array[];
}

/**
 * Labelled rows by how many of the seed's two values they hold: both (`both`), or exactly one
 * (`single[p]`: the row lacks the other part), with the other columns' codes counted in each.
 */
function bucketCounts(
  columns: readonly ColumnCodes[],
  seedParts: readonly Part[],
  others: readonly number[],
  codesOf: (k: number) => Uint8Array,
  labels: Int32Array,
  classOf: ((c: number) => number) | null,
  t: number,
): { both: Bucket; single: Bucket[]; seedInClass: number; seedAll: number; visits: number } {
  const bucket = (): Bucket => ({
    inClass: others.map((k) => new Uint32Array(columns[k].ids.length + 1)),
    all: others.map((k) => new Uint32Array(columns[k].ids.length + 1)),
  });
  const both = bucket();
  const single = seedParts.map(() => bucket());
  const partCodes = seedParts.map((p) => codesOf(p.k));
  const otherCodes = others.map((k) => codesOf(k));
  let seedInClass = 0;
  let seedAll = 0;
  let visits = 0;
  for (let row = 0; row < labels.length; row++) {
    if (labels[row] < 0) continue;
    const cls = classOf ? classOf(labels[row]) : labels[row];
    if (cls < 0) continue;
    let held = 0;
    let missing = -1;
    for (let p = 0; p < partCodes.length; p++) {
      if (partCodes[p][row] === seedParts[p].code) held++;
      else missing = p;
    }
    let target: Bucket;
    if (held === partCodes.length) {
      target = both;
      seedAll++;
      if (cls === t) seedInClass++;
    } else if (held === partCodes.length - 1) target = single[1 - missing];
    else continue;
    visits += otherCodes.length;
    for (let o = 0; o < otherCodes.length; o++) {
      const code = otherCodes[o][row];
      target.all[o][code]++;
      if (cls === t) target.inClass[o][code]++;
    }
  }
  return { both, single, seedInClass, seedAll, visits };
}

/** A fired pair becomes the strongest fired triple holding most of its class-t rows (the triple's statistics replace the pair's). */
function extendFromTriples(ctx: Context, cell: Cell, triples: readonly Cell[]): { cell: Cell; extensionLogP: number | null } {
  if (cell.parts.length >= ctx.options.maxParts) return { cell, extensionLogP: null };
  let best: Cell | null = null;
  for (const triple of triples) {
    if (triple === cell || triple.t !== cell.t || triple.parts.length <= cell.parts.length || triple.count < ctx.options.extendMinShare * cell.count) continue;
    if (!cell.parts.every((p) => triple.parts.some((q) => q.k === p.k && q.code === p.code))) continue;
    if (!best || triple.logP < best.logP) best = triple;
  }
  return best ? { cell: best, extensionLogP: best.logP } : { cell, extensionLogP: null };
}

/**
 * A pair whose rows carry a third value as well: a value v held by at least `extendMinShare` of
 * the pair's class-t rows, far more often than among the class-t rows holding one of the pair's
 * values but not the other (the larger of the two rates; binomial, Bonferroni over the values
 * tried). This names the third column of a trigger whose pair is already pure (the label model
 * cannot see a part that adds no purity), while a column that follows a or b is not added.
 */
function grow(ctx: Context, cell: Cell): { cell: Cell; extensionLogP: number | null } {
  const { columns, y, options } = ctx;
  if (cell.parts.length >= options.maxParts) return { cell, extensionLogP: null };
  const n = y.length;
  const t = cell.t;
  const parts = cell.parts;
  // Class-t rows: 0 = holds every part, 1 + p = lacks part p only, 255 = otherwise.
  const state = new Uint8Array(n).fill(255);
  let carriers = 0;
  for (let row = 0; row < n; row++) {
    if (y[row] !== t) continue;
    let missing = -1;
    let misses = 0;
    for (let p = 0; p < parts.length; p++) {
      if (columns[parts[p].k].codes[row] !== parts[p].code) {
        misses++;
        missing = p;
      }
    }
    if (misses === 0) {
      state[row] = 0;
      carriers++;
    } else if (misses === 1) state[row] = 1 + missing;
  }
  const tried: { k: number; code: number; count: number; reference: number }[] = [];
  for (let k = 0; k < columns.length; k++) {
    if (parts.some((p) => p.k === k)) continue;
    const codes = columns[k].codes;
    const size = columns[k].ids.length + 1;
    const counts = new Uint32Array(size * (parts.length + 1));
    const rows = new Uint32Array(parts.length + 1);
    for (let row = 0; row < n; row++) {
      const s = state[row];
      if (s === 255) continue;
      rows[s]++;
      counts[s * size + codes[row]]++;
    }
    for (let code = 1; code < size; code++) {
      const count = counts[code];
      if (count < options.minCount || count < options.extendMinShare * carriers) continue;
      let reference = 0;
      let referenced = false;
      for (let p = 1; p <= parts.length; p++) {
        if (rows[p] < options.minCount) continue;
        referenced = true;
        reference = Math.max(reference, counts[p * size + code] / rows[p]);
      }
      if (!referenced) reference = classCountOf(ctx, { k, code }, t) / Math.max(1, ctx.candidate.schema.label!.classCounts[t]);
      tried.push({ k, code, count, reference });
    }
  }
  if (tried.length === 0) return { cell, extensionLogP: null };
  const threshold = logBonferroni(options.alpha, tried.length);
  let best: { k: number; code: number; logP: number; count: number } | null = null;
  for (const c of tried) {
    const logP = binomialTail(c.count, carriers, Math.min(1, Math.max(c.reference, 1e-9)), threshold);
    if (logP > threshold) continue;
    if (!best || logP < best.logP || (logP === best.logP && c.count > best.count)) best = { k: c.k, code: c.code, logP, count: c.count };
  }
  if (!best) return { cell, extensionLogP: null };
  const grown = [...parts, { k: best.k, code: best.code }].sort((p, q) => p.k - q.k);
  const recounted = recount(ctx, cell, grown);
  // The combination must stay at least as pure in the class.
  if (recounted.purity < cell.purity) return { cell, extensionLogP: null };
  return { cell: recounted, extensionLogP: best.logP };
}

/** A cell's counts for grown parts (the test that found the cell is kept; the reference counts are redone). */
function recount(ctx: Context, cell: Cell, parts: Part[]): Cell {
  const { columns, y, base } = ctx;
  const t = cell.t;
  let count = 0;
  let total = 0;
  for (let row = 0; row < y.length; row++) {
    if (y[row] < 0 || !holdsAll(columns, parts, row)) continue;
    total++;
    if (y[row] === t) count++;
  }
  const out: Cell = { ...cell, parts, count, total, purity: count / Math.max(1, total) };
  if (cell.reference === 'baseline' && base && parts.every((p) => columns[p.k].baseCodes)) {
    let baseCount = 0;
    let baseTotal = 0;
    for (let row = 0; row < base.y.length; row++) {
      const cls = base.y[row] >= 0 ? base.classOf[base.y[row]] : -1;
      if (cls < 0 || !parts.every((p) => columns[p.k].baseCodes![row] === p.code)) continue;
      baseTotal++;
      if (cls === t) baseCount++;
    }
    const test = baselineTest(ctx, count, baseCount);
    return { ...out, expected: test.expected, ratio: test.ratio, baseline: { count: baseCount, total: baseTotal, rows: base.labelled } };
  }
  const classTotal = ctx.candidate.schema.label!.classCounts[t];
  let expected = classTotal;
  for (const p of parts) expected *= classCountOf(ctx, p, t) / Math.max(1, classTotal);
  return { ...out, expected, ratio: count / Math.max(expected, Number.MIN_VALUE) };
}

function holdsAll(columns: readonly ColumnCodes[], parts: readonly Part[], row: number): boolean {
  for (const p of parts) if (columns[p.k].codes[row] !== p.code) return false;
  return true;
}

function carrierRows(ctx: Context, parts: readonly Part[], t: number): Uint32Array {
  const rows: number[] = [];
  for (let row = 0; row < ctx.y.length; row++) if (ctx.y[row] === t && holdsAll(ctx.columns, parts, row)) rows.push(row);
  return Uint32Array.from(rows);
}

/** The conjunction as reported, with its carriers and their copy structure. */
function finish(ctx: Context, cell: Cell, extensionLogP: number | null, rows: Uint32Array, hashes: RowHashes): Conjunction {
  const { columns } = ctx;
  const label = ctx.candidate.schema.label!;
  const partColumns = new Set(cell.parts.map((p) => columns[p.k].column));
  const twins = hashes.twins(ctx.candidate.schema.featureColumns.filter((c) => !partColumns.has(c)), rows, (row) => holdsAll(columns, cell.parts, row));
  return {
    parts: cell.parts.map((p) => {
      const c = columns[p.k];
      const id = c.ids[p.code - 1];
      return { column: c.column, id, value: c.index.values[id] };
    }),
    targetClass: cell.t,
    rows,
    total: cell.total,
    expected: cell.expected,
    ratio: cell.ratio,
    purity: cell.purity,
    prior: label.classCounts[cell.t] / Math.max(1, ctx.labelled),
    partPurity: cell.partPurity,
    logP: cell.logP,
    extensionLogP,
    reference: cell.reference,
    baseline: cell.baseline,
    elsewhere: cell.reference === 'independence' ? { exclusive: cell.exclusive ?? false, count: cell.otherCount ?? 0, expected: cell.otherExpected ?? 0 } : null,
    restOfRow: null,
    copies: twins.copies,
    copyRate: twins.rate,
  };
}

/** Copies: rows equal in the given feature columns to some row that does not hold the combination. */
class RowHashes {
  constructor(private readonly dataset: Dataset) {}

  twins(columns: readonly number[], rows: Uint32Array, holds: (row: number) => boolean): { copies: number; rate: number } {
    const n = this.dataset.table.rowCount;
    if (columns.length === 0 || rows.length === 0) return { copies: 0, rate: 0 };
    const [hi, lo] = this.dataset.indexes.rowHash(columns);
    // Rows without the combination, by key; then how many of all rows (and of the carriers) match one.
    const keys = new Map<number, number>();
    const key = (row: number) => hi[row] * 2097152 + (lo[row] >>> 11);
    for (let row = 0; row < n; row++) if (!holds(row)) keys.set(key(row), (keys.get(key(row)) ?? 0) + 1);
    let withTwin = 0;
    for (let row = 0; row < n; row++) {
      const count = keys.get(key(row)) ?? 0;
      if (count > (holds(row) ? 0 : 1)) withTwin++;
    }
    let copies = 0;
    for (const row of rows) if ((keys.get(key(row)) ?? 0) > 0) copies++;
    return { copies, rate: withTwin / n };
  }
}

/**
 * The rest of each row against the combination's class (src/detect/rest-of-row.ts), leaving out
 * every combination found in that class from the class's other rows.
 */
function restOfRow(ctx: Context, conjunction: Conjunction, found: readonly Conjunction[]): RestOfRow | null {
  const excluded = new Uint8Array(ctx.y.length);
  for (const f of found) if (f.targetClass === conjunction.targetClass) for (const row of f.rows) excluded[row] = 1;
  return restOfRowScorer(ctx.candidate).test(
    conjunction.targetClass,
    conjunction.parts.map((p) => p.column),
    conjunction.rows,
    excluded,
  );
}
