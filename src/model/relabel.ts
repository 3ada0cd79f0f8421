/**
 * Relabelling signal (with a baseline): candidate rows whose label a model of the baseline
 * contradicts with high confidence (it gives the row's own label a probability of at most
 * `contradicted`), against how often the same happens to the baseline's own rows.
 *
 * Both rates come from the same cross-fitted forests: the baseline's rows are split into folds by
 * content, each forest trains on the other folds and predicts its own, and each candidate row is
 * predicted by the forest its content hash picks (a candidate row equal to a baseline row is
 * predicted by the forest that never saw it). Four folds keep each forest as good as the reference
 * forest, which trains on three quarters of the baseline. A baseline whose held-out quarter has
 * ENOUGH_HELD_OUT_PER_CLASS rows of every class measures the rates there well, and then the
 * reference forest of the model stage predicts both sides (no forest is trained for this check). So the candidate and the reference are predicted
 * alike and the reference is every baseline row of the class, not a small held-out part: on a
 * 300-row baseline the held-out rate rested on 40 rows, and treating it as exact both missed real
 * relabelling and made noise look significant. The test compares the two counts (the exact
 * conditional test for two rates: given the total, the candidate's share is binomial).
 *
 * "Confidently" is two cuts, `contradicted` and `looselyContradicted`: on a clean, well separated
 * file the strict cut has the power; where classes overlap (most relabelled rows still get 0.1 to
 * 0.3 for the label they were given) only the loose one does. With three classes or more the same
 * counts are also taken per class the model gives instead: rows relabelled from one class are
 * given that class, while a class's natural confusions spread over many (on the letters file,
 * 63 rows moved from one letter to another were 3.5 orders of magnitude short per class and clear
 * per pair). A significant excess (alpha, Bonferroni over the classes, the pairs and both cuts;
 * with pairs, half of alpha for each family) of at least minRatio times the reference rate and
 * minExcessRows rows is medium; at strongRatio times the rate it is high and its rows join the
 * suspicious rows. Per class, so the report names the class the rows were given.
 *
 * alpha is 1e-2 (the trigger search's is 1e-3): a medium finding asks for a review, and on 88
 * audits of clean random halves of the corpus (4 splits of each file) the closest test that met
 * minRatio and minExcessRows stayed 1.2 orders of magnitude above that threshold.
 */
import { completeFinding, type Finding } from '../engine/finding.js';
import type { Dataset } from '../engine/dataset.js';
import type { RandomForest } from '../forest/index.js';
import { trainForests, type TrainingJob } from '../forest/parallel.js';
import { logBinomialUpper, logBonferroni, log10P } from '../stats/tails.js';
import { percent, round } from '../format.js';
import type { ModelData } from './features.js';
import { contentFold, contentOrder, contentSample } from './sampling.js';
import type { RelabelOptions } from './checks.js';

/** Rates are estimated on at most this many rows per class and side (a rate near 5% within about 0.3 points). */
const SAMPLE_ROWS = 20_000;
/** With fewer held-out baseline rows than this in some class, the rate is measured on every baseline row by cross-fitted forests. */
const ENOUGH_HELD_OUT_PER_CLASS = 1_000;
const FOLDS = 4;
/** Each cross-fitted forest trains on at most this many rows: it only needs class probabilities. */
const TRAINING_ROWS = 10_000;
const TREES = 30;

export interface RelabelInput {
  candidate: Dataset;
  candidateData: ModelData;
  baselineData: ModelData;
  /** The reference forest of the model stage (trained on the baseline) and the baseline rows it did not train on. */
  reference: RandomForest;
  heldOut: Uint32Array;
  keys: { candidate: Float64Array; baseline: Float64Array };
  classCount: number;
  forest: { maxDepth: number; minSamplesLeaf: number };
  seed: number;
  options: RelabelOptions;
}

