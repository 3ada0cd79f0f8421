/**
 * The command line: parse options, run the audit, render, write, exit 0 / 1 / 2.
 * Exit 0: verdict trusted (or nothing at/above --fail-on); 1: review or reject (or findings
 * at/above --fail-on); 2: usage, input, config or internal error, as one line on stderr.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { InputError, UsageError } from './errors.js';
import { runAudit, DEFAULT_SEED } from './audit.js';
import { resolveConfig } from './config/load.js';
import { FORMATS, render, type Format } from './render/index.js';
import { SEVERITIES, severityRank, type Severity } from './engine/finding.js';
import type { Report } from './report/report.js';
import { TOOL_VERSION } from './version.js';
import { isDirectory, writeOutputs } from './output/outputs.js';
import { checkOutputPlan } from './output/plan.js';
import { DEFAULT_REPORTS_FOLDER } from './output/save.js';
import { inputFile } from './load/spool.js';
import { defaultMemoryBudget, parseByteSize } from './load/memory-budget.js';
import { inheritedDeadline, runWatched } from './watchdog.js';
import { createProgress } from './progress.js';
import { safeText } from './format.js';
import { addUserRules, allChecks, loadBuiltinRules } from './engine/registry.js';
import { describeCheck, listChecks } from './commands/rules.js';
import { initCommand } from './commands/init-command.js';
import { renderCommand } from './commands/render-command.js';
import { diffCommand } from './commands/diff-command.js';
import { scanCommand } from './commands/scan-command.js';
import { acceptCommand } from './commands/accept-command.js';
import { askedForHelp, commandParser, formatGiven, lastWins } from './commands/parser.js';
import { auditSettings } from './commands/audit-options.js';


interface CliArgs {
  candidate: string;
  baseline?: string;
  label?: string;
  format: Format;
  out?: string;
  config?: string | false;
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
  maxMemory?: string;
  force: boolean;
  quiet: boolean;
  timeout?: number;
}

const EPILOG = `Commands:
  audit-data rules [ID]        list the rules and checks, or print one in full
  audit-data init <baseline>   write an audit.config.ts learned from a file
  audit-data render <report>   a saved JSON report in another format
  audit-data diff <old> <new>  what changed between two saved reports
  audit-data scan <path...>    audit many datasets, keep a history, say what is new
  audit-data accept <report>   record findings as accepted (reviewed)

Exit codes:
  0  verdict trusted (with --fail-on: nothing at or above that severity)
  1  verdict review or reject (with --fail-on: a finding at or above it)
  2  usage, input, config or internal error, one line on stderr

Environment:
  COLUMNS                report width when stdout is not a terminal (80)
  NO_COLOR               no colour
  AUDIT_DATA_WORKERS=0   train the forests in one thread (same report)
  AUDIT_DATA_DEBUG=1     add the stack trace to an internal error

Configs and --rules modules are code: they run with your rights.
JSON contract: docs/report.md. Rules and options: audit-data rules.`;

/** yargs reads a lone `-` as an empty string; it stands for standard input, so it passes through as this. */
const DASH = '\u0000-';

