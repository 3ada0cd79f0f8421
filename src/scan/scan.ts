/**
 * `audit-data scan`: audit many datasets one after another, each against its baseline, keep the
 * history, and say what changed since each dataset's last scan. Computation only: the command
 * (src/commands/scan-command.ts) parses options and renders the ScanResult.
 *
 * For each dataset, in key order:
 *   1. its baseline: --baseline FILE, else --baseline last-trusted (its last trusted content),
 *      else the config's `baselines` mapping, else none;
 *   2. its audit key: the sha256 of its bytes, the baseline's, the settings' and the tool
 *      version. The same key as at its last scan means nothing can have changed: the report is
 *      reused, not recomputed (unless --force);
 *   3. otherwise the audit; an input error (a broken file) is an error entry and the scan goes on;
 *   4. what changed against its last scan, and which findings are accepted;
 *   5. its JSON and HTML report into the run folder, and the run's summary rewritten.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import { runAudit, type AuditOptions, type AuditSettings } from '../audit.js';
import { severityRank, type Finding, type Severity } from '../engine/finding.js';
import { InputError } from '../errors.js';
import { render } from '../render/index.js';
import { diffFindings, findingId } from '../report/diff.js';
import type { Report, SinceLastScan } from '../report/report.js';
import { scoreFindings } from '../report/score.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import { compareText } from '../util/compare.js';
import { acceptance, type AcceptedFinding } from './accepted.js';
import { datasetKey, type FoundDatasets, type ScanTarget } from './datasets.js';
import { History, lastEntry, lastTrusted, type DatasetEntry, type FindingEntry, type RunRecord } from './history.js';

export const LAST_TRUSTED = 'last-trusted';

export interface ScanOptions {
  /** What to audit (findDatasets). */
  datasets: FoundDatasets;
  reportsFolder: string;
  /** A file for every dataset, or `last-trusted`. */
  baseline?: string;
  /** How every dataset is audited; with the config and rule files' content, part of each dataset's audit key. */
  audit: AuditSettings;
  failOn?: Severity;
  /** Audit again even when nothing changed. */
  force: boolean;
  /** Keep this many complete runs (older ones are removed at the end). */
  keep?: number;
  accepted: readonly AcceptedFinding[];
  now?: () => Date;
  /** The stage of each audit, for a display. */
  onStage?: AuditOptions['onStage'];
  onDataset?: (event: { index: number; total: number; dataset: string; phase: 'start' | 'done'; entry?: DatasetEntry }) => void;
}

export interface ScanResult {
  record: RunRecord;
  /** The run folder, as reportsFolder/runs/<id>. */
  runFolder: string;
  pruned: string[];
}

export async function runScan(options: ScanOptions): Promise<ScanResult> {
  const now = options.now ?? (() => new Date());
  const history = new History(options.reportsFolder);
  const found = options.datasets;
  const pastRuns = await history.runs();
  const started = now();
  const runId = await history.startRun(started);
  const record: RunRecord = {
    schemaVersion: 1,
    runId,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    startedAt: started.toISOString(),
    finishedAt: null,
    complete: false,
    failOn: options.failOn ?? null,
    totals: { datasets: 0, passed: 0, failed: 0, errors: 0, unchanged: 0 },
    datasets: [],
  };
  await history.writeSummary(record);
  const settingsKey = await settingsFingerprint(options);
  const hashes = new Map<string, Promise<string>>();
  const hashOf = (file: string): Promise<string> => {
    if (!hashes.has(file)) hashes.set(file, fileSha256(file));
    return hashes.get(file)!;
  };
  const reportNames = new ReportNames();
  const targets = [...found.targets, ...found.missing].sort((a, b) => compareText(a.key, b.key));
  const missing = new Set(found.missing);
  for (const [index, target] of targets.entries()) {
    options.onDataset?.({ index, total: targets.length, dataset: target.key, phase: 'start' });
    const startedAt = performance.now();
    const entry = missing.has(target)
      ? errorEntry(target.key, `${target.key}: no such file`)
      : await scanDataset(target, { options, history, pastRuns, runId, settingsKey, hashOf, reportName: reportNames.take(target.key) });
    entry.durationMs = Math.round(performance.now() - startedAt);
    record.datasets.push(entry);
    record.totals = totals(record.datasets);
    await history.writeSummary(record);
    options.onDataset?.({ index, total: targets.length, dataset: target.key, phase: 'done', entry });
  }
  record.finishedAt = now().toISOString();
  record.complete = true;
  await history.writeSummary(record);
  const pruned = options.keep !== undefined ? await history.prune(options.keep, now()) : [];
  return { record, runFolder: history.runFolder(runId), pruned };
}

interface DatasetContext {
  options: ScanOptions;
  history: History;
  pastRuns: readonly RunRecord[];
  runId: string;
  settingsKey: string;
  hashOf: (file: string) => Promise<string>;
  reportName: string;
}

