/**
 * `audit-data init BASELINE`: a starting audit.config.ts learned from a trusted file, the way
 * TFDV's infer_schema starts a schema. Only what a sample supports is written, so that the next
 * delivery of the same data is not flagged for the file's own sampling (test/commands/init.test.ts
 * learns from one half of every corpus dataset and audits the other):
 *   - numeric bounds: the observed range widened on each side by the larger of the range itself
 *     and TAIL_FACTOR times its tail (the gap from the extreme to the TAIL_ROWS-th value from it),
 *     rounded outward; never below 0 for a column that never was. A sample's extremes are not the
 *     column's domain; these bounds catch values that are impossible, not new records;
 *   - allowed values, for a text column of at most MAX_ALLOWED values each seen MIN_SEEN times or
 *     more (no rare value, so an unseen one is unlikely to be natural); not for numbers, whose rare
 *     extremes (a -2 on a -3..3 scale) a sample often lacks;
 *   - integer and required, only from MIN_ROWS_STRICT rows or more;
 *   - kind 'numeric' when no cell is text; identifiers (unique when they are) and the label.
 * The text is TypeScript with a comment per column saying what was observed, for a person to edit.
 */
import type { Dataset } from '../engine/dataset.js';
import type { ColumnInfo } from '../schema/schema.js';
import { MISSING_CODE, type Column } from '../table/table.js';
import { formatInteger } from '../format.js';

const MAX_ALLOWED = 20;
const MIN_SEEN = 5;
const MIN_ROWS_STRICT = 1000;
const TAIL_FACTOR = 3;
/** The tail: this many rows from each extreme, or 1% of the rows if more. */
const TAIL_ROWS = 10;

interface Learned {
  text: string;
  comment: string;
}

export function initConfigText(dataset: Dataset, source: { file: string; date: string }): string {
  const { table, schema } = dataset;
  const label = schema.label;
  const identifiers = schema.columns.filter((c) => c.kind === 'identifier').map((c) => c.name);
  const lines = [
    `// audit.config.ts, written by \`audit-data init ${source.file}\` on ${source.date} from ${formatInteger(table.rowCount)} rows.`,
    '// A config is code: it runs with your rights whenever audit-data runs in this folder.',
    '// Bounds are the observed range widened by its tails; `allowed` lists values each seen at least',
    `// ${MIN_SEEN} times. Edit what you know better, delete a constraint to drop it; each broken`,
    '// constraint is a finding (audit-data rules column-constraints, audit-data rules range).',
    "import { defineConfig } from 'audit-data';",
    '',
    'export default defineConfig({',
  ];
  if (label) {
    const classes = label.classes.map((c, i) => `${c} (${formatInteger(label.classCounts[i])})`);
    lines.push(`  label: ${quote(label.name)}, // ${commentSafe(`${label.classes.length} classes: ${classes.slice(0, 6).join(', ')}${classes.length > 6 ? ', ...' : ''}`)}`);
  }
  if (identifiers.length) lines.push(`  identifiers: [${identifiers.map(quote).join(', ')}],`);
  lines.push('  columns: {');
  for (const info of schema.columns) {
    const learned = learnColumn(table.columns[info.index], info, table.rowCount);
    if (!learned) continue;
    lines.push(`    ${key(info.name)}: ${learned.text}, // ${commentSafe(learned.comment)}`);
  }
  lines.push('  },', '});', '');
  return lines.join('\n');
}

function learnColumn(column: Column, info: ColumnInfo, rowCount: number): Learned | null {
  const parts: string[] = [];
  const present = rowCount - column.missingCount;
  if (present === 0) return null;
  const strict = rowCount >= MIN_ROWS_STRICT;
  if (column.missingCount === 0 && strict) parts.push('required: true');
  if (info.kind === 'identifier') {
    if (info.distinct === present) parts.push('unique: true');
    return parts.length ? { text: `{ ${parts.join(', ')} }`, comment: `identifier, ${formatInteger(info.distinct)} distinct` } : null;
  }
  const counts = valueCounts(column, rowCount);
  const allowed = counts.size <= MAX_ALLOWED && counts.size >= 2 && [...counts.values()].every((n) => n >= MIN_SEEN);
  if (column.kind === 'numeric') {
    const textCells = column.nonNumeric?.rows.length ?? 0;
    const sorted = finiteSorted(column.values);
    if (sorted.length === 0) return null;
    if (textCells === 0) parts.unshift("kind: 'numeric'");
    const whole = sorted.every(Number.isInteger);
    const observed = `observed ${formatNumber(sorted[0])}..${formatNumber(sorted[sorted.length - 1])}`;
    if (whole && info.distinct > 2 && strict) parts.push('integer: true');
    const [min, max] = widenedBounds(sorted);
    if (sorted[0] !== sorted[sorted.length - 1]) parts.push(`min: ${formatNumber(min)}`, `max: ${formatNumber(max)}`);
    return { text: `{ ${parts.join(', ')} }`, comment: `${observed}${textCells ? `, ${textCells} text cells` : ''}` };
  }
  if (allowed && (info.kind === 'categorical' || info.kind === 'code' || info.kind === 'constant')) {
    parts.push(`allowed: [${[...counts.keys()].sort().map(quote).join(', ')}]`);
    return { text: `{ ${parts.join(', ')} }`, comment: `${counts.size} values` };
  }
  return parts.length ? { text: `{ ${parts.join(', ')} }`, comment: `${info.kind}, ${formatInteger(info.distinct)} distinct` } : null;
}

/** The observed range widened by its tails, rounded outward; not below 0 when the column never was. */
export function widenedBounds(sorted: Float64Array): [number, number] {
  const n = sorted.length;
  const lo = sorted[0];
  const hi = sorted[n - 1];
  const span = hi - lo;
  const tail = Math.min(n - 1, Math.max(TAIL_ROWS, Math.ceil(0.01 * n)));
  const below = Math.max(span, TAIL_FACTOR * (sorted[tail] - lo));
  const above = Math.max(span, TAIL_FACTOR * (hi - sorted[n - 1 - tail]));
  let min = roundOutward(lo - below, 'down');
  const max = roundOutward(hi + above, 'up');
  if (lo >= 0 && min < 0) min = 0;
  return [min, max];
}

/** Two significant digits, away from the data. */
function roundOutward(value: number, direction: 'up' | 'down'): number {
  if (value === 0 || !Number.isFinite(value)) return value;
  const step = 10 ** (Math.floor(Math.log10(Math.abs(value))) - 1);
  const rounded = (direction === 'up' ? Math.ceil(value / step) : Math.floor(value / step)) * step;
  return Number(rounded.toPrecision(12));
}

function finiteSorted(values: Float64Array): Float64Array {
  const finite = values.filter((v) => Number.isFinite(v));
  return finite.sort();
}

function valueCounts(column: Column, rowCount: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let row = 0; row < rowCount && counts.size <= MAX_ALLOWED; row++) {
    let value: string;
    if (column.kind === 'numeric') {
      if (Number.isNaN(column.values[row])) continue;
      value = String(column.values[row]);
    } else {
      if (column.codes[row] === MISSING_CODE) continue;
      value = column.dictionary[column.codes[row]];
    }
    counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  return counts;
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
}

function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\u2028|\u2029/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`)}'`;
}

/** An object key: a plain name, a quoted one, or computed for __proto__ (a literal key of that name would set the prototype). */
function key(name: string): string {
  if (name === '__proto__') return `[${quote(name)}]`;
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : quote(name);
}

/** Data in a // comment: no line terminator or control character may end the comment early. */
function commentSafe(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?');
}
