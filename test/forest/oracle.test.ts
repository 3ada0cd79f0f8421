// Our forest against ml-random-forest 2.1.0 on small samples of the credit data (it grows a tree
// in time quadratic in the rows, so only a few hundred). Its quirks, avoided here: labels must be
// 0..k-1 numbers, NaN is accepted silently (the credit data has none), predictProbability ignores
// the first tree (only predict is used), and maxFeatures is a per-tree feature bag.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RandomForestClassifier } from 'ml-random-forest';
import { accuracy, stratifiedSplit, trainForest } from '../../src/forest/index.js';
import { loadCreditFeatures } from '../fixtures.js';

test('on a few hundred credit rows, our accuracy is within a few points of ml-random-forest', () => {
  const data = loadCreditFeatures();
  const differences: number[] = [];
  for (const seed of [1, 2, 3]) {
    const { train: sample, test: rest } = stratifiedSplit(data.labels, 1 - 300 / data.labels.length, seed);
    const { test: heldOut } = stratifiedSplit(data.labels, 2000 / rest.length, seed, rest);
    const rowsAsArrays = (rows: Uint32Array): number[][] => Array.from(rows, (row) => data.features.map((column) => column[row]));

    const oracle = new RandomForestClassifier({
      nEstimators: 15,
      maxFeatures: 1.0,
      replacement: false,
      useSampleBagging: true,
      noOOB: true,
      seed,
      treeOptions: { maxDepth: 6, minNumSamples: 5 },
    });
    oracle.train(rowsAsArrays(sample), Array.from(sample, (row) => data.labels[row]));
    const theirs = accuracy(data.labels, heldOut, Int32Array.from(oracle.predict(rowsAsArrays(heldOut))));

    const ours = trainForest({ features: data.features, labels: data.labels, classCount: 2, rows: sample }, { trees: 15, maxDepth: 6, minSamplesLeaf: 3, seed });
    const ourAccuracy = accuracy(data.labels, heldOut, ours.predictClassRows(data.features, heldOut));

    assert.ok(theirs > 0.7 && ourAccuracy > 0.7, `seed ${seed}: ours ${ourAccuracy}, ml-random-forest ${theirs}`);
    assert.ok(Math.abs(ourAccuracy - theirs) < 0.05, `seed ${seed}: ours ${ourAccuracy}, ml-random-forest ${theirs}`);
    differences.push(ourAccuracy - theirs);
  }
  const meanDifference = differences.reduce((a, b) => a + b, 0) / differences.length;
  assert.ok(Math.abs(meanDifference) < 0.03, `mean difference ${meanDifference}`);
});
