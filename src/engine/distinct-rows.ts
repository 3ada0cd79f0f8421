/**
 * Heavily repeated data: when most records are exact copies of others (every column equal, label
 * and identifiers included), the rules other than duplicate-rows and the models work on the
 * distinct records, and every row a finding or trigger lists is expanded back to all its copies.
 *
 * Why: a file of 30,000 records repeated 100 times is 3 million rows of the same information. Run
 * row by row, the heavy checks take minutes longer than on 3 million distinct rows, and they read
 * the copies as structure (an identifier shared by 100 rows is no identifier; every record has 99
 * "twins"). The copies themselves are one fact, which duplicate-rows reports on the whole file.
 * Ordinary data (a few natural duplicates) is audited row by row as before: the switch is at
 * DEDUPLICATE_AT_MOST, a majority of copies, not a tuned figure. Coarse data (few columns of few
 * values), where repeats are natural and most records have a near-duplicate, is audited row by
 * row too (src/audit.ts, fineGrained).
 */
import type { DatasetIndexes } from './indexes.js';
import { groupEqualKeys } from './indexes.js';
import { MISSING_CODE, type Column, type LoadedTable, type NonNumericCells } from '../table/table.js';

/** Audit the distinct records when they are at most this share of the rows. */
export const DEDUPLICATE_AT_MOST = 0.5;

export interface DistinctRows {
  /** The first row of each distinct record, ascending. */
  readonly first: Uint32Array;
  /** Per distinct record, its rows in the file: members[offsets[d] .. offsets[d + 1]), ascending. */
  readonly offsets: Uint32Array;
  readonly members: Uint32Array;
  readonly rowCount: number;
}

/**
 * The distinct records of the table (exact: rows grouped by hash are compared cell by cell), or
 * null when more than `atMost` of the rows are distinct (the common case, told by a sort of the
 * row hashes alone).
 */
export function distinctRows(table: LoadedTable, indexes: DatasetIndexes, atMost = 1): DistinctRows | null {
  const rowCount = table.rowCount;
  const columns = table.columns.map((_, i) => i);
  const [hi, lo] = indexes.rowHash(columns);
  if (atMost < 1 && distinctKeys(hi, lo) > atMost * rowCount) return null;
  // The record each row copies: itself, or the first earlier row equal to it in every cell.
  const representative = new Uint32Array(rowCount);
  for (let row = 0; row < rowCount; row++) representative[row] = row;
  for (const group of groupEqualKeys(hi, lo)) {
    group.sort((a, b) => a - b);
    const heads: number[] = [];
    for (const row of group) {
      const head = heads.find((candidate) => sameCells(table.columns, candidate, row));
      if (head === undefined) heads.push(row);
      else representative[row] = head;
    }
  }
  const distinctIndex = new Int32Array(rowCount).fill(-1);
  const first: number[] = [];
  for (let row = 0; row < rowCount; row++) {
    if (representative[row] === row) {
      distinctIndex[row] = first.length;
      first.push(row);
    }
  }
  const offsets = new Uint32Array(first.length + 1);
  for (let row = 0; row < rowCount; row++) offsets[distinctIndex[representative[row]] + 1]++;
  for (let d = 0; d < first.length; d++) offsets[d + 1] += offsets[d];
  const fill = offsets.slice(0, first.length);
  const members = new Uint32Array(rowCount);
  for (let row = 0; row < rowCount; row++) members[fill[distinctIndex[representative[row]]]++] = row;
  return { first: Uint32Array.from(first), offsets, members, rowCount };
}

/** How many distinct 53-bit row keys (as groupEqualKeys forms them): at least the distinct records. */
function distinctKeys(hi: Uint32Array, lo: Uint32Array): number {
  const keys = new Float64Array(hi.length);
  for (let row = 0; row < hi.length; row++) keys[row] = hi[row] * 2097152 + (lo[row] >>> 11);
  keys.sort();
  let distinct = keys.length > 0 ? 1 : 0;
  for (let i = 1; i < keys.length; i++) if (keys[i] !== keys[i - 1]) distinct++;
  return distinct;
}

