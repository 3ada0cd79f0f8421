/**
 * The finished report: the JSON contract of docs/report.md (schemaVersion 1). Renderers only
 * format this object. Fields beyond the contract (schema, scoring, errors, notes, input) are
 * additions; the contract's fields keep their names and meaning.
 */
import type { Finding, Severity } from '../engine/finding.js';
import type { CellValue } from '../engine/finding.js';

export interface FileSummary {
  path: string;
  rows: number;
  columns: number;
  sha256: string;
}

export interface Trigger {
  column: string;
  value: CellValue;
  range: [number, number] | null;
  targetClass: string;
  support: number;
  purity: number;
  flipRate: number;
  referenceFlipRate: number;
  rows: number[];
  /** Addition: how it was found and confirmed (probes, p-values, second column of a combination). */
  evidence: Record<string, unknown>;
}

export interface ScoreItem {
  rule: string;
  severity: Severity;
  findings: number;
  cost: number;
}

import type { HistogramData } from './histograms.js';
import type { FindingsDiff } from './diff.js';
import type { CheckResult } from './checks.js';
import type { SuspiciousSample } from './suspicious-sample.js';

export interface Report {
  schemaVersion: 1;
  tool: { name: string; version: string };
  generatedAt: string;
  candidate: FileSummary;
  baseline: FileSummary | null;
  label: { column: string; source: 'option' | 'config' | 'inferred'; guessed?: boolean; classes: string[]; reason: string; classCounts: number[] } | null;
  verdict: 'trusted' | 'review' | 'reject';
  trustScore: number;
  counts: Record<Severity, number>;
  findings: Finding[];
  triggers: Trigger[];
  suspiciousRows: number[];
  model: Record<string, unknown>;
  timings: Record<string, number>;
  scoring: ScoreItem[];
  schema: { name: string; kind: string; reason: string; distinct: number; missing: number }[];
  input: { delimiter: string; delimiterSource: string; quote: string; quoteSource: string; encoding: string; compressed: boolean; blankLinesSkipped: number; warnings: string[] };
  errors: { rule: string; message: string }[];
  notes: string[];
  /**
   * Per-class histograms of the implicated columns (or, on a clean report, of the most
   * informative ones), for the human formats; null when they could not be computed
   * (src/report/histograms.ts, docs/report.md).
   */
  histograms: HistogramData | null;
  /** Every rule and later-stage check of the run, with its result (src/report/checks.ts). */
  checks: CheckResult[];
  /** The first suspicious rows with their identifier and implicated values, or null when there are none. */
  suspiciousSample: SuspiciousSample | null;
  /** Only in a report written by `audit-data scan`: what changed since the dataset's last scan. */
  sinceLastScan?: SinceLastScan;
}

/** What changed since the dataset's last scan. */
export interface SinceLastScan {
  /** The run this is compared with, or null on a dataset's first scan. */
  previousRun: string | null;
  previousAt: string | null;
  /** Whether the candidate's bytes are the same as at the previous scan. */
  content: 'first' | 'unchanged' | 'changed';
  /** The audit was not run again: same bytes, baseline, settings and tool version (no --force). */
  reused: boolean;
  findings: FindingsDiff;
  /** Ids of findings covered by the accepted-findings file. */
  accepted: string[];
  /** Ids of accepted findings that grew (more rows, higher severity): new again. */
  outgrown: string[];
}

