/**
 * Trigger candidates: (column, value or interval, target class) taken from the rule findings that
 * can point at a planted trigger (class spikes, near-duplicate clusters, out-of-range values),
 * merged when they describe the same thing, plus two-column combinations when two candidates
 * of the same class share most of their rows.
 */
import { severityRank, type Finding } from '../engine/finding.js';
import type { Dataset } from '../engine/dataset.js';
import { overlapShare } from '../util/rows.js';

export interface TriggerCandidate {
  column: number;
  value: number | string;
  range: [number, number] | null;
  targetClass: number;
  /** Rows carrying the trigger in the target class (the rows that teach the backdoor). */
  rows: Uint32Array;
  /** Every row carrying the trigger, any class. */
  carriers: Uint32Array;
  pair: { column: number; value: number | string } | null;
  sources: string[];
  /** Severity rank of the strongest finding behind it, for ordering. */
  rank: number;
}

/** Rules whose findings name a possible trigger. */
const SOURCE_RULES = new Set(['class-spike', 'near-duplicates', 'range']);
/** An out-of-range group is a candidate when this share of it is one class. */
const RANGE_MIN_PURITY = 0.8;
const MIN_ROWS = 10;
/** Two candidates form a combination when this share of the smaller one's rows is shared. */
const PAIR_MIN_OVERLAP = 0.5;

export function collectCandidates(candidate: Dataset, findings: readonly Finding[], maxCandidates: number): TriggerCandidate[] {
  const label = candidate.schema.label!;
  const columnOf = new Map<string, number>();
  candidate.table.columns.forEach((c, i) => columnOf.has(c.name) || columnOf.set(c.name, i));
  const found: TriggerCandidate[] = [];
  for (const finding of findings) {
    if (!SOURCE_RULES.has(finding.rule) || finding.column === null) continue;
    // Out-of-range values found only against the bulk of the data are natural tails.
    if (finding.rule === 'range' && severityRank(finding.severity) < severityRank('medium')) continue;
    const column = columnOf.get(finding.column);
    if (column === undefined || !candidate.schema.featureColumns.includes(column)) continue;
    const spec = candidateSpec(finding, label.classes, label.classCounts);
    if (!spec) continue;
    const carriers = carrierRows(candidate, column, spec.value, spec.range);
    const rows = carriers.filter((row) => label.y[row] === spec.targetClass);
    if (rows.length < MIN_ROWS) continue;
    mergeInto(found, { column, ...spec, rows, carriers, pair: null, sources: [finding.rule], rank: severityRank(finding.severity) });
  }
  found.sort((a, b) => b.rank - a.rank || b.sources.length - a.sources.length || b.rows.length - a.rows.length);
  const singles = found.slice(0, maxCandidates);
  return [...singles, ...pairs(candidate, singles)];
}

function candidateSpec(
  finding: Finding,
  classes: readonly string[],
  classCounts: readonly number[],
): { value: number | string; range: [number, number] | null; targetClass: number } | null {
  const evidence = finding.evidence as Record<string, unknown>;
  if (finding.rule === 'range') {
    const mix = (evidence.classMix as { class: string; count: number; share: number }[] | undefined) ?? [];
    const top = mix.slice().sort((a, b) => b.count - a.count)[0];
    const targetClass = top ? classes.indexOf(top.class) : -1;
    if (targetClass < 0) return null;
    const prior = classCounts[targetClass] / Math.max(1, classCounts.reduce((a, b) => a + b, 0));
    if (top.share < Math.max(RANGE_MIN_PURITY, prior + 0.5 * (1 - prior))) return null;
    const observed = evidence.observedRange as [number, number] | undefined;
    if (finding.value !== null) return { value: finding.value, range: null, targetClass };
    if (!observed) return null;
    return { value: (observed[0] + observed[1]) / 2, range: observed, targetClass };
  }
  const targetClass = classes.indexOf(String(evidence.targetClass));
  if (targetClass < 0 || finding.value === null) return null;
  const range = (evidence.range as [number, number] | null | undefined) ?? null;
  return { value: finding.value, range, targetClass };
}

function mergeInto(found: TriggerCandidate[], next: TriggerCandidate): void {
  const same = found.find(
    (c) => c.column === next.column && c.targetClass === next.targetClass && overlapShare(c.rows, next.rows) >= 0.8,
  );
  if (!same) {
    found.push(next);
    return;
  }
  for (const source of next.sources) if (!same.sources.includes(source)) same.sources.push(source);
  // An exact value beats an interval that contains it.
  if (same.range && !next.range) {
    same.value = next.value;
    same.range = null;
    same.rows = next.rows;
    same.carriers = next.carriers;
  }
}

function pairs(candidate: Dataset, singles: TriggerCandidate[]): TriggerCandidate[] {
  const result: TriggerCandidate[] = [];
  for (let i = 0; i < singles.length; i++) {
    for (let j = i + 1; j < singles.length; j++) {
      const a = singles[i];
      const b = singles[j];
      if (a.column === b.column || a.targetClass !== b.targetClass || a.range || b.range) continue;
      if (overlapShare(a.rows, b.rows) < PAIR_MIN_OVERLAP) continue;
      const bCarriers = new Set(b.carriers);
      const carriers = a.carriers.filter((row) => bCarriers.has(row));
      const y = candidate.schema.label!.y;
      const rows = carriers.filter((row) => y[row] === a.targetClass);
      if (rows.length < MIN_ROWS) continue;
      const [first, second] = a.rows.length >= b.rows.length ? [a, b] : [b, a];
      result.push({
        column: first.column,
        value: first.value,
        range: null,
        targetClass: a.targetClass,
        rows,
        carriers,
        pair: { column: second.column, value: second.value },
        sources: [...new Set([...a.sources, ...b.sources])],
        rank: Math.max(a.rank, b.rank),
      });
    }
  }
  return result;
}

export function carrierRows(candidate: Dataset, column: number, value: number | string, range: [number, number] | null): Uint32Array {
  const col = candidate.table.columns[column];
  const rows: number[] = [];
  if (col.kind === 'numeric') {
    const [lo, hi] = range ?? [Number(value), Number(value)];
    for (let row = 0; row < col.values.length; row++) if (col.values[row] >= lo && col.values[row] <= hi) rows.push(row);
  } else {
    const code = col.dictionary.indexOf(String(value));
    if (code >= 0) for (let row = 0; row < col.codes.length; row++) if (col.codes[row] === code) rows.push(row);
  }
  return Uint32Array.from(rows);
}

