/**
 * Where the report and the derived files go. Never over an input file; existing files only with
 * --force; every write atomic (temporary file, then rename).
 */
import { statSync } from 'node:fs';
import type { Report } from '../report/report.js';
import type { Format } from '../render/index.js';
import { writeFileAtomic } from '../load/csv-writer.js';
import { DEFAULT_REPORTS_FOLDER, saveReport } from './save.js';

export interface OutputOptions {
  format: Format;
  /** The file the audit read (a spooled copy of standard input or a FIFO): derived files come from it. */
  source?: string;
  out?: string;
  save: boolean;
  quarantine?: string;
  emitClean?: string;
  force: boolean;
  inputs: string[];
  delimiter?: string;
  quote?: 'none' | 'double';
  encoding?: 'utf8' | 'latin1';
}

/** `text` goes to stdout; `plainText` (the same without colour) to files. */
export async function writeOutputs(report: Report, text: string, plainText: string, options: OutputOptions): Promise<void> {
  const guard = { force: options.force, forbidden: options.inputs };
  if (options.out && isDirectory(options.out)) {
    await saveReport(report, plainText, { folder: options.out, format: options.format, forbidden: options.inputs });
  } else if (options.out) {
    await writeFileAtomic(options.out, plainText, guard);
  } else {
    process.stdout.write(text);
  }
  if (options.save) {
    await saveReport(report, plainText, { folder: DEFAULT_REPORTS_FOLDER, format: options.format, create: true, forbidden: options.inputs });
  }
  if (options.quarantine || options.emitClean) {
    const { writeQuarantine, writeClean } = await import('./quarantine.js');
    if (options.quarantine) await writeQuarantine(report, options.quarantine, options, guard);
    if (options.emitClean) await writeClean(report, options.emitClean, options, guard);
  }
}

export function isDirectory(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}

