/**
 * What changed between two reports of a dataset: findings new since the old report, gone, or
 * persisting (unchanged, or changed in severity or size), matched by their fingerprint: rule,
 * column and value, never their row numbers (which move as rows are added). Pure: two reports
 * in, a ReportDiff out (`audit-data diff OLD.json NEW.json`).
 */
import { severityRank, type Finding, type Severity } from '../engine/finding.js';
import type { Report } from './report.js';

export interface DiffEntry {
  fingerprint: string;
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

function entry(finding: Finding): DiffEntry {
  return {
    fingerprint: fingerprint(finding),
    rule: finding.rule,
    column: finding.column,
    value: finding.value,
    severity: finding.severity,
    count: finding.count,
    message: finding.message,
  };
}

export function diffReports(before: Report, after: Report): ReportDiff {
  const old = new Map<string, Finding>();
  for (const finding of before.findings) if (!old.has(fingerprint(finding))) old.set(fingerprint(finding), finding);
  const seen = new Set<string>();
  const diff: ReportDiff = {
    sameContent: before.candidate.sha256 !== '' && before.candidate.sha256 === after.candidate.sha256,
    verdict: { before: before.verdict, after: after.verdict },
    trustScore: { before: before.trustScore, after: after.trustScore },
    added: [],
    removed: [],
    grown: [],
    shrunk: [],
    unchanged: [],
  };
  for (const finding of after.findings) {
    const key = fingerprint(finding);
    if (seen.has(key)) continue;
    seen.add(key);
    const previous = old.get(key);
    if (!previous) {
      diff.added.push(entry(finding));
      continue;
    }
    const change = severityRank(finding.severity) - severityRank(previous.severity) || Math.sign(finding.count - previous.count);
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
