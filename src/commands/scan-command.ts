/**
 * `audit-data scan PATH... [options]`: audit every dataset found, keep the history under
 * reports/, print what changed. Exit 0 when every dataset passes, 1 when any fails or could not
 * be read, 2 when the scan itself cannot run (usage, no dataset found, reports folder unusable).
 */
import { DEFAULT_SEED } from '../audit.js';
import { resolveConfig } from '../config/load.js';
import { SEVERITIES, type Severity } from '../engine/finding.js';
import { InputError, UsageError } from '../errors.js';
import { statSync } from 'node:fs';
import { describeFileError } from '../load/byte-source.js';
import { writeFileAtomic } from '../load/csv-writer.js';
import { defaultMemoryBudget, parseByteSize } from '../load/memory-budget.js';
import { checkOutputPlan } from '../output/plan.js';
import { scanJunit, scanText } from '../render/scan.js';
import { DEFAULT_ACCEPTED_FILE, readAccepted } from '../scan/accepted.js';
import { DEFAULT_REPORTS_FOLDER } from '../output/save.js';
import { LAST_TRUSTED, runScan } from '../scan/scan.js';
import { DATASET_EXTENSIONS, findDatasets } from '../scan/datasets.js';
import { askedForHelp, commandParser, formatGiven } from './parser.js';
import { createProgress } from '../progress.js';
import { auditSettings } from './audit-options.js';

const SCAN_FORMATS = ['table', 'json', 'junit'] as const;
type ScanFormat = (typeof SCAN_FORMATS)[number];

interface ScanArgs {
  paths: string[];
  baseline?: string;
  label?: string;
  config?: string | false;
  rules?: string[];
  model: boolean;
  seed: number;
  failOn?: Severity;
  reports: string;
  keep?: number;
  accepted: string;
  force: boolean;
  format: ScanFormat;
  out?: string;
  quiet: boolean;
  delimiter?: string;
  quote?: 'none' | 'double';
  encoding?: 'utf8' | 'latin1';
  maxMemory?: string;
}

const USAGE = [
  'audit-data scan <path...> [options]',
  '',
  'Audit every dataset in the files, folders and glob patterns given (CSV, TSV, TXT, gzipped or not), one after another, each against its baseline. ' +
    'Each run keeps a folder under the reports folder (a JSON and HTML report per dataset, scan-summary.json); each report says which findings are new since the last scan, gone, or persisting. ' +
    'A dataset whose bytes, baseline and settings are as at its last scan is not audited again ("unchanged") unless --force.',
  '',
  'Exit codes: 0 every dataset passes; 1 a dataset fails (or cannot be read); 2 the scan cannot run.',
].join('\n');

