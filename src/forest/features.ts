import { MISSING_CODE, type Table } from '../table/table.js';

/**
 * The forest's feature matrix (one Float64Array per column, NaN = missing) from table columns.
 *
 * Numeric columns are taken as they are, with ±Infinity clamped to ±MAX_VALUE. Text columns
 * become their dictionary code. Ordinal codes are acceptable for a forest: a tree only asks
 * "code <= t", and a few such questions isolate any one category (two thresholds around its
 * code), which is exactly what a single-value trigger needs; with at most maxBins categories the
 * binning gives every code a bin of its own, and beyond that every frequent code still gets one.
 * What the codes cannot give is a meaningful order, so a grouping of many categories costs more
 * splits than one-hot or target encoding would; for auditing, the split on one value matters.
 *
 * A text value's feature is its rank among the column's values ordered by count (most frequent
 * first, ties by code units), not its dictionary code (which follows first appearance): the
 * order of the rows must not change the splits a tree can make. Rare values rank last, so one
 * threshold isolates the rarest (a trigger is usually rare), as the first-appearance codes of a
 * value appended at the end did. To apply a model to another table, map that table's text values
 * onto the training table's ranks first (src/model/features.ts).
 */
export function buildFeatures(table: Table, featureColumns: readonly number[]): { features: Float64Array[]; names: string[] } {
  const features: Float64Array[] = [];
  const names: string[] = [];
  for (const index of featureColumns) {
    const column = table.columns[index];
    if (column === undefined) throw new RangeError(`no column ${index} (the table has ${table.columns.length})`);
    features.push(column.kind === 'numeric' ? numericFeature(column.values) : codeFeature(column.codes, dictionaryRanks(column.dictionary, column.codes)));
    names.push(column.name);
  }
  return { features, names };
}

/** The column itself when it holds no infinity (no copy: features are only read), else a clamped copy. */
function numericFeature(values: Float64Array): Float64Array {
  let infinite = false;
  for (let i = 0; i < values.length && !infinite; i++) infinite = values[i] === Infinity || values[i] === -Infinity;
  if (!infinite) return values;
  const feature = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    feature[i] = value === Infinity ? Number.MAX_VALUE : value === -Infinity ? -Number.MAX_VALUE : value;
  }
  return feature;
}

function codeFeature(codes: Uint32Array, ranks: Int32Array): Float64Array {
  const feature = new Float64Array(codes.length);
  for (let i = 0; i < codes.length; i++) feature[i] = codes[i] === MISSING_CODE ? NaN : ranks[codes[i]];
  return feature;
}

const RANKS = new WeakMap<Uint32Array, Int32Array>();

/** Per dictionary code, the rank of its value: by count in `codes` (most frequent first), ties by code units. Cached per codes array. */
export function dictionaryRanks(dictionary: readonly string[], codes: Uint32Array): Int32Array {
  const cached = RANKS.get(codes);
  if (cached && cached.length === dictionary.length) return cached;
  const counts = new Float64Array(dictionary.length);
  for (const code of codes) if (code !== MISSING_CODE) counts[code]++;
  const order = dictionary
    .map((_, code) => code)
    .sort((a, b) => counts[b] - counts[a] || (dictionary[a] < dictionary[b] ? -1 : dictionary[a] > dictionary[b] ? 1 : a - b));
  const ranks = new Int32Array(dictionary.length);
  order.forEach((code, rank) => (ranks[code] = rank));
  RANKS.set(codes, ranks);
  return ranks;
}
