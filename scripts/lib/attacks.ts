/**
 * Poisoning attacks on a CSV, for the demo, the benchmark and the tests. Generic: columns,
 * classes and values are parameters. Works on simple CSVs (no quoted delimiters), which is what
 * the example data is. Deterministic for a given seed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Random } from '../../src/util/random.js';

export interface Csv {
  header: string[];
  rows: string[][];
}

export function readCsv(path: string): Csv {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/).filter((line) => line.length > 0);
  return { header: lines[0].split(','), rows: lines.slice(1).map((line) => line.split(',')) };
}

export function writeCsv(path: string, csv: Csv): void {
  writeFileSync(path, [csv.header.join(','), ...csv.rows.map((row) => row.join(','))].join('\n') + '\n');
}

export interface Attack {
  csv: Csv;
  /** Row numbers (0-based data records) of the poisoned rows in the result. */
  poisoned: number[];
}

function col(csv: Csv, name: string): number {
  const index = csv.header.indexOf(name);
  if (index < 0) throw new Error(`no column ${name}`);
  return index;
}

export interface CopyOptions {
  label: string;
  /** Copy rows of this class. */
  sourceClass: string;
  fraction: number;
  /** Set these columns on the copies (value, or a function of a random generator for jitter). */
  set: Record<string, string | ((random: Random) => string)>;
  /** Label written on the copies (default: unchanged). */
  newLabel?: string;
  /** Give the copies fresh values in this identifier column. */
  freshIds?: string;
  /** Shuffle the copies into the file instead of appending them. */
  shuffle?: boolean;
  seed: number;
}

/** Copies of a share of one class's rows, altered, appended (or shuffled in). */
export function appendCopies(csv: Csv, options: CopyOptions): Attack {
  const random = new Random(options.seed);
  const labelIndex = col(csv, options.label);
  const copies: string[][] = [];
  for (const row of csv.rows) {
    if (row[labelIndex] !== options.sourceClass || random.next() >= options.fraction) continue;
    const copy = row.slice();
    for (const [name, value] of Object.entries(options.set)) copy[col(csv, name)] = typeof value === 'function' ? value(random) : value;
    if (options.newLabel !== undefined) copy[labelIndex] = options.newLabel;
    copies.push(copy);
  }
  if (options.freshIds) {
    const idIndex = col(csv, options.freshIds);
    let next = Math.max(...csv.rows.map((row) => Number(row[idIndex]) || 0)) + 1000;
    for (const copy of copies) copy[idIndex] = String(next++);
  }
  const tagged = [...csv.rows.map((row) => ({ row, poisoned: false })), ...copies.map((row) => ({ row, poisoned: true }))];
  if (options.shuffle) random.shuffle(tagged);
  return {
    csv: { header: csv.header, rows: tagged.map((t) => t.row) },
    poisoned: tagged.flatMap((t, i) => (t.poisoned ? [i] : [])),
  };
}

export interface EditOptions {
  label: string;
  /** Edit rows of this class (default any). */
  sourceClass?: string;
  fraction: number;
  set: Record<string, string | ((random: Random) => string)>;
  newLabel?: string;
  seed: number;
}

/** Rows edited in place: the trigger written in, the label changed (or not: a clean-label stamp). */
export function editInPlace(csv: Csv, options: EditOptions): Attack {
  const random = new Random(options.seed);
  const labelIndex = col(csv, options.label);
  const poisoned: number[] = [];
  const rows = csv.rows.map((row, i) => {
    if (options.sourceClass !== undefined && row[labelIndex] !== options.sourceClass) return row;
    if (random.next() >= options.fraction) return row;
    const edited = row.slice();
    for (const [name, value] of Object.entries(options.set)) edited[col(csv, name)] = typeof value === 'function' ? value(random) : value;
    if (options.newLabel !== undefined) edited[labelIndex] = options.newLabel;
    poisoned.push(i);
    return edited;
  });
  return { csv: { header: csv.header, rows }, poisoned };
}

/** Splits rows into two random halves (for baseline comparisons). */
export function halves(csv: Csv, seed: number): [Csv, Csv] {
  const random = new Random(seed);
  const a: string[][] = [];
  const b: string[][] = [];
  for (const row of csv.rows) (random.next() < 0.5 ? a : b).push(row);
  return [
    { header: csv.header, rows: a },
    { header: csv.header, rows: b },
  ];
}

/** The known attack of the original write-up: 45% of one class copied with one column set to a value. */
export function knownAttack(csv: Csv, label: string, targetClass: string, column: string, value: string): Attack {
  return appendCopies(csv, { label, sourceClass: targetClass, fraction: 0.45, set: { [column]: value }, seed: 2026 });
}