export async function scanCommand(argv: string[], width: number): Promise<number> {
  const args = commandParser(argv, 'audit-data scan', USAGE, ['paths', 'rules'])
    .command('$0 <paths...>', false)
    .positional('paths', { type: 'string', array: true, describe: 'dataset files, folders or glob patterns' })
    .option('baseline', {
      alias: 'b',
      type: 'string',
      describe: `the trusted file for every dataset, or ${LAST_TRUSTED}: each dataset's content at its last trusted scan (default: the config's baselines mapping, else none)`,
    })
    .option('label', { alias: 'l', type: 'string', describe: 'the label column of every dataset' })
    .option('config', { type: 'string', describe: 'the config (default: audit.config.{ts,mts,js,mjs} in the working folder)' })
    .option('no-config', { type: 'boolean', describe: 'use no config' })
    .option('rules', { type: 'string', array: true, describe: 'extra rule files or folders' })
    .option('model', { type: 'boolean', default: true, hidden: true })
    .option('no-model', { type: 'boolean', describe: 'skip the reference forests and the trigger search' })
    .option('seed', { type: 'number', default: DEFAULT_SEED, describe: 'random seed' })
    .option('fail-on', { choices: SEVERITIES, describe: 'a dataset fails on a finding at or above this severity (default: on a verdict other than trusted)' })
    .option('reports', { type: 'string', default: DEFAULT_REPORTS_FOLDER, describe: 'the history folder' })
    .option('keep', { type: 'number', describe: 'keep only the newest N runs in the history' })
    .option('accepted', { type: 'string', default: DEFAULT_ACCEPTED_FILE, describe: 'the accepted-findings file (written by audit-data accept)' })
    .option('force', { type: 'boolean', default: false, describe: 'audit every dataset again, even when nothing changed' })
    .option('format', { alias: 'f', choices: SCAN_FORMATS, default: 'table' as ScanFormat, describe: 'table, json (the run summary) or junit' })
    .option('out', { alias: 'o', type: 'string', describe: 'write the output to this file (replaced each run) instead of stdout; .xml means junit, .json json' })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'no progress on stderr' })
    .option('delimiter', { type: 'string', describe: 'field delimiter (default: detected)' })
    .option('quote', { choices: ['none', 'double'] as const, describe: 'quoting (default: detected)' })
    .option('encoding', { choices: ['utf8', 'latin1'] as const, describe: 'text encoding (default utf8)' })
    .option('max-memory', { type: 'string', describe: 'memory each audit may use, e.g. 4G (default: 80% of the available memory)' })
    .example('$0 deliveries/ -b trusted/base.csv', 'every file of a folder against one baseline')
    .example(`$0 'data/*.csv' -b ${LAST_TRUSTED} -f junit -o junit.xml`, 'nightly: each file against its last trusted version, JUnit for CI')
    .parseSync() as unknown as ScanArgs;
  if (askedForHelp(argv)) return 0;
  // yargs drops a lone `-`; it would mean standard input.
  if (argv.includes('-') || args.paths.length === 0) throw new UsageError('scan reads files and folders, not standard input; pipe one dataset into audit-data - instead');
  const named = args.out ? formatFromName(args.out) : undefined;
  if (named && formatGiven(argv) && named !== args.format) throw new UsageError(`--out ${args.out} names a ${named} file but --format is ${args.format}; drop one of them`);
  if (named) args.format = named;
  if (args.keep !== undefined && !(Number.isSafeInteger(args.keep) && args.keep > 0)) throw new UsageError(`--keep takes a positive whole number of runs (got ${String(args.keep)})`);
  if (!Number.isSafeInteger(args.seed)) throw new UsageError('--seed takes a whole number');
  if (args.maxMemory !== undefined && parseByteSize(args.maxMemory) === null) throw new UsageError(`--max-memory takes a size such as 4G (got ${args.maxMemory})`);
  const resolved = await resolveConfig(args.config);
  const { config, file: configFile } = resolved;
  const baseline = args.baseline === LAST_TRUSTED ? undefined : args.baseline;
  // A baseline that cannot be read would fail every dataset: it is the scan's own error.
  for (const [file, what] of [
    ...(baseline ? [[baseline, '--baseline']] : []),
    ...Object.entries(config.baselines ?? {}).map(([pattern, file]) => [file, `the config's baselines['${pattern}']`]),
  ]) {
    try {
      if (!statSync(file!).isFile()) throw new InputError(`${what}: ${file} is not a file`);
    } catch (error) {
      if (error instanceof InputError) throw error;
      throw new InputError(`${what}: ${describeFileError(file!, error).message}`);
    }
  }
  checkOutputPlan({
    targets: args.out ? [{ option: '--out', file: args.out }] : [],
    folders: [{ option: '--reports', folder: args.reports, create: true }],
    force: true,
    inputs: [baseline, configFile, args.accepted, ...(args.rules ?? [])].filter((f): f is string => typeof f === 'string'),
  });
  const datasets = await findDatasets(args.paths, { exclude: [args.reports] });
  if (datasets.targets.length + datasets.missing.length === 0) {
    throw new UsageError(`no dataset found in ${args.paths.join(' ')} (looked for ${DATASET_EXTENSIONS.map((e) => `.${e}`).join(' ')} files)`);
  }
  for (const pattern of datasets.empty) process.stderr.write(`audit-data: ${pattern}: no dataset found there\n`);
  if (args.out) checkOutputPlan({ targets: [{ option: '--out', file: args.out }], folders: [], force: true, inputs: datasets.targets.map((t) => t.file) });
  const accepted = await readAccepted(args.accepted);
  // On a terminal: which dataset, then the audit's own bars (src/progress.ts).
  const bars = createProgress(Boolean(process.stderr.isTTY) && !args.quiet);
  let current = '';
  const result = await runScan({
    datasets,
    reportsFolder: args.reports,
    baseline: args.baseline,
    audit: auditSettings(args, resolved, bars, { maxMemoryBytes: args.maxMemory !== undefined ? parseByteSize(args.maxMemory)! : defaultMemoryBudget() }),
    failOn: args.failOn ?? config.failOn,
    force: args.force,
    keep: args.keep,
    accepted,
    onDataset: ({ index, total, dataset, phase }) => {
      current = `${index + 1}/${total} ${dataset}`;
      if (phase === 'start') bars.stage(`scanning ${current}`);
    },
    onStage: (stage) => bars.stage(`${current}: ${stage}`),
  });
  bars.done();
  const text =
    args.format === 'junit'
      ? scanJunit(result.record)
      : args.format === 'json'
        ? JSON.stringify({ ...result.record, runFolder: result.runFolder }, null, 2) + '\n'
        : scanText({ record: result.record, runFolder: result.runFolder }, width);
  if (args.out) await writeFileAtomic(args.out, text, { force: true, forbidden: datasets.targets.map((t) => t.file) });
  else process.stdout.write(text);
  return result.record.datasets.every((entry) => entry.status === 'pass') ? 0 : 1;
}

/** The format an output name asks for: junit.xml, summary.json, scan.txt. */
function formatFromName(file: string): ScanFormat | undefined {
  const extension = /\.([a-z]+)$/i.exec(file)?.[1]?.toLowerCase();
  return extension === 'xml' ? 'junit' : extension === 'json' ? 'json' : extension === 'txt' ? 'table' : undefined;
}
