/**
 * Near-duplicate "twins": rows equal to another row in every feature column but one (the label
 * may differ too: "dirty-label twins"). Found with additive row hashes: the hash without column c is the row hash minus c's cell
 * hash, so each column costs one sort of the keys (near-linear in rows, no pairwise compare).
 */
import { groupEqualKeys, type DatasetIndexes, type ValueIndex } from '../engine/indexes.js';
import { eachColumn } from '../progress-events.js';
import { MISSING_CODE } from '../table/table.js';

export interface ColumnTwins {
  column: number;
  /** Per value id of the column: how many rows with that value have a twin that differs in this column only. */
  twinsByValue: Uint32Array;
  /** Whether each row has such a twin. */
  hasTwin: Uint8Array;
  /** Rows with a twin that differs in this column and in the label. */
  dirtyLabelTwins: Uint8Array | null;
  totalTwinRows: number;
  /** Groups of rows equal in every other feature that hold two or more values of the column. */
  groups: number;
  /**
   * Sizes of all groups of two or more rows equal in every other feature, including those whose
   * rows agree in this column too: size -> number of such groups (the null model of the
   * near-duplicates rule reshuffles the column over these groups).
   */
  groupSizes: Map<number, number>;
}

export function findTwins(indexes: DatasetIndexes, featureColumns: readonly number[], labelColumn: number | null): ColumnTwins[] {
  // Grouping ignores the label as well, so that copies whose label was changed too are found.
  const [hi, lo] = indexes.rowHash(featureColumns);
  const keyHi = new Uint32Array(hi.length);
  const keyLo = new Uint32Array(lo.length);
  const labelIds = labelColumn === null ? null : indexes.valueIndex(labelColumn).ids;
  const candidates = twinCandidates(indexes, featureColumns);
  const result: ColumnTwins[] = [];
  for (const column of eachColumn(featureColumns)) {
    const index = indexes.valueIndex(column);
    const [cellHi, cellLo] = indexes.cellHash(column);
    const rows = candidates(column);
    for (const row of rows) {
      keyHi[row] = (hi[row] - cellHi[row]) >>> 0;
      keyLo[row] = (lo[row] - cellLo[row]) >>> 0;
    }
    const twinsByValue = new Uint32Array(index.values.length);
    const hasTwin = new Uint8Array(hi.length);
    const dirtyLabelTwins = labelIds ? new Uint8Array(hi.length) : null;
    let totalTwinRows = 0;
    let groups = 0;
    const groupSizes = new Map<number, number>();
    for (const group of groupEqualKeys(keyHi, keyLo, rows)) {
      groupSizes.set(group.length, (groupSizes.get(group.length) ?? 0) + 1);
      if (markDiffering(group, index.ids, labelIds, hasTwin, dirtyLabelTwins)) groups++;
    }
    for (let row = 0; row < hi.length; row++) {
      if (hasTwin[row]) {
        totalTwinRows++;
        if (index.ids[row] !== MISSING_CODE) twinsByValue[index.ids[row]]++;
      }
    }
    result.push({ column, twinsByValue, hasTwin, dirtyLabelTwins, totalTwinRows, groups, groupSizes });
  }
  return result;
}

/**
 * The column's twin rows per value without the rows that twin with `valueId`'s rows: copies
 * planted with one value make their originals twins too, and when the copies came from one class
 * the originals' values crowd a few values of a column that goes with the class; counted in, they
 * look like natural spread of the column's twin counts and excuse the copies.
 */
export function twinsByValueWithout(indexes: DatasetIndexes, featureColumns: readonly number[], entry: ColumnTwins, valueId: number): Uint32Array {
  const [hi, lo] = indexes.rowHash(featureColumns);
  const [cellHi, cellLo] = indexes.cellHash(entry.column);
  const ids = indexes.valueIndex(entry.column).ids;
  const key = (row: number) => `${(hi[row] - cellHi[row]) >>> 0},${(lo[row] - cellLo[row]) >>> 0}`;
  const groupsOfValue = new Set<string>();
  for (let row = 0; row < ids.length; row++) if (entry.hasTwin[row] && ids[row] === valueId) groupsOfValue.add(key(row));
  const counts = entry.twinsByValue.slice();
  for (let row = 0; row < ids.length; row++) {
    const id = ids[row];
    if (!entry.hasTwin[row] || id === valueId || id === MISSING_CODE) continue;
    if (groupsOfValue.has(key(row))) counts[id]--;
  }
  return counts;
}

/**
 * Which rows have a twin in at least one feature column (equal to another row in every other
 * feature, different in that one): a measure of how coarse the data are around each row, which
 * exact copies of a row do not raise (a copy equals its original in every column). One sort per
 * column, like findTwins, without keeping per-column arrays.
 */
