/**
 * One classification tree grown on binned training rows: Gini impurity, class histograms per
 * (node, feature, bin), learned direction for missing values, flat typed-array storage.
 */
import { Random } from '../util/random.js';
import type { BinnedTrainingSet } from './binning.js';
import type { ResolvedForestOptions } from './options.js';

/** A tree stored flat. Node 0 is the root. */
export interface FlatTree {
  /** Split feature of each node; -1 marks a leaf. */
  readonly feature: Int32Array;
  /** A value goes left when lowerBound < value <= threshold (raw units). */
  readonly threshold: Float64Array;
  /** -Infinity for an ordinary split; finite for a split that isolates one bin (a single value, typically). */
  readonly lowerBound: Float64Array;
  /** Split: index of the left child (the right child follows it). Leaf: offset of its class frequencies in leafValues. */
  readonly child: Int32Array;
  /** 1 when a missing value goes left at this split. */
  readonly missingLeft: Uint8Array;
  /** classCount class frequencies per leaf, each group summing to 1. */
  readonly leafValues: Float64Array;
  /** Weighted Gini decrease per feature summed over this tree's splits. */
  readonly importance: Float64Array;
}

/** The tree's generator depends only on the seed and the tree's index, so trees can be grown in any order or apart. */
export function treeRandom(seed: number, treeIndex: number): Random {
  return new Random(seed).fork(treeIndex);
}

/** Where missing values go for a candidate split. */
type MissingRule = 0 | 1 | 2;
const MISSING_RIGHT = 0;
const MISSING_LEFT = 1;
/** The node holds no missing value: a later one follows the larger child. */
const MISSING_TO_LARGER = 2;

interface Level {
  /** Dense class histograms of every feature, at histogramOffset[f]. */
  readonly histograms: Float64Array;
  /** serial of the node whose histogram of feature f is in `histograms`. */
  readonly histogramOwner: Int32Array;
  /** Features known to be constant in the current node at this level (inherited downwards). */
  readonly knownConstant: Uint8Array;
}

/** Where a larger child can derive a histogram: parent's minus its smaller sibling's. */
interface Sibling {
  readonly parentSerial: number;
  readonly serial: number;
  readonly start: number;
  readonly end: number;
}

interface NodeRange {
  readonly serial: number;
  readonly start: number;
  readonly end: number;
  readonly depth: number;
}

class TreeBuilder {
  readonly feature: number[] = [];
  readonly threshold: number[] = [];
  readonly lowerBound: number[] = [];
  readonly child: number[] = [];
  readonly missingLeft: number[] = [];
  readonly leafValues: number[] = [];

  constructor(readonly importance: Float64Array) {}

  addNode(): number {
    this.feature.push(-1);
    this.threshold.push(0);
    this.lowerBound.push(-Infinity);
    this.child.push(0);
    this.missingLeft.push(0);
    return this.feature.length - 1;
  }

  /** Two consecutive nodes (left, right); returns the left one. */
  addPair(): number {
    const left = this.addNode();
    this.addNode();
    return left;
  }

  setLeaf(node: number, classWeights: Float64Array): void {
    let total = 0;
    for (const weight of classWeights) total += weight;
    this.feature[node] = -1;
    this.child[node] = this.leafValues.length;
    for (const weight of classWeights) this.leafValues.push(weight / total);
  }

  setSplit(node: number, feature: number, lowerBound: number, threshold: number, missingLeft: boolean, leftChild: number): void {
    this.feature[node] = feature;
    this.lowerBound[node] = lowerBound;
    this.threshold[node] = threshold;
    this.missingLeft[node] = missingLeft ? 1 : 0;
    this.child[node] = leftChild;
  }

  build(): FlatTree {
    return {
      feature: Int32Array.from(this.feature),
      threshold: Float64Array.from(this.threshold),
      lowerBound: Float64Array.from(this.lowerBound),
      child: Int32Array.from(this.child),
      missingLeft: Uint8Array.from(this.missingLeft),
      leafValues: Float64Array.from(this.leafValues),
      importance: this.importance,
    };
  }
}

/** Grows trees on one binned training set; reusable across trees, not re-entrant. */
export class TreeGrower {
  private readonly classCount: number;
  private readonly featureCount: number;
  private readonly histogramOffset: Int32Array;
  private readonly histogramSize: number;
  private readonly levels: Level[] = [];
  private serialCounter = 0;

