/**
 * Trigger candidates: the rules' trigger hints (src/engine/trigger-hint.ts) merged when they
 * describe the same rows, ranked by their combined evidence, plus conjunctions of two or three
 * candidates of one class whose rows largely coincide (a multi-column trigger).
 *
 * Every candidate with a strong label-free signal (outside the domain, far outside the bulk, copy
 * structure) is probed however it ranks; the others fill the remaining places up to a budget.
 * What was left out is returned too, so the report can say so.
 */
import type { Dataset } from '../engine/dataset.js';
import type { RuleHint } from '../engine/run-rules.js';
import { STRONG_SIGNALS, type TriggerSignal } from '../engine/trigger-hint.js';
import type { Finding } from '../engine/finding.js';
import { overlapShare } from '../util/rows.js';

export interface TriggerCandidate {
  /** The columns and values stamped together (one for a single-column trigger). */
  parts: CandidatePart[];
  targetClass: number;
  /** Rows carrying the trigger in the target class (the rows that teach the backdoor). */
  rows: Uint32Array;
  /** Every row carrying the trigger, any class. */
  carriers: Uint32Array;
  signals: TriggerSignal[];
  /** Rule ids that named it. */
  sources: string[];
  /** The findings behind it (the model stage adjusts these). */
  findings: Finding[];
  /** Combined evidence, for ranking. */
  score: number;
}

export interface CandidatePart {
  column: number;
  value: number | string;
  range: [number, number] | null;
}

export interface CandidateSelection {
  probed: TriggerCandidate[];
  leftOut: TriggerCandidate[];
}

const MIN_ROWS = 10;
/** Two candidates form a conjunction when this share of the smaller one's rows is shared. */
const CONJUNCTION_MIN_OVERLAP = 0.5;
const MAX_CONJUNCTION_COLUMNS = 3;

export function collectCandidates(candidate: Dataset, hints: readonly RuleHint[], budget: number): CandidateSelection {
  const label = candidate.schema.label!;
  const merged: TriggerCandidate[] = [];
  for (const { rule, finding, hint } of hints) {
    const parts: CandidatePart[] = [
      { column: hint.column, value: hint.value, range: hint.range },
      ...(hint.with ?? []).map((p) => ({ column: p.column, value: p.value, range: null })),
    ];
    if (!parts.every((p) => candidate.schema.featureColumns.includes(p.column))) continue;
    const carriers = carrierRows(candidate, parts);
    const rows = carriers.filter((row) => label.y[row] === hint.targetClass);
    if (rows.length < MIN_ROWS) continue;
    mergeInto(merged, {
      parts,
      targetClass: hint.targetClass,
      rows,
      carriers,
      signals: [...hint.signals],
      sources: [rule],
      findings: [finding],
      score: hint.strength,
    });
  }
  for (const c of merged) c.score = combinedScore(c);
  merged.sort(byScore);
  const strong = merged.filter(hasStrongSignal);
  const others = merged.filter((c) => !hasStrongSignal(c));
  const singles = [...strong, ...others.slice(0, Math.max(0, budget - strong.length))];
  const leftOut = others.slice(Math.max(0, budget - strong.length));
  return { probed: [...singles, ...conjunctions(candidate, singles).sort(byScore).slice(0, budget)], leftOut };
}

export function hasStrongSignal(c: TriggerCandidate): boolean {
  return c.signals.some((s) => STRONG_SIGNALS.includes(s));
}

/** The rule's own strength, plus weight for every distinct label-free signal and every rule that agrees. */
function combinedScore(c: TriggerCandidate): number {
  const distinct = new Set(c.signals);
  return c.score + 10 * [...distinct].filter((s) => STRONG_SIGNALS.includes(s)).length + 2 * distinct.size + 3 * (c.sources.length - 1);
}

function byScore(a: TriggerCandidate, b: TriggerCandidate): number {
  return b.score - a.score || b.rows.length - a.rows.length || a.parts[0].column - b.parts[0].column;
}

