/**
 * The model stage's rest-of-row test: do the labels of a trigger candidate's rows contradict what
 * the rest of each row predicts, and do they do so where the candidate's columns show nothing
 * alike elsewhere?
 *
 * Two cross-fitted forests answer the first question: the candidates' carrier rows are split in
 * two by content; each forest trains on the candidate's training rows without one half and
 * predicts that half with the candidate's columns replaced by values from other rows (the columns
 * marginalised out). Natural structure is learned from the other half and predicted back; rows
 * edited or copied from another class and relabelled are predicted as what they were, so their
 * observed purity far exceeds the predicted one. Donors come from the same bin of the feature
 * column most tied to the hidden ones (strataFor): hiding an amount that is a fixed multiple of a
 * count with any row's amount would make rows no data has, and the forests' answer for those
 * says nothing about the labels.
 *
 * The second question is the column's own null. A column that decides the label by itself (a plan
 * code the outcome is defined from, a measurement the outcome follows, a column tied to another)
 * shows the same gap at every value: once it is hidden, nothing else in the row knows the label.
 * So the same test runs on the other values of the candidate's columns (their value combinations
 * for a multi-column candidate; intervals of the same width for an interval) in held-out rows
 * neither forest trained on. A planted value is the only one of its column that contradicts the
 * rest of the row; a sibling value that contradicts it as much (a gap not significantly smaller),
 * and that the forests use (seeing the column moves their prediction there), makes the candidate
 * natural structure: a strong predictor to check for leakage, not a trigger. (A planted value in
 * a column that already decides the label at other values is then missed without a baseline;
 * with one, the baseline model stands for the natural structure and this test is not used.)
 */
import type { RandomForest } from '../forest/index.js';
import type { Dataset } from '../engine/dataset.js';
import { valueBins } from '../engine/indexes.js';
import { MISSING_CODE } from '../table/table.js';
import { trainForests, type TrainingJob } from '../forest/parallel.js';
import { logBinomialUpper, logBonferroni } from '../stats/tails.js';
import { overlapShare } from '../util/rows.js';
import { upperBound } from '../util/search.js';
import type { AlignedData } from './features.js';
import type { TriggerCandidate } from './candidates.js';
import type { BackdoorOptions } from './checks.js';
import { contentHalf, contentOrder, contentSample } from './sampling.js';

export interface RestOfRow {
  tested: number;
  observedShare: number;
  predictedShare: number;
  /** The same prediction for held-out rows of the file, and for those of the target class. */
  populationShare: number;
  classShare: number;
  logP: number;
  siblings: SiblingTest;
  /** The carriers' labels contradict the rest of their rows, and the siblings do not decide the label as well. */
  contradicts: boolean;
  /** The rows look no more like the class than halfway from the file to the class. */
  unlikeTheClass: boolean;
}

/** The rest-of-row test on the other values of the candidate's columns. */
export interface SiblingTest {
  /** Sibling groups with enough held-out rows to test. */
  tested: number;
  /**
   * Of those, the ones whose labels contradict the rest of their rows as the candidate's do. One
   * is enough to call the column natural: requiring two regained a planted value in a heaped
   * column of a held-out file but brought back false triggers on natural bands of others.
   */
  contradicting: number;
  /** The sibling with the largest gap, if any was tested: one of its rows, its class and shares. */
  strongest: { row: number; rows: number; targetClass: number; observedShare: number; predictedShare: number; log10P: number } | null;
}

export interface RestOfRowInput {
  dataset: Dataset;
  aligned: AlignedData;
  /** The candidate model's training rows, and held-out rows neither it nor the cross-fitted forests train on. */
  trainingRows: Uint32Array;
  heldOut: Uint32Array;
  /** Every row no forest trains on, implicated or not: where sibling values are looked for. */
  untrained: Uint32Array;
  keys: Float64Array;
  seed: number;
  forest: { trees: number; maxDepth: number; minSamplesLeaf: number };
  options: BackdoorOptions;
}

