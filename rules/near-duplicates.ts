/**
 * near-duplicates: rows equal to another row in every feature column except one, where one value
 * keeps turning up far more often than the column's own values predict.
 *
 * Appending altered copies of real rows is the cheapest way to plant a trigger: copy rows of the
 * target class and write the trigger value into one column. Every copy then has a twin (its
 * original) that differs in that column only, and the copies share the value. Clean data has
 * natural twins too, and in tables of low-cardinality columns many of them: rows that differ in one
 * column are natural there, and in a two-valued column every twin pair holds one row of each value
 * (so the rarer value always has the higher share of twins). The null model is therefore the
 * column itself: if its values were spread over the rows by their frequencies, independently of
 * the other features, the share of the column's T twin rows holding value v would be w_v
 * (src/detect/twins.ts: p_v(1-p_v)/sum_j p_j(1-p_j) for pairs, 1/2 in a binary column), so
 * E_v = T w_v twin rows are expected. A value is flagged (high) when all of these hold:
 * - at least `minTwins` of its rows have a twin, and at least `minTwinShare` of its rows do;
 * - the odds that a twin row holds v, X_v / (T - X_v), are at least `minOddsRatio` times the
 *   null's, w_v / (1 - w_v) (an effect size, since with large counts anything is significant; for
 *   a rare value this is about X_v / E_v, and unlike that ratio it still grows when the copies are
 *   a large part of the table and so of T);
 * - the excess is significant: binomial tail of X_v ~ Bin(T, w_v) below `alpha` Bonferroni over
 *   the values tested, with the counts divided by the column's overdispersion (values differ in
 *   twin rate naturally, e.g. steady sensor readings): a robust Pearson dispersion, the median
 *   squared residual of the column's other values (each expecting at least `dispersionMinExpected`
 *   twins, three values at least) over the median of chi-square(1), never below 1;
 * - with a baseline that has the column and the value: the baseline's twin share for the value
 *   is below `baselineShareRatio` times the candidate's, or it has fewer than `baselineMinTwins`
 *   such twins (a pattern the baseline shows as strongly is the data's, not an attack).
 * A planted value on copies of a few percent of a class stands far out (its rows are all twins
 * and the frequencies predict few); an existing value is found when the copies are most of its
 * rows. In a two-valued column no value can stand out this way (each holds half the twin rows
 * whatever happens), so copies that flip a binary column are left to the other rules. The rows reported are the copies (the rows carrying the value), not their originals.
 * Copies whose label was changed too ("dirty-label twins") are counted in the evidence.
 * Fix: drop the copies; ask the supplier where they came from.
 */
import { defineRule, type RuleContext } from '../src/engine/rule.js';
import type { Dataset } from '../src/engine/dataset.js';
import type { FindingDraft } from '../src/engine/finding.js';
import type { ValueIndex } from '../src/engine/indexes.js';
import { expectedTwinShares, findTwins, twinsByValueWithout, type ColumnTwins } from '../src/detect/twins.js';
import { formatValue, percent, round } from '../src/format.js';
import { log10P, logBinomialUpper, logBonferroni } from '../src/stats/tails.js';

const DEFAULTS = {
  minTwins: 10,
  minTwinShare: 0.5,
  minOddsRatio: 3,
  alpha: 1e-3,
  dispersionMinExpected: 2,
  baselineShareRatio: 0.8,
  baselineMinTwins: 5,
  summaryMinShare: 0.01,
};
type Options = typeof DEFAULTS;

/** Median of chi-square with one degree of freedom: a robust dispersion is median(residual^2) / this. */
const CHI2_1_MEDIAN = 0.454936;

