/**
 * range: numeric values outside plausible bounds, graded by how far out they lie and how they
 * look.
 *
 * References, each judged on its own; the column's finding is the most severe of them:
 * 1. the user's constraints (`columns: { NAME: { min, max } }` in audit.config.ts): high;
 * 2. semantic domains that hold in any dataset, decided from the column name and confirmed by
 *    the column's bulk (see SEMANTIC_DOMAINS): high, because the value is impossible;
 * 3. with a baseline, its observed range: rows beyond it by more than `baselineMargin` of its
 *    span are outside; distances are counted in baseline spans beyond the range;
 * 4. always (with a baseline too, so that a baseline never makes the check weaker), the bulk of
 *    the candidate itself: rows beyond the quartiles by more than `iqrFactor` IQRs are outside;
 *    distances are counted in IQRs beyond the quartiles (an IQR never less than the median gap
 *    between the column's distinct values: its grid step).
 * Grading of 3 and 4 (a planted trigger is one value, repeated, far out, in one class; a natural
 * heavy tail is many distinct values that thin out, in whatever classes the feature predicts):
 * - high: one value repeated in at least `minFarRows` rows (5), at least `farSpans` baseline
 *   spans (3) or `farIqrs` IQRs (20) out, that stands alone there: it holds at least
 *   `minFarShare` (half) of the rows at least half as far out as it (round amounts repeat in
 *   natural tails too, but among many other values), and is concentrated in one class (at least
 *   `minPurity` of its rows, binomial p under `concentrationAlpha` against the class's share of
 *   the file);
 * - medium: the same repeated far value in mixed classes (a sentinel or a unit error), on a
 *   nonnegative column only if it is also `farLogIqrs` (3) IQRs beyond the quartiles of
 *   log(1 + x): the end of a heavy tail (a city's population) is far out in IQRs and alone, but
 *   where it belongs on the log scale; with a
 *   baseline, also at least `baselineMinRows` rows (and `baselineMinShare` of the file) outside,
 *   or a value the baseline never had just beyond its range (inside the margin, which would
 *   otherwise hide it), repeated in at least `baselineMinRows` rows and concentrated in one class;
 *   both only when the candidate's rows beyond the baseline's extreme are more than chance gives
 *   a file of its size (p under `baselineAlpha`: the k most extreme rows of both files all being
 *   the candidate's). Baseline spans are never taken narrower than the candidate's IQR (a small
 *   or constant baseline);
 * - otherwise low beyond the baseline (a few new extremes: heavy tails produce some in every
 *   fresh sample) and info beyond the bulk (natural tails: amounts, counts, durations).
 * Non-finite numbers (1e309 read as Infinity) are always reported (medium).
 * The evidence lists the offending values with their counts and class mix, the distance of the
 * furthest one, and the group that decided the severity; the trigger search takes it up.
 * Fix: correct or drop the rows; block such values at the source (an API that accepts an age of 200 is
 * the way in).
 */
import { defineRule } from '../src/engine/rule.js';
import { eachColumn } from '../src/progress-events.js';
import { lowerBound } from '../src/util/search.js';
import { severityRank, type FindingDraft, type Severity } from '../src/engine/finding.js';
import type { TriggerHint } from '../src/engine/trigger-hint.js';
import { logBinomialUpper, log10P } from '../src/stats/tails.js';
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

const DEFAULTS = {
  constraints: {} as Record<string, { min?: number; max?: number }>,
  /** Rows beyond the baseline's range by more than this share of its span are outside it. */
  baselineMargin: 0.5,
  /**
   * With a baseline, this many rows outside (and this share of the file) make a medium finding,
   * if the candidate beats the baseline's extreme more often than chance allows (p under
   * `baselineAlpha`; a larger file has more extremes).
   */
  baselineMinRows: 10,
  baselineMinShare: 0.001,
  baselineAlpha: 1e-3,
  /** Rows beyond the quartiles by more than this many IQRs are outside the bulk. */
  iqrFactor: 10,
  /** Far out: this many baseline spans beyond its range, or IQRs beyond the quartiles. */
  farSpans: 3,
  farIqrs: 20,
  /**
   * A far value repeated in this many rows, holding this share of the rows at least half as far
   * out as it (it stands alone beyond the tail), is medium; high when concentrated in one class.
   */
  minFarRows: 5,
  minFarShare: 0.5,
  /**
   * On a nonnegative column, a far value in mixed classes must also lie this many IQRs beyond the
   * quartiles of log(1 + x) to be medium (Tukey's far-out fence on the log scale); nearer, it is
   * the end of a heavy tail.
   */
  farLogIqrs: 3,
  /** Concentrated: this share of the rows in one class, and a binomial p under this against its share of the file. */
  minPurity: 0.8,
  concentrationAlpha: 0.01,
};
type Options = typeof DEFAULTS;