export function rowsWithAnyTwin(indexes: DatasetIndexes, featureColumns: readonly number[]): Uint8Array {
  const [hi, lo] = indexes.rowHash(featureColumns);
  const keyHi = new Uint32Array(hi.length);
  const keyLo = new Uint32Array(lo.length);
  const marked = new Uint8Array(hi.length);
  const candidates = twinCandidates(indexes, featureColumns);
  for (const column of featureColumns) {
    const ids = indexes.valueIndex(column).ids;
    const [cellHi, cellLo] = indexes.cellHash(column);
    const rows = candidates(column);
    for (const row of rows) {
      keyHi[row] = (hi[row] - cellHi[row]) >>> 0;
      keyLo[row] = (lo[row] - cellLo[row]) >>> 0;
    }
    for (const group of groupEqualKeys(keyHi, keyLo, rows)) {
      const first = ids[group[0]];
      if (group.every((row) => ids[row] === first)) continue;
      for (const row of group) marked[row] = 1;
    }
  }
  return marked;
}

/**
 * The rows that can have a twin in each column, ascending. Two rows equal in every feature but
 * column c are equal in every column of the half of the features that does not hold c, so both
 * share that half's row hash with another row. Two sorts (one per half) then spare a sort of all
 * rows per column: in fine-grained data almost no row shares a half's hash. Exact, a superset:
 * equal cells always hash equal, and the groups are formed from the full keys as before.
 */
function twinCandidates(indexes: DatasetIndexes, featureColumns: readonly number[]): (column: number) => Uint32Array {
  const middle = Math.ceil(featureColumns.length / 2);
  const first = featureColumns.slice(0, middle);
  const second = featureColumns.slice(middle);
  const sharing = (columns: readonly number[]): Uint32Array => {
    const [hi, lo] = indexes.rowHash(columns);
    const rows: number[] = [];
    for (const group of groupEqualKeys(hi, lo)) for (const row of group) rows.push(row);
    return Uint32Array.from(rows).sort();
  };
  let forFirst: Uint32Array | null = null;
  let forSecond: Uint32Array | null = null;
  const inFirst = new Set(first);
  return (column) => (inFirst.has(column) ? (forFirst ??= sharing(second)) : (forSecond ??= sharing(first)));
}

/**
 * The null model of twins: the share of a column's twin rows expected to hold each value if the
 * column's values were spread over the rows by their frequencies p, independently of the other
 * features (the column reshuffled over the groups of rows equal in every other feature). A group
 * of s such rows holds, in expectation, s p_v (1 - p_v^(s-1)) twin rows with value v and
 * s (1 - sum_j p_j^s) twin rows in all; summed over the groups and divided, this is the share
 * w_v. For pairs it is p_v (1 - p_v) / sum_j p_j (1 - p_j): 1/2 for each value of a two-valued
 * column, whatever its frequencies (every twin pair holds one row of each). Missing cells count
 * as one more value. Returns w per value id (all 0 when the column has no such groups).
 */
export function expectedTwinShares(entry: ColumnTwins, index: ValueIndex, rowCount: number): Float64Array {
  const shares = new Float64Array(index.values.length);
  if (rowCount === 0 || entry.groupSizes.size === 0) return shares;
  const p = Array.from(index.counts, (count) => count / rowCount);
  const missing = (rowCount - index.present) / rowCount;
  let total = 0;
  for (const [size, groups] of entry.groupSizes) {
    let same = missing ** size;
    for (const pj of p) same += pj ** size;
    total += groups * size * Math.max(0, 1 - same);
  }
  if (total <= 0) return shares;
  for (let id = 0; id < p.length; id++) {
    let expected = 0;
    for (const [size, groups] of entry.groupSizes) expected += groups * size * p[id] * (1 - p[id] ** (size - 1));
    shares[id] = expected / total;
  }
  return shares;
}

/**
 * Marks the rows of a group (equal in every other feature) that have a partner with another value
 * in the column; a partner that also has another label makes the row a dirty-label twin.
 */
function markDiffering(
  group: number[],
  ids: Uint32Array,
  labelIds: Uint32Array | null,
  hasTwin: Uint8Array,
  dirty: Uint8Array | null,
): boolean {
  const first = ids[group[0]];
  if (group.every((row) => ids[row] === first)) return false; // exact duplicates in this column, not twins
  const countById = new Map<number, number>();
  for (const row of group) countById.set(ids[row], (countById.get(ids[row]) ?? 0) + 1);
  for (const row of group) if (countById.get(ids[row])! < group.length) hasTwin[row] = 1;
  if (labelIds && dirty && group.length <= 64) {
    for (const a of group) {
      for (const b of group) {
        if (ids[a] !== ids[b] && labelIds[a] !== labelIds[b]) {
          dirty[a] = 1;
          break;
        }
      }
    }
  }
  return true;
}