  /** In-bag rows of the current tree, partitioned so that every node owns a contiguous range. */
  private readonly rows: Uint32Array;
  private readonly partitionScratch: Uint32Array;
  private readonly weights: Float64Array;
  private readonly featureOrder: Int32Array;

  /** The histogram of the feature under consideration, non-empty bins only, in bin order. */
  private readonly nonEmptyBins: Int32Array;
  private readonly nonEmptyWeights: Float64Array;
  private nonEmptyCount = 0;
  /** Kept all zero between uses: histogram of a small node, touched entries reset afterwards. */
  private readonly sparseHistogram: Float64Array;
  private readonly sparseBinWeight: Float64Array;

  private readonly best: BestSplit;
  private readonly leftWeights: Float64Array;
  private readonly leftWithMissing: Float64Array;
  private readonly missingWeights: Float64Array;
  private random: Random = new Random(0);
  private builder: TreeBuilder = new TreeBuilder(new Float64Array(0));

  /** @param histogramSubtraction off only to test that it changes nothing */
  constructor(
    private readonly data: BinnedTrainingSet,
    private readonly options: ResolvedForestOptions,
    private readonly histogramSubtraction = true,
  ) {
    this.classCount = data.classCount;
    this.featureCount = data.featureCount;
    this.histogramOffset = new Int32Array(data.featureCount + 1);
    let maxBinCount = 1;
    for (let f = 0; f < data.featureCount; f++) {
      const binCount = data.bins[f].valueBinCount + 1;
      this.histogramOffset[f + 1] = this.histogramOffset[f] + binCount * this.classCount;
      maxBinCount = Math.max(maxBinCount, binCount);
    }
    this.histogramSize = this.histogramOffset[data.featureCount];
    this.rows = new Uint32Array(data.rowCount);
    this.partitionScratch = new Uint32Array(data.rowCount);
    this.weights = new Float64Array(data.rowCount);
    this.featureOrder = new Int32Array(data.featureCount);
    this.nonEmptyBins = new Int32Array(maxBinCount);
    this.nonEmptyWeights = new Float64Array(maxBinCount * this.classCount);
    this.sparseHistogram = new Float64Array(maxBinCount * this.classCount);
    this.sparseBinWeight = new Float64Array(maxBinCount);
    this.best = new BestSplit(this.classCount);
    this.leftWeights = new Float64Array(this.classCount);
    this.leftWithMissing = new Float64Array(this.classCount);
    this.missingWeights = new Float64Array(this.classCount);
  }

  grow(treeIndex: number): FlatTree {
    this.random = treeRandom(this.options.seed, treeIndex);
    this.builder = new TreeBuilder(new Float64Array(this.featureCount));
    for (let f = 0; f < this.featureCount; f++) this.featureOrder[f] = f;
    const inBag = this.drawSample();
    const root = this.builder.addNode();
    this.growNode(root, { serial: this.nextSerial(), start: 0, end: inBag, depth: 0 }, this.classWeightsOf(0, inBag), null);
    return this.builder.build();
  }

  /** Fills rows (ascending) and weights with the tree's sample; returns the number of distinct rows. */
  private drawSample(): number {
    const n = this.data.rowCount;
    const weights = this.weights;
    if (this.options.bootstrap) {
      weights.fill(0);
      for (let draw = 0; draw < n; draw++) weights[this.random.int(n)]++;
    } else {
      weights.fill(1);
    }
    let count = 0;
    for (let row = 0; row < n; row++) if (weights[row] > 0) this.rows[count++] = row;
    return count;
  }

  private classWeightsOf(start: number, end: number): Float64Array {
    const totals = new Float64Array(this.classCount);
    const labels = this.data.labels;
    for (let i = start; i < end; i++) {
      const row = this.rows[i];
      totals[labels[row]] += this.weights[row];
    }
    return totals;
  }

