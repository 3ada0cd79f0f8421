/**
 * `--quarantine FILE`: the suspicious rows as CSV, with their row number and reasons in front.
 * `--emit-clean FILE`: the candidate without the suspicious rows, otherwise byte for byte.
 *
 * Both re-read the candidate through the same tokenizer as the loader (src/load/raw-records.ts),
 * so row numbers are the report's. Both write through writeFileAtomic with the caller's guard:
 * never over an input, over an existing file only with --force, atomically.
 *
 * Quarantine file: header `row,reasons,<the file's own header fields>`; one record per row of
 * report.suspiciousRows, in that (file) order; `reasons` are the rule ids of the high and
 * critical findings that name the row, then `backdoor-trigger` when a trigger includes it,
 * joined with `;`. Every cell passes neutraliseFormula (a spreadsheet opening the file runs no
 * formula from the data), and is quoted as RFC 4180 needs. Comma-delimited, LF line ends, UTF-8.
 *
 * Clean file: the header record and every other record exactly as stored (line ends, quoting,
 * BOM), blank lines dropped. For a gzip input the records are the decompressed ones; a target
 * whose name ends in `.gz` is written gzip-compressed.
 */
import { gzipSync } from 'node:zlib';
import { InputError } from '../errors.js';
import { severityRank } from '../engine/finding.js';
import type { Report } from '../report/report.js';
import { formatCsvRecord, neutraliseFormula, writeFileAtomic, type WriteFileOptions } from '../load/csv-writer.js';
import { forEachRawRecord, readHeaderAndRecords, type RecordReadOptions } from '../load/raw-records.js';

/** What the quarantine and clean writers need from the CLI options (OutputOptions fits). */
export interface DerivedFileOptions {
  /** The file to re-read (default: the report's candidate path). */
  source?: string;
  /** The --delimiter the audit was run with (default: the one the audit detected). */
  delimiter?: string;
  /** The --quote the audit was run with (default: what the audit detected). */
  quote?: 'none' | 'double';
  /** The --encoding the audit was run with (default: the one the audit used). */
  encoding?: 'utf8' | 'latin1';
  /** Bytes per read (tests). */
  chunkSize?: number;
}

export const TRIGGER_REASON = 'backdoor-trigger';

/** How to re-read the candidate exactly as the audit read it. */
function readOptions(report: Report, options: DerivedFileOptions): RecordReadOptions {
  return {
    delimiter: options.delimiter ?? report.input.delimiter,
    quote: options.quote ?? (report.input.quote === 'none' ? 'none' : 'double'),
    encoding: options.encoding ?? (report.input.encoding === 'latin1' ? 'latin1' : 'utf8'),
    chunkSize: options.chunkSize,
  };
}

/** Reasons per suspicious row: rule ids of high/critical findings, then 'backdoor-trigger'. */
export function rowReasons(report: Report): Map<number, string[]> {
  const reasons = new Map<number, string[]>();
  for (const row of report.suspiciousRows) reasons.set(row, []);
  const add = (row: number, reason: string): void => {
    let list = reasons.get(row);
    if (!list) {
      list = [];
      reasons.set(row, list);
    }
    if (!list.includes(reason)) list.push(reason);
  };
  for (const finding of report.findings) {
    if (severityRank(finding.severity) < severityRank('high')) continue;
    for (const row of finding.rows) add(row, finding.rule);
  }
  for (const trigger of report.triggers) for (const row of trigger.rows) add(row, TRIGGER_REASON);
  return reasons;
}

/** The quarantine CSV as text (exported for tests; writeQuarantine writes it). */
export async function quarantineCsv(report: Report, options: DerivedFileOptions = {}): Promise<string> {
  const path = options.source ?? report.candidate.path;
  const read = readOptions(report, options);
  const rows = report.suspiciousRows;
  const { header, fields, sha256 } = await readHeaderAndRecords(path, read, new Set(rows));
  if (header === null) throw new InputError(`${path}: the file is empty`);
  checkSameBytes(report, path, sha256, 'the quarantine file');
  const reasons = rowReasons(report);
  const lines: string[] = [formatCsvRecord(['row', 'reasons', ...header].map(neutraliseFormula))];
  for (const row of rows) {
    const record = fields.get(row);
    if (record === undefined) {
      throw new InputError(`${path}: has no row ${row} (the file changed since it was audited?)`);
    }
    const cells = [String(row), (reasons.get(row) ?? []).join(';'), ...record];
    lines.push(formatCsvRecord(cells.map(neutraliseFormula)));
  }
  return lines.join('\n') + '\n';
}

export async function writeQuarantine(report: Report, file: string, options: DerivedFileOptions, guard: WriteFileOptions): Promise<void> {
  const text = await quarantineCsv(report, options);
  await writeFileAtomic(file, text, guard);
}

/** The candidate minus the suspicious rows, as bytes (exported for tests; writeClean writes it). */
export async function cleanBytes(report: Report, options: DerivedFileOptions = {}): Promise<Buffer> {
  const path = options.source ?? report.candidate.path;
  const total = report.candidate.rows;
  const drop = new Uint8Array(total);
  for (const row of report.suspiciousRows) if (row < total) drop[row] = 1;
  const sink = new ByteSink();
  let seen = 0;
  const sha256 = await forEachRawRecord(
    path,
    readOptions(report, options),
    (row, raw) => {
      seen = row + 1;
      if (row >= total || drop[row] === 0) sink.push(raw);
    },
    (raw) => sink.push(raw),
  );
  checkSameBytes(report, path, sha256, 'the clean file');
  if (seen !== total) {
    throw new InputError(`${path}: has ${seen} data rows, the report ${total} (the file changed since it was audited?)`);
  }
  return sink.bytes();
}

export async function writeClean(report: Report, file: string, options: DerivedFileOptions, guard: WriteFileOptions): Promise<void> {
  const bytes = await cleanBytes(report, options);
  await writeFileAtomic(file, file.toLowerCase().endsWith('.gz') ? gzipSync(bytes) : bytes, guard);
}

/**
 * Derived files come from the bytes that were audited: the re-read must hash to the audited
 * file's sha256, or the file changed during the audit (a new delivery replaced it) and nothing is
 * written.
 */
function checkSameBytes(report: Report, path: string, sha256: string, what: string): void {
  if (report.candidate.sha256 && sha256 !== report.candidate.sha256) {
    throw new InputError(`${path}: the file changed during the audit (its bytes are not the ones audited); ${what} was not written`);
  }
}

/** Appends byte views (copied) into one growing buffer. */
class ByteSink {
  private buffer = Buffer.allocUnsafe(1 << 16);
  private length = 0;

  push(bytes: Uint8Array): void {
    if (this.length + bytes.length > this.buffer.length) {
      let size = this.buffer.length * 2;
      while (size < this.length + bytes.length) size *= 2;
      const grown = Buffer.allocUnsafe(size);
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}
