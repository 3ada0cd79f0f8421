/**
 * The audit pipeline: load -> schema -> rules -> models and triggers -> score -> Report.
 * Pure of any printing: the CLI and the renderers sit on top.
 */
import { loadTable, type LoadOptions } from './load/load-table.js';
import { inferSchema, type Schema } from './schema/schema.js';
import { DatasetIndexes } from './engine/indexes.js';
import type { RuleSettings } from './engine/rule.js';
import type { Dataset } from './engine/dataset.js';
import { addUserRules, allChecks, loadBuiltinRules } from './engine/registry.js';
import { runRules, type RuleRun } from './engine/run-rules.js';
import { DEDUPLICATE_AT_MOST, distinctRows, distinctTable, expandRows } from './engine/distinct-rows.js';
import { rowsWithAnyTwin } from './detect/twins.js';
import { PLANTED_ROWS, plantedRows } from './engine/planted-rows.js';
import { compareFindings, severityRank, sortedUniqueRows, type Finding } from './engine/finding.js';
import { scoreFindings } from './report/score.js';
import type { Report, Trigger } from './report/report.js';
import type { AuditConfig, AuditConfigInput } from './config/schema.js';
import { parseConfig } from './config/load.js';
import { checkColumnNames, checkRuleSettings } from './config/check.js';
import type { LoadedTable } from './table/table.js';
import { runModelStage, type FindingAdjustment, type ModelStageInput } from './model/stage.js';
import { BACKDOOR_TRIGGER, MODEL_CASES, PLANTED_ROWS_CHECK, RELABEL_SUSPECTS, STAGE_CHECKS } from './model/checks.js';
import { resolvedOptions } from './engine/rule-options.js';
import { TOOL_NAME, TOOL_VERSION } from './version.js';
import { buildHistogramData } from './report/histograms.js';
import { checkResults } from './report/checks.js';
import { withProgressListener, type ProgressListener } from './progress-events.js';
import { suspiciousSample } from './report/suspicious-sample.js';

export interface AuditOptions {
  candidate: string;
  baseline?: string;
  label?: string;
  /** The config, in the form a config file exports (checked and normalised here, like a file's). */
  config?: AuditConfigInput | AuditConfig;
  /** Where the config came from, for error messages. */
  configFile?: string;
  rulePaths?: readonly string[];
  seed?: number;
  /** Train the reference forests and search for triggers (default on when there is a label). */
  model?: boolean;
  load?: LoadOptions;
  onStage?: (stage: string) => void;
  /** Counts of the long loops (rules, forest trees, probes) as they run, for a progress display. */
  onProgress?: ProgressListener;
  now?: () => Date;
}

export const DEFAULT_SEED = 42;

/** What the audits of one run share (`scan` runs many): runAudit's options but the files and the stage hook. */
export type AuditSettings = Omit<AuditOptions, 'candidate' | 'baseline' | 'onStage' | 'now'> & { config: AuditConfig; seed: number; model: boolean; load: LoadOptions };

export async function runAudit(options: AuditOptions): Promise<Report> {
  return withProgressListener(options.onProgress, () => audit(options));
}

