/**
 * Evaluation helpers. `predicted[i]` is the prediction for row `rows[i]`, as returned by
 * RandomForest.predictClassRows(features, rows); rows whose label is -1 (unknown) are skipped.
 */
import { Random } from '../util/random.js';

/** Share of labelled rows predicted correctly; NaN when no row has a label. */
export function accuracy(labels: Int32Array, rows: Uint32Array, predicted: Int32Array): number {
  requireAligned(rows, predicted);
  let correct = 0;
  let counted = 0;
  for (let i = 0; i < rows.length; i++) {
    const label = labels[rows[i]];
    if (label < 0) continue;
    counted++;
    if (predicted[i] === label) correct++;
  }
  return counted === 0 ? NaN : correct / counted;
}

/** Per class: share of its rows predicted as that class; NaN for a class with no row. */
export function perClassRecall(labels: Int32Array, rows: Uint32Array, predicted: Int32Array, classCount: number): Float64Array {
  const matrix = confusion(labels, rows, predicted, classCount);
  return Float64Array.from(matrix, (counts, actual) => {
    const total = counts.reduce((a, b) => a + b, 0);
    return total === 0 ? NaN : counts[actual] / total;
  });
}

/** matrix[actual][predicted] = number of rows. */
export function confusion(labels: Int32Array, rows: Uint32Array, predicted: Int32Array, classCount: number): number[][] {
  requireAligned(rows, predicted);
  const matrix = Array.from({ length: classCount }, () => new Array<number>(classCount).fill(0));
  for (let i = 0; i < rows.length; i++) {
    const label = labels[rows[i]];
    if (label < 0) continue;
    if (label >= classCount || predicted[i] < 0 || predicted[i] >= classCount) {
      throw new RangeError(`class out of range on row ${rows[i]}`);
    }
    matrix[label][predicted[i]]++;
  }
  return matrix;
}

/**
 * Splits labelled rows (of `rows`, default all) into train and test, class by class, so both
 * keep the class mix. Each class sends round(count * testFraction) rows to test but keeps at
 * least one for training. Both lists come back sorted.
 */
export function stratifiedSplit(
  labels: Int32Array,
  testFraction: number,
  seed: number,
  rows?: Uint32Array,
): { train: Uint32Array; test: Uint32Array } {
  if (!(testFraction >= 0 && testFraction <= 1)) throw new RangeError(`testFraction must be in [0, 1], got ${testFraction}`);
  const byClass = rowsByClass(labels, rows);
  const random = new Random(seed);
  const train: number[] = [];
  const test: number[] = [];
  for (const classRows of byClass) {
    random.shuffle(classRows);
    const testCount = Math.min(Math.round(classRows.length * testFraction), Math.max(0, classRows.length - 1));
    for (let i = 0; i < classRows.length; i++) (i < testCount ? test : train).push(classRows[i]);
  }
  return { train: sortedRows(train), test: sortedRows(test) };
}

function rowsByClass(labels: Int32Array, rows?: Uint32Array): number[][] {
  const byClass = new Map<number, number[]>();
  const visit = (row: number): void => {
    const label = labels[row];
    if (label < 0) return;
    let list = byClass.get(label);
    if (list === undefined) byClass.set(label, (list = []));
    list.push(row);
  };
  if (rows === undefined) for (let row = 0; row < labels.length; row++) visit(row);
  else for (const row of rows) visit(row);
  return [...byClass.entries()].sort((a, b) => a[0] - b[0]).map(([, list]) => list);
}

function sortedRows(rows: number[]): Uint32Array {
  return Uint32Array.from(rows).sort();
}

function requireAligned(rows: Uint32Array, predicted: Int32Array): void {
  if (rows.length !== predicted.length) {
    throw new RangeError(`one prediction per row expected: ${rows.length} rows, ${predicted.length} predictions`);
  }
}
