/**
 * co-occurrence: two or three ordinary values that turn up together in one class far more often
 * than their columns predict (a multi-column trigger).
 *
 * Published tabular backdoors stamp a conjunction of in-range, common values into a small share
 * of rows (edited in place, 0.5-1%) and set the target label. No single value stands out, so
 * class-spike never sees the parts; the combination does (src/detect/co-occurrence.ts):
 * - without a baseline, it is purer in the class than its smaller parts (by at least
 *   `minExcessShare` of its rows), and its count in the class exceeds what the class's own value
 *   frequencies predict if the columns were independent given the class (at least `minRatio`
 *   times, or the values exclude each other in the other classes); both tails below `alpha`,
 *   Bonferroni over the cells tested; at least `minCount` rows, `minPurity` of them in the class,
 *   and rare (at most `maxShare` of the rows) so that natural point masses (both zero in
 *   zero-inflated columns) and correlated columns are left alone;
 * - with a baseline, its count in the class is compared with the baseline's (binomial with the
 *   two files' sizes, at least `baselineRatio` times the baseline's rate): a combination the
 *   baseline shows as often never fires. Triples whose pairs are all common are tested too.
 * A pair is grown to a third column when a value rides along on most of its rows and far more
 * often than on the rows holding only one of the pair's values. The trigger hint names every
 * column of the conjunction; the model stage stamps all of them into held-out rows.
 *
 * Severity: high with a baseline. Without one, medium when the rest of the row contradicts the
 * class (a naive Bayes score from the other columns calls far fewer of these rows the target class
 * than the class's other rows: stamped and relabelled rows keep their true class's other
 * values), else info: natural interactions of features (letter shapes, decision-rule data) pass
 * the count tests, and the model stage decides whether the models follow them (it raises a
 * confirmed or suspected combination, but leaves a multi-column finding it ignores as it is, so
 * the rule keeps the weak ones at info itself). Signal
 * `count-spike` (weak), plus `copies` when most of the rows equal other rows in every column
 * but the conjunction's, far beyond the table's own rate of such twins.
 * Fix: drop the listed rows, or find out who wrote that combination into that class.
 */
import { defineRule } from '../src/engine/rule.js';
import type { Dataset } from '../src/engine/dataset.js';
import type { FindingDraft, Severity } from '../src/engine/finding.js';
import type { TriggerSignal } from '../src/engine/trigger-hint.js';
import { DEFAULT_CO_OCCURRENCE_OPTIONS, findConjunctions, restContradicts, type Conjunction } from '../src/detect/co-occurrence.js';
import { formatValue, percent, round } from '../src/format.js';
import { log10P } from '../src/stats/tails.js';

const DEFAULTS = {
  ...DEFAULT_CO_OCCURRENCE_OPTIONS,
  /** `copies`: at least this share of the rows have a twin outside the conjunction's columns, and this many times the table's twin rate. */
  copiesMinShare: 0.5,
  copiesRateRatio: 3,
};
type Options = typeof DEFAULTS;

export default defineRule({
  id: 'co-occurrence',
  title: 'Value combinations concentrated in one class',
  severities: 'high (against the baseline), medium or info',
  docs:
    'Two or three ordinary values that occur together in one class far more often than their columns predict: the footprint of a multi-column backdoor trigger stamped into a small share of rows. ' +
    'Without a baseline the combination must be purer in the class than its smaller parts (by minExcessShare of its rows) and beat independence of its columns within the class ' +
    '(minRatio, or values that exclude each other in the other classes), both significant at alpha (Bonferroni), with at least minCount rows, minPurity of them in the class, and at most maxShare of all rows. ' +
    "With a baseline its count in the class must exceed the baseline's rate baselineRatio times (binomial with the two files' sizes). High with a baseline; without one medium when the " +
    "rest of each row points to another class, info otherwise (the model checks decide). Fix: drop the listed rows and ask who wrote that combination.",
  defaults: DEFAULTS,
  needsLabel: true,
  check(context) {
    const { candidate, baseline, options } = context;
    const found = findConjunctions(candidate, baseline, (c) => context.baselineColumnOf(c), options);
    return found.map((conjunction) => toFinding(candidate, conjunction, options));
  },
});