  private growNode(node: number, range: NodeRange, classWeights: Float64Array, sibling: Sibling | null): void {
    const weight = sum(classWeights);
    if (!this.mayTrySplit(range.depth, weight, classWeights) || !this.findBestSplit(range, classWeights, weight, sibling)) {
      this.builder.setLeaf(node, classWeights);
      return;
    }
    const best = this.best;
    const feature = best.feature;
    const leftWeights = best.leftWeights.slice();
    const rightWeights = best.rightWeights.slice();
    this.builder.importance[feature] += best.score - sumOfSquares(classWeights) / weight;
    const leftChild = this.builder.addPair();
    const bins = this.data.bins[feature];
    const lowerBound = best.firstLeftBin === 0 ? -Infinity : bins.upperEdges[best.firstLeftBin - 1];
    const threshold = best.lastLeftBin >= bins.valueBinCount - 1 ? Infinity : bins.upperEdges[best.lastLeftBin];
    this.builder.setSplit(node, feature, lowerBound, threshold, best.missingLeft, leftChild);
    const middle = this.partition(range.start, range.end, feature, best.firstLeftBin, best.lastLeftBin, best.missingLeft);

    const left: NodeRange = { serial: this.nextSerial(), start: range.start, end: middle, depth: range.depth + 1 };
    const right: NodeRange = { serial: this.nextSerial(), start: middle, end: range.end, depth: range.depth + 1 };
    const leftIsSmaller = middle - range.start <= range.end - middle;
    const [small, large] = leftIsSmaller ? [left, right] : [right, left];
    const [smallWeights, largeWeights] = leftIsSmaller ? [leftWeights, rightWeights] : [rightWeights, leftWeights];
    // The smaller child first: the larger one can then take its histograms as parent minus sibling.
    this.growNode(leftChild + (leftIsSmaller ? 0 : 1), small, smallWeights, null);
    const derivation: Sibling = { parentSerial: range.serial, serial: small.serial, start: small.start, end: small.end };
    this.growNode(leftChild + (leftIsSmaller ? 1 : 0), large, largeWeights, derivation);
  }

  private mayTrySplit(depth: number, weight: number, classWeights: Float64Array): boolean {
    if (depth >= this.options.maxDepth) return false;
    if (weight < 2 * this.options.minSamplesLeaf || weight < 2) return false;
    let classesPresent = 0;
    for (const w of classWeights) if (w > 0) classesPresent++;
    return classesPresent > 1;
  }

  /**
   * Draws features in random order until featuresPerSplit non-constant ones have been evaluated
   * (constant ones do not count, as in scikit-learn). Returns false when no valid split exists.
   */
  private findBestSplit(range: NodeRange, classWeights: Float64Array, weight: number, sibling: Sibling | null): boolean {
    const level = this.level(range.depth);
    if (range.depth > 0) level.knownConstant.set(this.levels[range.depth - 1].knownConstant);
    else level.knownConstant.fill(0);
    this.best.reset();
    const order = this.featureOrder;
    let evaluated = 0;
    for (let k = 0; k < this.featureCount && evaluated < this.options.featuresPerSplit; k++) {
      const j = k + this.random.int(this.featureCount - k);
      const feature = order[j];
      order[j] = order[k];
      order[k] = feature;
      if (level.knownConstant[feature]) continue;
      this.loadHistogram(feature, range, sibling);
      if (this.nonEmptyCount <= 1) {
        level.knownConstant[feature] = 1;
        continue;
      }
      evaluated++;
      this.evaluateSplits(feature, classWeights, weight);
    }
    return this.best.feature >= 0;
  }

  private level(depth: number): Level {
    while (this.levels.length <= depth) {
      this.levels.push({
        histograms: new Float64Array(this.histogramSize),
        histogramOwner: new Int32Array(this.featureCount).fill(-1),
        knownConstant: new Uint8Array(this.featureCount),
      });
    }
    return this.levels[depth];
  }

  /** Leaves the node's histogram of `feature` in nonEmptyBins / nonEmptyWeights. */
  private loadHistogram(feature: number, range: NodeRange, sibling: Sibling | null): void {
    const rowCount = range.end - range.start;
    const binCount = this.data.bins[feature].valueBinCount + 1;
    if (sibling !== null && this.histogramSubtraction && this.deriveFromParent(feature, range, sibling, binCount)) {
      this.compressDense(feature, this.levels[range.depth]);
    } else if (rowCount < binCount) {
      this.accumulateSparse(feature, range.start, range.end);
    } else {
      const level = this.levels[range.depth];
      this.accumulateDense(feature, level, range.start, range.end);
      level.histogramOwner[feature] = range.serial;
      this.compressDense(feature, level);
    }
  }