async function audit(options: AuditOptions): Promise<Report> {
  const timings: Record<string, number> = {};
  const time = async <T>(stage: string, work: () => T | Promise<T>): Promise<T> => {
    options.onStage?.(stage);
    const started = performance.now();
    const result = await work();
    timings[stage] = Math.round(performance.now() - started);
    return result;
  };
  const configFile = options.configFile ?? 'the config';
  const config = parseConfig(options.config ?? {}, configFile);
  const rules = await loadBuiltinRules();
  if (options.rulePaths?.length) await addUserRules(rules, options.rulePaths);
  const checks = allChecks(rules);
  checkRuleSettings(config, checks, configFile);
  const candidateTable = await time('load', () => loadTable(options.candidate, options.load));
  checkColumnNames(config, candidateTable.columns.map((c) => c.name), configFile);
  const baselineTable = options.baseline ? await time('loadBaseline', () => loadTable(options.baseline!, options.load)) : null;

  const labelName = options.label ?? config.label;
  const labelSource = options.label !== undefined ? 'option' : 'config';
  const full = await time('schema', () => buildDatasets(candidateTable, baselineTable, labelName, labelSource, config));
  const notes = full.notes;
  // Mostly exact copies: the checks other than duplicate-rows and the models see the distinct records.
  const repeated = await time('distinct', () => repeatedRecords(full, labelName, labelSource, config));
  const { candidate, baseline } = repeated?.datasets ?? full;
  if (repeated) notes.push(repeated.note);

  const settings = ruleSettings(config);
  // `onCandidateRows`: the findings whose rows are `candidate`'s (the distinct records' when repeated).
  const { run: ruleRun, onCandidateRows } = await time('rules', () => {
    if (!repeated) {
      const run = runRules(rules, candidate, baseline, settings);
      return { run, onCandidateRows: run.findings };
    }
    const wholeFile = runRules(new Map([...rules].filter(([id]) => id === DUPLICATE_ROWS)), full.candidate, full.baseline, settings);
    const distinct = runRules(new Map([...rules].filter(([id]) => id !== DUPLICATE_ROWS)), candidate, baseline, settings);
    return { run: mergedRuns(wholeFile, distinct), onCandidateRows: distinct.findings };
  });
  candidate.indexes.releaseHashes();
  baseline?.indexes.releaseHashes();
  full.candidate.indexes.releaseHashes();
  full.baseline?.indexes.releaseHashes();

  const seed = options.seed ?? DEFAULT_SEED;
  const modelEnabled = (options.model ?? config.model?.enabled ?? true) && candidate.schema.label !== null;
  const stageErrors: { rule: string; message: string }[] = [];
  const modelStage = modelEnabled
    ? await time('models', () =>
        runModelStage({ candidate, baseline, findings: onCandidateRows, hints: ruleRun.hints, seed, config, options: stageOptions(settings) }).catch((error: unknown) => {
          // Fail closed: the report says the model checks failed, and the verdict cannot be trusted.
          stageErrors.push({ rule: 'backdoor-trigger', message: `model checks failed: ${error instanceof Error ? error.message : String(error)}` });
          return null;
        }),
      )
    : null;
  if (!modelEnabled) notes.push(candidate.schema.label ? 'Model checks were turned off.' : 'Model checks need a label column.');
  const triggerSearchOff = settings.get(BACKDOOR_TRIGGER.id)?.severity === 'off';
  if (modelStage && !triggerSearchOff) applyAdjustments(modelStage.adjustments, settings);
  if (triggerSearchOff) notes.push('The backdoor-trigger check was turned off in the config.');

  const triggers = triggerSearchOff ? [] : (modelStage?.triggers ?? []);
  const planted = plantedRows(candidate, ruleRun.hints, triggers, resolvedOptions(PLANTED_ROWS_CHECK, settings.get(PLANTED_ROWS)?.options));
  const stageFindings = [...(modelStage?.findings ?? []), ...planted];
  if (repeated) repeated.expand([...onCandidateRows, ...stageFindings], triggers);
  const findings: Finding[] = [...ruleRun.findings, ...STAGE_CHECKS.flatMap((check) => withSettings(stageFindings.filter((f) => f.rule === check.id), settings.get(check.id)))].sort(compareFindings);
  const errors = [...ruleRun.errors, ...stageErrors, ...(modelStage?.errors ?? [])];
  const score = scoreFindings(findings, errors.map((e) => e.rule));
  const suspicious: number[] = [];
  // Loops, not push(...rows): a row list can hold millions of entries, more than a call's arguments.
  for (const finding of findings) if (severityRank(finding.severity) >= severityRank('high')) for (const row of finding.rows) suspicious.push(row);
  for (const trigger of triggers) for (const row of trigger.rows) suspicious.push(row);

  const label = candidate.schema.label;
  const source = candidateTable.source;
  const report: Report = {
    schemaVersion: 1,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    generatedAt: (options.now?.() ?? new Date()).toISOString(),
    candidate: summary(candidateTable),
    baseline: baselineTable ? summary(baselineTable) : null,
    label: label
      ? { column: label.name, source: label.source, guessed: label.guessed, classes: [...label.classes], reason: label.reason, classCounts: repeated ? repeated.wholeFileClassCounts(label) : [...label.classCounts] }
      : null,
    verdict: score.verdict,
    trustScore: score.trustScore,
    counts: score.counts,
    findings,
    triggers,
    suspiciousRows: sortedUniqueRows(suspicious),
    model: modelStage?.model ?? { enabled: false },
    timings: { ...timings, ...prefixed('rule:', ruleRun.timings) },
    scoring: score.items,
    // Kinds as analysed; missing cells counted in the whole file (the distinct records hold the same values).
    schema: candidate.schema.columns.map((c) => ({ name: c.name, kind: c.kind, reason: c.reason, distinct: c.distinct, missing: full.candidate.schema.columns[c.index]?.missing ?? c.missing })),
    input: {
      delimiter: source.delimiter,
      delimiterSource: source.delimiterSource,
      quote: source.quote,
      quoteSource: source.quoteSource,
      encoding: source.encoding,
      compressed: source.compressed,
      blankLinesSkipped: source.blankLinesSkipped,
      warnings: [...source.warnings],
    },
    errors,
    histograms: null,
    checks: checkResults({
      checks,
      findings,
      errors,
      skipped: ruleRun.skipped,
      modelsSkipped: !modelEnabled ? (candidate.schema.label ? 'the model checks were turned off' : 'no label column') : modelStage && !modelStage.model.enabled ? (modelStage.notes[0] ?? 'the model checks could not run') : null,
      hasBaseline: baseline !== null,
      hasModelCases: (config.model?.cases?.length ?? 0) + (config.model?.unacceptable?.length ?? 0) > 0,
      labelGuessed: candidate.schema.label?.guessed ?? false,
      turnedOff: new Set([...settings].filter(([, s]) => s.severity === 'off').map(([id]) => id)),
    }),
    suspiciousSample: null,
    notes: [...notes, ...candidate.schema.notes, ...ruleRun.skipped.map((s) => `Rule ${s.rule} skipped: ${s.reason}.`), ...(modelStage?.notes ?? [])],
  };
  const histogramsStarted = performance.now();
  // Row numbers are the file's: the histograms and the sample read the whole file.
  report.histograms = buildHistogramData(full.candidate, full.baseline, report);
  report.suspiciousSample = suspiciousSample(full.candidate, report.suspiciousRows, report.histograms.columns.map((c) => c.column));
  report.timings.histograms = Math.round(performance.now() - histogramsStarted);
  return report;
}