export default defineRule({
  id: 'range',
  title: 'Values outside plausible bounds',
  severities: 'high (configured or impossible bound, far outside and concentrated), medium or low',
  docs:
    'Numbers outside user constraints or semantic domains (an age cannot be 200): high. Beyond the baseline range (by half its span) or far outside the bulk ' +
    '(10 IQRs beyond the quartiles; checked with a baseline too), graded by distance and look: one value repeated in 5+ rows at 3+ baseline spans or 20+ IQRs out ' +
    'and standing alone there (half the rows at least half as far out) is medium (on a nonnegative column, only when also 3+ IQRs out on the log scale), high when 80%+ of its rows are one class; a value the baseline never had, just beyond its range, repeated in 10+ rows of one class is medium; ' +
    'a few new extremes are low, natural tails beyond the bulk info.',
  defaults: DEFAULTS,
  check(context) {
    const { candidate, baseline, options } = context;
    const findings: FindingDraft[] = [];
    for (const column of eachColumn(candidate.schema.featureColumns)) {
      const col = candidate.table.columns[column];
      if (col.kind !== 'numeric') continue;
      const sorted = finiteDistribution(candidate, column);
      if (sorted.present === 0) continue;
      const references: Reference[] = [];
      const constraint = lookup(options.constraints, col.name);
      if (constraint) {
        references.push(fixedReference('config', 'the configured constraint', constraint.min ?? -Infinity, constraint.max ?? Infinity));
      } else {
        const domain = semanticDomain(col.name, sorted);
        if (domain) references.push(fixedReference('semantic', domain.what, domain.min, domain.max));
      }
      const baseColumn = baseline ? context.baselineColumnOf(column) : -1;
      const base = baseColumn >= 0 && baseline!.table.columns[baseColumn].kind === 'numeric' ? finiteDistribution(baseline!, baseColumn) : null;
      if (base && base.values.length > 0) references.push(baselineReference(base, sorted, options));
      const bulk = bulkReference(sorted, options);
      if (bulk) references.push(bulk);
      let finding: FindingDraft | null = null;
      for (const reference of references) {
        const judged = outsideFinding(candidate, column, reference, options);
        // With a baseline, the bulk speaks only when it finds more than natural tails (info).
        if (!judged || (reference.source === 'data' && base && judged.severity === 'info')) continue;
        if (!finding || severityRank(judged.severity) > severityRank(finding.severity)) finding = judged;
      }
      // Only values outside a domain, or far enough out to be medium, are trigger candidates: lesser tails are natural.
      if (finding?.trigger && finding.evidence?.boundsSource !== 'config' && finding.evidence?.boundsSource !== 'semantic' && severityRank(finding.severity) < severityRank('medium')) {
        delete finding.trigger;
      }
      if (finding) findings.push(finding);
      const nonFinite = nonFiniteFinding(candidate, column);
      if (nonFinite) findings.push(nonFinite);
    }
    return findings;
  },
});

type Source = 'config' | 'semantic' | 'baseline' | 'data';

interface Reference {
  source: Source;
  what: string;
  /** Rows outside [min, max] are reported. */
  min: number;
  max: number;
  /** Distances are counted from [lo, hi] in units of `spread` (null: a fixed bound, no distance). */
  lo: number;
  hi: number;
  spread: number | null;
  unit: string | null;
  far: number;
  /** The baseline's values: a value beyond [lo, hi] that the baseline never had may be a new trigger. */
  baseline: Distribution | null;
}

function fixedReference(source: 'config' | 'semantic', what: string, min: number, max: number): Reference {
  return { source, what, min, max, lo: min, hi: max, spread: null, unit: null, far: 0, baseline: null };
}

function baselineReference(base: Distribution, sorted: Distribution, options: Options): Reference {
  const lo = base.values[0];
  const hi = base.values[base.values.length - 1];
  const margin = options.baselineMargin * Math.max(hi - lo, Math.abs(lo) * 0.01, 1e-9);
  // Distances in baseline spans, but never in less than the candidate's IQR: a small or constant
  // baseline has a span too narrow to measure by (a 0/1 column seen as all 0).
  const span = Math.max(hi - lo, quantile(sorted, 0.75) - quantile(sorted, 0.25));
  return {
    source: 'baseline',
    what: "the baseline's range",
    min: lo - margin,
    max: hi + margin,
    lo,
    hi,
    spread: span > 0 ? span : null,
    unit: 'baseline spans',
    far: options.farSpans,
    baseline: base,
  };
}

