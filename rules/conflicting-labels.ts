/**
 * conflicting-labels: records identical in every feature but carrying different labels.
 *
 * A model cannot learn both; at most one label is right for the features it sees. Copies with a
 * flipped label ("dirty-label twins") are a poisoning technique, but conflicts are natural and
 * common when the features are coarse (few values, heaped counts, records with no information
 * such as all-zero accounts): the features do not determine the label. Without a baseline there
 * is no telling the two apart from the file alone, so conflicts are low. With a baseline they are
 * medium when their share of the rows is at least `mediumShare`, at least `baselineRatio` times
 * the baseline's (scaled up by the size ratio when the candidate is larger: chance collisions grow
 * with the rows), and significantly above it (conditional binomial test of the two counts at
 * `alpha`). The rows reported are the members of each group whose label is not the group's most
 * common one.
 * Fix: decide the true label of each group, or drop the groups; if the baseline has far fewer,
 * find out where the conflicting records came from.
 */
import { defineRule, type RuleContext } from '../src/engine/rule.js';
import type { Dataset } from '../src/engine/dataset.js';
import { groupEqualKeys } from '../src/engine/indexes.js';
import { percent, round } from '../src/format.js';
import { log10P, logBinomialUpper } from '../src/stats/tails.js';

const DEFAULTS = { mediumShare: 0.005, baselineRatio: 2, alpha: 0.01 };
type Options = typeof DEFAULTS;

export default defineRule({
  id: 'conflicting-labels',
  title: 'Identical features, different labels',
  severities: 'medium (more than the baseline has) or low',
  docs:
    'Groups of records equal in every feature whose labels disagree. Natural conflicts are common when features are coarse, so without a baseline they are low; ' +
    "with a baseline, medium when the rows in conflict are at least mediumShare of the file, baselineRatio times the baseline's share (scaled to the candidate size) " +
    'and significantly above it (alpha). Fix: decide the true label of each group or drop the groups; find out where conflicts the baseline lacks came from.',
  defaults: DEFAULTS,
  needsLabel: true,
  check(context) {
    const { candidate } = context;
    const label = candidate.schema.label!;
    const conflicts = findConflicts(candidate);
    if (!conflicts || conflicts.groups === 0) return [];
    const share = conflicts.rowsInConflict / candidate.table.rowCount;
    const comparison = context.baseline ? againstBaseline(context, conflicts.rowsInConflict) : null;
    const why = comparison
      ? comparison.text
      : 'conflicts are common when the features are coarse, and without a baseline they cannot be told from flipped copies';
    return [
      {
        severity: comparison?.suspicious ? 'medium' : 'low',
        message: `${conflicts.groups} groups of identical records (${conflicts.rowsInConflict} rows, ${percent(share)}) disagree on ${label.name}; ${why}.`,
        rows: conflicts.minorityRows,
        count: conflicts.rowsInConflict,
        evidence: { groups: conflicts.groups, rowsInConflict: conflicts.rowsInConflict, share: round(share), ...(comparison?.evidence ?? { baselineShare: null }) },
      },
    ];
  },
});

/** Groups of records equal in every feature with two or more labels; null without features or label. */
function findConflicts(dataset: Dataset): { groups: number; rowsInConflict: number; minorityRows: number[] } | null {
  const { indexes, schema } = dataset;
  const label = schema.label;
  if (!label || schema.recordColumns.length === 0) return null;
  const [hi, lo] = indexes.rowHash(schema.recordColumns);
  let groups = 0;
  let rowsInConflict = 0;
  const minorityRows: number[] = [];
  for (const group of groupEqualKeys(hi, lo)) {
    const counts = new Map<number, number>();
    for (const row of group) if (label.y[row] >= 0) counts.set(label.y[row], (counts.get(label.y[row]) ?? 0) + 1);
    if (counts.size < 2) continue;
    groups++;
    rowsInConflict += group.length;
    const majority = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0];
    for (const row of group) if (label.y[row] >= 0 && label.y[row] !== majority) minorityRows.push(row);
  }
  return { groups, rowsInConflict, minorityRows };
}

/**
 * The candidate's rows in conflict against the baseline's, the baseline's share scaled by the
 * size ratio when the candidate is larger. Given both counts, the candidate's is binomial with
 * p = r n / (r n + m) under equal (scaled) rates (n, m the row counts, r the scale).
 */
function againstBaseline(context: RuleContext<Options>, count: number): { suspicious: boolean; text: string; evidence: Record<string, unknown> } {
  const { candidate, options } = context;
  const baseline = context.baseline!;
  const baseRows = baseline.table.rowCount;
  const sameLabel = baseline.schema.label?.name === candidate.schema.label?.name;
  const baseConflicts = sameLabel ? findConflicts(baseline) : null;
  if (!baseConflicts || baseRows === 0) {
    return { suspicious: false, text: 'the baseline has no label to compare with', evidence: { baselineShare: null } };
  }
  const rows = candidate.table.rowCount;
  const baseShare = baseConflicts.rowsInConflict / baseRows;
  const scale = Math.max(1, rows / baseRows);
  const expectedShare = baseShare * scale;
  const logP = logBinomialUpper(count, count + baseConflicts.rowsInConflict, (scale * rows) / (scale * rows + baseRows));
  const share = count / Math.max(1, rows);
  const suspicious = share >= options.mediumShare && share >= options.baselineRatio * expectedShare && logP <= Math.log(options.alpha);
  const sizeNote = scale > 1 ? ` (${percent(expectedShare)} at this file's size)` : '';
  return {
    suspicious,
    text: `the baseline has ${percent(baseShare)} of its rows in conflict${sizeNote}` + (suspicious ? ': far more than the baseline explains' : ''),
    evidence: { baselineShare: round(baseShare), expectedShare: round(expectedShare), log10P: log10P(logP) },
  };
}
