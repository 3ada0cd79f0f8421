/**
 * Near-duplicate "twins": rows equal to another row in every feature column but one (the label
 * may differ too: "dirty-label twins"). Found with additive row hashes: the hash without column c is the row hash minus c's cell
 * hash, so each column costs one sort of the keys (near-linear in rows, no pairwise compare).
 */
import { groupEqualKeys, type DatasetIndexes } from '../engine/indexes.js';
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
  groups: number;
}

export function findTwins(indexes: DatasetIndexes, featureColumns: readonly number[], labelColumn: number | null): ColumnTwins[] {
  // Grouping ignores the label as well, so that copies whose label was changed too are found.
  const [hi, lo] = indexes.rowHash(featureColumns);
  const keyHi = new Uint32Array(hi.length);
  const keyLo = new Uint32Array(lo.length);
  const labelIds = labelColumn === null ? null : indexes.valueIndex(labelColumn).ids;
  const result: ColumnTwins[] = [];
  for (const column of featureColumns) {
    const index = indexes.valueIndex(column);
    const [cellHi, cellLo] = indexes.cellHash(column);
    for (let row = 0; row < hi.length; row++) {
      keyHi[row] = (hi[row] - cellHi[row]) >>> 0;
      keyLo[row] = (lo[row] - cellLo[row]) >>> 0;
    }
    const twinsByValue = new Uint32Array(index.values.length);
    const hasTwin = new Uint8Array(hi.length);
    const dirtyLabelTwins = labelIds ? new Uint8Array(hi.length) : null;
    let totalTwinRows = 0;
    let groups = 0;
    for (const group of groupEqualKeys(keyHi, keyLo)) {
      if (markDiffering(group, index.ids, labelIds, hasTwin, dirtyLabelTwins)) groups++;
    }
    for (let row = 0; row < hi.length; row++) {
      if (hasTwin[row]) {
        totalTwinRows++;
        if (index.ids[row] !== MISSING_CODE) twinsByValue[index.ids[row]]++;
      }
    }
    result.push({ column, twinsByValue, hasTwin, dirtyLabelTwins, totalTwinRows, groups });
  }
  return result;
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
