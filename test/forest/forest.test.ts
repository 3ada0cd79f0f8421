import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RandomForest, trainForest, trainForestTrees, type TrainingData } from '../../src/forest/index.js';
import { binTrainingSet } from '../../src/forest/binning.js';
import { resolveForestOptions } from '../../src/forest/options.js';
import { TreeGrower } from '../../src/forest/tree.js';
import { Random } from '../../src/util/random.js';

/** Class 1 when x0 + x1 > 1 (with a little label noise), plus noise features. */
function synthetic(n: number, seed: number, featureCount = 5): TrainingData {
  const random = new Random(seed);
  const features = Array.from({ length: featureCount }, () => new Float64Array(n));
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    for (const column of features) column[i] = random.next();
    labels[i] = (features[0][i] + features[1][i] > 1) !== random.next() < 0.05 ? 1 : 0;
  }
  return { features, labels, classCount: 2 };
}

function allRows(n: number): Uint32Array {
  return Uint32Array.from({ length: n }, (_, i) => i);
}

test('same data and seed give the same model and predictions; another seed differs', () => {
  const data = synthetic(2000, 1);
  const rows = allRows(2000);
  const a = trainForest(data, { trees: 10, seed: 7 });
  const b = trainForest(data, { trees: 10, seed: 7 });
  const c = trainForest(data, { trees: 10, seed: 8 });
  assert.deepEqual(a.toJSON(), b.toJSON());
  assert.deepEqual(a.predictProbaRows(data.features, rows), b.predictProbaRows(data.features, rows));
  assert.notDeepEqual(a.predictProbaRows(data.features, rows), c.predictProbaRows(data.features, rows));
});

test('trees trained apart by index and merged equal the forest trained at once', () => {
  const data = synthetic(1500, 2);
  const options = { trees: 6, seed: 3 };
  const whole = trainForest(data, options);
  const merged = RandomForest.merge([trainForestTrees(data, options, [0, 1, 2]), trainForestTrees(data, options, [3, 4, 5])]);
  assert.deepEqual(merged.toJSON(), whole.toJSON());
  // Order of growth does not matter either.
  const reversed = trainForestTrees(data, options, [5, 4, 3, 2, 1, 0]).toJSON().trees.reverse();
  assert.deepEqual(reversed, whole.toJSON().trees);
});

test('sibling histogram subtraction changes no tree', () => {
  const data = synthetic(3000, 4, 8);
  data.features[2].forEach((_, i, column) => {
    if (i % 3 === 0) column[i] = NaN;
  });
  const rows = allRows(3000);
  const binned = binTrainingSet(data.features, data.labels, 2, rows, 255);
  for (const maxFeatures of ['all', 'sqrt'] as const) {
    const options = resolveForestOptions({ maxFeatures, maxDepth: 10, minSamplesLeaf: 1, seed: 5 }, 8);
    const withSubtraction = new TreeGrower(binned, options, true);
    const without = new TreeGrower(binned, options, false);
    for (let tree = 0; tree < 3; tree++) assert.deepEqual(withSubtraction.grow(tree), without.grow(tree));
  }
});

