/** What every stage reports and every renderer shows. Mirrors the JSON contract (docs/report.md). */
import { compareText } from '../util/compare.js';
import type { TriggerHint } from './trigger-hint.js';

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function severityRank(severity: Severity): number {
  return SEVERITIES.length - SEVERITIES.indexOf(severity); // critical 5 ... info 1
}

export function isSeverity(text: string): text is Severity {
  return (SEVERITIES as readonly string[]).includes(text);
}

export type CellValue = number | string | null;

export interface Finding {
  rule: string;
  severity: Severity;
  column: string | null;
  value: CellValue;
  message: string;
  /** Rows affected (may exceed rows.length only when a rule documents why, e.g. missing cells). */
  count: number;
  /** 0-based data-record numbers in the candidate file, sorted, unique. */
  rows: number[];
  evidence: Record<string, unknown>;
}

/** What a rule returns; the engine adds the rule id, sorts rows and fills defaults. */
export interface FindingDraft<Evidence extends object = Record<string, unknown>> {
  severity: Severity;
  message: string;
  column?: string | null;
  value?: CellValue;
  count?: number;
  rows?: ArrayLike<number>;
  evidence?: Evidence;
  /** A possible trigger for the model stage to probe (not part of the report). */
  trigger?: TriggerHint;
}

export function sortedUniqueRows(rows: ArrayLike<number>): number[] {
  const sorted = Uint32Array.from(rows as ArrayLike<number>).sort();
  const out: number[] = [];
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) out.push(sorted[i]);
  return out;
}

export function completeFinding(rule: string, draft: FindingDraft<object>): Finding {
  const rows = sortedUniqueRows(draft.rows ?? []);
  return {
    rule,
    severity: draft.severity,
    column: draft.column ?? null,
    value: draft.value ?? null,
    message: draft.message,
    count: draft.count ?? rows.length,
    rows,
    evidence: (draft.evidence ?? {}) as Record<string, unknown>,
  };
}

/** Most severe first, then most rows, then rule id and column for a stable order. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    b.count - a.count ||
    compareText(a.rule, b.rule) ||
    compareText(a.column ?? '', b.column ?? '') ||
    compareText(String(a.value), String(b.value))
  );
}
