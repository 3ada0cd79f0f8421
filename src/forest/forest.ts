/**
 * Our histogram-binned random forest. Why our own and how it works: docs/forest.md.
 */
import { binTrainingSet } from './binning.js';
import { resolveForestOptions, type ForestOptions } from './options.js';
import { TreeGrower, type FlatTree } from './tree.js';
import { progressed } from '../progress-events.js';

export interface TrainingData {
  /** One array per feature column, NaN = missing; all the same length. */
  readonly features: readonly Float64Array[];
  /** Class index 0..classCount-1, or -1 = unknown (row ignored). */
  readonly labels: Int32Array;
  readonly classCount: number;
  /** Subset of row indices to train on (default: every row with a label). */
  readonly rows?: Uint32Array;
}

export function trainForest(data: TrainingData, options: Partial<ForestOptions> = {}): RandomForest {
  const resolved = resolveForestOptions(options, data.features.length);
  return trainForestTrees(data, options, Array.from({ length: resolved.trees }, (_, i) => i));
}

/**
 * Only the trees with the given indices. A tree depends on the data, the options and its index
 * alone, so forests trained on disjoint index sets (in worker threads, say) and put together with
 * `RandomForest.merge` equal the forest trained at once.
 */
export function trainForestTrees(data: TrainingData, options: Partial<ForestOptions>, treeIndices: readonly number[]): RandomForest {
  const resolved = resolveForestOptions(options, data.features.length);
  const rows = trainingRows(data);
  const binned = binTrainingSet(data.features, data.labels, data.classCount, rows, resolved.maxBins);
  const grower = new TreeGrower(binned, resolved);
  const trees = treeIndices.map((index, i) => {
    const tree = grower.grow(index);
    progressed('forest trees', i + 1, treeIndices.length);
    return tree;
  });
  return new RandomForest(data.features.length, data.classCount, trees);
}

function trainingRows(data: TrainingData): Uint32Array {
  const { features, labels, classCount } = data;
  if (!Number.isInteger(classCount) || classCount < 1) throw new RangeError(`classCount must be a positive integer, got ${classCount}`);
  for (const column of features) {
    if (column.length !== labels.length) {
      throw new RangeError(`every feature must have one value per label (${labels.length}), got ${column.length}`);
    }
  }
  const candidates = data.rows ?? allRows(labels.length);
  const rows: number[] = [];
  for (const row of candidates) {
    if (row >= labels.length) throw new RangeError(`training row ${row} is out of range (${labels.length} rows)`);
    const label = labels[row];
    if (label === -1) continue;
    if (!(label >= 0 && label < classCount)) throw new RangeError(`label ${label} on row ${row} is outside 0..${classCount - 1}`);
    rows.push(row);
  }
  if (rows.length === 0) throw new RangeError('no labelled row to train on');
  return Uint32Array.from(rows);
}

function allRows(count: number): Uint32Array {
  const rows = new Uint32Array(count);
  for (let i = 0; i < count; i++) rows[i] = i;
  return rows;
}

const JSON_FORMAT = 'audit-data/random-forest';
const JSON_VERSION = 1;

interface TreeJson {
  feature: number[];
  /** +Infinity is written as null (what JSON.stringify makes of it anyway). */
  threshold: (number | null)[];
  /** -Infinity is written as null. */
  lowerBound: (number | null)[];
  child: number[];
  missingLeft: number[];
  leafValues: number[];
  importance: number[];
}

interface ForestJson {
  format: typeof JSON_FORMAT;
  version: typeof JSON_VERSION;
  featureCount: number;
  classCount: number;
  trees: TreeJson[];
}

export class RandomForest {
  constructor(
    readonly featureCount: number,
    readonly classCount: number,
    private readonly trees: readonly FlatTree[],
  ) {}

  get treeCount(): number {
    return this.trees.length;
  }

  /** The trees of several forests over the same features and classes, in the order given. */
  static merge(parts: readonly RandomForest[]): RandomForest {
    if (parts.length === 0) throw new RangeError('nothing to merge');
    const { featureCount, classCount } = parts[0];
    for (const part of parts) {
      if (part.featureCount !== featureCount || part.classCount !== classCount) {
        throw new RangeError('cannot merge forests with different feature or class counts');
      }
    }
    return new RandomForest(featureCount, classCount, parts.flatMap((part) => part.trees));
  }

