/**
 * Trust score and verdict, explainably: every finding costs points by severity, the report lists
 * what cost what. Low findings cost little and at most LOW_COST_CAP together, so that hygiene
 * notes never sink a dataset.
 *
 * Verdict: reject on any critical finding or a score under REJECT_BELOW; review on any high or
 * medium finding or a score under REVIEW_BELOW; trusted otherwise.
 *
 * Fail closed: a check that failed (a rule or the model stage threw), a finding whose severity is
 * not one we know, or a score that is not a number never leaves the data trusted: at least review.
 */
import { SEVERITIES, isSeverity, type Finding, type Severity } from '../engine/finding.js';
import type { ScoreItem } from './report.js';
import { compareText } from '../util/compare.js';

export const SEVERITY_COST: Readonly<Record<Severity, number>> = { critical: 40, high: 20, medium: 8, low: 1, info: 0 };
const LOW_COST_CAP = 5;
const REJECT_BELOW = 40;
const REVIEW_BELOW = 80;

export interface Score {
  trustScore: number;
  verdict: 'trusted' | 'review' | 'reject';
  counts: Record<Severity, number>;
  items: ScoreItem[];
}

/** `failedChecks`: ids of the checks that could not run to the end (error entries of the report). */
export function scoreFindings(findings: readonly Finding[], failedChecks: readonly string[] = []): Score {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const grouped = new Map<string, ScoreItem>();
  let broken = failedChecks.length > 0;
  for (const finding of findings) {
    if (!isSeverity(finding.severity)) {
      broken = true;
      continue;
    }
    counts[finding.severity]++;
    const key = `${finding.rule}\u0000${finding.severity}`;
    const item = grouped.get(key) ?? { rule: finding.rule, severity: finding.severity, findings: 0, cost: 0 };
    item.findings++;
    item.cost += SEVERITY_COST[finding.severity];
    grouped.set(key, item);
  }
  const items = [...grouped.values()];
  let lowBudget = LOW_COST_CAP;
  for (const item of items) {
    if (item.severity !== 'low') continue;
    item.cost = Math.min(item.cost, lowBudget);
    lowBudget -= item.cost;
  }
  items.sort((a, b) => b.cost - a.cost || compareText(a.rule, b.rule));
  const raw = 100 - items.reduce((total, item) => total + item.cost, 0);
  if (!Number.isFinite(raw)) broken = true;
  const trustScore = Number.isFinite(raw) ? Math.max(0, raw) : 0;
  let verdict: Score['verdict'] = 'trusted';
  if (counts.critical > 0 || trustScore < REJECT_BELOW) verdict = 'reject';
  else if (counts.high > 0 || counts.medium > 0 || trustScore < REVIEW_BELOW || broken) verdict = 'review';
  return { trustScore, verdict, counts, items: items.filter((item) => item.cost > 0 || item.severity !== 'info') };
}