async function scanDataset(target: ScanTarget, context: DatasetContext): Promise<DatasetEntry> {
  const { options, history, pastRuns } = context;
  const known: { sha256: string | null; auditKey: string | null } = { sha256: null, auditKey: null };
  try {
    const sha256 = await context.hashOf(target.file).catch((error: NodeJS.ErrnoException) => {
      throw new InputError(`${target.key}: cannot read the file (${error.code ?? error.message})`);
    });
    const baseline = await chooseBaseline(target, sha256, options, pastRuns, history);
    const baselineSha = baseline?.sha256 ?? (baseline ? await context.hashOf(baseline.file).catch((error: NodeJS.ErrnoException) => {
      throw new InputError(`${baseline.shown}: cannot read the baseline (${error.code ?? error.message})`);
    }) : '');
    const auditKey = hashText(JSON.stringify([sha256, baselineSha, context.settingsKey]));
    Object.assign(known, { sha256, auditKey });
    const previous = lastEntry(pastRuns, target.key);
    const latest = lastEntry(pastRuns, target.key, { errors: true });
    if (!options.force && latest?.entry.status === 'error' && latest.entry.auditKey === auditKey) {
      // The same bytes failed to load last time: they fail the same way now.
      const entry = errorEntry(target.key, latest.entry.error ?? 'could not be audited', known);
      entry.changes = { ...noChanges(latest), content: 'unchanged', reused: true };
      return entry;
    }
    const notes = baseline?.note ? [baseline.note] : [];

    let report: Report | null = null;
    let reused = false;
    if (!options.force && previous?.entry.auditKey === auditKey && previous.entry.reports.json) {
      const text = await history.readRunFile(previous.run.runId, previous.entry.reports.json);
      report = text === null ? null : parseReport(text);
      reused = report !== null;
    }
    report ??= await runAudit({
      // The key is a path relative to the working folder (or absolute): messages name it as the user does.
      candidate: target.key,
      baseline: baseline?.file,
      ...options.audit,
      onStage: options.onStage,
    });
    report.candidate.path = target.key;
    if (report.baseline && baseline) report.baseline.path = baseline.shown;

    const findings = findingEntries(report.findings, options.accepted, target.key);
    const before = previous?.entry.findings ?? [];
    const changes: SinceLastScan = {
      previousRun: previous?.run.runId ?? null,
      previousAt: previous?.run.startedAt ?? null,
      content: previous === null ? 'first' : previous.entry.sha256 === sha256 ? 'unchanged' : 'changed',
      reused,
      findings: previous === null ? diffFindings([], []) : diffFindings(before, findings),
      accepted: findings.filter((f) => f.accepted).map((f) => f.id),
      outgrown: report.findings.filter((f) => acceptance(options.accepted, target.key, f) === 'outgrown').map((f) => findingId(f)),
    };
    report.sinceLastScan = changes;

    const open = report.findings.filter((_, i) => !findings[i]!.accepted);
    const effective = scoreFindings(open, report.errors.map((e) => e.rule)).verdict;
    const failOn = options.failOn;
    const failed = failOn ? open.some((f) => severityRank(f.severity) >= severityRank(failOn)) : effective !== 'trusted';

    const json = `${context.reportName}.json`;
    const html = `${context.reportName}.html`;
    await history.writeRunFile(context.runId, json, await render(report, 'json', { color: false, width: 100 }));
    await history.writeRunFile(context.runId, html, await render(report, 'html', { color: false, width: 100 }));

    // A file replaced between the hash and the audit: the history keeps what was audited, and no reuse next time.
    const audited = report.candidate.sha256 || sha256;
    const entry: DatasetEntry = {
      dataset: target.key,
      status: failed ? 'fail' : 'pass',
      sha256: audited,
      auditKey: audited === sha256 ? auditKey : null,
      baseline: baseline ? { path: baseline.shown, sha256: baselineSha, source: baseline.source } : null,
      verdict: report.verdict,
      trustScore: report.trustScore,
      effectiveVerdict: effective,
      rows: report.candidate.rows,
      findings,
      checks: report.checks.map((c) => ({ id: c.id, status: c.status, ...(c.reason ? { reason: c.reason } : {}) })),
      changes,
      reports: { json, html },
      notes,
      durationMs: 0,
      timings: reused ? {} : report.timings,
    };
    if (options.baseline === LAST_TRUSTED && report.verdict === 'trusted') {
      const copy = reused && previous?.entry.trustedCopy ? previous.entry.trustedCopy : await history.keepTrusted(target.file, sha256);
      if (copy) entry.trustedCopy = copy;
      else entry.notes.push('the file changed during the audit, so its content was not kept as the next trusted baseline');
    }
    return entry;
  } catch (error) {
    if (error instanceof InputError) return errorEntry(target.key, error.message, known);
    return errorEntry(target.key, `internal error: ${error instanceof Error ? error.message : String(error)} (please report this)`, known);
  }
}

