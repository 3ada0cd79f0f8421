/**
 * The scan history: plain files under the reports folder, nothing else to install or serve.
 *
 *   reports/runs/<run id>/scan-summary.json   the run's index record (RunRecord)
 *   reports/runs/<run id>/<dataset>.json      each dataset's report, and .html beside it
 *   reports/trusted/<sha256>.gz               trusted content kept for --baseline last-trusted
 *
 * The index of runs is the set of summaries, merged on read: each scan writes only inside its
 * own run folder, so two scans at once never write the same file. Every file is written to a
 * temporary name and renamed: a killed scan leaves whole files only, and its summary (rewritten
 * after each dataset, `complete: false` until the end) still lists the datasets it finished.
 * A folder without a readable summary is ignored.
 *
 * Why files rather than SQLite: better-sqlite3 is a native module whose install downloads a
 * prebuilt binary or compiles with node-gyp (which downloads Node's headers), and a fresh
 * machine with only npm has neither; one JSON file per run needs no lock and no daemon.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { lstat, mkdir, readdir, readFile, rename, rm, stat, unlink, utimes } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { InputError } from '../errors.js';
import { writeFileAtomic } from '../load/csv-writer.js';
import { isGzip } from '../load/load-table.js';
import type { Severity } from '../engine/finding.js';
import type { SinceLastScan } from '../report/report.js';
import type { DiffEntry } from '../report/diff.js';
import { compareText } from '../util/compare.js';
import { timeStamp } from '../output/save.js';

export const SCAN_SUMMARY = 'scan-summary.json';
export const RUNS_FOLDER = 'runs';
export const TRUSTED_FOLDER = 'trusted';

export type DatasetStatus = 'pass' | 'fail' | 'error';

/** A finding as the history keeps it (no rows): what `diff`, `accept` and JUnit need. */
export type FindingEntry = Pick<DiffEntry, 'id' | 'rule' | 'column' | 'value' | 'severity' | 'count' | 'message'> & {
  /** Covered by an entry of the accepted-findings file (and not grown past it). */
  accepted: boolean;
};

export interface CheckEntry {
  id: string;
  status: 'finding' | 'passed' | 'skipped' | 'error';
  reason?: string;
}

export interface DatasetEntry {
  /** The dataset's key (its path relative to the working folder). */
  dataset: string;
  status: DatasetStatus;
  /** sha256 of the candidate's stored bytes; null when it could not be read. */
  sha256: string | null;
  /** What decided whether a rerun is needed: content, baseline, settings and tool version. */
  auditKey: string | null;
  baseline: { path: string; sha256: string; source: 'option' | 'config' | 'last-trusted' } | null;
  verdict: 'trusted' | 'review' | 'reject' | null;
  trustScore: number | null;
  /** The verdict over the findings that are not accepted (what pass or fail follows). */
  effectiveVerdict: 'trusted' | 'review' | 'reject' | null;
  rows: number | null;
  findings: FindingEntry[];
  checks: CheckEntry[];
  changes: SinceLastScan | null;
  /** Report files, relative to the run folder. */
  reports: { json?: string; html?: string };
  /** Trusted content kept for --baseline last-trusted, relative to the reports folder. */
  trustedCopy?: string;
  /** Why the dataset could not be audited. */
  error?: string;
  notes: string[];
  durationMs: number;
  timings: Record<string, number>;
}

export interface RunRecord {
  schemaVersion: 1;
  runId: string;
  tool: { name: string; version: string };
  startedAt: string;
  finishedAt: string | null;
  /** False while the scan runs, and forever if it was killed. */
  complete: boolean;
  failOn: Severity | null;
  totals: { datasets: number; passed: number; failed: number; errors: number; unchanged: number };
  datasets: DatasetEntry[];
}

export class History {
  readonly folder: string;

  constructor(folder: string) {
    this.folder = folder;
  }

  get runsFolder(): string {
    return path.join(this.folder, RUNS_FOLDER);
  }

  /** Every readable run summary, oldest first. */
  async runs(): Promise<RunRecord[]> {
    const names = await readdir(this.runsFolder).catch(() => [] as string[]);
    const runs: RunRecord[] = [];
    for (const name of names) {
      const record = await readJson(path.join(this.runsFolder, name, SCAN_SUMMARY));
      if (isRunRecord(record) && record.runId === name) runs.push(record);
    }
    return runs.sort((a, b) => compareText(a.startedAt, b.startedAt) || compareText(a.runId, b.runId));
  }