function bulkReference(sorted: Distribution, options: Options): Reference | null {
  const q1 = quantile(sorted, 0.25);
  const q3 = quantile(sorted, 0.75);
  if (!(q3 - q1 > 0)) return null;
  // Never less than the column's grid step: on a 1-10 score held mostly at 1, interpolated
  // quartiles can be a fraction of a step apart, and 10 is not 35 "IQRs" out.
  const iqr = Math.max(q3 - q1, medianGap(sorted.values));
  return {
    source: 'data',
    what: 'the bulk of the data',
    min: q1 - options.iqrFactor * iqr,
    max: q3 + options.iqrFactor * iqr,
    lo: q1,
    hi: q3,
    spread: iqr,
    unit: 'IQRs',
    far: options.farIqrs,
    baseline: null,
  };
}

/** How far beyond the reference's [lo, hi] a value lies, in its spread (0 inside). */
function distanceOf(value: number, reference: Reference): number {
  if (reference.spread === null) return 0;
  if (value > reference.hi) return (value - reference.hi) / reference.spread;
  if (value < reference.lo) return (reference.lo - value) / reference.spread;
  return 0;
}

interface Group {
  value: number;
  rows: number[];
  distance: number;
  targetClass: number;
  classShare: number;
  logP: number;
  concentrated: boolean;
}

/** The rows of one value, with their class concentration against the file's class shares. */
function groupOf(candidate: Dataset, value: number, rows: number[], distance: number, options: Options): Group {
  const label = candidate.schema.label;
  const group: Group = { value, rows, distance, targetClass: -1, classShare: 0, logP: 0, concentrated: false };
  if (!label) return group;
  const counts = new Map<number, number>();
  let labelled = 0;
  for (const row of rows) {
    if (label.y[row] < 0) continue;
    counts.set(label.y[row], (counts.get(label.y[row]) ?? 0) + 1);
    labelled++;
  }
  const [targetClass, count] = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0] ?? [-1, 0];
  if (targetClass < 0) return group;
  const prior = label.classCounts[targetClass] / Math.max(1, label.classCounts.reduce((a, b) => a + b, 0));
  group.targetClass = targetClass;
  group.classShare = count / labelled;
  group.logP = logBinomialUpper(count, labelled, prior);
  group.concentrated = group.classShare >= options.minPurity && group.logP <= Math.log(options.concentrationAlpha);
  return group;
}