  /** Class probabilities (mean of the trees' leaf class frequencies), sums to 1; a unanimous forest gives exactly 1. */
  predictProbaVector(values: ArrayLike<number>, out: Float64Array = new Float64Array(this.classCount)): Float64Array {
    if (values.length !== this.featureCount) {
      throw new RangeError(`expected ${this.featureCount} feature values, got ${values.length}`);
    }
    const classCount = this.classCount;
    out.fill(0, 0, classCount);
    for (const tree of this.trees) {
      const offset = leafOf(tree, values);
      for (let c = 0; c < classCount; c++) out[c] += tree.leafValues[offset + c];
    }
    normalise(out, 0, classCount);
    return out;
  }

  /** rows.length * classCount probabilities, row-major, in the order of `rows`. */
  predictProbaRows(features: readonly Float64Array[], rows: Uint32Array): Float64Array {
    if (features.length !== this.featureCount) {
      throw new RangeError(`expected ${this.featureCount} feature columns, got ${features.length}`);
    }
    const classCount = this.classCount;
    const out = new Float64Array(rows.length * classCount);
    const block = new Float64Array(PREDICTION_BLOCK * this.featureCount);
    for (let start = 0; start < rows.length; start += PREDICTION_BLOCK) {
      const count = Math.min(PREDICTION_BLOCK, rows.length - start);
      gatherRowMajor(features, rows, start, count, block);
      for (const tree of this.trees) accumulateBlock(tree, block, count, this.featureCount, classCount, out, start * classCount);
    }
    for (let i = 0; i < rows.length; i++) normalise(out, i * classCount, classCount);
    return out;
  }

  /** Most probable class per row (the lowest class index on a tie). */
  predictClassRows(features: readonly Float64Array[], rows: Uint32Array): Int32Array {
    const probabilities = this.predictProbaRows(features, rows);
    const classCount = this.classCount;
    const classes = new Int32Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      let best = 0;
      for (let c = 1; c < classCount; c++) {
        if (probabilities[i * classCount + c] > probabilities[i * classCount + best]) best = c;
      }
      classes[i] = best;
    }
    return classes;
  }

  /** Mean impurity decrease per feature: each tree's share normalised, averaged over trees, normalised to sum 1. */
  featureImportance(): Float64Array {
    const mean = new Float64Array(this.featureCount);
    for (const tree of this.trees) {
      const total = tree.importance.reduce((a, b) => a + b, 0);
      if (!(total > 0)) continue;
      for (let f = 0; f < this.featureCount; f++) mean[f] += tree.importance[f] / total;
    }
    const total = mean.reduce((a, b) => a + b, 0);
    if (total > 0) for (let f = 0; f < this.featureCount; f++) mean[f] /= total;
    return mean;
  }

  /** Plain, JSON-safe data: fit for JSON.stringify and for crossing a worker_threads boundary. */
  toJSON(): ForestJson {
    return {
      format: JSON_FORMAT,
      version: JSON_VERSION,
      featureCount: this.featureCount,
      classCount: this.classCount,
      trees: this.trees.map((tree) => ({
        feature: Array.from(tree.feature),
        threshold: Array.from(tree.threshold, (t) => (t === Infinity ? null : t)),
        lowerBound: Array.from(tree.lowerBound, (t) => (t === -Infinity ? null : t)),
        child: Array.from(tree.child),
        missingLeft: Array.from(tree.missingLeft),
        leafValues: Array.from(tree.leafValues),
        importance: Array.from(tree.importance),
      })),
    };
  }

  static fromJSON(json: unknown): RandomForest {
    const data = json as Partial<ForestJson> | null;
    if (data === null || typeof data !== 'object' || data.format !== JSON_FORMAT || data.version !== JSON_VERSION) {
      throw new TypeError(`not a ${JSON_FORMAT} version ${JSON_VERSION} model`);
    }
    const { featureCount, classCount, trees } = data;
    if (!isCount(featureCount) || !isCount(classCount) || classCount < 1 || !Array.isArray(trees)) {
      throw new TypeError('malformed forest model: bad counts or trees');
    }
    return new RandomForest(
      featureCount,
      classCount,
      trees.map((tree) => treeFromJson(tree, featureCount, classCount)),
    );
  }
}

