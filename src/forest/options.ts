export interface ForestOptions {
  /** Number of trees. */
  trees: number;
  /** Depth of the deepest split (the root is depth 0); values above MAX_DEPTH are treated as MAX_DEPTH. */
  maxDepth: number;
  /** Smallest weight (bootstrap draws) a leaf may hold. */
  minSamplesLeaf: number;
  /**
   * Features drawn at each split: 'sqrt' / 'log2' of the feature count, 'all', an integer count,
   * or a fraction in (0, 1) of the feature count. Constant features do not count, as in scikit-learn.
   */
  maxFeatures: 'sqrt' | 'log2' | 'all' | number;
  /** Train each tree on a bootstrap sample (with replacement) of the training rows. */
  bootstrap: boolean;
  /** At most this many value bins per feature (<= 255); one more bin is reserved for missing values. */
  maxBins: number;
  seed: number;
}

export const DEFAULT_FOREST_OPTIONS: ForestOptions = Object.freeze({
  trees: 50,
  maxDepth: 12,
  minSamplesLeaf: 5,
  maxFeatures: 'sqrt',
  bootstrap: true,
  maxBins: 255,
  seed: 1,
});

/**
 * Each level of a tree keeps its own histogram buffers while its subtree grows, so the depth is
 * bounded to keep memory bounded on degenerate data.
 */
export const MAX_DEPTH = 64;

/** Options after defaults and validation, with maxFeatures resolved to a count. */
export interface ResolvedForestOptions extends ForestOptions {
  readonly featuresPerSplit: number;
}

export function resolveForestOptions(options: Partial<ForestOptions>, featureCount: number): ResolvedForestOptions {
  const merged: ForestOptions = { ...DEFAULT_FOREST_OPTIONS, ...withoutUndefined(options) };
  requireInteger('trees', merged.trees, 1);
  requireInteger('minSamplesLeaf', merged.minSamplesLeaf, 1);
  requireInteger('maxBins', merged.maxBins, 2, 255);
  if (!(merged.maxDepth >= 0)) throw new RangeError(`maxDepth must be >= 0, got ${merged.maxDepth}`);
  if (!Number.isFinite(merged.seed)) throw new RangeError(`seed must be a finite number, got ${merged.seed}`);
  return {
    ...merged,
    maxDepth: Math.min(Math.floor(merged.maxDepth), MAX_DEPTH),
    featuresPerSplit: featuresPerSplit(merged.maxFeatures, featureCount),
  };
}

export function featuresPerSplit(maxFeatures: ForestOptions['maxFeatures'], featureCount: number): number {
  if (featureCount === 0) return 0;
  switch (maxFeatures) {
    case 'sqrt':
      return Math.max(1, Math.floor(Math.sqrt(featureCount)));
    case 'log2':
      return Math.max(1, Math.floor(Math.log2(featureCount)));
    case 'all':
      return featureCount;
  }
  if (typeof maxFeatures !== 'number' || !(maxFeatures > 0)) {
    throw new RangeError(`maxFeatures must be 'sqrt', 'log2', 'all' or a positive number, got ${String(maxFeatures)}`);
  }
  if (maxFeatures < 1) return Math.max(1, Math.floor(maxFeatures * featureCount));
  if (!Number.isInteger(maxFeatures)) throw new RangeError(`maxFeatures above 1 must be an integer, got ${maxFeatures}`);
  return Math.min(featureCount, maxFeatures);
}

function requireInteger(name: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer in [${min}, ${max}], got ${value}`);
  }
}

function withoutUndefined(options: Partial<ForestOptions>): Partial<ForestOptions> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}
