/** Shared test helpers: datasets from CSV text, one rule at a time, whole audits on temp files. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCsvChunks } from '../src/load/load-table.js';
import { inferSchema, type SchemaOptions } from '../src/schema/schema.js';
import { DatasetIndexes } from '../src/engine/indexes.js';
import type { AnyRule } from '../src/engine/rule.js';
import type { Dataset } from '../src/engine/dataset.js';
import { runRules, type RuleRun } from '../src/engine/run-rules.js';
import type { Finding } from '../src/engine/finding.js';
import { runAudit, type AuditOptions } from '../src/audit.js';
import type { Report } from '../src/report/report.js';
import { writeCsv, type Csv } from '../scripts/lib/attacks.js';
import { MISSING_CODE, type Column } from '../src/table/table.js';

export const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const CREDIT = path.join(ROOT, 'examples/data/default_credit_card.csv');

export async function datasetFromCsv(text: string, options: SchemaOptions = {}): Promise<Dataset> {
  const table = await parseCsvChunks([Buffer.from(text)], { path: 'test.csv' });
  const schema = inferSchema(table, options);
  return { table, schema, indexes: new DatasetIndexes(table, schema) };
}

/** Runs one rule on datasets; throws if the rule threw. */
export function runRuleOn(rule: AnyRule, candidate: Dataset, baseline: Dataset | null, ruleOptions?: Record<string, unknown>): RuleRun {
  const run = runRules(new Map([[rule.id, rule]]), candidate, baseline, new Map(ruleOptions ? [[rule.id, { options: ruleOptions }]] : []));
  if (run.errors.length) throw new Error(run.errors[0].message);
  return run;
}

/** Runs one rule on CSV text (and a baseline), returning its findings; throws if the rule threw. */
export async function runRule(rule: AnyRule, candidateCsv: string, baselineCsv?: string, options: SchemaOptions = {}, ruleOptions?: Record<string, unknown>): Promise<Finding[]> {
  const candidate = await datasetFromCsv(candidateCsv, options);
  const baseline = baselineCsv ? await datasetFromCsv(baselineCsv, { ...options, label: candidate.schema.label?.name }) : null;
  return runRuleOn(rule, candidate, baseline, ruleOptions).findings;
}

/** CSV text from a header and rows built in the test. */
export function csvText(header: string[], rows: (string | number)[][]): string {
  return [header.join(','), ...rows.map((row) => row.join(','))].join('\n') + '\n';
}

export function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'audit-data-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

let counter = 0;
/** Writes the CSVs to a temp dir and runs the whole audit in-process. */
export async function auditCsv(dir: string, candidate: Csv, baseline?: Csv, options: Partial<AuditOptions> = {}): Promise<Report> {
  const candidatePath = path.join(dir, `candidate-${++counter}.csv`);
  writeCsv(candidatePath, candidate);
  let baselinePath: string | undefined;
  if (baseline) {
    baselinePath = path.join(dir, `baseline-${counter}.csv`);
    writeCsv(baselinePath, baseline);
  }
  return runAudit({ candidate: candidatePath, baseline: baselinePath, ...options });
}

export function precisionRecall(found: readonly number[], truth: readonly number[]): { precision: number; recall: number } {
  const truthSet = new Set(truth);
  const hits = found.filter((row) => truthSet.has(row)).length;
  return { precision: found.length ? hits / found.length : 0, recall: truth.length ? hits / truth.length : 1 };
}

export const ABOVE_LOW = new Set(['critical', 'high', 'medium']);

/** Columns and datasets built directly in a test, without a file. */
export function numericColumn(name: string, values: number[]): Column {
  return { kind: 'numeric', name, values: Float64Array.from(values), missingCount: values.filter(Number.isNaN).length };
}

export function textColumn(name: string, values: (string | null)[]): Column {
  const dictionary: string[] = [];
  const codeOf = new Map<string, number>();
  const codes = Uint32Array.from(values, (value) => {
    if (value === null) return MISSING_CODE;
    if (!codeOf.has(value)) codeOf.set(value, dictionary.push(value) - 1);
    return codeOf.get(value)!;
  });
  return { kind: 'text', name, codes, dictionary, missingCount: values.filter((v) => v === null).length };
}

export function datasetOf(columns: Column[], options: SchemaOptions = {}): Dataset {
  const table = { rowCount: columns[0].kind === 'numeric' ? columns[0].values.length : columns[0].codes.length, columns };
  const schema = inferSchema(table, options);
  return { table, schema, indexes: new DatasetIndexes(table, schema) };
}
