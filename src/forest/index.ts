export { DEFAULT_FOREST_OPTIONS, MAX_DEPTH, type ForestOptions } from './options.js';
export { trainForest, trainForestTrees, RandomForest, type TrainingData } from './forest.js';
export { buildFeatures, dictionaryRanks } from './features.js';
export { accuracy, perClassRecall, confusion, stratifiedSplit } from './evaluate.js';