/**
 * Rows are predicted a block at a time, copied row-major first: a column-major read per node
 * misses the cache on every node of every tree once the table outgrows it.
 */
const PREDICTION_BLOCK = 256;

function gatherRowMajor(features: readonly Float64Array[], rows: Uint32Array, start: number, count: number, block: Float64Array): void {
  const featureCount = features.length;
  for (let f = 0; f < featureCount; f++) {
    const column = features[f];
    for (let i = 0; i < count; i++) block[i * featureCount + f] = finite(column[rows[start + i]]);
  }
}

function accumulateBlock(
  tree: FlatTree,
  block: Float64Array,
  count: number,
  featureCount: number,
  classCount: number,
  out: Float64Array,
  outOffset: number,
): void {
  const { feature, threshold, lowerBound, child, missingLeft, leafValues } = tree;
  for (let i = 0; i < count; i++) {
    const base = i * featureCount;
    let node = 0;
    let f: number;
    while ((f = feature[node]) >= 0) {
      const value = block[base + f];
      // Arithmetic rather than branches: the direction is a coin flip to the branch predictor.
      const inRange = +(value <= threshold[node]) & +(value > lowerBound[node]);
      const missingToLeft = +(value !== value) & missingLeft[node];
      node = child[node] + 1 - (inRange | missingToLeft);
    }
    const leaf = child[node];
    const target = outOffset + i * classCount;
    for (let c = 0; c < classCount; c++) out[target + c] += leafValues[leaf + c];
  }
}

function leafOf(tree: FlatTree, values: ArrayLike<number>): number {
  const { feature, threshold, lowerBound, child, missingLeft } = tree;
  let node = 0;
  let f: number;
  while ((f = feature[node]) >= 0) {
    const value = finite(values[f]);
    const goesLeft = value <= threshold[node] ? value > lowerBound[node] : Number.isNaN(value) && missingLeft[node] === 1;
    node = goesLeft ? child[node] : child[node] + 1;
  }
  return child[node];
}

/** ±Infinity as ±MAX_VALUE, as in training (and so that -Infinity passes an open lower bound). */
function finite(value: number): number {
  return value === Infinity ? Number.MAX_VALUE : value === -Infinity ? -Number.MAX_VALUE : value;
}

/** Divides by the sum, so the vector sums to 1 up to rounding (and exactly when one class has it all). */
function normalise(values: Float64Array, offset: number, length: number): void {
  let total = 0;
  for (let c = 0; c < length; c++) total += values[offset + c];
  if (total > 0) for (let c = 0; c < length; c++) values[offset + c] /= total;
}

function treeFromJson(json: TreeJson, featureCount: number, classCount: number): FlatTree {
  const malformed = (what: string): never => {
    throw new TypeError(`malformed forest model: ${what}`);
  };
  if (json === null || typeof json !== 'object') malformed('tree is not an object');
  const tree: FlatTree = {
    feature: Int32Array.from(json.feature),
    threshold: Float64Array.from(json.threshold, (t) => (t === null ? Infinity : t)),
    lowerBound: Float64Array.from(json.lowerBound, (t) => (t === null ? -Infinity : t)),
    child: Int32Array.from(json.child),
    missingLeft: Uint8Array.from(json.missingLeft),
    leafValues: Float64Array.from(json.leafValues),
    importance: Float64Array.from(json.importance),
  };
  const nodeCount = tree.feature.length;
  if (nodeCount === 0) malformed('empty tree');
  if (tree.threshold.length !== nodeCount || tree.lowerBound.length !== nodeCount || tree.child.length !== nodeCount || tree.missingLeft.length !== nodeCount) {
    malformed('node arrays of different lengths');
  }
  if (tree.importance.length !== featureCount) malformed('importance length');
  for (let node = 0; node < nodeCount; node++) {
    const f = tree.feature[node];
    const child = tree.child[node];
    if (f >= featureCount) malformed(`feature ${f} out of range`);
    // Children after their parent: traversal always ends.
    if (f >= 0 && !(child > node && child + 1 < nodeCount)) malformed(`child ${child} of node ${node}`);
    if (f < 0 && !(child >= 0 && child + classCount <= tree.leafValues.length)) malformed(`leaf offset ${child}`);
  }
  return tree;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