/** Carrier rows tested and donor rows per row. */
const SAMPLE = 400;
const DONORS = 5;
/** The cross-fitted forests are smaller: they only need class probabilities. */
const TREES = 30;
/** Sibling groups: held-out rows sampled, the fewest rows a group needs, and the most groups tested (largest first). */
const SIBLING_SAMPLE = 2_000;
const SIBLING_MIN_ROWS = 10;
const MAX_SIBLINGS = 20;
/**
 * A sibling contradicts as the candidate does when its gap reaches the candidate test's minimum
 * gap at SIBLING_ALPHA (Bonferroni over the siblings tested; loose on purpose, since a sibling
 * only ever withholds a trigger claim, and a false trigger on clean data costs more), the candidate's
 * gap does not exceed it significantly (one-sided z under SIBLING_EXCESS_Z, 1%), and the forests
 * use the column there: seeing it moves their prediction by SIBLING_MIN_USE of the minimum gap.
 */
const SIBLING_MIN_USE = 0.5;
const SIBLING_ALPHA = 0.05;
const SIBLING_EXCESS_Z = 2.326;
/** Donor strata: rows sampled to find the tied column, bins per column, and the least normalised mutual information that counts as a tie. */
const TIE_SAMPLE = 5_000;
const TIE_BINS = 16;
const MIN_TIE = 0.1;
/** Candidates sharing this share of carriers are one finding seen twice: neither is the other's sibling. */
const SAME_ROWS = 0.5;