function mergeInto(found: TriggerCandidate[], next: TriggerCandidate): void {
  const columns = next.parts.map((p) => p.column).sort((a, b) => a - b).join(',');
  const same = found.find(
    (c) => c.parts.map((p) => p.column).sort((a, b) => a - b).join(',') === columns && c.targetClass === next.targetClass && overlapShare(c.rows, next.rows) >= 0.8,
  );
  if (!same) {
    found.push(next);
    return;
  }
  for (const source of next.sources) if (!same.sources.includes(source)) same.sources.push(source);
  for (const signal of next.signals) if (!same.signals.includes(signal)) same.signals.push(signal);
  same.findings.push(...next.findings);
  same.score = Math.max(same.score, next.score);
  // An exact value beats an interval that contains it.
  if (same.parts[0].range && !next.parts[0].range) {
    same.parts = next.parts;
    same.rows = next.rows;
    same.carriers = next.carriers;
  }
}

/**
 * Conjunctions: candidates of one class whose rows overlap, grown greedily to at most
 * MAX_CONJUNCTION_COLUMNS columns. A stamped multi-column trigger shows as one spike per column
 * on the same rows; stamping only a pair of its values would understate it.
 */
function conjunctions(candidate: Dataset, singles: readonly TriggerCandidate[]): TriggerCandidate[] {
  const y = candidate.schema.label!.y;
  const result: TriggerCandidate[] = [];
  const seen = new Set<string>();
  const exact = singles.filter((c) => c.parts.length === 1 && c.parts[0].range === null);
  for (let i = 0; i < exact.length; i++) {
    let current: TriggerCandidate | null = null;
    for (let j = 0; j < exact.length; j++) {
      if (j === i) continue;
      const base: TriggerCandidate = current ?? exact[i];
      const next = exact[j];
      if (base.targetClass !== next.targetClass || base.parts.some((p) => p.column === next.parts[0].column)) continue;
      if (base.parts.length >= MAX_CONJUNCTION_COLUMNS) break;
      if (overlapShare(base.rows, next.rows) < CONJUNCTION_MIN_OVERLAP) continue;
      const parts = [...base.parts, next.parts[0]];
      const carriers = carrierRows(candidate, parts);
      const rows = carriers.filter((row) => y[row] === base.targetClass);
      if (rows.length < MIN_ROWS) continue;
      current = {
        parts,
        targetClass: base.targetClass,
        rows,
        carriers,
        signals: [...new Set([...base.signals, ...next.signals])],
        sources: [...new Set([...base.sources, ...next.sources])],
        findings: [...base.findings, ...next.findings],
        score: Math.max(base.score, next.score),
      };
      const key = `${current.targetClass}:` + current.parts.map((p) => `${p.column}=${String(p.value)}`).sort().join('&');
      if (!seen.has(key)) {
        seen.add(key);
        result.push(current);
      }
    }
  }
  return result;
}

/** Rows where every part holds (a value, or a value inside an interval). */
export function carrierRows(candidate: Dataset, parts: readonly CandidatePart[]): Uint32Array {
  const matchers = parts.map((part) => partMatcher(candidate, part));
  const rows: number[] = [];
  for (let row = 0; row < candidate.table.rowCount; row++) if (matchers.every((match) => match(row))) rows.push(row);
  return Uint32Array.from(rows);
}

function partMatcher(candidate: Dataset, part: CandidatePart): (row: number) => boolean {
  const col = candidate.table.columns[part.column];
  if (col.kind === 'numeric') {
    const [lo, hi] = part.range ?? [Number(part.value), Number(part.value)];
    const values = col.values;
    return (row) => values[row] >= lo && values[row] <= hi;
  }
  const code = col.dictionary.indexOf(String(part.value));
  const codes = col.codes;
  return (row) => code >= 0 && codes[row] === code;
}