function parseArgs(given: string[]): CliArgs {
  const argv = given.map((arg) => (arg === '-' ? DASH : arg));
  const parser = lastWins(yargs(argv), ['rules'])
    .scriptName('audit-data')
    .usage('$0 <candidate> [options]\n\nAudit a tabular training dataset (CSV/TSV, .gz) for poisoning and backdoor triggers.')
    .command('$0 [candidate]', false)
    .positional('candidate', { type: 'string', describe: 'the dataset to audit (- for standard input)' })
    .option('baseline', { alias: 'b', type: 'string', describe: 'a trusted version of the data to compare with' })
    .option('label', { alias: 'l', type: 'string', describe: 'the label column (default: by convention, else inferred)' })
    .option('delimiter', { type: 'string', describe: 'field delimiter (default: detected among , ; tab |)' })
    .option('quote', {
      choices: ['none', 'double'] as const,
      describe: 'double: " quotes fields (RFC 4180); none: " is plain text (default: detected from the first 64 KiB)',
    })
    .option('encoding', { choices: ['utf8', 'latin1'] as const, describe: 'text encoding (default utf8)' })
    .group(['baseline', 'label', 'delimiter', 'quote', 'encoding'], 'Input:')
    .option('config', {
      type: 'string',
      describe: 'the config to use (default: audit.config.{ts,mts,js,mjs} in the working folder)',
    })
    .option('no-config', { type: 'boolean', describe: 'use no config, even if the working folder has one' })
    .option('rules', { type: 'string', array: true, describe: 'extra rule files or folders (.ts, .mts, .js, .mjs)' })
    // Shown as --no-model below: the forests are on unless turned off.
    .option('model', { type: 'boolean', default: true, hidden: true })
    .option('no-model', { type: 'boolean', describe: 'skip the reference forests and the trigger search' })
    .option('seed', { type: 'number', default: DEFAULT_SEED, describe: 'random seed for sampling and models' })
    .option('fail-on', { choices: SEVERITIES, describe: 'exit 1 when a finding is at or above this severity (instead of by verdict)' })
    .group(['config', 'no-config', 'rules', 'no-model', 'seed', 'fail-on'], 'Checks:')
    .option('format', { alias: 'f', choices: FORMATS, default: 'table' as Format, describe: 'report format' })
    .option('out', { alias: 'o', type: 'string', describe: 'write the report to this file (or folder, with a dated name) instead of stdout' })
    .option('save', { type: 'boolean', describe: 'also keep the report in reports/ under a dated name' })
    .option('quarantine', { type: 'string', describe: 'write the suspicious rows (with row numbers and reasons) to this CSV' })
    .option('emit-clean', { type: 'string', describe: 'write the candidate without the suspicious rows to this file' })
    .option('force', { type: 'boolean', default: false, describe: 'allow overwriting existing output files' })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'no progress on stderr' })
    .group(['format', 'out', 'save', 'quarantine', 'emit-clean', 'force', 'quiet'], 'Output:')
    .option('max-field-bytes', { type: 'number', describe: 'largest field accepted (default 64 MiB)' })
    .option('max-columns', { type: 'number', describe: 'most columns accepted (default 20000)' })
    .option('max-decompressed-bytes', { type: 'number', describe: 'largest decompressed size of a .gz input (default 16 GiB)' })
    .option('max-memory', { type: 'string', describe: 'memory the run may use, e.g. 4G (default: 80% of the available memory)' })
    .option('timeout', { type: 'number', describe: 'give up after this many seconds (the whole run, config and rule code included)' })
    .group(['max-field-bytes', 'max-columns', 'max-decompressed-bytes', 'max-memory', 'timeout'], 'Limits:')
    .example('$0 data.csv -l target', 'report on the terminal')
    .example('$0 data.csv -b good.csv', 'compare with a trusted file')
    .example('$0 data.csv -f json', 'one JSON document on stdout')
    .example('$0 data.csv -o report.html', 'a report for a reviewer (format from .html)')
    .example('$0 data.csv --quarantine bad.csv', 'the suspicious rows as CSV')
    .example('$0 data.csv --fail-on high', 'CI: fail on high or critical')
    .epilog(EPILOG)
    .version(TOOL_VERSION)
    .help()
    .alias('h', 'help')
    .strict()
    .wrap(Math.min(110, terminalWidth()))
    .exitProcess(false)
    .fail((message, error) => {
      // yargs calls a second file name an unknown argument; say what is wrong.
      const extra = /^Unknown arguments?: (.*)$/.exec(message ?? '')?.[1]?.split(', ') ?? [];
      if (extra.length > 0 && extra.every((arg) => !arg.startsWith('-') && given.includes(arg))) {
        throw new UsageError(`one dataset per run (also given: ${extra.join(' ')}); --baseline names the trusted one`);
      }
      throw new UsageError(message || error?.message || 'invalid arguments');
    });
  const args = parser.parseSync() as unknown as CliArgs & { _: (string | number)[]; help?: boolean; version?: boolean };
  for (const [key, value] of Object.entries(args)) if (value === DASH) (args as unknown as Record<string, unknown>)[key] = '-';
  args._ = args._.map((arg) => (arg === DASH ? '-' : arg));
  if (argv.some((a) => a === '--help' || a === '-h' || a === '--version')) return args;
  // After `--` every argument is a file name, even one that starts with a dash.
  const afterDashes = given.includes('--') ? given.slice(given.indexOf('--') + 1) : [];
  if (args.candidate === undefined && afterDashes.length > 0) args.candidate = afterDashes[0];
  const extra = args._.map(String).filter((arg) => args.candidate !== arg);
  if (args.candidate === undefined) throw new UsageError('give the dataset to audit: audit-data FILE (or - for standard input); --help lists the options');
  if (extra.length > 0) throw new UsageError(`one dataset per run (also given: ${extra.join(' ')}); --baseline names the trusted one`);
  if (!Number.isSafeInteger(args.seed)) throw new UsageError('--seed takes a whole number');
  if (args.timeout !== undefined && !(Number.isFinite(args.timeout) && args.timeout > 0)) throw new UsageError('--timeout takes a positive number of seconds');
  for (const [name, value] of [
    ['--max-field-bytes', args.maxFieldBytes],
    ['--max-columns', args.maxColumns],
    ['--max-decompressed-bytes', args.maxDecompressedBytes],
  ] as const) {
    if (value !== undefined && !(Number.isSafeInteger(value) && value > 0)) throw new UsageError(`${name} must be a positive whole number (got ${String(value)})`);
  }
  if (args.maxMemory !== undefined && parseByteSize(args.maxMemory) === null) {
    throw new UsageError(`--max-memory takes a size such as 4G, 512M or a number of bytes (got ${args.maxMemory})`);
  }
  return args;
}

