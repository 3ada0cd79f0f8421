/**
 * near-duplicates: rows equal to another row in every feature column except one, where one value
 * keeps turning up.
 *
 * Appending altered copies of real rows is the cheapest way to plant a trigger: copy rows of the
 * target class and write the trigger value into one column. Every copy then has a twin (its
 * original) that differs in that column only, and the copies share the value. Clean data has
 * natural twins too (many rows of zeros), spread over the column's values; so a value is flagged
 * when the share of its rows that have twins is far above the column's background rate
 * (binomial test, Bonferroni over the values tested) and at least `minTwinShare`.
 * The rows reported are the copies (the rows carrying the value), not their originals.
 * Copies whose label was changed too ("dirty-label twins") are counted in the evidence.
 * Fix: drop the copies; ask the supplier where they came from.
 */
import { defineRule } from '../src/engine/rule.js';
import type { FindingDraft } from '../src/engine/finding.js';
import { findTwins } from '../src/detect/twins.js';
import { formatValue, percent, round } from '../src/detect/describe.js';
import { log10P, logBinomialUpper, logBonferroni } from '../src/stats/tails.js';

export default defineRule({
  id: 'near-duplicates',
  title: 'Near-duplicate rows sharing one altered value',
  docs: 'Rows that equal another row in every column but one, where the differing column keeps taking the same value: the footprint of copied rows with a planted trigger.',
  defaults: { minTwins: 10, minTwinShare: 0.5, alpha: 1e-3, summaryMinShare: 0.01 },
  check(context) {
    const { candidate, options } = context;
    const { indexes, schema } = candidate;
    const label = schema.label;
    const twins = findTwins(indexes, schema.featureColumns, label ? label.column : null);
    const findings: FindingDraft[] = [];
    let tests = 0;
    for (const entry of twins) for (const count of entry.twinsByValue) if (count >= options.minTwins) tests++;
    const threshold = logBonferroni(options.alpha, tests);
    for (const entry of twins) {
      const index = indexes.valueIndex(entry.column);
      const name = candidate.table.columns[entry.column].name;
      for (let id = 0; id < entry.twinsByValue.length; id++) {
        const twinsHere = entry.twinsByValue[id];
        if (twinsHere < options.minTwins) continue;
        const rowsWithValue = index.counts[id];
        const background = Math.max((entry.totalTwinRows - twinsHere) / Math.max(1, index.present - rowsWithValue), 1 / indexes.rowCount);
        const logP = logBinomialUpper(twinsHere, rowsWithValue, background);
        if (logP > threshold || twinsHere / rowsWithValue < options.minTwinShare) continue;
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
        const value = index.values[id];
        const classText =
          label && topClass >= 0 ? `; ${percent(topCount / rows.length)} of them have ${label.name} = ${label.classes[topClass]}` : '';
        findings.push({
          severity: 'high',
          column: name,
          value,
          message:
            `${rows.length} rows with ${name} = ${formatValue(value)} are copies of other rows that differ only in ${name}` +
            ` (${percent(twinsHere / rowsWithValue)} of the rows with that value, against ${percent(background)} for the column)${classText}.`,
          rows,
          evidence: {
            twins: twinsHere,
            rowsWithValue,
            twinShare: round(twinsHere / rowsWithValue),
            backgroundTwinShare: round(background),
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

