/**
 * What changed between two reports of a dataset: findings new since the old report, gone, or
 * persisting (unchanged, or changed in severity or size), matched by their fingerprint: rule,
 * column and value, never their row numbers (which move as rows are added). Pure: two reports
 * in, a ReportDiff out (`audit-data diff OLD.json NEW.json`).
 */
import { createHash } from 'node:crypto';
import { severityRank, type Finding, type Severity } from '../engine/finding.js';
import type { Report } from './report.js';

/** What the history keeps of a finding: enough to say what changed, without its rows. */
export type FindingRecord = Pick<Finding, 'rule' | 'column' | 'value' | 'severity' | 'count' | 'message'>;

export interface DiffEntry {
  fingerprint: string;
  /** The fingerprint's short handle (findingId). */
  id: string;
  rule: string;
  column: string | null;
  value: string | number | null;
  severity: Severity;
  count: number;
  message: string;
  /** For a persisting finding: its severity and size in the old report. */
  before?: { severity: Severity; count: number };
}

export interface ReportDiff {
  sameContent: boolean;
  verdict: { before: Report['verdict']; after: Report['verdict'] };
  trustScore: { before: number; after: number };
  added: DiffEntry[];
  removed: DiffEntry[];
  /** Same fingerprint, higher severity or more rows: worse than before. */
  grown: DiffEntry[];
  /** Same fingerprint, lower severity or fewer rows. */
  shrunk: DiffEntry[];
  unchanged: DiffEntry[];
}

/** rule, column and value: what a finding is about, whatever rows it lists. */
export function fingerprint(finding: Pick<Finding, 'rule' | 'column' | 'value'>): string {
  return JSON.stringify([finding.rule, finding.column, finding.value]);
}

/** A short handle for a fingerprint, to type at the command line (`audit-data accept --finding ID`). */
export function findingId(finding: Pick<Finding, 'rule' | 'column' | 'value'>): string {
  return createHash('sha256').update(fingerprint(finding)).digest('hex').slice(0, 10);
}

/** Worse than before: a higher severity, or the same severity on more rows. */
export function grewFrom(now: Pick<Finding, 'severity' | 'count'>, before: Pick<Finding, 'severity' | 'count'>): number {
  return severityRank(now.severity) - severityRank(before.severity) || Math.sign(now.count - before.count);
}

function entry(finding: FindingRecord): DiffEntry {
  return {
    fingerprint: fingerprint(finding),
    id: findingId(finding),
    rule: finding.rule,
    column: finding.column,
    value: finding.value,
    severity: finding.severity,
    count: finding.count,
    message: finding.message,
  };
}

export function diffReports(before: Report, after: Report): ReportDiff {
  return {
    sameContent: before.candidate.sha256 !== '' && before.candidate.sha256 === after.candidate.sha256,
    verdict: { before: before.verdict, after: after.verdict },
    trustScore: { before: before.trustScore, after: after.trustScore },
    ...diffFindings(before.findings, after.findings),
  };
}

export type FindingsDiff = Pick<ReportDiff, 'added' | 'removed' | 'grown' | 'shrunk' | 'unchanged'>;

/** The findings of two audits of a dataset, matched by fingerprint (the first of each wins). */
export function diffFindings(before: readonly FindingRecord[], after: readonly FindingRecord[]): FindingsDiff {
  const old = new Map<string, FindingRecord>();
  for (const finding of before) if (!old.has(fingerprint(finding))) old.set(fingerprint(finding), finding);
  const seen = new Set<string>();
  const diff: FindingsDiff = {
    added: [],
    removed: [],
    grown: [],
    shrunk: [],
    unchanged: [],
  };
  for (const finding of after) {
    const key = fingerprint(finding);
    if (seen.has(key)) continue;
    seen.add(key);
    const previous = old.get(key);
    if (!previous) {
      diff.added.push(entry(finding));
      continue;
    }
    const change = grewFrom(finding, previous);
    const item = { ...entry(finding), before: { severity: previous.severity, count: previous.count } };
    (change > 0 ? diff.grown : change < 0 ? diff.shrunk : diff.unchanged).push(item);
  }
  for (const [key, finding] of old) if (!seen.has(key)) diff.removed.push(entry(finding));
  return diff;
}

/** Whether the new report is worse: a finding added or grown above info. */
export function worsened(diff: ReportDiff): boolean {
  return [...diff.added, ...diff.grown].some((e) => e.severity !== 'info');
}
