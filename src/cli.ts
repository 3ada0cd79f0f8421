/**
 * The command line: parse options, run the audit, render, write, exit 0 / 1 / 2.
 * Exit 0: verdict trusted (or nothing at/above --fail-on); 1: review or reject (or findings
 * at/above --fail-on); 2: usage, input, config or internal error, as one line on stderr.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { statSync } from 'node:fs';
import { InputError } from './errors.js';
import { runAuditWithData, DEFAULT_SEED } from './audit.js';
import { loadConfig, type AuditConfig } from './config.js';
import { FORMATS, render, type Format } from './render/index.js';
import { SEVERITIES, severityRank, type Severity } from './engine/finding.js';
import type { Report } from './report/report.js';
import { TOOL_VERSION } from './version.js';
import { writeOutputs } from './output/outputs.js';
import { createProgress } from './progress.js';
import { safeText } from './format.js';

class UsageError extends Error {}

interface CliArgs {
  candidate: string;
  baseline?: string;
  label?: string;
  format: Format;
  out?: string;
  config?: string;
  rules?: string[];
  quarantine?: string;
  emitClean?: string;
  save?: boolean;
  failOn?: Severity;
  seed: number;
  model: boolean;
  delimiter?: string;
  quote?: 'none' | 'double';
  encoding?: 'utf8' | 'latin1';
  maxFieldBytes?: number;
  maxColumns?: number;
  maxDecompressedBytes?: number;
  force: boolean;
  quiet: boolean;
  timeout?: number;
}

function parseArgs(argv: string[]): CliArgs {
  const parser = yargs(argv)
    .scriptName('audit-data')
    .usage('$0 <candidate> [options]\n\nAudit a tabular training dataset (CSV/TSV, .gz) for poisoning and backdoor triggers.')
    .command('$0 <candidate>', false)
    .positional('candidate', { type: 'string', describe: 'the dataset to audit' })
    .option('baseline', { type: 'string', describe: 'a trusted version of the data to compare with' })
    .option('label', { type: 'string', describe: 'the label column (default: by convention, else inferred)' })
    .option('format', { choices: FORMATS, default: 'table' as Format, describe: 'report format' })
    .option('out', { type: 'string', describe: 'write the report to this file (or folder, with a dated name) instead of stdout' })
    .option('save', { type: 'boolean', describe: 'also keep the report in reports/ under a dated name' })
    .option('config', { type: 'string', describe: 'an audit.config.ts (label, column bounds, rule options, model cases)' })
    .option('rules', { type: 'string', array: true, describe: 'extra rule files or folders (.ts or .js)' })
    .option('quarantine', { type: 'string', describe: 'write the suspicious rows (with row numbers and reasons) to this CSV' })
    .option('emit-clean', { type: 'string', describe: 'write the candidate without the suspicious rows to this file' })
    .option('fail-on', { choices: SEVERITIES, describe: 'exit 1 when a finding is at or above this severity (instead of by verdict)' })
    .option('seed', { type: 'number', default: DEFAULT_SEED, describe: 'random seed for sampling and models' })
    .option('model', { type: 'boolean', default: true, describe: 'train reference forests and search for triggers (--no-model to skip)' })
    .option('delimiter', { type: 'string', describe: 'field delimiter (default: detected among , ; tab |)' })
    .option('quote', {
      choices: ['none', 'double'] as const,
      describe: 'double: " quotes fields (RFC 4180); none: " is plain text (default: detected from the first 64 KiB)',
    })
    .option('encoding', { choices: ['utf8', 'latin1'] as const, describe: 'text encoding (default utf8)' })
    .option('max-field-bytes', { type: 'number', describe: 'largest field accepted (default 64 MiB)' })
    .option('max-columns', { type: 'number', describe: 'most columns accepted (default 20000)' })
    .option('max-decompressed-bytes', { type: 'number', describe: 'largest decompressed size of a .gz input (default 16 GiB)' })
    .option('force', { type: 'boolean', default: false, describe: 'allow overwriting existing output files' })
    .option('quiet', { type: 'boolean', default: false, describe: 'no progress on stderr' })
    .option('timeout', { type: 'number', describe: 'give up after this many seconds (checked between stages)' })
    .version(TOOL_VERSION)
    .help()
    .alias('h', 'help')
    .strict()
    .wrap(Math.min(110, process.stdout.columns || 100))
    .exitProcess(false)
    .fail((message, error) => {
      throw new UsageError(message || error?.message || 'invalid arguments');
    });
  const args = parser.parseSync() as unknown as CliArgs & { help?: boolean; version?: boolean };
  if (args.seed !== undefined && !Number.isInteger(args.seed)) throw new UsageError('--seed takes a whole number');
  if (args.timeout !== undefined && !(args.timeout > 0)) throw new UsageError('--timeout takes a positive number of seconds');
  return args;
}

async function main(): Promise<number> {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  const argv = hideBin(process.argv);
  const args = parseArgs(argv);
  if (argv.some((a) => a === '--help' || a === '-h' || a === '--version')) return 0;
  const config: AuditConfig = args.config ? await loadConfig(args.config) : {};
  checkReadable(args.candidate, 'candidate');
  if (args.baseline) checkReadable(args.baseline, 'baseline');
  const progress = createProgress(Boolean(process.stderr.isTTY) && !args.quiet);
  const deadline = args.timeout ? Date.now() + args.timeout * 1000 : Infinity;
  const { report, histograms } = await runAuditWithData({
    candidate: args.candidate,
    baseline: args.baseline,
    label: args.label,
    config,
    rulePaths: args.rules,
    seed: args.seed,
    model: args.model,
    load: {
      delimiter: args.delimiter,
      quote: args.quote,
      encoding: args.encoding,
      maxFieldBytes: args.maxFieldBytes,
      maxColumns: args.maxColumns,
      maxDecompressedBytes: args.maxDecompressedBytes,
      onProgress: (read, total) => progress.loading(read, total),
    },
    onStage: (stage) => {
      if (Date.now() > deadline) throw new InputError(`gave up after ${args.timeout} s (--timeout) before the '${stage}' stage`);
      progress.stage(stage);
    },
  });
  progress.done();
  const useColor = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && args.format === 'table' && !args.out;
  const width = terminalWidth();
  const text = await render(report, args.format, { color: useColor, width, histograms });
  const plainText = useColor ? await render(report, args.format, { color: false, width, histograms }) : text;
  const inputs = [args.candidate, ...(args.baseline ? [args.baseline] : [])];
  await writeOutputs(report, text, plainText, {
    format: args.format,
    out: args.out,
    save: args.save ?? false,
    quarantine: args.quarantine,
    emitClean: args.emitClean,
    force: args.force,
    inputs,
    delimiter: args.delimiter,
    quote: args.quote,
    encoding: args.encoding,
  });
  return exitCode(report, args.failOn ?? config.failOn);
}

function exitCode(report: Report, failOn: Severity | undefined): number {
  if (failOn) return report.findings.some((f) => severityRank(f.severity) >= severityRank(failOn)) ? 1 : 0;
  return report.verdict === 'trusted' ? 0 : 1;
}

function checkReadable(file: string, role: string): void {
  let stat;
  try {
    stat = statSync(file);
  } catch {
    throw new InputError(`${file}: no such file (the ${role})`);
  }
  if (stat.isDirectory()) throw new InputError(`${file}: is a folder, not a file (the ${role})`);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const message =
      error instanceof InputError || error instanceof UsageError
        ? error.message
        : `internal error: ${error instanceof Error ? error.message : String(error)} (please report this)`;
    process.stderr.write(`audit-data: ${oneLine(message)}\n`);
    if (process.env.AUDIT_DATA_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    process.exitCode = 2;
  },
);

/** An error message as one line for stderr: line breaks (and the space around them) become one space, other unsafe characters \uXXXX. */
function oneLine(text: string): string {
  return safeText(text.replace(/\s*\n\s*/g, ' ').trim(), 'escape');
}

/** The terminal's width, else COLUMNS (set by shells, and by users for pipes), else 80. */
function terminalWidth(): number {
  if (process.stdout.isTTY && process.stdout.columns > 0) return process.stdout.columns;
  const columns = Number(process.env.COLUMNS);
  return Number.isInteger(columns) && columns > 0 ? columns : 80;
}