export async function restOfRowTests(needing: readonly TriggerCandidate[], input: RestOfRowInput): Promise<Map<TriggerCandidate, RestOfRow>> {
  const result = new Map<TriggerCandidate, RestOfRow>();
  if (needing.length === 0) return result;
  const { aligned, keys, seed, options } = input;
  const data = aligned.candidate;
  const half = new Int8Array(data.rowCount).fill(-1);
  for (const c of needing) for (const row of c.carriers) half[row] = contentHalf(keys[row], seed);
  const trainOn = (h: number) => input.trainingRows.filter((row) => half[row] !== h);
  const settings = { ...input.forest, trees: TREES, seed: seed + 11 };
  const job = (rows: Uint32Array): TrainingJob => ({ data: { features: data.features, labels: data.labels, classCount: aligned.classCount, rows }, options: settings });
  // A small file has too few rows no forest trained on for the sibling test: there a second pair
  // of forests splits every training row in two by content, so each row has a forest blind to it.
  const everyHalf = input.untrained.length < SIBLING_SAMPLE ? Int8Array.from(half) : null;
  if (everyHalf) for (const row of input.trainingRows) everyHalf[row] = contentHalf(keys[row], seed);
  const trainEvery = (h: number) => input.trainingRows.filter((row) => everyHalf![row] !== h);
  const [first, second, ...siblingPair] = await trainForests([job(trainOn(0)), job(trainOn(1)), ...(everyHalf ? [job(trainEvery(0)), job(trainEvery(1))] : [])]);
  const crossFit = [first, second];
  const siblingForests: SiblingForests = everyHalf
    ? { rows: [...input.untrained, ...input.trainingRows], of: (row) => (everyHalf[row] >= 0 ? [siblingPair[everyHalf[row]]] : siblingPair) }
    : { rows: [...input.untrained], of: () => crossFit };
  const pool = contentOrder(
    input.trainingRows.filter((row) => half[row] < 0),
    keys,
    seed ^ 0xd0d0,
  );
  const predictor = new MarginalPredictor(data.features, aligned.classCount);
  const binned = columnBins(input.dataset);
  for (const c of needing) {
    const columns = c.parts.map((p) => aligned.featureColumns.indexOf(p.column));
    const donors = new Donors(pool, strataFor(binned, aligned.featureColumns, c.parts.map((p) => p.column), pool));
    const carriers = contentSample(c.carriers, SAMPLE, keys, seed ^ 0x7e57);
    let observed = 0;
    for (const row of carriers) if (data.labels[row] === c.targetClass) observed++;
    const carrierShares = predictor.shares(carriers, columns, donors, c.targetClass, (row) => [crossFit[half[row]]]);
    const predictedShare = mean(carrierShares);
    // Held-out rows (neither forest trained on them) stand for the file: all of them, and those of other classes.
    const isCarrier = new Uint8Array(data.rowCount);
    for (const row of c.carriers) isCarrier[row] = 1;
    const population = contentSample(
      input.heldOut.filter((row) => !isCarrier[row]),
      SAMPLE,
      keys,
      seed ^ 0x909,
    );
    const predicted = predictor.shares(population, columns, donors, c.targetClass, () => crossFit);
    const ofClass = predicted.filter((_, i) => data.labels[population[i]] === c.targetClass);
    const populationShare = mean(predicted);
    const classShare = mean(ofClass);
    const tested = carriers.length;
    const observedShare = tested ? observed / tested : 0;
    const logP = logBinomialUpper(observed, tested, clampShare(predictedShare));
    const gap = gapOf(observedShare, carrierShares);
    // Rows of the same finding seen twice (an interval and a value inside it) are not siblings.
    for (const other of needing) if (other !== c && overlapShare(other.carriers, c.carriers) >= SAME_ROWS) for (const row of other.carriers) isCarrier[row] = 1;
    // The candidate's gap as the siblings' forests see it, when they are not the cross-fitted pair.
    const comparable = everyHalf ? gapOf(observedShare, predictor.shares(carriers, columns, donors, c.targetClass, siblingForests.of)) : gap;
    const siblings = siblingTest(c, columns, comparable, input, isCarrier, predictor, donors, siblingForests);
    // Once the column is hidden, relabelled rows of other classes look like those classes, and so
    // no more like the class than a random row of the file; the rows of a natural strong
    // predictor whose columns agree look like its class (a sensor reading that goes with one state,
    // and so do the sibling sensors), and so do rows stamped without relabelling (clean-label).
    // Closer to the file than to the class counts as the former (used for weak reactions).
    const unlikeTheClass = ofClass.length === 0 || predictedShare <= (populationShare + classShare) / 2;
    const contradicts = gap.gap >= options.restOfRowMinGap && logP <= Math.log(options.restOfRowAlpha) && siblings.contradicting === 0;
    result.set(c, { tested, observedShare, predictedShare, populationShare, classShare, logP, siblings, contradicts, unlikeTheClass });
  }
  return result;
}

/**
 * The other values of the candidate's columns in rows no forest trained on: grouped by the value
 * of each part (see partKey), the largest groups tested, each for the class it holds most in
 * excess of its rows' prediction with the columns hidden.
 */