const DUPLICATE_ROWS = 'duplicate-rows';

interface RepeatedRecords {
  datasets: { candidate: Dataset; baseline: Dataset | null };
  note: string;
  /** Rows of the distinct records -> every copy in the file, in place. */
  expand(findings: Finding[], triggers: Trigger[]): void;
  wholeFileClassCounts(label: NonNullable<Schema['label']>): number[];
}

/** When most candidate records are exact copies (src/engine/distinct-rows.ts): datasets of the distinct records. */
function repeatedRecords(
  full: { candidate: Dataset; baseline: Dataset | null },
  labelName: string | undefined,
  labelSource: 'option' | 'config',
  config: AuditConfig,
): RepeatedRecords | null {
  const table = full.candidate.table as LoadedTable;
  if (table.rowCount === 0) return null;
  const distinct = distinctRows(table, full.candidate.indexes, DEDUPLICATE_AT_MOST);
  if (!distinct || distinct.first.length > DEDUPLICATE_AT_MOST * table.rowCount) return null;
  let baselineTable = (full.baseline?.table as LoadedTable | undefined) ?? null;
  if (baselineTable && full.baseline) {
    const baseDistinct = distinctRows(baselineTable, full.baseline.indexes, DEDUPLICATE_AT_MOST);
    if (baseDistinct && baseDistinct.first.length <= DEDUPLICATE_AT_MOST * baselineTable.rowCount) baselineTable = distinctTable(baselineTable, baseDistinct);
  }
  const datasets = buildDatasets(distinctTable(table, distinct), baselineTable, labelName, labelSource, config);
  if (!fineGrained(datasets.candidate)) return null;
  const copies = table.rowCount - distinct.first.length;
  const fullLabel = full.candidate.schema.label;
  return {
    datasets: { candidate: datasets.candidate, baseline: datasets.baseline },
    note:
      `${copies} of the ${table.rowCount} records (${Math.round((100 * copies) / table.rowCount)}%) are exact copies of others: duplicate-rows ran on the whole file, ` +
      `the other checks and the models on the ${distinct.first.length} distinct records (their figures count distinct records; the rows they list include every copy).`,
    expand(findings, triggers) {
      for (const finding of findings) {
        if (finding.rows.length === 0) continue;
        const rows = expandRows(finding.rows, distinct);
        finding.count = finding.count - finding.rows.length + rows.length;
        finding.rows = rows;
      }
      for (const trigger of triggers) trigger.rows = expandRows(trigger.rows, distinct);
    },
    wholeFileClassCounts(label) {
      if (!fullLabel) return [...label.classCounts];
      return label.classes.map((name) => fullLabel.classCounts[fullLabel.classes.indexOf(name)] ?? 0);
    },
  };
}

/** The whole-file run's hints are left out: they name the file's rows, and the models work on the distinct ones. */
/**
 * Copies of fine-grained records are repeats of the same rows. In coarse data (a few columns of
 * few values) most records have a near-duplicate (one differing in a single feature), exact
 * repeats are natural, and the rows, not the records, are the evidence: such a file is audited
 * as it is, whatever its share of copies.
 */
