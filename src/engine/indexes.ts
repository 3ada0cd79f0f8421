/**
 * Indexes built once per dataset and shared by every rule: per-column value indexes
 * (distinct values, per-row value ids, counts, per-class counts) and 64-bit row hashes for
 * duplicate and near-duplicate grouping. Everything is lazy and cached.
 */
import { finalMix32 } from '../util/search.js';
import type { Schema } from '../schema/schema.js';
import { MISSING_CODE, type Column, type Table } from '../table/table.js';
import { sortedPresentIndices } from '../util/radix.js';

export interface ValueIndex {
  readonly column: number;
  readonly numeric: boolean;
  /** Value id per row (index into `values`), MISSING_CODE where the cell is missing. */
  readonly ids: Uint32Array;
  /** Distinct values: ascending numbers for numeric columns, first-seen order for text. */
  readonly values: Float64Array | readonly string[];
  readonly counts: Uint32Array;
  /** counts per (value, class), row-major `value * classCount + class`; null without a label. */
  readonly classCounts: Uint32Array | null;
  readonly present: number;
}

export class DatasetIndexes {
  private readonly valueIndexes = new Map<number, ValueIndex>();
  private readonly cellHashes = new Map<number, [Uint32Array, Uint32Array]>();

  constructor(
    readonly table: Table,
    readonly schema: Schema,
  ) {}

  get rowCount(): number {
    return this.table.rowCount;
  }

  get classCount(): number {
    return this.schema.label?.classes.length ?? 0;
  }

  /** Drops the cell hashes (a pair of 32-bit words per cell) once the rules that need them are done. */
  releaseHashes(): void {
    this.cellHashes.clear();
  }

  valueIndex(column: number): ValueIndex {
    let index = this.valueIndexes.get(column);
    if (!index) {
      index = buildValueIndex(this.table.columns[column], column, this.schema.label?.y ?? null, this.classCount);
      this.valueIndexes.set(column, index);
    }
    return index;
  }

  /** Display value of a value id: number for numeric columns, string otherwise. */
  valueOf(column: number, id: number): number | string {
    const index = this.valueIndex(column);
    return index.values[id];
  }

  /**
   * Two independent 32-bit hashes of each cell of a column, from its value id. Summing them over
   * columns gives a row hash where leaving a column out is a subtraction (DESIGN: "twins cheaply").
   */
  cellHash(column: number): [Uint32Array, Uint32Array] {
    let lanes = this.cellHashes.get(column);
    if (!lanes) {
      const ids = this.valueIndex(column).ids;
      const hi = new Uint32Array(ids.length);
      const lo = new Uint32Array(ids.length);
      for (let row = 0; row < ids.length; row++) {
        hi[row] = mix32(ids[row], column * 2 + 1);
        lo[row] = mix32(ids[row], column * 2 + 0x5bd1e995);
      }
      lanes = [hi, lo];
      this.cellHashes.set(column, lanes);
    }
    return lanes;
  }

  /** Row hash over the given columns, as two lanes (sum of cell hashes modulo 2^32). */
  rowHash(columns: readonly number[]): [Uint32Array, Uint32Array] {
    const hi = new Uint32Array(this.rowCount);
    const lo = new Uint32Array(this.rowCount);
    for (const column of columns) {
      const [cellHi, cellLo] = this.cellHash(column);
      for (let row = 0; row < hi.length; row++) {
        hi[row] = (hi[row] + cellHi[row]) >>> 0;
        lo[row] = (lo[row] + cellLo[row]) >>> 0;
      }
    }
    return [hi, lo];
  }
}

function buildValueIndex(column: Column, columnIndex: number, y: Int32Array | null, classCount: number): ValueIndex {
  const rowCount = column.kind === 'numeric' ? column.values.length : column.codes.length;
  let ids: Uint32Array;
  let values: Float64Array | readonly string[];
  if (column.kind === 'numeric') {
    ({ ids, values } = indexNumbers(column.values));
  } else {
    ids = column.codes;
    values = column.dictionary;
  }
  const counts = new Uint32Array(values.length);
  const classCounts = y && classCount > 0 ? new Uint32Array(values.length * classCount) : null;
  let present = 0;
  for (let row = 0; row < rowCount; row++) {
    const id = ids[row];
    if (id === MISSING_CODE) continue;
    present++;
    counts[id]++;
    if (classCounts && y![row] >= 0) classCounts[id * classCount + y![row]]++;
  }
  return { column: columnIndex, numeric: column.kind === 'numeric', ids, values, counts, classCounts, present };
}

