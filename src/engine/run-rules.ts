/** Runs rules over a context. A rule that throws becomes an error entry; the others still report. */
import { completeFinding, type Finding } from './finding.js';
import type { AnyRule, RuleContext, RuleSettings } from './rule.js';
import type { Dataset } from './dataset.js';
import type { TriggerHint } from './trigger-hint.js';

export interface RuleError {
  rule: string;
  message: string;
}

/** A trigger hint with the finding that carried it. */
export interface RuleHint {
  readonly rule: string;
  readonly finding: Finding;
  readonly hint: TriggerHint;
}

export interface RuleRun {
  findings: Finding[];
  hints: RuleHint[];
  errors: RuleError[];
  skipped: { rule: string; reason: string }[];
  timings: Record<string, number>;
}

export function runRules(
  rules: ReadonlyMap<string, AnyRule>,
  candidate: Dataset,
  baseline: Dataset | null,
  settings: ReadonlyMap<string, RuleSettings>,
): RuleRun {
  const run: RuleRun = { findings: [], hints: [], errors: [], skipped: [], timings: {} };
  const baselineIndex = new Map<string, number>();
  baseline?.table.columns.forEach((column, index) => {
    if (!baselineIndex.has(column.name)) baselineIndex.set(column.name, index);
  });
  const baselineColumnOf = (column: number): number => baselineIndex.get(candidate.table.columns[column].name) ?? -1;
  for (const [id, rule] of rules) {
    const setting = settings.get(id) ?? {};
    if (setting.severity === 'off') {
      run.skipped.push({ rule: id, reason: 'turned off in the config' });
      continue;
    }
    if (rule.needsLabel && !candidate.schema.label) {
      run.skipped.push({ rule: id, reason: 'no label column' });
      continue;
    }
    if (rule.needsBaseline && !baseline) {
      run.skipped.push({ rule: id, reason: 'no baseline given' });
      continue;
    }
    const context: RuleContext<object> = {
      candidate,
      baseline,
      options: { ...(rule.defaults as object), ...(setting.options ?? {}) },
      baselineColumnOf,
    };
    const started = performance.now();
    try {
      for (const draft of rule.check(context)) {
        const finding = completeFinding(id, draft);
        if (setting.severity) finding.severity = setting.severity;
        run.findings.push(finding);
        if (draft.trigger) run.hints.push({ rule: id, finding, hint: draft.trigger });
      }
    } catch (error) {
      run.errors.push({ rule: id, message: error instanceof Error ? error.message : String(error) });
    }
    run.timings[id] = Math.round(performance.now() - started);
  }
  return run;
}
