/**
 * range: numeric values outside plausible bounds.
 *
 * Bounds, strongest first:
 * 1. the user's constraints (`columns: { NAME: { min, max } }` in audit.config.ts): high;
 * 2. semantic domains that hold in any dataset, decided from the column name and confirmed by
 *    the column's bulk (see SEMANTIC_DOMAINS): high, because the value is impossible;
 * 3. the baseline's observed range widened by `baselineMargin` of its span: medium when at least
 *    `baselineMinRows` rows (and `baselineMinShare` of them) lie outside, low for a few new
 *    extremes (heavy tails produce some in every fresh sample);
 * 4. robust bounds from the data itself (quartiles +- `iqrFactor` x IQR): info, since heavy tails
 *    are natural (amounts, counts) and a reviewer cannot act on them.
 * Non-finite numbers (1e309 read as Infinity) are always reported (medium).
 * The evidence lists the offending values with their counts and class mix, so that a repeated
 * impossible value in one class (a planted trigger) stands out; the trigger search takes it up.
 * Fix: correct or drop the rows; block such values at the source (an API that accepts an age of 200 is
 * the way in).
 */
import { defineRule } from '../src/engine/rule.js';
import type { FindingDraft, Severity } from '../src/engine/finding.js';
import { formatNumber, percent, round } from '../src/format.js';
import { quantileOfCounts } from '../src/stats/quantile.js';
import type { Dataset } from '../src/engine/dataset.js';

interface Domain {
  /** Tested against the column name. */
  name: RegExp;
  unless?: RegExp;
  min: number;
  max: number;
  what: string;
}

/**
 * Domains that hold for any dataset. Kept small on purpose: each entry must be true everywhere.
 * A domain applies only when the column's quartiles lie inside it; otherwise the name means
 * something else (an "age" in months).
 */
export const SEMANTIC_DOMAINS: readonly Domain[] = [
  { name: /(^|[^a-z])age([^a-z]|$)|^age/i, unless: /month|day|week|hour|minute|second|days|mo$/i, min: 0, max: 125, what: 'an age in years' },
  { name: /percent|pct|percentage/i, min: 0, max: 100, what: 'a percentage' },
  { name: /(^|[^a-z])(count|num|qty|quantity)([^a-z]|$)|_count$|^n_/i, min: 0, max: Infinity, what: 'a count' },
];

export default defineRule({
  id: 'range',
  title: 'Values outside plausible bounds',
  docs: 'Numbers outside user constraints, semantic domains (an age cannot be 200), the baseline range, or far outside the bulk of the data.',
  defaults: {
    constraints: {} as Record<string, { min?: number; max?: number }>,
    baselineMargin: 0.5,
    baselineMinRows: 10,
    baselineMinShare: 0.001,
    iqrFactor: 10,
  },
  check(context) {
    const { candidate, baseline, options } = context;
    const findings: FindingDraft[] = [];
    for (const column of candidate.schema.featureColumns) {
      const col = candidate.table.columns[column];
      if (col.kind !== 'numeric') continue;
      const sorted = finiteDistribution(candidate, column);
      if (sorted.present === 0) continue;
      const constraint = lookup(options.constraints, col.name);
      const domain = constraint ? null : semanticDomain(col.name, sorted);
      const baseColumn = baseline ? context.baselineColumnOf(column) : -1;
      const baseValues = baseColumn >= 0 && baseline!.table.columns[baseColumn].kind === 'numeric' ? finiteDistribution(baseline!, baseColumn).values : null;
      let bounds: { min: number; max: number; source: string; severity: Severity; what: string };
      if (constraint) {
        bounds = { min: constraint.min ?? -Infinity, max: constraint.max ?? Infinity, source: 'config', severity: 'high', what: 'the configured constraint' };
      } else if (domain) {
        bounds = { min: domain.min, max: domain.max, source: 'semantic', severity: 'high', what: domain.what };
      } else if (baseValues && baseValues.length > 0) {
        const span = baseValues[baseValues.length - 1] - baseValues[0];
        const margin = options.baselineMargin * Math.max(span, Math.abs(baseValues[0]) * 0.01, 1e-9);
        bounds = { min: baseValues[0] - margin, max: baseValues[baseValues.length - 1] + margin, source: 'baseline', severity: 'medium', what: "the baseline's range" };
      } else {
        const q1 = quantile(sorted, 0.25);
        const q3 = quantile(sorted, 0.75);
        const iqr = q3 - q1;
        if (!(iqr > 0)) continue;
        bounds = { min: q1 - options.iqrFactor * iqr, max: q3 + options.iqrFactor * iqr, source: 'data', severity: 'info', what: 'the bulk of the data' };
      }
      const finding = outsideFinding(candidate, column, bounds);
      // A few new extremes beyond a heavy-tailed baseline are natural; many rows beyond it are not.
      if (finding && bounds.source === 'baseline' && (finding.rows?.length ?? 0) < Math.max(options.baselineMinRows, options.baselineMinShare * candidate.table.rowCount)) {
        finding.severity = 'low';
      }
      if (finding) findings.push(finding);
      const nonFinite = nonFiniteFinding(candidate, column);
      if (nonFinite) findings.push(nonFinite);
    }
    return findings;
  },
});

