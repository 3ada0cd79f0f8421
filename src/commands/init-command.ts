/** `audit-data init BASELINE [--label L] [--out FILE] [--force]`: writes a starting config learned from a trusted file. */
import { askedForHelp, commandParser } from './parser.js';
import { InputError, UsageError } from '../errors.js';
import { loadTable } from '../load/load-table.js';
import { inferSchema } from '../schema/schema.js';
import { DatasetIndexes } from '../engine/indexes.js';
import { writeFileAtomic } from '../load/csv-writer.js';
import { initConfigText } from './init.js';

interface InitArgs {
  baseline: string;
  label?: string;
  out: string;
  force: boolean;
  delimiter?: string;
}

export async function initCommand(argv: string[]): Promise<number> {
  const args = commandParser(
    argv,
    'audit-data init',
    'audit-data init <baseline> [--label L] [--out audit.config.ts] [--force]\n\n' +
      'Write a starting audit.config.ts learned from a trusted file: kinds, observed ranges widened by their tails, ' +
      'allowed values of low-cardinality columns, identifier and label columns, with a comment per column to edit.',
  )
    .command('$0 <baseline>', false)
    .positional('baseline', { type: 'string', describe: 'a trusted version of the data' })
    .option('label', { alias: 'l', type: 'string', describe: 'the label column (default: by convention, else inferred)' })
    .option('out', { alias: 'o', type: 'string', default: 'audit.config.ts', describe: 'where to write the config' })
    .option('force', { type: 'boolean', default: false, describe: 'overwrite an existing config' })
    .option('delimiter', { type: 'string', describe: 'field delimiter (default: detected)' })
    .parseSync() as unknown as InitArgs;
  if (askedForHelp(argv)) return 0;
  if (!/\.(ts|mts|js|mjs)$/.test(args.out)) throw new UsageError(`--out ${args.out}: a config is a .ts, .mts, .js or .mjs file`);
  const table = await loadTable(args.baseline, { delimiter: args.delimiter });
  if (args.label !== undefined && !table.columns.some((c) => c.name === args.label)) {
    throw new InputError(`--label ${args.label}: no such column in ${args.baseline}`);
  }
  const schema = inferSchema(table, { label: args.label, labelSource: 'option' });
  const text = initConfigText({ table, schema, indexes: new DatasetIndexes(table, schema) }, { file: args.baseline, date: new Date().toISOString().slice(0, 10) });
  await writeFileAtomic(args.out, text, { force: args.force, forbidden: [args.baseline] });
  const constrained = text.split('\n').filter((line) => /^ {4}\S.*: \{ /.test(line)).length;
  process.stderr.write(`audit-data: wrote ${args.out} (${constrained} columns constrained${schema.label ? `, label ${schema.label.name}` : ''}). Review it, then run audit-data FILE in this folder.\n`);
  return 0;
}
