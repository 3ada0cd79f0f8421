/**
 * Sampling that depends on what a row holds, never on where it sits in the file. Held-out splits,
 * training samples and probe rows are chosen by a seeded hash of the row's feature values and
 * label, and handed to the forest in that order, so shuffling the file's rows cannot change a
 * verdict (an attacker who reorders rows gets the same report). Identical rows hash alike and so
 * land on the same side of a split: a duplicate cannot leak the test set into training.
 */
import type { ModelData } from './features.js';
import { finalMix32 } from '../util/search.js';
import { kthSmallest } from '../util/select.js';

/** A 53-bit hash of every row's feature values and label. */
export function rowKeys(data: ModelData): Float64Array {
  const keys = new Float64Array(data.rowCount);
  for (let row = 0; row < data.rowCount; row++) keys[row] = rowKey(data, row);
  return keys;
}

/** A 53-bit hash of one row's feature values and label (numbers, not strings: this runs over every row). */
export function rowKey(data: ModelData, row: number): number {
  let hi = Math.imul(data.labels[row] + 1, 0x9e3779b1);
  let lo = Math.imul(data.labels[row] + 7, 0x85ebca6b);
  for (let f = 0; f < data.features.length; f++) {
    KEY_VALUE[0] = data.features[f][row];
    hi = Math.imul(hi ^ KEY_WORDS[0], 0x2c1b3c6d) ^ Math.imul(KEY_WORDS[1], 0x297a2d39);
    lo = Math.imul(lo ^ KEY_WORDS[1], 0x7feb352d) ^ Math.imul(KEY_WORDS[0] + f, 0x846ca68b);
    hi ^= hi >>> 15;
    lo ^= lo >>> 13;
  }
  return (hi >>> 0) * 2097152 + ((lo >>> 0) >>> 11);
}

const KEY_VALUE = new Float64Array(1);
const KEY_WORDS = new Int32Array(KEY_VALUE.buffer);

/** 0 or 1 from a row's content hash: which of two cross-fitted forests predicts it (the other trained on it). */
export function contentHalf(key: number, seed: number): number {
  return (Math.imul((key % 4294967296) ^ seed, 0x9e3779b1) >>> 31) & 1;
}

/** 0..folds-1 from a row's content hash: which of several cross-fitted forests predicts it. */
export function contentFold(key: number, folds: number, seed: number): number {
  return Math.floor(((Math.imul((key % 4294967296) ^ seed, 0x9e3779b1) >>> 0) / 4294967296) * folds);
}

/** The rows ordered by a seeded hash of their content (ties, which are identical rows, by position). */
export function contentOrder(rows: ArrayLike<number>, keys: Float64Array, seed: number): Uint32Array {
  const n = rows.length;
  const rank = new Float64Array(n);
  for (let i = 0; i < n; i++) rank[i] = seededRank(keys[rows[i]], seed);
  const byContent = (a: number, b: number): number => rank[a] - rank[b] || keys[rows[a]] - keys[rows[b]] || rows[a] - rows[b];
  let order: Uint32Array;
  if (n <= PACKED_MAX_ROWS) {
    // A comparator sort of a million rows takes seconds; a typed sort of (rank, index) packed into
    // one exact double does not. Equal ranks (identical rows, and rare 32-bit collisions) are then
    // put in full content order run by run, so the result is the comparator's.
    const packed = new Float64Array(n);
    for (let i = 0; i < n; i++) packed[i] = rank[i] * PACKED_MAX_ROWS + i;
    packed.sort();
    order = Uint32Array.from(packed, (p) => p % PACKED_MAX_ROWS);
    for (let start = 0; start < n; ) {
      let end = start + 1;
      while (end < n && rank[order[end]] === rank[order[start]]) end++;
      if (end - start > 1) order.subarray(start, end).sort(byContent);
      start = end;
    }
  } else {
    order = Uint32Array.from({ length: n }, (_, i) => i).sort(byContent);
  }
  return Uint32Array.from(order, (i) => rows[i]);
}

/** Ranks are 32-bit: packed with an index below 2^21 they stay below 2^53, exact in a double. */
const PACKED_MAX_ROWS = 2 ** 21;

/**
 * A stratified split by content: of each class, the round(total x testFraction) rows first in
 * content order (at most all but one) are the test rows, the others train; unlabelled rows are in
 * neither. Both lists in ascending row order (contentOrder them where the order matters): each
 * class is a selection, not a sort of every row.
 */
export function contentSplit(
  labels: Int32Array,
  testFraction: number,
  keys: Float64Array,
  seed: number,
  rows?: ArrayLike<number>,
): { train: Uint32Array; test: Uint32Array } {
  const source = rows ?? Uint32Array.from({ length: labels.length }, (_, i) => i);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < source.length; i++) {
    const row = source[i];
    const cls = labels[row];
    if (cls < 0) continue;
    let list = byClass.get(cls);
    if (!list) byClass.set(cls, (list = []));
    list.push(row);
  }
  const train: number[] = [];
  const test: number[] = [];
  const isTest = new Uint8Array(labels.length);
  for (const classRows of byClass.values()) {
    const total = classRows.length;
    const testCount = Math.min(Math.round(total * testFraction), Math.max(0, total - 1));
    for (const row of firstInContentOrder(classRows, testCount, keys, seed)) isTest[row] = 1;
    for (const row of classRows) (isTest[row] ? test : train).push(row);
  }
  return { train: Uint32Array.from(train).sort(), test: Uint32Array.from(test).sort() };
}

/** At most `count` of the rows, chosen by content, returned in ascending row order. */
export function contentSample(rows: ArrayLike<number>, count: number, keys: Float64Array, seed: number): Uint32Array {
  if (rows.length <= count) return Uint32Array.from(rows);
  return firstInContentOrder(rows, count, keys, seed);
}

/**
 * The first `count` rows of contentOrder, in ascending row order, without sorting them all: every
 * row ranked below the count-th rank, then the rows at that rank in content order (identical
 * rows, rarely more than one).
 */
function firstInContentOrder(rows: ArrayLike<number>, count: number, keys: Float64Array, seed: number): Uint32Array {
  if (count <= 0) return new Uint32Array(0);
  if (rows.length <= count) return Uint32Array.from(rows).sort();
  const n = rows.length;
  const rank = new Float64Array(n);
  for (let i = 0; i < n; i++) rank[i] = seededRank(keys[rows[i]], seed);
  const cut = kthSmallest(rank.slice(), count - 1);
  const chosen: number[] = [];
  const tied: number[] = [];
  for (let i = 0; i < n; i++) {
    if (rank[i] < cut) chosen.push(rows[i]);
    else if (rank[i] === cut) tied.push(rows[i]);
  }
  tied.sort((a, b) => keys[a] - keys[b] || a - b);
  for (let i = 0; chosen.length < count; i++) chosen.push(tied[i]);
  return Uint32Array.from(chosen).sort();
}

/** A hash of (key, seed) in [0, 2^32): a different seed gives an unrelated order. */
function seededRank(key: number, seed: number): number {
  return finalMix32(Math.imul((key % 4294967296) ^ seed, 0x85ebca6b) ^ Math.imul(Math.floor(key / 4294967296) + seed, 0xc2b2ae35));
}
