/**
 * The rest of the row against a label: a naive Bayes log-odds of class t from the feature
 * columns (counts per value, or per quantile bin of a column with many values; add-one
 * smoothing; each row left out of its own counts), with the columns under suspicion left out.
 *
 * Rows stamped with a trigger and relabelled keep the rest of the row of their true class, so
 * far fewer of them score as the target class than the class's other rows do, and fewer than
 * rows of any class do; natural structure keeps them alike. Shared by the rules that look for
 * labels the rest of the row contradicts (co-occurrence, contradicted-value).
 *
 * Cost: one pass over every feature column per class asked for, kept per dataset; leaving
 * columns out subtracts their terms.
 */
import type { Dataset } from '../engine/dataset.js';
import { valueBins } from '../engine/indexes.js';
import { MISSING_CODE } from '../table/table.js';
import { logBinomialUpper } from '../stats/tails.js';

export interface RestOfRow {
  /** Class-t rows not under test, and the share of them the other columns score as t. */
  classRows: number;
  classShare: number;
  /** Labelled rows of every class not under test, and the share of them scored as t. */
  populationRows: number;
  populationShare: number;
  /** The class-t rows under test, how many of them score as t, and that share. */
  carriers: number;
  carrierHits: number;
  carrierShare: number;
  /** Lower binomial tail of the carriers' count at the class share (natural log). */
  logP: number;
}

interface ColumnTerms {
  ids: Uint32Array;
  bin: Uint32Array;
  /** Log-odds per bin for a row of class t (its own count left out of class t) and for a row of another class. */
  ofClass: Float64Array;
  ofOther: Float64Array;
}

interface ClassScores {
  /** Sum over every feature column, per row (class-t rows with class-t terms, others with their own). */
  total: Float64Array;
  columns: Map<number, ColumnTerms>;
  /** Prior log-odds for a class-t row and for another row (each left out of its own count). */
  priorOfClass: number;
  priorOfOther: number;
}

const MAX_BINS = 16;
const scorers = new WeakMap<Dataset, RestOfRowScorer>();

/** The scorer of a dataset (one per dataset, shared by the rules that ask). */
export function restOfRowScorer(dataset: Dataset): RestOfRowScorer {
  let scorer = scorers.get(dataset);
  if (!scorer) scorers.set(dataset, (scorer = new RestOfRowScorer(dataset)));
  return scorer;
}

export class RestOfRowScorer {
  private readonly byClass = new Map<number, ClassScores | null>();
  readonly labelled: number;

  constructor(private readonly dataset: Dataset) {
    const y = dataset.schema.label?.y;
    let labelled = 0;
    if (y) for (let row = 0; row < y.length; row++) if (y[row] >= 0) labelled++;
    this.labelled = labelled;
  }

  /**
   * The rest-of-row test of `rows` (class-t rows) with the columns `without` left out. Rows in
   * `excluded` (and the tested rows) are left out of the class and population shares.
   */
  test(t: number, without: readonly number[], rows: ArrayLike<number>, excluded: Uint8Array | null = null): RestOfRow | null {
    return this.testEach(t, without, [rows], { excluded })[0];
  }

