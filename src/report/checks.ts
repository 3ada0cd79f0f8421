/**
 * What was checked: every rule and later-stage check of the run with its result (a finding,
 * passed, skipped and why, or an error), so that a report, clean or not, shows what the data was
 * examined for (the HTML's "What was checked" section; `report.checks`, docs/report.md).
 */
import { severityRank, type Finding, type Severity } from '../engine/finding.js';
import type { RegisteredCheck } from '../engine/registry.js';

export interface CheckResult {
  id: string;
  title: string;
  status: 'finding' | 'passed' | 'skipped' | 'error';
  /** Findings it reported, and the highest severity among them. */
  findings: number;
  highest: Severity | null;
  /** Why it was skipped, or its error. */
  reason: string | null;
}

export interface CheckRunFacts {
  checks: ReadonlyMap<string, RegisteredCheck>;
  findings: readonly Finding[];
  errors: readonly { rule: string; message: string }[];
  /** Rules that did not run, with the reason (run-rules' skipped list). */
  skipped: readonly { rule: string; reason: string }[];
  /** Why the model stage did not run, or null when it ran. */
  modelsSkipped: string | null;
  hasBaseline: boolean;
  hasModelCases: boolean;
  labelGuessed: boolean;
  turnedOff: ReadonlySet<string>;
}

export function checkResults(facts: CheckRunFacts): CheckResult[] {
  const results: CheckResult[] = [];
  for (const check of facts.checks.values()) {
    const own = facts.findings.filter((f) => f.rule === check.id);
    const error = facts.errors.find((e) => e.rule === check.id);
    const highest = own.reduce<Severity | null>((top, f) => (top === null || severityRank(f.severity) > severityRank(top) ? f.severity : top), null);
    const result = (status: CheckResult['status'], reason: string | null = null): CheckResult => ({ id: check.id, title: check.title, status, findings: own.length, highest, reason });
    if (error) {
      results.push(result('error', error.message));
      continue;
    }
    if (own.length > 0) {
      results.push(result('finding'));
      continue;
    }
    results.push(result(...skipReason(check, facts)));
  }
  return results;
}

function skipReason(check: RegisteredCheck, facts: CheckRunFacts): ['passed' | 'skipped', string | null] {
  if (facts.turnedOff.has(check.id)) return ['skipped', 'turned off in the config'];
  const skipped = facts.skipped.find((s) => s.rule === check.id);
  if (skipped) return ['skipped', skipped.reason];
  if (!('stage' in check) || check.stage !== 'models') return ['passed', null];
  if (facts.modelsSkipped) return ['skipped', facts.modelsSkipped];
  if (check.id === 'relabel-suspects' && !facts.hasBaseline) return ['skipped', 'no baseline given'];
  if (check.id === 'model-cases' && !facts.hasModelCases) return ['skipped', 'no model cases in the config'];
  if ((check.id === 'backdoor-trigger' || check.id === 'strong-predictor') && facts.labelGuessed) return ['skipped', 'the label was only guessed (pass --label)'];
  return ['passed', null];
}