function outsideFinding(candidate: Dataset, column: number, reference: Reference, options: Options): FindingDraft | null {
  const col = candidate.table.columns[column] as { name: string; values: Float64Array };
  const rows: number[] = [];
  const byValue = new Map<number, number[]>();
  /** Values beyond the baseline's range but inside its margin, which the baseline never had. */
  const newByValue = new Map<number, number[]>();
  for (let row = 0; row < col.values.length; row++) {
    const v = col.values[row];
    if (!Number.isFinite(v)) continue;
    if (v < reference.min || v > reference.max) {
      rows.push(row);
      const list = byValue.get(v);
      if (list) list.push(row);
      else byValue.set(v, [row]);
    } else if (reference.baseline && (v < reference.lo || v > reference.hi)) {
      const list = newByValue.get(v);
      if (list) list.push(row);
      else newByValue.set(v, [row]);
    }
  }
  // A far value repeated in `minFarRows` rows decides the severity if it stands alone: it holds
  // `minFarShare` of the rows at least half as far out as it. A natural tail holds many values
  // (round amounts repeat there too); a planted value beyond it stands alone. (A value planted
  // inside a heavy tail is a spike among its neighbours: the class-spike rule's.)
  let farRows = 0;
  const distances: number[] = [];
  const farValues: { value: number; rows: number[]; distance: number }[] = [];
  for (const [value, list] of byValue) {
    const distance = distanceOf(value, reference);
    for (let i = 0; i < list.length; i++) distances.push(distance);
    if (reference.spread === null || distance < reference.far) continue;
    farRows += list.length;
    if (list.length >= options.minFarRows) farValues.push({ value, rows: list, distance });
  }
  distances.sort((a, b) => a - b);
  const rowsFrom = (distance: number): number => distances.length - lowerBound(distances, distance);
  let far: Group | null = null;
  for (const entry of farValues) {
    if (entry.rows.length < options.minFarShare * rowsFrom(entry.distance / 2)) continue;
    if (!far || entry.rows.length > far.rows.length || (entry.rows.length === far.rows.length && entry.distance > far.distance)) {
      far = groupOf(candidate, entry.value, entry.rows, entry.distance, options);
    }
  }
  // Beyond the baseline's range, the candidate's rows must be more than a larger file's fresh
  // extremes: the chance that the k most extreme rows of both files are all the candidate's.
  let above = 0;
  let below = 0;
  for (const [value, list] of [...byValue, ...newByValue]) {
    if (value > reference.hi) above += list.length;
    else if (value < reference.lo) below += list.length;
  }
  const exceeds = (side: 'above' | 'below'): boolean =>
    !reference.baseline || logExceedance(side === 'above' ? above : below, candidate.table.rowCount, reference.baseline.present) <= Math.log(options.baselineAlpha);
  // A value the baseline never had, just beyond its range: its margin must not hide a repeated, one-class value.
  let fresh: Group | null = null;
  for (const [value, list] of newByValue) {
    if (list.length < options.baselineMinRows || (fresh && fresh.rows.length >= list.length)) continue;
    const group = groupOf(candidate, value, list, distanceOf(value, reference), options);
    if (group.concentrated && exceeds(value > reference.hi ? 'above' : 'below')) fresh = group;
  }
  if (fresh) {
    for (const row of fresh.rows) rows.push(row);
    byValue.set(fresh.value, fresh.rows);
    rows.sort((a, b) => a - b);
  }
  if (rows.length === 0) return null;

  let severity: Severity;
  let decidedBy: Group | null = null;
  if (reference.source === 'config' || reference.source === 'semantic') {
    severity = 'high';
  } else if (far && (far.concentrated || !insideLogBulk(finiteDistribution(candidate, column), far.value, options))) {
    severity = far.concentrated ? 'high' : 'medium';
    decidedBy = far;
  } else if (reference.source === 'baseline') {
    const many =
      rows.length >= Math.max(options.baselineMinRows, options.baselineMinShare * candidate.table.rowCount) &&
      (exceeds('above') || exceeds('below'));
    severity = many || fresh ? 'medium' : 'low';
    decidedBy = fresh;
  } else {
    severity = 'info';
  }

  const top = [...byValue.entries()].map(([value, list]) => [value, list.length] as [number, number]).sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const [topValue, topCount] = top[0];
  const label = candidate.schema.label;
  const classCounts = new Map<number, number>();
  if (label) for (const row of rows) if (label.y[row] >= 0) classCounts.set(label.y[row], (classCounts.get(label.y[row]) ?? 0) + 1);
  let lo = Infinity;
  let hi = -Infinity;
  let distance = 0;
  for (const value of byValue.keys()) {
    lo = Math.min(lo, value);
    hi = Math.max(hi, value);
    distance = Math.max(distance, distanceOf(value, reference));
  }
  const shown = top.slice(0, 3).map(([v, c]) => `${formatNumber(v)} (${c})`).join(', ');
  const value = decidedBy ? decidedBy.value : topCount > rows.length / 2 ? topValue : null;
  const trigger = decidedBy
    ? triggerHint(candidate, column, countsOf(candidate, decidedBy.rows), decidedBy.rows.length, decidedBy.value, [decidedBy.value, decidedBy.value], decidedBy === fresh ? 'new' : reference.source)
    : triggerHint(candidate, column, classCounts, rows.length, value, [lo, hi], reference.source);
  const where =
    reference.source === 'baseline' && fresh && rows.length === fresh.rows.length
      ? `beyond the baseline's range [${formatNumber(reference.lo)}, ${formatNumber(reference.hi)}]`
      : `outside ${reference.what} [${formatNumber(reference.min)}, ${formatNumber(reference.max)}]`;
  return {
    severity,
    column: col.name,
    value,
    ...(trigger ? { trigger } : {}),
    message:
      (decidedBy ? describeGroup(candidate, col.name, decidedBy, reference, decidedBy === fresh) + ' ' : '') +
      `${rows.length} values of ${col.name} lie ${where}: ${shown}${top.length > 3 ? ', ...' : ''}.`,
    // The rows of the value that decided the severity; otherwise every row outside.
    rows: decidedBy ? decidedBy.rows : rows,
    evidence: {
      outsideRows: rows.length,
      boundsSource: reference.source,
      min: reference.min,
      max: reference.max,
      reference: reference.spread === null ? null : { lo: reference.lo, hi: reference.hi, spread: reference.spread, unit: reference.unit },
      distance: reference.spread === null ? null : round(distance, 2),
      farRows,
      observedRange: [lo, hi],
      distinctValues: top.length,
      topValues: top.slice(0, 10).map(([value, count]) => ({ value, count })),
      classMix: [...classCounts.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([cls, count]) => ({ class: label!.classes[cls], count, share: round(count / rows.length) })),
      group: decidedBy
        ? {
            value: decidedBy.value,
            rows: decidedBy.rows.length,
            distance: round(decidedBy.distance, 2),
            newToBaseline: decidedBy === fresh,
            class: decidedBy.targetClass >= 0 ? label!.classes[decidedBy.targetClass] : null,
            classShare: round(decidedBy.classShare),
            log10P: log10P(decidedBy.logP),
            concentrated: decidedBy.concentrated,
          }
        : null,
      share: round(rows.length / candidate.table.rowCount),
      shareText: percent(rows.length / candidate.table.rowCount),
    },
  };
}

