/**
 * contradicted-value: a value whose rows are (nearly) all one class while the rest of each row
 * points to other classes.
 *
 * A backdoor teaches "value v means class t" with rows of other classes: copies of them, or the
 * rows themselves edited in place, stamped with v and relabelled t. Their other columns still
 * describe their true class. A natural strong predictor (a rare category that really goes with
 * one outcome) sits on rows that look like the rest of the file, or like the class. So, for each
 * exact value of a feature column held by at most `maxValueShare` of the rows, with at least
 * `minCount` rows in one class and that class `minPurity` of its rows (and well above the
 * class's share of the file), a naive Bayes score of the class from the other columns
 * (src/detect/rest-of-row.ts) is compared: far fewer of its rows score as the class
 * (`restShareRatio`) than the class's other rows do and than rows of every class do, with a
 * lower binomial tail below `alpha` (Bonferroni over every value and class tested).
 * This needs no baseline and no numeric order, so it covers categorical columns, which the
 * spike test leaves alone without a baseline.
 *
 * Severity info: decision-rule data has values that override the rest of the row, so the rule
 * only names the candidate; the model checks probe it (a forest without the column must agree
 * that the labels contradict the rows) and raise it when the models follow it.
 * Fix: drop the listed rows, or find out who wrote that value into that class.
 */
import { defineRule } from '../src/engine/rule.js';
import { eachColumn } from '../src/progress-events.js';
import type { Dataset } from '../src/engine/dataset.js';
import type { FindingDraft } from '../src/engine/finding.js';
import { MISSING_CODE } from '../src/table/table.js';
import { restOfRowScorer, type RestOfRow } from '../src/detect/rest-of-row.js';
import { formatValue, percent, round } from '../src/format.js';
import { logBinomialUpper, log10P } from '../src/stats/tails.js';

const DEFAULTS = {
  /** Fewest rows of the value in the class. */
  minCount: 10,
  /** Share of the value's rows in the class. */
  minPurity: 0.9,
  /** The value's purity must close this part of the gap from the class's share of the file to 1. */
  minSkew: 0.5,
  /** Values held by more of the rows than this are modes of their column, not triggers. */
  maxValueShare: 0.15,
  /** The value's rows score as the class at most this ratio of the class's other rows and of all rows. */
  restShareRatio: 0.5,
  /** Family-wise false-alarm rate across every (value, class) tested. */
  alpha: 1e-3,
  /** Findings reported, strongest first. */
  maxFindings: 5,
};
type Options = typeof DEFAULTS;

interface Contradiction {
  column: number;
  value: number | string;
  targetClass: number;
  rows: Uint32Array;
  total: number;
  rest: RestOfRow;
  logP: number;
}

export default defineRule({
  id: 'contradicted-value',
  title: 'Values whose class the rest of the row contradicts',
  severities: 'info (a trigger candidate for the model checks)',
  docs:
    'A value (at most maxValueShare of its column, at least minCount rows in one class, minPurity of them) whose rows the other columns score as that class far less often ' +
    "(restShareRatio) than the class's other rows and than rows of every class: rows of other classes stamped with the value and relabelled. " +
    'Naive Bayes from the other columns, lower binomial tail below alpha (Bonferroni). Info: the model checks probe it and raise it when the models follow it. ' +
    'Fix: drop the listed rows and ask who wrote that value into that class.',
  defaults: DEFAULTS,
  needsLabel: true,
  check(context) {
    const { candidate, options } = context;
    return findContradictions(candidate, options).map((c) => toFinding(candidate, c));
  },
});

function findContradictions(candidate: Dataset, options: Options): Contradiction[] {
  const label = candidate.schema.label!;
  const K = label.classes.length;
  const scorer = restOfRowScorer(candidate);
  const labelled = scorer.labelled;
  if (K < 2 || labelled < 2 * options.minCount) return [];
  // Screened values, grouped by (column, class): each group takes one rest-of-row pass.
  const groups: { column: number; t: number; ids: number[]; totals: number[] }[] = [];
  let screened = 0;
  for (const column of eachColumn(candidate.schema.featureColumns)) {
    const index = candidate.indexes.valueIndex(column);
    const classCounts = index.classCounts!;
    const byClass = new Map<number, { column: number; t: number; ids: number[]; totals: number[] }>();
    for (let id = 0; id < index.counts.length; id++) {
      const total = index.counts[id];
      if (total < options.minCount || total > options.maxValueShare * index.present) continue;
      for (let t = 0; t < K; t++) {
        const inClass = classCounts[id * K + t];
        const prior = label.classCounts[t] / labelled;
        const purity = inClass / total;
        if (inClass < options.minCount || purity < options.minPurity || purity < prior + options.minSkew * (1 - prior)) continue;
        let group = byClass.get(t);
        if (!group) byClass.set(t, (group = { column, t, ids: [], totals: [] }));
        group.ids.push(id);
        group.totals.push(total);
        screened++;
      }
    }
    groups.push(...byClass.values());
  }
  if (screened === 0) return [];
  const cutoff = Math.log(options.alpha / screened);
  const found: Contradiction[] = [];
  const y = label.y;
  for (const { column, t, ids, totals } of groups) {
    const index = candidate.indexes.valueIndex(column);
    const slot = new Map(ids.map((id, k) => [id, k]));
    const rowLists: number[][] = ids.map(() => []);
    for (let row = 0; row < index.ids.length; row++) {
      const id = index.ids[row];
      if (id === MISSING_CODE || y[row] !== t) continue;
      const k = slot.get(id);
      if (k !== undefined) rowLists[k].push(row);
    }
    const sets = rowLists.map((rows) => Uint32Array.from(rows));
    scorer.testEach(t, [column], sets, { balanced: true }).forEach((rest, k) => {
      if (!rest) return;
      const reference = Math.min(rest.classShare, rest.populationShare);
      if (rest.carrierShare > options.restShareRatio * reference) return;
      const logP = logBinomialUpper(rest.carriers - rest.carrierHits, rest.carriers, Math.min(1, Math.max(0, 1 - reference)));
      if (logP > cutoff) return;
      found.push({ column, value: index.values[ids[k]], targetClass: t, rows: sets[k], total: totals[k], rest, logP });
    });
  }
  return found.sort((a, b) => a.logP - b.logP || a.column - b.column).slice(0, options.maxFindings);
}

function toFinding(candidate: Dataset, c: Contradiction): FindingDraft {
  const label = candidate.schema.label!;
  const column = candidate.table.columns[c.column].name;
  const className = label.classes[c.targetClass];
  return {
    severity: 'info',
    column,
    value: c.value,
    message:
      `${c.rows.length} of the ${c.total} rows with ${column} = ${formatValue(c.value)} are ${label.name} = ${className}, but the rest of those rows looks like other classes: ` +
      `${percent(c.rest.carrierShare)} of them score as ${className} from their other columns, against ${percent(c.rest.classShare)} of the class's other rows ` +
      `and ${percent(c.rest.populationShare)} of all rows.`,
    rows: c.rows,
    evidence: {
      targetClass: className,
      rowsInClass: c.rows.length,
      rowsWithValue: c.total,
      restOfRow: {
        carrierShare: round(c.rest.carrierShare),
        classShare: round(c.rest.classShare),
        populationShare: round(c.rest.populationShare),
      },
      log10P: log10P(c.logP),
    },
    trigger: { column: c.column, value: c.value, range: null, targetClass: c.targetClass, signals: [], strength: -c.logP / Math.LN10 },
  };
}