export async function relabelSuspects(input: RelabelInput): Promise<Finding[]> {
  const { candidate, candidateData, baselineData, keys, classCount: k, seed, options } = input;
  const label = candidate.schema.label!;
  const { forests, baseFold, candidateFold } = await predictors(input);
  const findings: Finding[] = [];
  const cuts = [options.contradicted, options.looselyContradicted];
  // Two families at alpha / 2 each: per class, and (three classes or more) per class and the class the model gives instead.
  const classThreshold = logBonferroni(k > 2 ? options.alpha / 2 : options.alpha, k * cuts.length);
  const pairThreshold = logBonferroni(options.alpha / 2, k * (k - 1) * cuts.length);
  const candidateRowsOf = rowsOfEachClass(candidateData.labels, k, () => true);
  const baselineRowsOf = rowsOfEachClass(baselineData.labels, k, (row) => baseFold[row] >= 0);
  for (let t = 0; t < k; t++) {
    const classRows = candidateRowsOf[t];
    const baseRows = baselineRowsOf[t];
    if (classRows.length === 0 || baseRows.length === 0) continue;
    const testedRows = contentSample(classRows, SAMPLE_ROWS, keys.candidate, seed + t);
    const referenceRows = contentSample(baseRows, SAMPLE_ROWS, keys.baseline, seed + t);
    const tested = predictions(forests, candidateFold, candidateData, testedRows, t, k);
    const reference = predictions(forests, baseFold, baselineData, referenceRows, t, k);
    const testedCount = (cut: number, given: number | null) => countWhere(tested, testedRows, keys.candidate, cut, given);
    const referenceCount = (cut: number, given: number | null) => countWhere(reference, referenceRows, keys.baseline, cut, given);
    const testedAll = testedCount(Infinity, null);
    const referenceAll = referenceCount(Infinity, null);
    const tests: RateTest[] = [];
    for (const cut of cuts) {
      tests.push(rateTest(cut, null, testedCount(cut, null), testedAll, referenceCount(cut, null), referenceAll, classRows.length, classThreshold, options));
      // Rows relabelled from one class are given that class: counted per class given, a few such
      // rows stand out where the class's natural confusions spread over many classes.
      if (k > 2) {
        for (let s = 0; s < k; s++) {
          if (s !== t) tests.push(rateTest(cut, s, testedCount(cut, s), testedAll, referenceCount(cut, s), referenceAll, classRows.length, pairThreshold, options));
        }
      }
    }
    const best = tests.filter((c) => c.fires).sort((a, b) => a.logP - a.threshold - (b.logP - b.threshold))[0];
    if (!best) continue;
    const all = predictions(forests, candidateFold, candidateData, classRows, t, k);
    const rows = Array.from(classRows).filter((_, i) => all.own[i] <= best.cut && (best.given === null || all.given[i] === best.given));
    const strong = best.rate >= options.strongRatio * best.referenceRate;
    const given = best.given === null ? '' : ` and ${label.classes[best.given]} instead`;
    findings.push(
      completeFinding('relabel-suspects', {
        severity: strong ? 'high' : 'medium',
        column: label.name,
        value: label.classes[t],
        message:
          `${rows.length} rows labelled ${label.name} = ${label.classes[t]} (${percent(rows.length / classRows.length)} of them) are given at most a ${percent(best.cut)} chance of that class${given} by a model of the baseline, ` +
          `against ${percent(best.referenceRate)} of the baseline's own rows of the class: likely relabelled.`,
        rows,
        evidence: {
          targetClass: label.classes[t],
          predictedClass: best.given === null ? null : label.classes[best.given],
          contradicted: rows.length,
          rate: round(rows.length / classRows.length),
          baselineRate: round(best.referenceRate),
          threshold: best.cut,
          excessRows: Math.round(best.excessRows),
          testedRows: tested.own.length,
          baselineRows: reference.own.length,
          log10P: log10P(best.logP),
        },
      }),
    );
  }
  return findings;
}

interface RateTest {
  cut: number;
  /** The class the model gives instead, or null: any other class. */
  given: number | null;
  rate: number;
  referenceRate: number;
  logP: number;
  threshold: number;
  excessRows: number;
  fires: boolean;
}

/**
 * The exact conditional test for two rates: given the total of hits, the candidate's share is
 * binomial. The test counts distinct records: identical records get one prediction, so a heap of
 * them is one observation (in coarse data, ten identical records the model doubts are not ten
 * independent doubts); the rates and the excess count rows.
 */
function rateTest(cut: number, given: number | null, hits: Count, n: Count, referenceHits: Count, referenceN: Count, classRows: number, threshold: number, options: RelabelOptions): RateTest {
  const rate = hits.rows / n.rows;
  const referenceRate = Math.max(referenceHits.rows, 1) / referenceN.rows;
  const logP = logBinomialUpper(hits.distinct, hits.distinct + referenceHits.distinct, n.distinct / (n.distinct + referenceN.distinct));
  const excessRows = (rate - referenceRate) * classRows;
  const fires = logP <= threshold && rate >= options.minRatio * referenceRate && excessRows >= options.minExcessRows;
  return { cut, given, rate, referenceRate, logP, threshold, excessRows, fires };
}

/** Forests that predict baseline and candidate rows alike, and which forest predicts each row (-1: none, the row trained them all). */
interface Predictors {
  forests: RandomForest[];
  baseFold: Int8Array;
  candidateFold: Int8Array;
}