function outsideFinding(
  candidate: Dataset,
  column: number,
  bounds: { min: number; max: number; source: string; severity: Severity; what: string },
): FindingDraft | null {
  const col = candidate.table.columns[column] as { name: string; values: Float64Array };
  const rows: number[] = [];
  const valueCounts = new Map<number, number>();
  for (let row = 0; row < col.values.length; row++) {
    const v = col.values[row];
    if (!Number.isFinite(v)) continue;
    if (v < bounds.min || v > bounds.max) {
      rows.push(row);
      valueCounts.set(v, (valueCounts.get(v) ?? 0) + 1);
    }
  }
  if (rows.length === 0) return null;
  const top = [...valueCounts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const [topValue, topCount] = top[0];
  const label = candidate.schema.label;
  const classCounts = new Map<number, number>();
  if (label) for (const row of rows) if (label.y[row] >= 0) classCounts.set(label.y[row], (classCounts.get(label.y[row]) ?? 0) + 1);
  let lo = Infinity;
  let hi = -Infinity;
  for (const value of valueCounts.keys()) {
    lo = Math.min(lo, value);
    hi = Math.max(hi, value);
  }
  const shown = top.slice(0, 3).map(([v, c]) => `${formatNumber(v)} (${c})`).join(', ');
  return {
    severity: bounds.severity,
    column: col.name,
    value: topCount > rows.length / 2 ? topValue : null,
    message: `${rows.length} values of ${col.name} lie outside ${bounds.what} [${formatNumber(bounds.min)}, ${formatNumber(bounds.max)}]: ${shown}${top.length > 3 ? ', ...' : ''}.`,
    rows,
    evidence: {
      boundsSource: bounds.source,
      min: bounds.min,
      max: bounds.max,
      observedRange: [lo, hi],
      distinctValues: top.length,
      topValues: top.slice(0, 10).map(([value, count]) => ({ value, count })),
      classMix: [...classCounts.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([cls, count]) => ({ class: label!.classes[cls], count, share: round(count / rows.length) })),
      share: round(rows.length / candidate.table.rowCount),
      shareText: percent(rows.length / candidate.table.rowCount),
    },
  };
}

function nonFiniteFinding(candidate: Dataset, column: number): FindingDraft | null {
  const col = candidate.table.columns[column] as { name: string; values: Float64Array };
  const rows: number[] = [];
  for (let row = 0; row < col.values.length; row++) if (col.values[row] === Infinity || col.values[row] === -Infinity) rows.push(row);
  if (rows.length === 0) return null;
  return {
    severity: 'medium',
    column: col.name,
    message: `${rows.length} values of ${col.name} are too large to be a number (read as infinity, e.g. 1e309).`,
    rows,
    evidence: { nonFinite: rows.length },
  };
}

function semanticDomain(name: string, sorted: Distribution): Domain | null {
  for (const domain of SEMANTIC_DOMAINS) {
    if (!domain.name.test(name) || domain.unless?.test(name)) continue;
    // The bulk (quartiles) must fit the domain; the tails are what we are checking.
    if (quantile(sorted, 0.25) >= domain.min && quantile(sorted, 0.75) <= domain.max) return domain;
  }
  return null;
}

function lookup(constraints: Record<string, { min?: number; max?: number }>, name: string): { min?: number; max?: number } | null {
  return Object.prototype.hasOwnProperty.call(constraints, name) ? constraints[name] : null;
}

/** The column's finite distinct values, ascending, with their counts (from the shared value index). */
interface Distribution {
  values: Float64Array;
  counts: Uint32Array;
  present: number;
}

function finiteDistribution(dataset: Dataset, column: number): Distribution {
  const index = dataset.indexes.valueIndex(column);
  const all = index.values as Float64Array;
  let lo = 0;
  let hi = all.length;
  while (lo < hi && !Number.isFinite(all[lo])) lo++;
  while (hi > lo && !Number.isFinite(all[hi - 1])) hi--;
  const counts = index.counts.subarray(lo, hi);
  let present = 0;
  for (const count of counts) present += count;
  return { values: all.subarray(lo, hi), counts, present };
}

/** The type 7 quantile (src/stats/quantile.ts) of the finite values. */
function quantile(sorted: Distribution, q: number): number {
  return quantileOfCounts(sorted.values, sorted.counts, q, sorted.present);
}
