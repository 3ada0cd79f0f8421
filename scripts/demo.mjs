// npm run demo: audits the bundled credit data and its known poisoned copy, as a user would.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
/** The command as a user types it, continued with a backslash where it would pass 80 columns. */
const commandLine = (words) => {
  const lines = ['$ audit-data'];
  for (const word of words) {
    if (lines[lines.length - 1].length + word.length + 3 > 80) lines.push('    ' + word);
    else lines[lines.length - 1] += ' ' + word;
  }
  return lines.join(' \\\n');
};
const run = (args, title) => {
  // The options after the program (args[0] is bin/audit-data.js).
  if (title) process.stdout.write(`\n=== ${title}\n${commandLine(args.slice(1).map((a) => path.relative(root, a) || a))}\n`);
  const result = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: root });
  if (title) process.stdout.write(`(exit code ${result.status})\n`);
  return result.status;
};
const clean = path.join(root, 'examples/data/default_credit_card.csv');
const poisoned = path.join(root, 'examples/data/default_credit_card_poisoned.csv');
const cli = path.join(root, 'bin/audit-data.js');
if (spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts/make-poisoned.ts')], { stdio: 'inherit', cwd: root }).status !== 0) process.exit(2);
// The label is named: a label guessed from the file's shape (here: the last column) gets the
// label-free checks only, and the report says so.
run([cli, clean, '--label', 'DEFAULT'], 'The clean credit data');
run([cli, poisoned, '--label', 'DEFAULT'], 'The known backdoor: 45% of defaulters copied with AGE=999');
run([cli, poisoned, '--label', 'DEFAULT', '--baseline', clean], 'The poisoned copy against the clean file as baseline');
