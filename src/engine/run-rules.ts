/**
 * Runs rules over a context. A rule that throws, or returns a finding that breaks the contract
 * (unknown severity, rows that are not row numbers of the candidate, evidence that cannot be
 * written as JSON), becomes an error entry naming the rule; the other rules still report.
 */
import { completeFinding, isSeverity, type Finding, type FindingDraft } from './finding.js';
import { resolvedOptions } from './rule-options.js';
import { ruleStarted, rulesFinished } from '../progress-events.js';
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
  let done = 0;
  for (const [id, rule] of rules) {
    ruleStarted(done++, rules.size, id);
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
    const started = performance.now();
    try {
      const options = resolvedOptions(rule as { id: string; defaults: object }, setting.options);
      const context: RuleContext<object> = { candidate, baseline, options, baselineColumnOf };
      const drafts: unknown = rule.check(context);
      if (!Array.isArray(drafts)) throw new Error('check() must return an array of findings');
      drafts.forEach((draft, i) => {
        const problem = contractProblem(draft, candidate.table.rowCount);
        if (problem) throw new Error(`finding ${i + 1}: ${problem}`);
      });
      for (const draft of drafts as FindingDraft[]) {
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
  rulesFinished(rules.size);
  return run;
}

/** What is wrong with a rule's finding, or null when it keeps the contract. */
function contractProblem(value: unknown, rowCount: number): string | null {
  if (typeof value !== 'object' || value === null) return 'is not an object';
  const draft = value as Partial<Record<keyof FindingDraft, unknown>>;
  if (typeof draft.severity !== 'string' || !isSeverity(draft.severity)) return `severity ${JSON.stringify(draft.severity)} is not one of critical, high, medium, low, info`;
  if (typeof draft.message !== 'string' || draft.message.trim() === '') return 'has no message';
  if (draft.column !== undefined && draft.column !== null && typeof draft.column !== 'string') return 'column must be a column name';
  if (draft.value !== undefined && draft.value !== null && typeof draft.value !== 'string' && typeof draft.value !== 'number') {
    return 'value must be a string, a number or null';
  }
  if (draft.count !== undefined && !(Number.isInteger(draft.count) && (draft.count as number) >= 0)) return 'count must be a whole number';
  if (draft.rows !== undefined) {
    const rows = draft.rows as ArrayLike<unknown>;
    if (typeof rows !== 'object' || rows === null || typeof rows.length !== 'number') return 'rows must be an array of row numbers';
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      if (typeof row !== 'number' || !Number.isInteger(row) || row < 0 || row >= rowCount) {
        return `rows[${i}] = ${String(row)} is not a row number of the candidate (0 to ${rowCount - 1})`;
      }
    }
  }
  if (draft.evidence !== undefined) {
    if (typeof draft.evidence !== 'object' || draft.evidence === null || Array.isArray(draft.evidence)) return 'evidence must be an object';
    try {
      JSON.stringify(draft.evidence);
    } catch (error) {
      return `evidence cannot be written as JSON (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`;
    }
  }
  return null;
}