async function main(): Promise<number> {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  const argv = hideBin(process.argv);
  if (argv[0] === 'rules') return rulesCommand(argv.slice(1));
  if (argv[0] === 'init') return initCommand(argv.slice(1));
  if (argv[0] === 'render') return renderCommand(argv.slice(1), { width: terminalWidth(), formatFromName });
  if (argv[0] === 'diff') return diffCommand(argv.slice(1), terminalWidth());
  if (argv[0] === 'scan') return scanCommand(argv.slice(1), terminalWidth());
  if (argv[0] === 'accept') return acceptCommand(argv.slice(1));
  const args = parseArgs(argv);
  const named = args.out ? formatFromName(args.out) : undefined;
  if (named && formatGiven(argv) && named !== args.format) {
    throw new UsageError(`--out ${args.out} names a ${named} file but --format is ${args.format}; drop one of them`);
  }
  if (named) args.format = named;
  if (argv.some((a) => a === '--help' || a === '-h' || a === '--version')) return 0;
  const inherited = inheritedDeadline();
  if (args.timeout && inherited === null) return runWatched(args.timeout);
  const resolved = await resolveConfig(args.config);
  const { config, file: configFile } = resolved;
  if (args.candidate === '-' && args.baseline === '-') throw new UsageError('only one input can be standard input (-)');
  checkOutputPlan({
    targets: [
      ...(args.out && !isDirectory(args.out) ? [{ option: '--out', file: args.out }] : []),
      ...(args.quarantine ? [{ option: '--quarantine', file: args.quarantine }] : []),
      ...(args.emitClean ? [{ option: '--emit-clean', file: args.emitClean }] : []),
    ],
    folders: [
      ...(args.out && isDirectory(args.out) ? [{ option: '--out', folder: args.out, create: false }] : []),
      ...(args.save ? [{ option: '--save', folder: DEFAULT_REPORTS_FOLDER, create: true }] : []),
    ],
    force: args.force,
    inputs: [args.candidate, args.baseline, args.config || configFile, ...(args.rules ?? [])].filter((f): f is string => typeof f === 'string' && f !== '-'),
  });
  const memoryBudget = args.maxMemory !== undefined ? parseByteSize(args.maxMemory)! : defaultMemoryBudget();
  const candidate = await inputFile(args.candidate, 'candidate', memoryBudget);
  const baseline = args.baseline ? await inputFile(args.baseline, 'baseline', memoryBudget) : null;
  const progress = createProgress(Boolean(process.stderr.isTTY) && !args.quiet);
  const deadline = inherited ?? Infinity;
  const report = await runAudit({
    ...auditSettings(args, resolved, progress, {
      maxFieldBytes: args.maxFieldBytes,
      maxColumns: args.maxColumns,
      maxDecompressedBytes: args.maxDecompressedBytes,
      maxMemoryBytes: memoryBudget,
    }),
    candidate: candidate.file,
    baseline: baseline?.file,
    onStage: (stage) => {
      if (Date.now() > deadline) throw new InputError(`gave up after ${args.timeout} s (--timeout) before the '${stage}' stage`);
      progress.stage(stage);
    },
  });
  progress.done();
  // The report names the inputs as given; a spooled stream's bytes stay in its temporary copy.
  report.candidate.path = candidate.shown;
  if (report.baseline && baseline) report.baseline.path = baseline.shown;
  const useColor = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && args.format === 'table' && !args.out;
  const width = terminalWidth();
  const text = await render(report, args.format, { color: useColor, width });
  const plainText = useColor ? await render(report, args.format, { color: false, width }) : text;
  const inputs = [candidate.file, ...(baseline ? [baseline.file] : []), ...(configFile ? [configFile] : [])];
  await writeOutputs(report, text, plainText, {
    source: candidate.file,
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

/** `audit-data rules [ID] [--rules PATH...]`: the rules and checks, or one in full. */
async function rulesCommand(argv: string[]): Promise<number> {
  const args = commandParser(argv, 'audit-data rules', 'audit-data rules [ID] [--rules PATH...]\n\nList every rule and later-stage check, or print one in full.', ['rules'])
    .command('$0 [id]', false)
    .positional('id', { type: 'string', describe: 'a rule or check id' })
    .option('rules', { type: 'string', array: true, describe: 'also list the rules in these files or folders' })
    .parseSync() as { _: (string | number)[]; id?: string; rules?: string[] };
  if (askedForHelp(argv)) return 0;
  if (args._.length > 0) throw new UsageError(`rules takes one rule id at most (got ${[args.id, ...args._].join(' ')})`);
  const rules = await loadBuiltinRules();
  const builtIn = new Set(rules.keys());
  if (args.rules?.length) await addUserRules(rules, args.rules);
  const checks = allChecks(rules);
  const width = terminalWidth();
  process.stdout.write(args.id === undefined ? listChecks(checks, builtIn, width) : describeCheck(checks, args.id, width));
  return 0;
}


/** The format an output name asks for: report.html, report.json, report.md. */
function formatFromName(file: string): Format | undefined {
  const extension = /\.([a-z]+)$/i.exec(file)?.[1]?.toLowerCase();
  return extension === 'html' || extension === 'htm' ? 'html' : extension === 'json' ? 'json' : extension === 'md' || extension === 'markdown' ? 'markdown' : undefined;
}

function exitCode(report: Report, failOn: Severity | undefined): number {
  if (failOn) return report.findings.some((f) => severityRank(f.severity) >= severityRank(failOn)) ? 1 : 0;
  return report.verdict === 'trusted' ? 0 : 1;
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