function fineGrained(distinct: Dataset): boolean {
  let withTwin = 0;
  for (const marked of rowsWithAnyTwin(distinct.indexes, distinct.schema.featureColumns)) withTwin += marked;
  return withTwin < DEDUPLICATE_AT_MOST * distinct.table.rowCount;
}

function mergedRuns(wholeFile: RuleRun, distinct: RuleRun): RuleRun {
  const [a, b] = [wholeFile, distinct];
  return {
    findings: [...a.findings, ...b.findings],
    hints: b.hints,
    errors: [...a.errors, ...b.errors],
    skipped: [...a.skipped, ...b.skipped],
    timings: { ...a.timings, ...b.timings },
  };
}

function buildDatasets(
  candidateTable: LoadedTable,
  baselineTable: LoadedTable | null,
  labelName: string | undefined,
  labelSource: 'option' | 'config',
  config: AuditConfig,
): { candidate: Dataset; baseline: Dataset | null; notes: string[] } {
  const notes: string[] = [];
  const schema = inferSchema(candidateTable, { label: labelName, labelSource, identifiers: config.identifiers });
  const candidate = dataset(candidateTable, schema);
  if (!baselineTable) return { candidate, baseline: null, notes };
  const baseLabel = schema.label && baselineTable.columns.some((c) => c.name === schema.label!.name) ? schema.label.name : undefined;
  if (schema.label && !baseLabel) notes.push(`The baseline has no column '${schema.label.name}'; label comparisons with the baseline were skipped.`);
  const identifiers = [
    ...(config.identifiers ?? []),
    ...schema.columns.filter((c) => c.kind === 'identifier').map((c) => c.name),
  ];
  const baseSchema = inferSchema(baselineTable, { label: baseLabel, labelSource, identifiers });
  // The baseline's features follow the candidate's: a column is a feature in both or in neither.
  const candidateFeatures = new Set(schema.featureColumns.map((i) => schema.columns[i].name));
  const aligned: Schema = {
    ...baseSchema,
    featureColumns: baseSchema.columns.filter((c) => candidateFeatures.has(c.name) && c.index !== baseSchema.label?.column).map((c) => c.index),
  };
  return { candidate, baseline: dataset(baselineTable, aligned), notes };
}

function dataset(table: LoadedTable, schema: Schema): Dataset {
  return { table, schema, indexes: new DatasetIndexes(table, schema) };
}

/**
 * The model stage's say on rule findings (raise a confirmed trigger's spike, mark a suspected one,
 * drop natural structure to info), applied here as its own step. A severity the user fixed for a
 * rule in the config wins over the model's.
 */
function applyAdjustments(adjustments: readonly FindingAdjustment[], settings: ReadonlyMap<string, RuleSettings>): void {
  for (const { finding, severity, note, modelCheck } of adjustments) {
    finding.evidence.modelCheck = modelCheck;
    if (settings.get(finding.rule)?.severity) continue;
    finding.severity = severity;
    if (note) finding.message += ` ${note}`;
  }
}

/** The options of the model-stage checks, from their defaults and the config. */
function stageOptions(settings: ReadonlyMap<string, RuleSettings>): ModelStageInput['options'] {
  return {
    trigger: resolvedOptions(BACKDOOR_TRIGGER, settings.get(BACKDOOR_TRIGGER.id)?.options),
    relabel: resolvedOptions(RELABEL_SUSPECTS, settings.get(RELABEL_SUSPECTS.id)?.options),
    cases: resolvedOptions(MODEL_CASES, settings.get(MODEL_CASES.id)?.options),
  };
}

/** Findings of a check outside the rules folder, under the config's severity for its id like a rule ('off' drops them). */
function withSettings(findings: Finding[], setting: RuleSettings | undefined): Finding[] {
  if (setting?.severity === 'off') return [];
  if (setting?.severity) for (const finding of findings) finding.severity = setting.severity;
  return findings;
}

function ruleSettings(config: AuditConfig): Map<string, RuleSettings> {
  const settings = new Map<string, RuleSettings>(Object.entries(config.rules ?? {}));
  // The config's column constraints: min/max are range's, the others column-constraints'.
  if (config.columns) {
    for (const id of ['range', 'column-constraints']) {
      const setting = settings.get(id) ?? {};
      settings.set(id, { ...setting, options: { ...(setting.options ?? {}), constraints: config.columns } });
    }
  }
  return settings;
}

function summary(table: LoadedTable) {
  return { path: table.source.path, rows: table.rowCount, columns: table.columns.length, sha256: table.source.sha256 };
}

function prefixed(prefix: string, values: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [prefix + k, v]));
}