async function predictors(input: RelabelInput): Promise<Predictors> {
  const { baselineData, candidateData, keys, seed } = input;
  const heldOutPerClass = new Array<number>(input.classCount).fill(0);
  const rowsPerClass = new Array<number>(input.classCount).fill(0);
  for (const row of input.heldOut) if (baselineData.labels[row] >= 0) heldOutPerClass[baselineData.labels[row]]++;
  for (const t of baselineData.labels) if (t >= 0) rowsPerClass[t]++;
  const enoughHeldOut = rowsPerClass.every((n, t) => n === 0 || heldOutPerClass[t] >= ENOUGH_HELD_OUT_PER_CLASS);
  const folds = enoughHeldOut ? null : crossFitted(input);
  if (!folds) {
    // The held-out part of a large baseline measures the rate well, and the reference forest never
    // saw it. (Also the fallback for a baseline of so few distinct records that a fold lacks a class.)
    const baseFold = new Int8Array(baselineData.rowCount).fill(-1);
    for (const row of input.heldOut) baseFold[row] = 0;
    return { forests: [input.reference], baseFold, candidateFold: new Int8Array(candidateData.rowCount) };
  }
  // forests[f] never saw a row of fold f.
  const forests = await trainForests(folds.jobs);
  return { forests, baseFold: folds.baseFold, candidateFold: foldOf(candidateData, keys.candidate, seed) };
}

/** The folds' training jobs, or null when some fold would train on fewer than two classes (a baseline of a few distinct records). */
function crossFitted(input: RelabelInput): { jobs: TrainingJob[]; baseFold: Int8Array } | null {
  const { baselineData, keys, seed } = input;
  const baseFold = foldOf(baselineData, keys.baseline, seed);
  const baselineRows = rowsOfEachClass(baselineData.labels, input.classCount, () => true).flatMap((rows) => Array.from(rows));
  const settings = { ...input.forest, trees: TREES, seed: seed + 23 };
  const jobs: TrainingJob[] = [];
  for (let fold = 0; fold < FOLDS; fold++) {
    // In content order, as every training set: the bootstrap draws by position, and row order must not matter.
    const rows = contentOrder(contentSample(baselineRows.filter((row) => baseFold[row] !== fold), TRAINING_ROWS, keys.baseline, seed + 29), keys.baseline, seed + 29);
    if (new Set(Array.from(rows, (row) => baselineData.labels[row])).size < 2) return null;
    jobs.push({ data: { features: baselineData.features, labels: baselineData.labels, classCount: input.classCount, rows }, options: settings });
  }
  return { jobs, baseFold };
}

function foldOf(data: ModelData, keys: Float64Array, seed: number): Int8Array {
  const fold = new Int8Array(data.rowCount);
  for (let row = 0; row < data.rowCount; row++) fold[row] = contentFold(keys[row], FOLDS, seed);
  return fold;
}

interface Predictions {
  /** Each row's probability of its own class. */
  own: Float64Array;
  /** The class the model gives each row. */
  given: Int32Array;
}

/** Each row's probability of its own class t and the class it is given, from the forest of its fold (in the order given). */
function predictions(forests: RandomForest[], fold: Int8Array, data: ModelData, rows: Uint32Array, t: number, k: number): Predictions {
  const own = new Float64Array(rows.length);
  const given = new Int32Array(rows.length);
  const positions = rows.map((_, i) => i);
  forests.forEach((forest, f) => {
    const mine = positions.filter((i) => fold[rows[i]] === f);
    const proba = forest.predictProbaRows(data.features, mine.map((i) => rows[i]));
    mine.forEach((i, j) => {
      own[i] = proba[j * k + t];
      let best = 0;
      for (let c = 1; c < k; c++) if (proba[j * k + c] > proba[j * k + best]) best = c;
      given[i] = best;
    });
  });
  return { own, given };
}

interface Count {
  rows: number;
  /** Distinct records (by content key) among them. */
  distinct: number;
}

/** Rows given at most `cut` for their own class (and, when `given` is a class, given that class). */
function countWhere(p: Predictions, rows: Uint32Array, keys: Float64Array, cut: number, given: number | null): Count {
  let count = 0;
  const seen = new Set<number>();
  for (let i = 0; i < p.own.length; i++) {
    if (p.own[i] <= cut && (given === null || p.given[i] === given)) {
      count++;
      seen.add(keys[rows[i]]);
    }
  }
  return { rows: count, distinct: seen.size };
}

/** Per class, its rows (ascending) that `keep` accepts. */
function rowsOfEachClass(labels: Int32Array, k: number, keep: (row: number) => boolean): Uint32Array[] {
  const lists: number[][] = Array.from({ length: k }, () => []);
  for (let row = 0; row < labels.length; row++) if (labels[row] >= 0 && keep(row)) lists[labels[row]].push(row);
  return lists.map((rows) => Uint32Array.from(rows));
}