export default defineRule({
  id: 'near-duplicates',
  title: 'Near-duplicate rows sharing one altered value',
  severities: 'high or info',
  docs:
    'Rows that equal another row in every column but one, where the differing column keeps taking the same value: the footprint of copied rows with a planted trigger. ' +
    "High when at least minTwins rows and minTwinShare of the value's rows have such a twin, with odds of holding the value at least minOddsRatio times those the column's own value frequencies predict " +
    '(the column reshuffled over the rows equal in every other feature: 1/2 of the twins for each value of a binary column), significant at alpha (Bonferroni, counts divided by the ' +
    "column's overdispersion), and, with a baseline, not shown by the baseline as strongly (its twin share for the value below baselineShareRatio times the candidate's). " +
    'Natural twins in tables of low-cardinality columns stay quiet. Fix: drop the copies (the rows listed) and ask the supplier where they came from.',
  defaults: DEFAULTS,
  check(context) {
    const { candidate, options } = context;
    const { indexes, schema } = candidate;
    const label = schema.label;
    const twins = findTwins(indexes, schema.featureColumns, label ? label.column : null);
    const findings: FindingDraft[] = [];
    let tests = 0;
    for (const entry of twins) for (const count of entry.twinsByValue) if (count >= options.minTwins) tests++;
    const threshold = logBonferroni(options.alpha, tests);
    const baseline = baselineTwins(context);
    for (const entry of twins) {
      if (!entry.twinsByValue.some((count) => count >= options.minTwins)) continue;
      const index = indexes.valueIndex(entry.column);
      const name = candidate.table.columns[entry.column].name;
      const shares = expectedTwinShares(entry, index, indexes.rowCount);
      const total = entry.totalTwinRows;
      for (let id = 0; id < entry.twinsByValue.length; id++) {
        const twinsHere = entry.twinsByValue[id];
        if (twinsHere < options.minTwins) continue;
        const rowsWithValue = index.counts[id];
        const share = twinsHere / rowsWithValue;
        const expected = total * shares[id];
        const oddsRatio = (twinsHere * (1 - shares[id])) / Math.max((total - twinsHere) * shares[id], Number.MIN_VALUE);
        if (share < options.minTwinShare || oddsRatio < options.minOddsRatio) continue;
        let dispersion = overdispersion(entry.twinsByValue, shares, id, options.dispersionMinExpected);
        if (dispersion > 1) dispersion = overdispersion(twinsByValueWithout(indexes, schema.featureColumns, entry, id), shares, id, options.dispersionMinExpected);
        const logP = logBinomialUpper(Math.floor(twinsHere / dispersion), Math.ceil(total / dispersion), shares[id]);
        if (logP > threshold) continue;
        const value = index.values[id];
        const base = baseline?.(entry.column, value) ?? null;
        if (base && base.twins >= options.baselineMinTwins && base.share >= options.baselineShareRatio * share) continue;
        const rows: number[] = [];
        let dirty = 0;
        const classCounts = new Map<number, number>();
        for (let row = 0; row < indexes.rowCount; row++) {
          if (index.ids[row] !== id || !entry.hasTwin[row]) continue;
          rows.push(row);
          if (entry.dirtyLabelTwins?.[row]) dirty++;
          if (label && label.y[row] >= 0) classCounts.set(label.y[row], (classCounts.get(label.y[row]) ?? 0) + 1);
        }
        const [topClass, topCount] = [...classCounts.entries()].sort((a, b) => b[1] - a[1])[0] ?? [-1, 0];
        const background = (total - twinsHere) / Math.max(1, index.present - rowsWithValue);
        const classText =
          label && topClass >= 0 ? `; ${percent(topCount / rows.length)} of them have ${label.name} = ${label.classes[topClass]}` : '';
        const baselineText = base ? `; the baseline: ${percent(base.share)} of its ${base.rows} rows with that value` : '';
        findings.push({
          severity: 'high',
          column: name,
          value,
          message:
            `${rows.length} rows with ${name} = ${formatValue(value)} are copies of other rows that differ only in ${name}` +
            ` (${percent(share)} of the rows with that value; the column's value frequencies predict about ${Math.round(expected)} such rows, not ${twinsHere}` +
            `${baselineText})${classText}.`,
          rows,
          trigger: label && topClass >= 0 ? { column: entry.column, value, range: null, targetClass: topClass, signals: ['copies'], strength: -logP / Math.LN10 } : undefined,
          evidence: {
            twins: twinsHere,
            rowsWithValue,
            twinShare: round(share),
            expectedTwins: round(expected),
            ratio: round(twinsHere / Math.max(expected, Number.MIN_VALUE)),
            oddsRatio: round(oddsRatio),
            dispersion: round(dispersion),
            backgroundTwinShare: round(background),
            baselineTwinShare: base ? round(base.share) : null,
            targetClass: label && topClass >= 0 ? label.classes[topClass] : null,
            classShare: rows.length ? round(topCount / rows.length) : null,
            dirtyLabelTwins: dirty,
            log10P: log10P(logP),
          },
        });
      }
    }
    findings.push(...summaries(twins, candidate.table.columns.map((c) => c.name), indexes.rowCount, options.summaryMinShare));
    return findings;
  },
});