function noChanges(previous: { run: RunRecord } | null): SinceLastScan {
  return {
    previousRun: previous?.run.runId ?? null,
    previousAt: previous?.run.startedAt ?? null,
    content: previous ? 'unchanged' : 'first',
    reused: false,
    findings: diffFindings([], []),
    accepted: [],
    outgrown: [],
  };
}

interface ChosenBaseline {
  file: string;
  shown: string;
  source: 'option' | 'config' | 'last-trusted';
  /** Known without reading it: the trusted content's own sha256 (its kept copy is gzipped). */
  sha256?: string;
  note?: string;
}

async function chooseBaseline(target: ScanTarget, sha256: string, options: ScanOptions, pastRuns: readonly RunRecord[], history: History): Promise<ChosenBaseline | null> {
  if (options.baseline === LAST_TRUSTED) {
    const trusted = lastTrusted(pastRuns, target.key);
    // Content that is its own last trusted version needs no baseline (and is then unchanged).
    if (trusted && trusted.entry.sha256 !== sha256) {
      const file = path.join(history.folder, trusted.copy);
      return { file, shown: `${target.key} as trusted in run ${trusted.run.runId}`, source: 'last-trusted', sha256: trusted.entry.sha256 ?? undefined };
    }
    return null;
  }
  if (options.baseline) return sameFile(options.baseline, target.file) ? null : { file: path.resolve(options.baseline), shown: datasetKey(options.baseline), source: 'option' };
  for (const [pattern, file] of Object.entries(options.audit.config.baselines ?? {})) {
    if (!picomatch(pattern, { dot: true })(target.key)) continue;
    if (sameFile(file, target.file)) return null;
    return { file: path.resolve(file), shown: datasetKey(file), source: 'config', note: `baseline ${file} from the config's pattern ${pattern}` };
  }
  return null;
}

function sameFile(a: string, b: string): boolean {
  return path.resolve(a) === path.resolve(b);
}

function findingEntries(findings: readonly Finding[], accepted: readonly AcceptedFinding[], dataset: string): FindingEntry[] {
  return findings.map((f) => ({
    id: findingId(f),
    rule: f.rule,
    column: f.column,
    value: f.value,
    severity: f.severity,
    count: f.count,
    message: f.message,
    accepted: acceptance(accepted, dataset, f) === 'accepted',
  }));
}

function errorEntry(dataset: string, error: string, known: { sha256: string | null; auditKey: string | null } = { sha256: null, auditKey: null }): DatasetEntry {
  return {
    dataset,
    status: 'error',
    sha256: known.sha256,
    auditKey: known.auditKey,
    baseline: null,
    verdict: null,
    trustScore: null,
    effectiveVerdict: null,
    rows: null,
    findings: [],
    checks: [],
    changes: null,
    reports: {},
    error,
    notes: [],
    durationMs: 0,
    timings: {},
  };
}

function totals(entries: readonly DatasetEntry[]): RunRecord['totals'] {
  return {
    datasets: entries.length,
    passed: entries.filter((e) => e.status === 'pass').length,
    failed: entries.filter((e) => e.status === 'fail').length,
    errors: entries.filter((e) => e.status === 'error').length,
    unchanged: entries.filter((e) => e.changes?.reused).length,
  };
}

/** Report file names in a run folder: the dataset key made safe, unique within the run. */
class ReportNames {
  private readonly taken = new Set<string>();

  take(key: string): string {
    const base =
      key
        .replace(/\.gz$/i, '')
        .replace(/[^A-Za-z0-9._-]+/g, '_')
        .replace(/^[._-]+/, '')
        .slice(0, 120) || 'dataset';
    let name = base;
    for (let n = 2; this.taken.has(name.toLowerCase()) || name === 'scan-summary'; n++) name = `${base}-${n}`;
    this.taken.add(name.toLowerCase());
    return name;
  }
}

/** Everything besides the data that decides a report: settings, config and rule code, tool version. */
async function settingsFingerprint(options: ScanOptions): Promise<string> {
  const { audit } = options;
  const files = [audit.configFile, ...(audit.rulePaths ?? [])].filter((f): f is string => typeof f === 'string');
  const contents = await Promise.all(files.map((file) => readFile(file).then((bytes) => hashBytes(bytes)).catch(() => 'unreadable')));
  // Limits (memory, sizes) change no report that completes; how the bytes are read does.
  const reading = [audit.load.delimiter ?? null, audit.load.quote ?? null, audit.load.encoding ?? null];
  return hashText(JSON.stringify([TOOL_VERSION, audit.label ?? null, audit.seed, audit.model, reading, files, contents, JSON.stringify(audit.config)]));
}

function fileSha256(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

function hashText(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function hashBytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function parseReport(text: string): Report | null {
  try {
    const report = JSON.parse(text) as Report;
    return report.schemaVersion === 1 && Array.isArray(report.findings) ? report : null;
  } catch {
    return null;
  }
}
