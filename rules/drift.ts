/**
 * drift: a feature column whose distribution moved away from the baseline's.
 *
 * Why it matters: in-place edits (a rescaled column, overwritten values, a shifted population)
 * leave no duplicates and no impossible values; comparing the column with the trusted baseline
 * is what remains. A model trained on a drifted column learns something the baseline never showed.
 *
 * What triggers it, per column present in both files (the label, identifiers, free text and
 * dates excluded: every sample of free text has messages the other never had, a later file has
 * later dates, and a key is meant to differ; the label has its own rule, `label-shift`):
 * - numbers with more than `maxDiscreteValues` (20) distinct baseline values: two-sample
 *   Kolmogorov-Smirnov; the effect size is the KS distance D (the largest gap between the two
 *   cumulative distributions). Wasserstein distance over the baseline IQR and PSI on baseline
 *   deciles (plus below-minimum / above-maximum bins) are reported alongside.
 * - text, and numeric codes: chi-square on the value counts; the effect size is the
 *   Jensen-Shannon distance (base 2). PSI alongside. Values too rare for the chi-square are
 *   pooled, chosen by their count in both files together: between two halves of a column of many
 *   rare codes, each half has codes the other lacks, about as many on each side.
 * A finding needs BOTH a p-value under `alpha` (1e-3) Bonferroni-corrected over the columns
 * compared AND an effect of at least `moderateEffect` (0.1): on large files every tiny difference
 * is significant, and a KS D or JS distance of 0.1 means about a tenth of the rows moved. Random
 * halves of a clean 30,000-row file stay under 0.03 on every column.
 * Severity: medium at `largeEffect` (0.2) or above, low from `moderateEffect` (0.1).
 * The message names the value or range whose share moved most, with its before/after shares; the
 * rows listed are the candidate rows in the value or range that gained most.
 * Fix: find the step that changed the column (a unit change, a new source, an overwrite) and
 * undo it, or retrain the baseline if the change is real and intended.
 */
import { defineRule } from '../src/engine/rule.js';
import type { FindingDraft } from '../src/engine/finding.js';
import { logBonferroni } from '../src/stats/tails.js';
import {
  DEFAULT_COMPARISON_OPTIONS,
  compareSamples,
  comparisonEvidence,
  describeCell,
  describeShift,
  driftLevel,
  movedMost,
  rowsOfGrownCell,
  testLabel,
  type Comparison,
} from '../src/detect/drift.js';
import type { Dataset } from '../src/engine/dataset.js';
import { comparesValues } from '../src/schema/schema.js';
import { formatNumber, formatP, round } from '../src/format.js';

export default defineRule({
  id: 'drift',
  title: 'Feature distributions that moved from the baseline',
  severities: 'medium (large effect) or low',
  docs: 'Per column, Kolmogorov-Smirnov (numbers) or chi-square (values and codes; values too rare for the test pooled by their count in both files) against the baseline; reported only when significant after Bonferroni AND the effect (KS D or Jensen-Shannon distance) is at least 0.1; medium from 0.2.',
  defaults: {
    ...DEFAULT_COMPARISON_OPTIONS,
    alpha: 1e-3,
    moderateEffect: 0.1,
    largeEffect: 0.2,
  },
  needsBaseline: true,
  check(context) {
    const { candidate, options } = context;
    const baseline = context.baseline!;
    const pairs = comparableColumns(candidate, baseline, (column) => context.baselineColumnOf(column));
    const compared = pairs
      .map(({ column, baselineColumn }) => ({
        column,
        comparison: compareSamples(
          { dataset: baseline, column: baselineColumn, rows: null },
          { dataset: candidate, column, rows: null },
          options,
        ),
      }))
      .filter((entry): entry is { column: number; comparison: Comparison } => entry.comparison !== null);
    const threshold = logBonferroni(options.alpha, compared.length);
    const findings: FindingDraft[] = [];
    for (const { column, comparison } of compared) {
      const level = driftLevel(comparison, threshold, options);
      if (level) findings.push(driftFinding(candidate, column, comparison, level));
    }
    return findings;
  },
});

/** Candidate columns (not the label, identifiers, free text or dates) with a baseline column of the same name. */
function comparableColumns(
  candidate: Dataset,
  baseline: Dataset,
  baselineColumnOf: (column: number) => number,
): { column: number; baselineColumn: number }[] {
  const labelName = candidate.schema.label?.name;
  const pairs: { column: number; baselineColumn: number }[] = [];
  for (const info of candidate.schema.columns) {
    const baselineColumn = baselineColumnOf(info.index);
    if (baselineColumn < 0 || info.name === labelName) continue;
    if (!comparesValues(info) || !comparesValues(baseline.schema.columns[baselineColumn])) continue;
    pairs.push({ column: info.index, baselineColumn });
  }
  return pairs;
}

function driftFinding(candidate: Dataset, column: number, comparison: Comparison, level: 'large' | 'moderate'): FindingDraft {
  const name = candidate.table.columns[column].name;
  const moved = movedMost(comparison);
  const rows = rowsOfGrownCell(comparison, null, candidate.table.rowCount);
  return {
    severity: level === 'large' ? 'medium' : 'low',
    column: name,
    value: moved.kind === 'value' || moved.kind === 'unseen' ? moved.value : null,
    message:
      `${name} drifted from the baseline (${testLabel(comparison)}, ${formatP(comparison.logP)}, ` +
      `PSI ${formatNumber(round(comparison.psi, 2))}): ${describeCell(name, moved)} went ${describeShift(moved)} of rows.`,
    rows,
    evidence: { ...comparisonEvidence(comparison), level },
  };
}