function sameCells(columns: readonly Column[], a: number, b: number): boolean {
  for (const column of columns) {
    if (column.kind === 'numeric') {
      const x = column.values[a];
      const y = column.values[b];
      if (!(x === y || (Number.isNaN(x) && Number.isNaN(y) && nonNumericText(column.nonNumeric, a) === nonNumericText(column.nonNumeric, b)))) return false;
    } else if (column.codes[a] !== column.codes[b]) return false;
  }
  return true;
}

function nonNumericText(cells: NonNumericCells | undefined, row: number): string | null {
  if (!cells) return null;
  let low = 0;
  let high = cells.rows.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (cells.rows[mid] === row) return cells.tokens[cells.codes[mid]];
    if (cells.rows[mid] < row) low = mid + 1;
    else high = mid - 1;
  }
  return null;
}

/** The table of the distinct records, in file order (their first rows). */
export function distinctTable(table: LoadedTable, distinct: DistinctRows): LoadedTable {
  const rows = distinct.first;
  const columns: Column[] = table.columns.map((column) => {
    if (column.kind === 'numeric') {
      const values = new Float64Array(rows.length);
      let missing = 0;
      for (let i = 0; i < rows.length; i++) {
        values[i] = column.values[rows[i]];
        if (Number.isNaN(values[i])) missing++;
      }
      const nonNumeric = column.nonNumeric ? keptNonNumeric(column.nonNumeric, rows) : undefined;
      return { kind: 'numeric', name: column.name, values, missingCount: missing, ...(nonNumeric ? { nonNumeric } : {}) };
    }
    // Codes are renumbered in order of first appearance, so the dictionary holds only values present.
    const remap = new Map<number, number>();
    const dictionary: string[] = [];
    const codes = new Uint32Array(rows.length);
    let missing = 0;
    for (let i = 0; i < rows.length; i++) {
      const code = column.codes[rows[i]];
      if (code === MISSING_CODE) {
        codes[i] = MISSING_CODE;
        missing++;
        continue;
      }
      let next = remap.get(code);
      if (next === undefined) {
        next = dictionary.length;
        remap.set(code, next);
        dictionary.push(column.dictionary[code]);
      }
      codes[i] = next;
    }
    return { kind: 'text', name: column.name, codes, dictionary, missingCount: missing };
  });
  return { rowCount: rows.length, columns, source: table.source };
}

function keptNonNumeric(cells: NonNumericCells, rows: Uint32Array): NonNumericCells | undefined {
  const position = new Map<number, number>();
  rows.forEach((row, i) => position.set(row, i));
  const kept: number[] = [];
  const codes: number[] = [];
  const remap = new Map<number, number>();
  const tokens: string[] = [];
  cells.rows.forEach((row, k) => {
    const at = position.get(row);
    if (at === undefined) return;
    let code = remap.get(cells.codes[k]);
    if (code === undefined) {
      code = tokens.length;
      remap.set(cells.codes[k], code);
      tokens.push(cells.tokens[cells.codes[k]]);
    }
    kept.push(at);
    codes.push(code);
  });
  return kept.length > 0 ? { rows: Uint32Array.from(kept), codes: Uint32Array.from(codes), tokens } : undefined;
}

/** Rows of the distinct table -> every row of the file they stand for, sorted. */
export function expandRows(rows: readonly number[], distinct: DistinctRows): number[] {
  let total = 0;
  for (const d of rows) total += distinct.offsets[d + 1] - distinct.offsets[d];
  const out = new Uint32Array(total);
  let at = 0;
  for (const d of rows) for (let k = distinct.offsets[d]; k < distinct.offsets[d + 1]; k++) out[at++] = distinct.members[k];
  return Array.from(out.sort());
}