test('learns a simple rule; probabilities sum to 1', () => {
  const data = synthetic(3000, 5);
  const model = trainForest(data, { trees: 20, seed: 1 });
  const test = synthetic(1000, 6);
  const rows = allRows(1000);
  const classes = model.predictClassRows(test.features, rows);
  const correct = classes.filter((c, i) => c === test.labels[i]).length;
  assert.ok(correct / 1000 > 0.85, `accuracy ${correct / 1000}`);
  const probabilities = model.predictProbaRows(test.features, rows);
  for (let i = 0; i < 1000; i++) {
    const p0 = probabilities[2 * i];
    const p1 = probabilities[2 * i + 1];
    assert.ok(p0 >= 0 && p1 >= 0);
    assert.ok(Math.abs(p0 + p1 - 1) < 1e-12);
  }
  const importance = model.featureImportance();
  assert.ok(Math.abs(importance.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  assert.ok(importance[0] + importance[1] > 0.6, `importance ${Array.from(importance)}`);
});

test('predictProbaVector agrees with predictProbaRows', () => {
  const data = synthetic(1000, 7);
  const model = trainForest(data, { trees: 8, seed: 2 });
  const rows = allRows(50);
  const byRows = model.predictProbaRows(data.features, rows);
  const out = new Float64Array(2);
  for (const row of rows) {
    const vector = model.predictProbaVector(data.features.map((column) => column[row]), out);
    assert.equal(vector, out);
    assert.deepEqual(Array.from(vector), Array.from(byRows.subarray(2 * row, 2 * row + 2)));
  }
});

test('a unanimous forest gives exactly 1', () => {
  const x = Float64Array.from({ length: 200 }, (_, i) => i);
  const labels = Int32Array.from({ length: 200 }, (_, i) => (i < 100 ? 0 : 1));
  const model = trainForest({ features: [x], labels, classCount: 2 }, { trees: 7, seed: 1, bootstrap: false, minSamplesLeaf: 1 });
  assert.deepEqual(Array.from(model.predictProbaVector([10])), [1, 0]);
  assert.deepEqual(Array.from(model.predictProbaVector([190])), [0, 1]);
});

test('a feature with 30% missing values trains and predicts finite probabilities, NaN included', () => {
  const data = synthetic(2000, 8);
  const random = new Random(1);
  for (const column of data.features) for (let i = 0; i < column.length; i++) if (random.next() < 0.3) column[i] = NaN;
  const model = trainForest(data, { trees: 10, seed: 3 });
  const probabilities = model.predictProbaRows(data.features, allRows(2000));
  assert.ok(probabilities.every(Number.isFinite));
  const allMissing = model.predictProbaVector(new Array(5).fill(NaN));
  assert.ok(allMissing.every(Number.isFinite));
  assert.ok(Math.abs(allMissing[0] + allMissing[1] - 1) < 1e-12);
});

test('missing values that decide the label are learnt, and go the learnt way at prediction', () => {
  // Missing x means class 1; present x says nothing.
  const random = new Random(4);
  const n = 1000;
  const x = new Float64Array(n);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const missing = i % 4 === 0;
    x[i] = missing ? NaN : random.next();
    labels[i] = missing ? 1 : 0;
  }
  const model = trainForest({ features: [x], labels, classCount: 2 }, { trees: 5, seed: 1 });
  assert.ok(model.predictProbaVector([NaN])[1] > 0.99);
  assert.ok(model.predictProbaVector([0.5])[0] > 0.99);
});

test('with no missing value in training, a missing value follows the larger child', () => {
  const x = Float64Array.from({ length: 100 }, (_, i) => i);
  const labels = Int32Array.from({ length: 100 }, (_, i) => (i < 80 ? 0 : 1));
  const model = trainForest({ features: [x], labels, classCount: 2 }, { trees: 1, bootstrap: false, maxDepth: 1, minSamplesLeaf: 1 });
  assert.deepEqual(Array.from(model.predictProbaVector([NaN])), [1, 0]);
});

test('values beyond the training range go right of every split', () => {
  const x = Float64Array.from({ length: 100 }, (_, i) => i);
  const labels = Int32Array.from({ length: 100 }, (_, i) => (i < 50 ? 0 : 1));
  const model = trainForest({ features: [x], labels, classCount: 2 }, { trees: 3, seed: 2, bootstrap: false, minSamplesLeaf: 1 });
  assert.deepEqual(Array.from(model.predictProbaVector([1e9])), [0, 1]);
  assert.deepEqual(Array.from(model.predictProbaVector([Infinity])), [0, 1]);
  assert.deepEqual(Array.from(model.predictProbaVector([-Infinity])), [1, 0]);
});

test('single-class data puts all probability on that class', () => {
  const data = synthetic(300, 9);
  data.labels.fill(1);
  const model = trainForest(data, { trees: 5, seed: 1 });
  const probabilities = model.predictProbaRows(data.features, allRows(300));
  for (let i = 0; i < 300; i++) assert.deepEqual([probabilities[2 * i], probabilities[2 * i + 1]], [0, 1]);
});

test('a constant feature is never split on', () => {
  const data = synthetic(1000, 10, 3);
  data.features[2].fill(42);
  const model = trainForest(data, { trees: 10, seed: 1, maxFeatures: 'all' });
  const json = model.toJSON();
  for (const tree of json.trees) assert.ok(!tree.feature.includes(2));
  assert.equal(model.featureImportance()[2], 0);
});

test('tiny data (5 rows) does not throw', () => {
  const features = [Float64Array.from([1, 2, 3, 4, 5]), Float64Array.from([5, NaN, 3, 2, 1])];
  const labels = Int32Array.from([0, 1, 0, 1, 1]);
  const model = trainForest({ features, labels, classCount: 2 });
  const probabilities = model.predictProbaRows(features, allRows(5));
  assert.equal(probabilities.length, 10);
  assert.ok(probabilities.every(Number.isFinite));
  const one = trainForest({ features, labels, classCount: 2, rows: Uint32Array.from([3]) }, { trees: 2 });
  assert.deepEqual(Array.from(one.predictProbaVector([0, 0])), [0, 1]);
});

test('unknown labels are ignored, rows restrict training, bad input is refused', () => {
  const data = synthetic(500, 11);
  const labels = data.labels.slice();
  labels.fill(-1, 0, 250);
  const onlyLabelled = trainForest({ ...data, labels }, { trees: 3, seed: 1 });
  const explicitRows = trainForest({ ...data, rows: Uint32Array.from({ length: 250 }, (_, i) => 250 + i) }, { trees: 3, seed: 1 });
  assert.deepEqual(onlyLabelled.toJSON(), explicitRows.toJSON());
  assert.throws(() => trainForest({ ...data, labels: labels.fill(-1) }), /no labelled row/);
  assert.throws(() => trainForest({ ...data, labels: Int32Array.from(data.labels, () => 2) }), /outside 0..1/);
  assert.throws(() => trainForest({ ...data, features: [new Float64Array(3)] }), /one value per label/);
  assert.throws(() => trainForest(data, { maxBins: 256 }), RangeError);
  assert.throws(() => trainForest(data, { maxFeatures: 1.5 }), RangeError);
});

test('three classes', () => {
  const random = new Random(12);
  const n = 1500;
  const x = Float64Array.from({ length: n }, () => random.next() * 3);
  const labels = Int32Array.from(x, (v) => Math.floor(v));
  const model = trainForest({ features: [x], labels, classCount: 3 }, { trees: 5, seed: 1 });
  assert.equal(model.classCount, 3);
  assert.deepEqual(Array.from(model.predictClassRows([Float64Array.from([0.5, 1.5, 2.5])], Uint32Array.from([0, 1, 2]))), [0, 1, 2]);
});

test('toJSON / fromJSON round trip (through a JSON string) gives identical predictions', () => {
  const data = synthetic(2000, 13);
  data.features[3].forEach((_, i, column) => {
    if (i % 5 === 0) column[i] = NaN;
  });
  const model = trainForest(data, { trees: 10, seed: 4 });
  const copy = RandomForest.fromJSON(JSON.parse(JSON.stringify(model)));
  const cloned = RandomForest.fromJSON(structuredClone(model.toJSON()));
  const rows = allRows(2000);
  const probe = data.features.map((column) => column.map((v, i) => (i % 7 === 0 ? Infinity : i % 11 === 0 ? NaN : v)));
  for (const other of [copy, cloned]) {
    assert.deepEqual(other.predictProbaRows(probe, rows), model.predictProbaRows(probe, rows));
    assert.deepEqual(other.featureImportance(), model.featureImportance());
  }
  assert.throws(() => RandomForest.fromJSON({ format: 'something else' }), TypeError);
  const broken = model.toJSON();
  broken.trees[0].child[0] = 0;
  assert.throws(() => RandomForest.fromJSON(broken), /malformed/);
});