  /**
   * The larger child's histogram as parent minus smaller sibling, when the parent's is at hand
   * and computing the sibling's (if not done already) costs less than scanning this node's rows.
   */
  private deriveFromParent(feature: number, range: NodeRange, sibling: Sibling, binCount: number): boolean {
    const parent = this.levels[range.depth - 1];
    if (parent.histogramOwner[feature] !== sibling.parentSerial) return false;
    const level = this.levels[range.depth];
    const siblingReady = level.histogramOwner[feature] === sibling.serial;
    const extraCost = siblingReady ? 0 : sibling.end - sibling.start + binCount * this.classCount;
    if (extraCost >= range.end - range.start) return false;
    if (!siblingReady) this.accumulateDense(feature, level, sibling.start, sibling.end);
    const from = this.histogramOffset[feature];
    const to = this.histogramOffset[feature + 1];
    const mine = level.histograms;
    const parents = parent.histograms;
    for (let i = from; i < to; i++) mine[i] = parents[i] - mine[i];
    level.histogramOwner[feature] = range.serial;
    return true;
  }

  private accumulateDense(feature: number, level: Level, start: number, end: number): void {
    const histogram = level.histograms;
    const offset = this.histogramOffset[feature];
    histogram.fill(0, offset, this.histogramOffset[feature + 1]);
    const codes = this.data.codes[feature];
    const labels = this.data.labels;
    const weights = this.weights;
    const rows = this.rows;
    const classCount = this.classCount;
    for (let i = start; i < end; i++) {
      const row = rows[i];
      histogram[offset + codes[row] * classCount + labels[row]] += weights[row];
    }
  }

  private compressDense(feature: number, level: Level): void {
    const histogram = level.histograms;
    const offset = this.histogramOffset[feature];
    const binCount = this.data.bins[feature].valueBinCount + 1;
    const classCount = this.classCount;
    let count = 0;
    for (let bin = 0; bin < binCount; bin++) {
      const base = offset + bin * classCount;
      let binWeight = 0;
      for (let c = 0; c < classCount; c++) binWeight += histogram[base + c];
      if (binWeight === 0) continue;
      this.nonEmptyBins[count] = bin;
      for (let c = 0; c < classCount; c++) this.nonEmptyWeights[count * classCount + c] = histogram[base + c];
      count++;
    }
    this.nonEmptyCount = count;
  }

  /** For nodes with fewer rows than bins: touch only the bins present, then sort those. */
  private accumulateSparse(feature: number, start: number, end: number): void {
    const codes = this.data.codes[feature];
    const labels = this.data.labels;
    const weights = this.weights;
    const rows = this.rows;
    const classCount = this.classCount;
    const histogram = this.sparseHistogram;
    const binWeight = this.sparseBinWeight;
    let count = 0;
    for (let i = start; i < end; i++) {
      const row = rows[i];
      const bin = codes[row];
      if (binWeight[bin] === 0) this.nonEmptyBins[count++] = bin;
      binWeight[bin] += weights[row];
      histogram[bin * classCount + labels[row]] += weights[row];
    }
    const bins = this.nonEmptyBins.subarray(0, count).sort();
    for (let k = 0; k < count; k++) {
      const bin = bins[k];
      for (let c = 0; c < classCount; c++) {
        this.nonEmptyWeights[k * classCount + c] = histogram[bin * classCount + c];
        histogram[bin * classCount + c] = 0;
      }
      binWeight[bin] = 0;
    }
    this.nonEmptyCount = count;
  }

  /**
   * Candidate splits: after each non-empty value bin ("value <= t"); each bin alone against the
   * rest ("value in (a, b]"), which isolates a value in one split, as a trigger needs, where
   * thresholds need two; and every present value against the missing ones. Each with missing
   * values sent left or right. Scored by the Gini proxy sum_c L_c^2 / L + sum_c R_c^2 / R
   * (larger is purer).
   */
  private evaluateSplits(feature: number, classWeights: Float64Array, weight: number): void {
    const classCount = this.classCount;
    const histogram = this.nonEmptyWeights;
    const missingBin = this.data.bins[feature].valueBinCount;
    const hasMissing = this.nonEmptyBins[this.nonEmptyCount - 1] === missingBin;
    const valueBins = hasMissing ? this.nonEmptyCount - 1 : this.nonEmptyCount;
    const missing = this.missingWeights;
    for (let c = 0; c < classCount; c++) missing[c] = hasMissing ? histogram[valueBins * classCount + c] : 0;
    const left = this.leftWeights;
    left.fill(0);
    for (let k = 0; k < valueBins - 1; k++) {
      for (let c = 0; c < classCount; c++) left[c] += histogram[k * classCount + c];
      this.considerWithMissing(feature, 0, this.nonEmptyBins[k], left, hasMissing, classWeights, weight);
    }
    // The first and last bins alone are threshold splits already.
    for (let k = 1; k < valueBins - 1; k++) {
      for (let c = 0; c < classCount; c++) left[c] = histogram[k * classCount + c];
      const bin = this.nonEmptyBins[k];
      this.considerWithMissing(feature, bin, bin, left, hasMissing, classWeights, weight);
    }
    if (hasMissing && valueBins > 0) {
      for (let c = 0; c < classCount; c++) left[c] = classWeights[c] - missing[c];
      this.considerSplit(feature, 0, missingBin - 1, MISSING_RIGHT, left, classWeights, weight);
    }
  }