/**
 * Log of the chance that the k most extreme of n + nb exchangeable rows all come from the n
 * candidate rows (the baseline's extreme is then beaten k times by chance alone).
 */
function logExceedance(k: number, n: number, nb: number): number {
  let logP = 0;
  for (let i = 0; i < k && i < n; i++) logP += Math.log((n - i) / (n + nb - i));
  return logP;
}

/** Median gap between consecutive distinct values. */
function medianGap(values: Float64Array): number {
  if (values.length < 2) return 0;
  const gaps = new Float64Array(values.length - 1);
  for (let i = 1; i < values.length; i++) gaps[i - 1] = values[i] - values[i - 1];
  gaps.sort();
  return gaps[gaps.length >> 1];
}


function countsOf(candidate: Dataset, rows: readonly number[]): Map<number, number> {
  const counts = new Map<number, number>();
  const label = candidate.schema.label;
  if (label) for (const row of rows) if (label.y[row] >= 0) counts.set(label.y[row], (counts.get(label.y[row]) ?? 0) + 1);
  return counts;
}

function describeGroup(candidate: Dataset, name: string, group: Group, reference: Reference, fresh: boolean): string {
  const label = candidate.schema.label;
  const where = fresh
    ? `just beyond the baseline's range, a value the baseline never had`
    : `${formatNumber(round(group.distance, 1))} ${reference.unit} beyond ${reference.source === 'baseline' ? "the baseline's range" : 'the quartiles'}`;
  const mix = label && group.targetClass >= 0 ? `, ${percent(group.classShare)} of them with ${label.name} = ${label.classes[group.targetClass]}` : '';
  return `${name} = ${formatNumber(group.value)} repeats in ${group.rows.length} rows, ${where}${mix}${group.concentrated ? ' (a planted trigger looks like this)' : ''}.`;
}

/** An out-of-range group is a trigger candidate when this share of it is one class (and well above that class's prior). */
const TRIGGER_MIN_PURITY = 0.8;

function triggerHint(
  candidate: Dataset,
  column: number,
  classCounts: ReadonlyMap<number, number>,
  rowCount: number,
  value: number | null,
  observed: [number, number],
  source: string,
): TriggerHint | undefined {
  const label = candidate.schema.label;
  if (!label) return undefined;
  const [targetClass, count] = [...classCounts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0] ?? [-1, 0];
  if (targetClass < 0) return undefined;
  const prior = label.classCounts[targetClass] / Math.max(1, label.classCounts.reduce((a, b) => a + b, 0));
  if (count / rowCount < Math.max(TRIGGER_MIN_PURITY, prior + 0.5 * (1 - prior))) return undefined;
  return {
    column,
    value: value ?? (observed[0] + observed[1]) / 2,
    range: value === null ? observed : null,
    targetClass,
    signals: [source === 'config' || source === 'semantic' ? 'outside-domain' : source === 'new' ? 'new-value' : 'far-outside-bulk'],
    strength: -logBinomialUpper(count, rowCount, prior) / Math.LN10,
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

/**
 * A nonnegative column's value within `farLogIqrs` IQRs of the quartiles of log(1 + x). A column
 * whose bulk spans orders of magnitude (a city's population, an amount) has a tail that is far
 * out in IQRs and sparse at its end; on the log scale the tail is where it belongs.
 */
function insideLogBulk(sorted: Distribution, value: number, options: Options): boolean {
  if (sorted.values.length === 0 || sorted.values[0] < 0 || value < 0) return false;
  const q1 = Math.log1p(quantile(sorted, 0.25));
  const q3 = Math.log1p(quantile(sorted, 0.75));
  if (!(q3 - q1 > 0)) return false;
  const x = Math.log1p(value);
  return Math.max(q1 - x, x - q3) / (q3 - q1) < options.farLogIqrs;
}