function toFinding(candidate: Dataset, c: Conjunction, options: Options): FindingDraft {
  const names = candidate.table.columns.map((column) => column.name);
  const label = candidate.schema.label!;
  const parts = c.parts.map((p) => ({ column: names[p.column], value: p.value }));
  const [first, ...others] = parts;
  const contradicted = restContradicts(c, options);
  const severity: Severity = c.reference === 'baseline' ? 'high' : contradicted ? 'medium' : 'info';
  const signals: TriggerSignal[] = ['count-spike'];
  if (isCopies(c, options)) signals.push('copies');
  const where = joinAnd(parts.map((p) => `${p.column} = ${formatValue(p.value)}`));
  const className = `${label.name} = ${label.classes[c.targetClass]}`;
  const reference =
    c.reference === 'baseline'
      ? c.baseline!.count === 0
        ? `the baseline (${c.baseline!.rows} rows) has no such row in that class`
        : `the baseline has ${c.baseline!.count} such rows in that class (about ${formatCount(c.expected)} at this file's size)`
      : `the columns' frequencies in that class predict about ${formatCount(c.expected)}`;
  const rest =
    c.restOfRow && contradicted
      ? `; the rest of these rows looks like other classes (${percent(c.restOfRow.carrierShare)} of them score as ${label.classes[c.targetClass]}, against ${percent(c.restOfRow.classShare)} of the class's other rows)`
      : '';
  const copies = signals.includes('copies') ? `; ${c.copies} of them copy another row in every other column` : '';
  return {
    severity,
    column: first.column,
    value: first.value,
    message:
      `${c.rows.length} rows with ${className} have ${where} together (${percent(c.purity)} of the ${c.total} rows with that combination), ` +
      `where ${reference}${rest}${copies}.`,
    rows: c.rows,
    evidence: {
      targetClass: label.classes[c.targetClass],
      parts,
      pairedWith: others[0] ?? null,
      conjunction: others,
      reference: c.reference,
      rowsInClass: c.rows.length,
      rowsWithCombination: c.total,
      expectedInClass: round(c.expected),
      ratio: round(c.ratio),
      classShare: round(c.purity),
      classPrior: round(c.prior),
      partClassShare: c.partPurity === null ? null : round(c.partPurity),
      log10P: log10P(c.logP),
      extensionLog10P: c.extensionLogP === null ? null : log10P(c.extensionLogP),
      baseline: c.baseline ? { rowsInClass: c.baseline.count, rowsWithCombination: c.baseline.total, labelledRows: c.baseline.rows } : null,
      restOfRow: c.restOfRow
        ? {
            carrierShare: round(c.restOfRow.carrierShare),
            classShare: round(c.restOfRow.classShare),
            log10P: log10P(c.restOfRow.logP),
            contradicts: contradicted,
          }
        : null,
      copies: c.copies,
      copyRate: round(c.copyRate),
    },
    trigger: {
      column: c.parts[0].column,
      value: c.parts[0].value,
      range: null,
      with: c.parts.slice(1).map((p) => ({ column: p.column, value: p.value })),
      targetClass: c.targetClass,
      signals,
      strength: -c.logP / Math.LN10,
    },
  };
}

function isCopies(c: Conjunction, options: Options): boolean {
  return c.copies >= options.minCount && c.copies >= options.copiesMinShare * c.rows.length && c.copies / c.rows.length >= options.copiesRateRatio * c.copyRate;
}

function joinAnd(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function formatCount(expected: number): string {
  return expected >= 1 ? String(Math.round(expected)) : expected >= 0.1 ? expected.toFixed(1) : 'none';
}