function siblingTest(
  c: TriggerCandidate,
  columns: readonly number[],
  candidate: Gap,
  input: RestOfRowInput,
  excluded: Uint8Array,
  predictor: MarginalPredictor,
  donors: Donors,
  forests: SiblingForests,
): SiblingTest {
  const { aligned, keys, seed, options } = input;
  const data = aligned.candidate;
  const rows = contentSample(
    forests.rows.filter((row) => !excluded[row]),
    SIBLING_SAMPLE,
    keys,
    seed ^ 0x51b,
  );
  const partKeys = c.parts.map((part, i) => partKey(part, data.features[columns[i]], rows));
  const keyOf = (row: number): string => partKeys.map((key) => key(row)).join('\u0000');
  const groups = new Map<string, number[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  const tested = [...groups.values()]
    .filter((group) => group.length >= SIBLING_MIN_ROWS)
    .sort((a, b) => b.length - a.length || a[0] - b[0])
    .slice(0, MAX_SIBLINGS);
  const threshold = logBonferroni(SIBLING_ALPHA, Math.max(1, tested.length));
  let contradicting = 0;
  // The strongest sibling reported: the contradicting one with the largest gap, else any.
  let strongest: SiblingTest['strongest'] = null;
  let strongestRank = -Infinity;
  for (const group of tested) {
    const hidden = predictor.vectors(group, columns, donors, forests.of);
    const seen = predictor.vectors(group, [], donors, forests.of);
    const k = aligned.classCount;
    const counts = new Array<number>(k).fill(0);
    const hiddenMean = new Float64Array(k);
    const seenMean = new Float64Array(k);
    group.forEach((row, i) => {
      if (data.labels[row] >= 0) counts[data.labels[row]]++;
      for (let j = 0; j < k; j++) {
        hiddenMean[j] += hidden[i * k + j] / group.length;
        seenMean[j] += seen[i * k + j] / group.length;
      }
    });
    let best = 0;
    for (let j = 1; j < k; j++) if (counts[j] - hiddenMean[j] * group.length > counts[best] - hiddenMean[best] * group.length) best = j;
    const observedShare = counts[best] / group.length;
    const gap = observedShare - hiddenMean[best];
    const logP = logBinomialUpper(counts[best], group.length, clampShare(hiddenMean[best]));
    const variance = gapVariance(observedShare, Float64Array.from(group, (_, i) => hidden[i * k + best]));
    const excess = (candidate.gap - gap) / Math.sqrt(candidate.variance + variance);
    // The forests must also use the column there (seeing it moves their prediction): a label mix
    // they do not reproduce even seeing the column (a small, noisy file) is not the column's doing.
    const used = seenMean[best] - hiddenMean[best];
    const contradicts = gap >= options.restOfRowMinGap && used >= SIBLING_MIN_USE * options.restOfRowMinGap && logP <= threshold && excess < SIBLING_EXCESS_Z;
    if (contradicts) contradicting++;
    const rank = gap + (contradicts ? 2 : 0);
    if (rank > strongestRank) {
      strongestRank = rank;
      strongest = { row: group[0], rows: group.length, targetClass: best, observedShare, predictedShare: hiddenMean[best], log10P: logP / Math.LN10 };
    }
  }
  return { tested: tested.length, contradicting, strongest };
}

/**
 * A part's group of a row: the interval of the part's width (an interval part, when such
 * intervals hold enough rows); the value, when most rows sit on values with enough rows to test;
 * else a quantile bin of the rows (a continuous column, where few values repeat, or a small file).
 */
function partKey(part: TriggerCandidate['parts'][number], values: Float64Array, rows: Uint32Array): (row: number) => string {
  const width = part.range ? part.range[1] - part.range[0] : 0;
  if (width > 0) {
    // Intervals of the candidate's width, if they hold enough rows on average to be tested (a
    // small file has few rows no forest trained on); else quantile bins.
    let lo = Infinity;
    let hi = -Infinity;
    for (const row of rows) if (!Number.isNaN(values[row])) [lo, hi] = [Math.min(lo, values[row]), Math.max(hi, values[row])];
    if ((rows.length * width) / Math.max(width, hi - lo) >= 2 * SIBLING_MIN_ROWS) return (row) => String(Math.floor((values[row] - part.range![0]) / width));
    return quantileBins(values, rows);
  }
  const counts = new Map<number, number>();
  for (const row of rows) counts.set(values[row], (counts.get(values[row]) ?? 0) + 1);
  let onRepeatedValues = 0;
  for (const n of counts.values()) if (n >= SIBLING_MIN_ROWS) onRepeatedValues += n;
  if (onRepeatedValues * 2 >= rows.length) return (row) => String(values[row]);
  return quantileBins(values, rows);
}

/** Bins of the rows' values holding 2 x SIBLING_MIN_ROWS rows or more each (at most about MAX_SIBLINGS). */
function quantileBins(values: Float64Array, rows: Uint32Array): (row: number) => string {
  const sorted = Float64Array.from(rows, (row) => values[row]).filter((x) => !Number.isNaN(x)).sort();
  const size = Math.max(2 * SIBLING_MIN_ROWS, Math.ceil(sorted.length / MAX_SIBLINGS));
  const cuts: number[] = [];
  for (let i = size; i < sorted.length; i += size) cuts.push(sorted[i]);
  return (row) => (Number.isNaN(values[row]) ? 'missing' : `bin ${upperBound(cuts, values[row])}`);
}

/**
 * Where donors come from: rows in the same bin of the feature column that tells most about the
 * columns being hidden (normalised mutual information of their bins at least MIN_TIE), so that a
 * column tied to another (an amount that is a fixed multiple of a count, a waiting time that is
 * zero for one mode) is hidden without making the row one no data has; any row when none is tied,
 * or when its bin holds fewer than DONORS donors.
 */
function strataFor(binned: (column: number) => Binned, featureColumns: readonly number[], hidden: readonly number[], pool: Uint32Array): ((row: number) => number) | null {
  const sample = pool.subarray(0, TIE_SAMPLE);
  if (sample.length === 0) return null;
  const hiddenBins = hidden.map(binned);
  let best: { bins: Binned; tie: number } | null = null;
  for (const column of featureColumns) {
    if (hidden.includes(column)) continue;
    const other = binned(column);
    const tie = Math.max(...hiddenBins.map((h) => normalisedInformation(h, other, sample)));
    if (tie >= MIN_TIE && (!best || tie > best.tie)) best = { bins: other, tie };
  }
  return best?.bins.of ?? null;
}

/** A column's bin per row (missing cells in a bin of their own) and the number of bins. */
interface Binned {
  of: (row: number) => number;
  count: number;
}

/** Each feature column's bins, made once per dataset and call from its value index (no pass over the rows). */
function columnBins(dataset: Dataset): (column: number) => Binned {
  const made = new Map<number, Binned>();
  return (column) => {
    let binned = made.get(column);
    if (!binned) {
      const index = dataset.indexes.valueIndex(column);
      const { ids } = index;
      const { of, count } = valueBins(index, TIE_BINS);
      made.set(column, (binned = { of: (row) => (ids[row] === MISSING_CODE ? count : of[ids[row]]), count: count + 1 }));
    }
    return binned;
  };
}

/** I(a; b) / H(a) over the sample rows (0 when a is constant there). */
function normalisedInformation(a: Binned, b: Binned, rows: Uint32Array): number {
  const joint = new Float64Array(a.count * b.count);
  const ofA = new Float64Array(a.count);
  const ofB = new Float64Array(b.count);
  for (const row of rows) {
    const [x, y] = [a.of(row), b.of(row)];
    joint[x * b.count + y]++;
    ofA[x]++;
    ofB[y]++;
  }
  const n = rows.length;
  const entropy = (counts: Float64Array): number => {
    let h = 0;
    for (const c of counts) if (c > 0) h -= (c / n) * Math.log(c / n);
    return h;
  };
  const hA = entropy(ofA);
  return hA > 0 ? Math.max(0, hA + entropy(ofB) - entropy(joint)) / hA : 0;
}

/** Donor rows in content order, by stratum when strata are given; `restart` makes every sequence of calls repeatable. */
class Donors {
  private readonly byStratum = new Map<number, { rows: number[]; next: number }>();
  private cursor = 0;

  constructor(
    private readonly pool: Uint32Array,
    private readonly stratumOf: ((row: number) => number) | null,
  ) {
    if (stratumOf) {
      for (const row of pool) {
        const entry = this.byStratum.get(stratumOf(row));
        if (entry) entry.rows.push(row);
        else this.byStratum.set(stratumOf(row), { rows: [row], next: 0 });
      }
    }
  }

  restart(): this {
    this.cursor = 0;
    for (const entry of this.byStratum.values()) entry.next = 0;
    return this;
  }

  /** The next donor for a row (the row itself when there is no donor at all). */
  pick(row: number): number {
    const entry = this.stratumOf ? this.byStratum.get(this.stratumOf(row)) : undefined;
    if (entry && entry.rows.length >= DONORS) return entry.rows[entry.next++ % entry.rows.length];
    return this.pool.length ? this.pool[this.cursor++ % this.pool.length] : row;
  }
}

/** Class probabilities of rows with some columns replaced by donor rows' values (averaged over DONORS donors). */
class MarginalPredictor {
  private readonly vector: Float64Array;
  private readonly proba: Float64Array;
  private donors: Donors | null = null;

  constructor(
    private readonly features: Float64Array[],
    private readonly classCount: number,
  ) {
    this.vector = new Float64Array(features.length);
    this.proba = new Float64Array(classCount);
  }

  /** Each row's probability of `targetClass`. */
  shares(rows: ArrayLike<number>, columns: readonly number[], donors: Donors, targetClass: number, modelOf: (row: number) => RandomForest[]): Float64Array {
    this.donors = donors.restart();
    const out = new Float64Array(rows.length);
    const sum = new Float64Array(this.classCount);
    for (let i = 0; i < rows.length; i++) {
      sum.fill(0);
      this.accumulate(rows[i], columns, modelOf(rows[i]), sum);
      out[i] = sum[targetClass];
    }
    return out;
  }

  /** Each row's probability vector, row-major (rows.length x classCount). */
  vectors(rows: ArrayLike<number>, columns: readonly number[], donors: Donors, modelOf: (row: number) => RandomForest[]): Float64Array {
    this.donors = donors.restart();
    const k = this.classCount;
    const out = new Float64Array(rows.length * k);
    for (let i = 0; i < rows.length; i++) this.accumulate(rows[i], columns, modelOf(rows[i]), out.subarray(i * k, (i + 1) * k));
    return out;
  }

  /** Adds the row's marginalised probability vector (summing to 1) to `sum`. */
  private accumulate(row: number, columns: readonly number[], forests: RandomForest[], sum: Float64Array): void {
    const { features, vector, proba } = this;
    const donors = this.donors!;
    const draws = columns.length > 0 ? DONORS : 1;
    const weight = 1 / (draws * forests.length);
    for (let k = 0; k < draws; k++) {
      for (let f = 0; f < features.length; f++) vector[f] = features[f][row];
      const donor = donors.pick(row);
      for (const f of columns) vector[f] = features[f][donor];
      for (const model of forests) {
        model.predictProbaVector(vector, proba);
        for (let c = 0; c < proba.length; c++) sum[c] += proba[c] * weight;
      }
    }
  }
}

/** A group's gap (observed share minus the mean predicted one) and the variance of that estimate. */
interface Gap {
  gap: number;
  variance: number;
}

function gapOf(observedShare: number, predictions: Float64Array): Gap {
  return { gap: observedShare - mean(predictions), variance: gapVariance(observedShare, predictions) };
}

/** The rows sibling values are looked for in, and the forests blind to each of them. */
interface SiblingForests {
  rows: number[];
  of: (row: number) => RandomForest[];
}

/**
 * Variance of observed share minus mean prediction over n rows: the binomial variance of the
 * observed share (a pure group's taken as that of one row in n + 1 otherwise: never zero) plus
 * the variance of the mean of the rows' predictions.
 */
function gapVariance(observedShare: number, predictions: Float64Array): number {
  const n = Math.max(1, predictions.length);
  const p = (observedShare * n + 0.5) / (n + 1);
  const m = mean(predictions);
  let spread = 0;
  for (const x of predictions) spread += (x - m) * (x - m);
  return (p * (1 - p) + spread / n) / n;
}

function clampShare(share: number): number {
  return Math.min(1 - 1e-9, Math.max(1e-9, share));
}

function mean(values: Float64Array): number {
  let total = 0;
  for (const v of values) total += v;
  return values.length ? total / values.length : 0;
}