  /**
   * `test` for several sets of class-t rows with the same columns left out, in one pass over the
   * rows. `balanced`: a row scores as t when the other columns' likelihood ratio favours t,
   * without the class prior (so that a minority class's rows can score as it at all).
   */
  testEach(
    t: number,
    without: readonly number[],
    rowSets: readonly ArrayLike<number>[],
    { excluded = null, balanced = false }: { excluded?: Uint8Array | null; balanced?: boolean } = {},
  ): (RestOfRow | null)[] {
    const scores = this.scores(t);
    if (!scores) return rowSets.map(() => null);
    const y = this.dataset.schema.label!.y;
    const n = y.length;
    const left = without.map((c) => scores.columns.get(c)).filter((c): c is ColumnTerms => c !== undefined);
    const hit = new Uint8Array(n);
    let classRows = 0;
    let classHits = 0;
    let populationRows = 0;
    let populationHits = 0;
    for (let row = 0; row < n; row++) {
      if (y[row] < 0) continue;
      const own = y[row] === t;
      let score = scores.total[row] + (balanced ? 0 : own ? scores.priorOfClass : scores.priorOfOther);
      for (const c of left) {
        const id = c.ids[row];
        if (id !== MISSING_CODE) score -= (own ? c.ofClass : c.ofOther)[c.bin[id]];
      }
      hit[row] = score > 0 ? 1 : 0;
      if (excluded?.[row]) continue;
      populationRows++;
      populationHits += hit[row];
      if (own) {
        classRows++;
        classHits += hit[row];
      }
    }
    return rowSets.map((rows) => {
      if (rows.length === 0) return null;
      let hits = 0;
      let inClass = 0;
      let inClassHits = 0;
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i];
        hits += hit[row];
        // The tested rows are left out of the shares they are compared with.
        if (!excluded?.[row] && y[row] === t) {
          inClass++;
          inClassHits += hit[row];
        }
      }
      const restRows = classRows - inClass;
      if (restRows <= 0) return null;
      const classShare = (classHits - inClassHits) / restRows;
      const restPopulation = populationRows - inClass;
      const carriers = rows.length;
      // Lower tail P(X <= hits) for X ~ Bin(carriers, classShare), as an upper tail of the misses.
      const logP = logBinomialUpper(carriers - hits, carriers, Math.min(1, Math.max(0, 1 - classShare)));
      return {
        classRows: restRows,
        classShare,
        populationRows: restPopulation,
        populationShare: restPopulation > 0 ? (populationHits - inClassHits) / restPopulation : 0,
        carriers,
        carrierHits: hits,
        carrierShare: hits / carriers,
        logP,
      };
    });
  }

  private scores(t: number): ClassScores | null {
    if (this.byClass.has(t)) return this.byClass.get(t)!;
    const computed = this.compute(t);
    this.byClass.set(t, computed);
    return computed;
  }

  private compute(t: number): ClassScores | null {
    const { dataset } = this;
    const label = dataset.schema.label;
    if (!label) return null;
    const y = label.y;
    const n = y.length;
    const K = label.classes.length;
    const nt = label.classCounts[t];
    const nOther = this.labelled - nt;
    if (nt < 2 || nOther < 2) return null;
    const total = new Float64Array(n);
    const columns = new Map<number, ColumnTerms>();
    for (const column of dataset.schema.featureColumns) {
      const index = dataset.indexes.valueIndex(column);
      const bins = valueBins(index, MAX_BINS);
      const bin = bins.of;
      const B = bins.count;
      const inT = new Float64Array(B);
      const inOther = new Float64Array(B);
      for (let id = 0; id < index.counts.length; id++) {
        const here = index.classCounts![id * K + t];
        inT[bin[id]] += here;
        inOther[bin[id]] += index.counts[id] - here;
      }
      // Rows with a missing label are in counts but not in a class: remove them from "other".
      for (let row = 0; row < n; row++) if (y[row] < 0 && index.ids[row] !== MISSING_CODE) inOther[bin[index.ids[row]]]--;
      const ofClass = new Float64Array(B);
      const ofOther = new Float64Array(B);
      for (let b = 0; b < B; b++) {
        ofClass[b] = Math.log((inT[b] - 1 + 1) / (nt - 1 + B)) - Math.log((inOther[b] + 1) / (nOther + B));
        ofOther[b] = Math.log((inT[b] + 1) / (nt + B)) - Math.log((Math.max(0, inOther[b] - 1) + 1) / (nOther - 1 + B));
      }
      const { ids } = index;
      for (let row = 0; row < n; row++) {
        const id = ids[row];
        if (y[row] < 0 || id === MISSING_CODE) continue;
        total[row] += (y[row] === t ? ofClass : ofOther)[bin[id]];
      }
      columns.set(column, { ids, bin, ofClass, ofOther });
    }
    return { total, columns, priorOfClass: Math.log((nt - 1) / nOther), priorOfOther: Math.log(nt / (nOther - 1)) };
  }
}
