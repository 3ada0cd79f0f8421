/**
 * The one fixture module of the test suite: the data bundled in the repository (never a path
 * outside it), the shared builders (poisoned copies, halves, small tables and datasets), one rule
 * at a time, and whole audits on temporary files.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
import { readCsv as readCsvFile, writeCsv, type Csv } from '../scripts/lib/attacks.js';
import { MISSING_CODE, type Column } from '../src/table/table.js';

export const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/**
 * A data file bundled in the repository. A missing one is a failure, never a skip: a test that
 * quietly skips on a fresh clone proves nothing.
 */
export function bundled(relative: string): string {
  const file = path.join(ROOT, relative);
  if (!existsSync(file)) throw new Error(`test data ${relative} is missing from the repository (looked for ${file})`);
  return file;
}

/** The credit-card default data (30,000 rows, label DEFAULT; provenance in examples/data/README.md). */
export const CREDIT = bundled('examples/data/default_credit_card.csv');

/** How many data rows `creditHead()` keeps by default: enough for the model stage and the known attack, a third of the audit time. */
export const CREDIT_HEAD_ROWS = 6000;

const creditHeads = new Map<number, string>();

/**
 * The header and the first `rows` data rows of CREDIT, byte for byte (CRLF line ends), written
 * once per test process to a temporary folder. For tests that need a realistic file to exercise
 * the CLI (determinism, rendering, scans, outputs), not the full credit example's detection:
 * those keep CREDIT.
 */
export function creditHead(rows = CREDIT_HEAD_ROWS): string {
  const known = creditHeads.get(rows);
  if (known !== undefined) return known;
  const text = readFileSync(CREDIT, 'utf8');
  let end = 0;
  for (let line = 0; line <= rows; line++) {
    const next = text.indexOf('\n', end);
    if (next < 0) throw new Error(`${CREDIT} has fewer than ${rows} data rows`);
    end = next + 1;
  }
  const file = path.join(tempFolder('audit-data-credit-head-'), `credit-head-${rows}.csv`);
  writeFileSync(file, text.slice(0, end));
  creditHeads.set(rows, file);
  return file;
}

export { readCsv, writeCsv, halves, appendCopies, editInPlace, knownAttack, type Csv, type Attack } from '../scripts/lib/attacks.js';

/**
 * The two random halves `npm run calibrate` makes of a corpus file (examples/data/realworld) for a
 * split seed, as CSV text, with the file's label. Loaded lazily: most test files never need the harness.
 */
export async function corpusHalves(file: string, seed: number): Promise<{ label: string; halves: [string, string] }> {
  const { DEFAULT_DATA_DIR, readDataset, readManifest, splitHalves } = await import('../scripts/lib/calibration.js');
  const { writeCsvText } = await import('../scripts/lib/calibration-csv.js');
  const entry = readManifest(DEFAULT_DATA_DIR).find((e) => e.file === file);
  if (!entry) throw new Error(`no ${file} in the corpus manifest`);
  const [a, b] = splitHalves(readDataset(DEFAULT_DATA_DIR, entry), seed);
  return { label: entry.label, halves: [writeCsvText(a), writeCsvText(b)] };
}

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

/**
 * The known attack as a file: copies of `share` of the rows of class `labelValue` (evenly spread),
 * with `column` set to `value`, appended to `source` (CREDIT unless given, e.g. `creditHead()`).
 * Returns the file, the appended count and the source's row count.
 */
export function writePoisoned(
  folder: string,
  options: { source?: string; column?: string; value?: string; label?: string; labelValue?: string; share?: number } = {},
): { file: string; appended: number; originalRows: number } {
  const source = options.source ?? CREDIT;
  const column = options.column ?? 'AGE';
  const labelColumn = options.label ?? 'DEFAULT';
  const text = readFileSync(source, 'utf8');
  const lines = text.split(/\r?\n/).filter((line) => line.length > 0);
  const header = lines[0].split(',');
  const at = header.indexOf(column);
  const labelAt = header.indexOf(labelColumn);
  const chosen = lines.slice(1).filter((line) => line.split(',')[labelAt] === (options.labelValue ?? '1'));
  const count = Math.round(chosen.length * (options.share ?? 0.45));
  const extra: string[] = [];
  for (let i = 0; i < count; i++) {
    const fields = chosen[Math.floor((i * chosen.length) / count)].split(',');
    fields[at] = options.value ?? '999';
    extra.push(fields.join(','));
  }
  const file = path.join(folder, 'poisoned credit.csv');
  writeFileSync(file, text + (text.endsWith('\n') ? '' : '\n') + extra.join('\n') + '\n');
  return { file, appended: count, originalRows: lines.length - 1 };
}

/** A temporary folder removed when the process exits (for folders shared by several tests). */
export function tempFolder(prefix = 'audit-data-test-'): string {
  const folder = mkdtempSync(path.join(tmpdir(), prefix));
  process.on('exit', () => rmSync(folder, { recursive: true, force: true }));
  return folder;
}

/** The credit data as model features (ID and DEFAULT excluded) and integer labels, for forest tests. */
export interface CreditFeatures {
  readonly names: string[];
  readonly features: Float64Array[];
  readonly labels: Int32Array;
}

let creditFeatures: CreditFeatures | undefined;

export function loadCreditFeatures(): CreditFeatures {
  if (creditFeatures !== undefined) return creditFeatures;
  const csv = readCsvFile(CREDIT);
  const labelIndex = csv.header.indexOf('DEFAULT');
  const featureIndices = csv.header.map((_, i) => i).filter((i) => csv.header[i] !== 'ID' && i !== labelIndex);
  const features = featureIndices.map((column) => Float64Array.from(csv.rows, (cells) => (cells[column] === '' ? NaN : Number(cells[column]))));
  const labels = Int32Array.from(csv.rows, (cells) => Number(cells[labelIndex]));
  creditFeatures = { names: featureIndices.map((i) => csv.header[i]), features, labels };
  return creditFeatures;
}

export function selectFeatures(data: CreditFeatures, names: readonly string[]): Float64Array[] {
  return names.map((name) => {
    const index = data.names.indexOf(name);
    if (index < 0) throw new Error(`no column ${name}`);
    return data.features[index];
  });
}

/** Control characters that must never reach an output from data (tab and line feed allowed). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
/** Our own SGR colour sequences. */
// eslint-disable-next-line no-control-regex -- an ESC sequence is the point
export const COLOUR_CODES = /\u001b\[[0-9;]*m/g;
