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
import { rowsByValueOneAtATime, type RowsByValue } from '../engine/indexes.js';
import { lowerBound } from '../util/search.js';

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
  const merged = new MergedCandidates();
  const partsOf = hints.map(({ hint }): CandidatePart[] | null => {
    const parts: CandidatePart[] = [
      { column: hint.column, value: hint.value, range: hint.range },
      ...(hint.with ?? []).map((p) => ({ column: p.column, value: p.value, range: null })),
    ];
    return parts.every((p) => candidate.schema.featureColumns.includes(p.column)) ? parts : null;
  });
  const carriersOf = carrierRowsOfAll(candidate, partsOf);
  hints.forEach(({ rule, finding, hint }, i) => {
    const parts = partsOf[i];
    if (parts === null) return;
    const carriers = carriersOf[i]!;
    const rows = carriers.filter((row) => label.y[row] === hint.targetClass);
    if (rows.length < MIN_ROWS) return;
    merged.add({
      parts,
      targetClass: hint.targetClass,
      rows,
      carriers,
      signals: [...hint.signals],
      sources: [rule],
      findings: [finding],
      score: hint.strength,
    });
  });
  const all = merged.all;
  for (const c of all) c.score = combinedScore(c);
  all.sort(byScore);
  const strong = all.filter(hasStrongSignal);
  const others = all.filter((c) => !hasStrongSignal(c));
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

/**
 * Candidates merged as they come: a new one joins the first earlier one on the same columns and
 * class whose rows it shares for the most part (overlap of at least 0.8), else it is added.
 * Candidates are kept by columns and class, so a new one is compared only with those.
 */
class MergedCandidates {
  readonly all: TriggerCandidate[] = [];
  private readonly byKey = new Map<string, TriggerCandidate[]>();

  add(next: TriggerCandidate): void {
    const key = `${next.targetClass}:` + next.parts.map((p) => p.column).sort((a, b) => a - b).join(',');
    let group = this.byKey.get(key);
    if (!group) this.byKey.set(key, (group = []));
    const same = group.find((c) => overlapShare(c.rows, next.rows) >= 0.8);
    if (same) mergeInto(same, next);
    else {
      group.push(next);
      this.all.push(next);
    }
  }
}

function mergeInto(same: TriggerCandidate, next: TriggerCandidate): void {
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

/**
 * carrierRows for many part lists (null entries are skipped): the rows of each list's first part
 * come from its column's rows by value, the columns taken one at a time, so the cost is one pass
 * per column plus the carriers, not one pass over all rows per list. Same rows as carrierRows.
 */
function carrierRowsOfAll(candidate: Dataset, lists: readonly (readonly CandidatePart[] | null)[]): (Uint32Array | null)[] {
  const result: (Uint32Array | null)[] = lists.map(() => null);
  const order = lists.flatMap((parts, i) => (parts ? [i] : [])).sort((a, b) => lists[a]![0].column - lists[b]![0].column || a - b);
  const rowsOf = rowsByValueOneAtATime(candidate.indexes);
  for (const i of order) {
    const [first, ...rest] = lists[i]!;
    const rows = partRows(candidate, rowsOf(first.column), first);
    if (rest.length === 0) {
      result[i] = rows;
      continue;
    }
    const matchers = rest.map((part) => partMatcher(candidate, part));
    result[i] = rows.filter((row) => matchers.every((match) => match(row)));
  }
  return result;
}

/** The rows where one part holds, ascending, from its column's rows by value. */
function partRows(candidate: Dataset, grouped: RowsByValue, part: CandidatePart): Uint32Array {
  const index = candidate.indexes.valueIndex(part.column);
  let from: number;
  let to: number; // value ids [from, to)
  if (index.numeric) {
    const [lo, hi] = part.range ?? [Number(part.value), Number(part.value)];
    if (Number.isNaN(lo) || Number.isNaN(hi) || lo > hi) return new Uint32Array(0);
    const values = index.values as Float64Array;
    from = lowerBound(values, lo);
    to = from;
    while (to < values.length && values[to] <= hi) to++;
  } else {
    from = (index.values as readonly string[]).indexOf(String(part.value));
    if (from < 0) return new Uint32Array(0);
    to = from + 1;
  }
  const rows = grouped.rows.slice(grouped.offsets[from], grouped.offsets[to]);
  if (to - from > 1) rows.sort();
  return rows;
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
