/**
 * Writes the known poisoned copy of the bundled credit data (the attack of the original
 * write-up: 45% of the DEFAULT=1 rows copied with AGE=999 and appended; fixed seed).
 * Usage: node --import tsx scripts/make-poisoned.ts [SOURCE] [TARGET]
 */
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { knownAttack, readCsv, writeCsv } from './lib/attacks.js';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const source = process.argv[2] ?? path.join(root, 'examples/data/default_credit_card.csv');
const target = process.argv[3] ?? path.join(root, 'examples/data/default_credit_card_poisoned.csv');
const attack = knownAttack(readCsv(source), 'DEFAULT', '1', 'AGE', '999');
writeCsv(target, attack.csv);
process.stdout.write(
  `wrote ${path.relative(process.cwd(), target)}:\n  ${attack.csv.rows.length} rows, ${attack.poisoned.length} poisoned (rows ${attack.poisoned[0]}..${attack.poisoned[attack.poisoned.length - 1]})\n`,
);
