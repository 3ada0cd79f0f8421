/** `audit-data render REPORT.json [--format html|markdown|table|json] [--out FILE]`: a saved report in another format. */
import { readFileSync } from 'node:fs';
import { InputError } from '../errors.js';
import { askedForHelp, commandParser } from './parser.js';
import { FORMATS, render, type Format } from '../render/index.js';
import type { Report } from '../report/report.js';
import { writeFileAtomic } from '../load/csv-writer.js';
import { describeFileError } from '../load/byte-source.js';

export interface RenderCommandContext {
  width: number;
  formatFromName(file: string): Format | undefined;
}

export async function renderCommand(argv: string[], context: RenderCommandContext): Promise<number> {
  const args = commandParser(
    argv,
    'audit-data render',
    'audit-data render <report.json> [--format html|markdown|table|json] [--out FILE]\n\nRender a saved JSON report in another format; renderers are pure functions of the report, so the result is what the audit itself would have written.',
  )
    .command('$0 <report>', false)
    .positional('report', { type: 'string', describe: 'a report written with --format json' })
    .option('format', { alias: 'f', choices: FORMATS, describe: 'output format (default: from --out, else table)' })
    .option('out', { alias: 'o', type: 'string', describe: 'write to this file instead of stdout' })
    .option('force', { type: 'boolean', default: false, describe: 'overwrite an existing file' })
    .parseSync() as { report: string; format?: Format; out?: string; force: boolean };
  if (askedForHelp(argv)) return 0;
  const report = readReport(args.report);
  const format = args.format ?? (args.out ? context.formatFromName(args.out) : undefined) ?? 'table';
  const text = await render(report, format, { color: false, width: context.width });
  if (args.out) await writeFileAtomic(args.out, text, { force: args.force, forbidden: [args.report] });
  else process.stdout.write(text);
  return 0;
}

/** A saved JSON report, checked to be one. */
export function readReport(file: string): Report {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw describeFileError(file, error);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${file}: not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const report = value as Partial<Report> | null;
  if (typeof report !== 'object' || report === null || report.schemaVersion !== 1 || !Array.isArray(report.findings) || typeof report.verdict !== 'string') {
    throw new InputError(`${file}: not an audit-data report (a JSON report of schemaVersion 1, written with --format json)`);
  }
  return report as Report;
}