  /** Present values of bins firstBin..lastBin (class weights `values`) left, missing values right or left. */
  private considerWithMissing(
    feature: number,
    firstBin: number,
    lastBin: number,
    values: Float64Array,
    hasMissing: boolean,
    classWeights: Float64Array,
    weight: number,
  ): void {
    if (!hasMissing) {
      this.considerSplit(feature, firstBin, lastBin, MISSING_TO_LARGER, values, classWeights, weight);
      return;
    }
    this.considerSplit(feature, firstBin, lastBin, MISSING_RIGHT, values, classWeights, weight);
    const withMissing = this.leftWithMissing;
    for (let c = 0; c < this.classCount; c++) withMissing[c] = values[c] + this.missingWeights[c];
    this.considerSplit(feature, firstBin, lastBin, MISSING_LEFT, withMissing, classWeights, weight);
  }

  private considerSplit(
    feature: number,
    firstLeftBin: number,
    lastLeftBin: number,
    missingRule: MissingRule,
    left: Float64Array,
    classWeights: Float64Array,
    weight: number,
  ): void {
    let leftWeight = 0;
    let leftSquares = 0;
    let rightSquares = 0;
    for (let c = 0; c < this.classCount; c++) {
      const l = left[c];
      const r = classWeights[c] - l;
      leftWeight += l;
      leftSquares += l * l;
      rightSquares += r * r;
    }
    const rightWeight = weight - leftWeight;
    const minLeaf = this.options.minSamplesLeaf;
    if (leftWeight < minLeaf || rightWeight < minLeaf) return;
    const score = leftSquares / leftWeight + rightSquares / rightWeight;
    const best = this.best;
    if (score <= best.score) return;
    best.score = score;
    best.feature = feature;
    best.firstLeftBin = firstLeftBin;
    best.lastLeftBin = lastLeftBin;
    best.missingLeft = missingRule === MISSING_LEFT || (missingRule === MISSING_TO_LARGER && leftWeight >= rightWeight);
    for (let c = 0; c < this.classCount; c++) {
      best.leftWeights[c] = left[c];
      best.rightWeights[c] = classWeights[c] - left[c];
    }
  }

  /** Stable partition of rows[start, end) by the split; returns where the right child starts. */
  private partition(start: number, end: number, feature: number, firstLeftBin: number, lastLeftBin: number, missingLeft: boolean): number {
    const codes = this.data.codes[feature];
    const missingBin = this.data.bins[feature].valueBinCount;
    const rows = this.rows;
    const scratch = this.partitionScratch;
    let leftEnd = start;
    let rightCount = 0;
    for (let i = start; i < end; i++) {
      const row = rows[i];
      const code = codes[row];
      const goesLeft = code === missingBin ? missingLeft : code >= firstLeftBin && code <= lastLeftBin;
      if (goesLeft) rows[leftEnd++] = row;
      else scratch[rightCount++] = row;
    }
    rows.set(scratch.subarray(0, rightCount), leftEnd);
    return leftEnd;
  }

  private nextSerial(): number {
    return this.serialCounter++;
  }
}

class BestSplit {
  score = -Infinity;
  feature = -1;
  /** Present values go left when their bin is in firstLeftBin..lastLeftBin. */
  firstLeftBin = 0;
  lastLeftBin = -1;
  missingLeft = false;
  readonly leftWeights: Float64Array;
  readonly rightWeights: Float64Array;

  constructor(classCount: number) {
    this.leftWeights = new Float64Array(classCount);
    this.rightWeights = new Float64Array(classCount);
  }

  reset(): void {
    this.score = -Infinity;
    this.feature = -1;
    this.firstLeftBin = 0;
    this.lastLeftBin = -1;
    this.missingLeft = false;
  }
}

function sum(values: Float64Array): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i];
  return total;
}

function sumOfSquares(values: Float64Array): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i] * values[i];
  return total;
}