  /** A new run folder, made exclusively (two scans never share one). */
  async startRun(now: Date): Promise<string> {
    await mkdir(this.runsFolder, { recursive: true }).catch((error: NodeJS.ErrnoException) => {
      throw new InputError(`${this.folder}: cannot create the reports folder (${error.code ?? error.message})`);
    });
    for (;;) {
      const runId = `${timeStamp(now.toISOString())}-${randomBytes(3).toString('hex')}`;
      try {
        await mkdir(path.join(this.runsFolder, runId));
        return runId;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw new InputError(`${this.runsFolder}: cannot create a run folder (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
        }
      }
    }
  }

  runFolder(runId: string): string {
    return path.join(this.runsFolder, runId);
  }

  async writeSummary(record: RunRecord): Promise<void> {
    await writeFileAtomic(path.join(this.runFolder(record.runId), SCAN_SUMMARY), JSON.stringify(record, null, 2) + '\n', { force: true });
  }

  async writeRunFile(runId: string, name: string, text: string): Promise<void> {
    await writeFileAtomic(path.join(this.runFolder(runId), name), text, { force: true });
  }

  async readRunFile(runId: string, name: string): Promise<string | null> {
    return readFile(path.join(this.runFolder(runId), name), 'utf8').catch(() => null);
  }

  /**
   * Keep a gzip copy of trusted content, named by its sha256 (the same content is kept once).
   * Returns its path relative to the reports folder, or null when the file no longer holds
   * the audited bytes (replaced during the audit).
   */
  async keepTrusted(file: string, sha256: string): Promise<string | null> {
    const relative = path.join(TRUSTED_FOLDER, `${sha256}.gz`);
    const target = path.join(this.folder, relative);
    if ((await stat(target).catch(() => null))?.isFile()) {
      const now = new Date();
      await utimes(target, now, now).catch(() => {});
      return relative;
    }
    await mkdir(path.dirname(target), { recursive: true });
    const temporary = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    // Gzip input is kept as it is; anything else is compressed.
    const gzipped = await isGzip(file);
    const hash = createHash('sha256');
    const hashing = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      const output = createWriteStream(temporary, { flags: 'wx' });
      if (gzipped) await pipeline(createReadStream(file), hashing, output);
      else await pipeline(createReadStream(file), hashing, createGzip(), output);
      if (hash.digest('hex') !== sha256) return null;
      await rename(temporary, target);
      return relative;
    } finally {
      await unlink(temporary).catch(() => {});
    }
  }

  /**
   * Retention: keep the `keep` newest complete runs. Folders of unfinished runs (killed, or
   * another scan still running) are removed only once older than a day; trusted copies only
   * when no remaining run names them and they were not used for an hour (a scan running now
   * may be about to name one).
   */
  async prune(keep: number, now = new Date()): Promise<string[]> {
    const runs = await this.runs();
    const complete = runs.filter((run) => run.complete);
    const dropped = complete.slice(0, Math.max(0, complete.length - keep)).map((run) => run.runId);
    const listed = new Set(runs.map((run) => run.runId));
    const names = await readdir(this.runsFolder).catch(() => [] as string[]);
    for (const name of names) {
      if (listed.has(name) || name.startsWith('.')) continue;
      const info = await lstat(path.join(this.runsFolder, name)).catch(() => null);
      if (info?.isDirectory() && now.getTime() - info.mtimeMs > DAY_MS) dropped.push(name);
    }
    for (const runId of dropped) await rm(this.runFolder(runId), { recursive: true, force: true });

    const kept = runs.filter((run) => !dropped.includes(run.runId));
    const named = new Set(kept.flatMap((run) => run.datasets.map((entry) => entry.trustedCopy).filter((copy): copy is string => Boolean(copy))));
    const copies = await readdir(path.join(this.folder, TRUSTED_FOLDER)).catch(() => [] as string[]);
    for (const name of copies) {
      const relative = path.join(TRUSTED_FOLDER, name);
      if (named.has(relative)) continue;
      const info = await lstat(path.join(this.folder, relative)).catch(() => null);
      if (info?.isFile() && now.getTime() - info.mtimeMs > HOUR_MS) await unlink(path.join(this.folder, relative)).catch(() => {});
    }
    return dropped;
  }
}

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;

/** The dataset's latest audited entry (an error entry is no scan to compare findings with, unless `errors`). */
export function lastEntry(runs: readonly RunRecord[], dataset: string, options: { errors?: boolean } = {}): { run: RunRecord; entry: DatasetEntry } | null {
  for (let i = runs.length - 1; i >= 0; i--) {
    const run = runs[i]!;
    const entry = run.datasets.find((e) => e.dataset === dataset && (options.errors || e.status !== 'error'));
    if (entry) return { run, entry };
  }
  return null;
}

/** The dataset's latest trusted content that is still kept. */
export function lastTrusted(runs: readonly RunRecord[], dataset: string): { run: RunRecord; entry: DatasetEntry; copy: string } | null {
  for (let i = runs.length - 1; i >= 0; i--) {
    const run = runs[i]!;
    const entry = run.datasets.find((e) => e.dataset === dataset && e.verdict === 'trusted' && e.trustedCopy);
    if (entry?.trustedCopy) return { run, entry, copy: entry.trustedCopy };
  }
  return null;
}

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch {
    return null;
  }
}

function isRunRecord(value: unknown): value is RunRecord {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Partial<RunRecord>;
  return record.schemaVersion === 1 && typeof record.runId === 'string' && typeof record.startedAt === 'string' && Array.isArray(record.datasets);
}