function indexNumbers(values: Float64Array): { ids: Uint32Array; values: Float64Array } {
  const order = sortedPresentIndices(values); // ascending, missing left out, -0 with 0
  const ids = new Uint32Array(values.length).fill(MISSING_CODE);
  const distinct: number[] = [];
  let previous = NaN;
  for (let k = 0; k < order.length; k++) {
    const row = order[k];
    const value = values[row];
    if (distinct.length === 0 || value !== previous) {
      distinct.push(value === 0 ? 0 : value);
      previous = value;
    }
    ids[row] = distinct.length - 1;
  }
  return { ids, values: Float64Array.from(distinct) };
}

function mix32(value: number, salt: number): number {
  return finalMix32(Math.imul(value ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(salt, 0xc2b2ae35));
}

/**
 * Groups rows whose 64-bit keys are equal, keeping only groups of two or more rows. The keys are
 * radix-sorted once (as non-negative doubles) and runs of equal keys are the groups.
 */
export function groupEqualKeys(hi: Uint32Array, lo: Uint32Array, rows?: ArrayLike<number>): number[][] {
  const count = rows ? rows.length : hi.length;
  const keys = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const row = rows ? rows[i] : i;
    keys[i] = hi[row] * 2097152 + (lo[row] >>> 11); // 53 bits, exact in a double
  }
  const order = sortedPresentIndices(keys);
  const groups: number[][] = [];
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && keys[order[end]] === keys[order[start]]) end++;
    if (end - start >= 2) {
      const group: number[] = [];
      for (let k = start; k < end; k++) group.push(rows ? rows[order[k]] : order[k]);
      groups.push(group);
    }
    start = end;
  }
  return groups;
}

/**
 * The rows of each value of a column, grouped (CSR: the rows of value id v are
 * `rows[offsets[v] .. offsets[v + 1]]`, ascending). One pass over the column; lets a caller list
 * the rows of many values without a pass over all rows for each.
 */
export interface RowsByValue {
  readonly column: number;
  readonly offsets: Uint32Array;
  readonly rows: Uint32Array;
}

export function rowsByValue(index: ValueIndex): RowsByValue {
  const offsets = new Uint32Array(index.counts.length + 1);
  for (let id = 0; id < index.counts.length; id++) offsets[id + 1] = offsets[id] + index.counts[id];
  const fill = offsets.slice(0, index.counts.length);
  const rows = new Uint32Array(index.present);
  const ids = index.ids;
  for (let row = 0; row < ids.length; row++) {
    const id = ids[row];
    if (id !== MISSING_CODE) rows[fill[id]++] = row;
  }
  return { column: index.column, offsets, rows };
}

/**
 * `rowsByValue` for one column at a time: asking for another column drops the previous one, so
 * callers that go column by column hold one column's grouping at most.
 */
export function rowsByValueOneAtATime(indexes: DatasetIndexes): (column: number) => RowsByValue {
  let held: RowsByValue | null = null;
  return (column) => {
    if (held?.column !== column) held = rowsByValue(indexes.valueIndex(column));
    return held;
  };
}

/**
 * Value id -> bin: every value its own bin when there are at most 2 x maxBins, else quantile bins
 * (numbers) or the most frequent values plus one bin for the rest (text).
 */
export function valueBins(index: ValueIndex, maxBins: number): { of: Uint32Array; count: number } {
  const distinct = index.counts.length;
  const of = new Uint32Array(distinct);
  if (distinct <= 2 * maxBins) {
    for (let id = 0; id < distinct; id++) of[id] = id;
    return { of, count: Math.max(1, distinct) };
  }
  if (index.numeric) {
    // Values are ascending: cut by cumulative count.
    let seen = 0;
    for (let id = 0; id < distinct; id++) {
      of[id] = Math.min(maxBins - 1, Math.floor((seen * maxBins) / Math.max(1, index.present)));
      seen += index.counts[id];
    }
    return { of, count: maxBins };
  }
  const order = Array.from({ length: distinct }, (_, id) => id).sort((p, q) => index.counts[q] - index.counts[p] || p - q);
  of.fill(maxBins - 1);
  order.slice(0, maxBins - 1).forEach((id, k) => (of[id] = k));
  return { of, count: maxBins };
}