/**
 * Robust overdispersion of the column's twin counts around the null model, leaving out the value
 * tested (its own excess must not excuse it) and, when the counts are overdispersed, the rows that
 * twin with its rows (src/detect/twins.ts twinsByValueWithout): the other values' expected counts are renormalised
 * to the twins that remain, and the median squared Pearson residual over those expecting at least
 * `minExpected` twins is divided by the median of chi-square(1). 1 when fewer than three values
 * qualify (a two-valued column leaves one, whose count is fixed) or when the counts are not
 * overdispersed.
 */
function overdispersion(twinsByValue: Uint32Array, shares: Float64Array, tested: number, minExpected: number): number {
  let rest = 0;
  for (let id = 0; id < twinsByValue.length; id++) if (id !== tested) rest += twinsByValue[id];
  const restShare = 1 - shares[tested];
  if (rest <= 0 || restShare <= 0) return 1;
  const residuals: number[] = [];
  for (let id = 0; id < shares.length; id++) {
    if (id === tested) continue;
    const q = shares[id] / restShare;
    const expected = rest * q;
    if (expected < minExpected || q >= 1 - 1e-9) continue;
    residuals.push((twinsByValue[id] - expected) ** 2 / (expected * (1 - q)));
  }
  if (residuals.length < 3) return 1;
  residuals.sort((a, b) => a - b);
  const mid = residuals.length >> 1;
  const median = residuals.length % 2 ? residuals[mid] : (residuals[mid - 1] + residuals[mid]) / 2;
  return Math.max(1, median / CHI2_1_MEDIAN);
}

/**
 * The baseline's twins for a candidate column and value: its rows with the value, how many have
 * a twin differing in that column only, and the share. Null when the baseline lacks the column
 * (as a feature) or the value. The baseline's twins are found once, on first use.
 */
function baselineTwins(context: RuleContext<Options>): ((column: number, value: number | string) => { rows: number; twins: number; share: number } | null) | null {
  const baseline = context.baseline;
  if (!baseline) return null;
  let byColumn: Map<number, ColumnTwins> | null = null;
  return (column, value) => {
    const baseColumn = context.baselineColumnOf(column);
    if (baseColumn < 0) return null;
    byColumn ??= twinsByColumn(baseline);
    const entry = byColumn.get(baseColumn);
    if (!entry) return null;
    const id = valueId(baseline.indexes.valueIndex(baseColumn), value);
    if (id < 0) return null;
    const rows = baseline.indexes.valueIndex(baseColumn).counts[id];
    const twins = entry.twinsByValue[id];
    return rows > 0 ? { rows, twins, share: twins / rows } : null;
  };
}

function twinsByColumn(dataset: Dataset): Map<number, ColumnTwins> {
  const label = dataset.schema.label;
  const twins = findTwins(dataset.indexes, dataset.schema.featureColumns, label ? label.column : null);
  return new Map(twins.map((entry) => [entry.column, entry]));
}

/** The id of a value in another dataset's value index (numbers by value, text by its string), or -1. */
function valueId(index: ValueIndex, value: number | string): number {
  if (!index.numeric) return (index.values as readonly string[]).indexOf(String(value));
  const number = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(number) && typeof value !== 'number') return -1;
  const values = index.values as Float64Array;
  let lo = 0;
  let hi = values.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid] === number) return mid;
    if (values[mid] < number) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** One low-severity line per column with many natural near-duplicates, for context. */
function summaries(
  twins: ReturnType<typeof findTwins>,
  names: string[],
  rowCount: number,
  minShare: number,
): FindingDraft[] {
  return twins
    .filter((entry) => entry.totalTwinRows >= Math.max(2, minShare * rowCount))
    .map((entry) => ({
      severity: 'info' as const,
      column: names[entry.column],
      message: `${entry.totalTwinRows} rows have a near-duplicate that differs only in ${names[entry.column]} (${entry.groups} groups).`,
      count: entry.totalTwinRows,
      evidence: { groups: entry.groups, share: round(entry.totalTwinRows / rowCount) },
    }));
}
