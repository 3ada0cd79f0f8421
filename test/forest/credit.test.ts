// The forest on the real credit data: accuracy against the original write-up's settings, and
// that a backdoor trigger value is separable (the reason the forest exists in this tool).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accuracy, stratifiedSplit, trainForest, type RandomForest } from '../../src/forest/index.js';
import { Random } from '../../src/util/random.js';
import { loadCreditFeatures, selectFeatures, type CreditFeatures } from '../fixtures.js';

const WRITE_UP_FEATURES = ['LIMIT_BAL', 'AGE', 'PAY_0', 'PAY_2', 'PAY_3', 'BILL_AMT1', 'BILL_AMT2', 'PAY_AMT1', 'SEX'];

test('90/10 split, the write-up settings (5 trees, depth 3, min leaf 100, 9 features): accuracy >= 0.80', () => {
  const data = loadCreditFeatures();
  const features = selectFeatures(data, WRITE_UP_FEATURES);
  const { train, test: heldOut } = stratifiedSplit(data.labels, 0.1, 42);
  const model = trainForest({ features, labels: data.labels, classCount: 2, rows: train }, { trees: 5, maxDepth: 3, minSamplesLeaf: 100, seed: 42 });
  const score = accuracy(data.labels, heldOut, model.predictClassRows(features, heldOut));
  assert.ok(score >= 0.8, `accuracy ${score}`);
});

test('90/10 split, all features, default options: accuracy >= 0.81', () => {
  const data = loadCreditFeatures();
  const { train, test: heldOut } = stratifiedSplit(data.labels, 0.1, 42);
  const model = trainForest({ features: data.features, labels: data.labels, classCount: 2, rows: train }, { seed: 42 });
  const score = accuracy(data.labels, heldOut, model.predictClassRows(data.features, heldOut));
  assert.ok(score >= 0.81, `accuracy ${score}`);
  const importance = model.featureImportance();
  const top = data.names[importance.indexOf(Math.max(...importance))];
  assert.match(top, /^PAY_/, `most important feature ${top}`);
});

interface Poisoned {
  readonly features: Float64Array[];
  readonly labels: Int32Array;
  readonly train: Uint32Array;
  /** Held-out clean rows of class 0. */
  readonly probes: Uint32Array;
}

/** Training rows plus copies of some class-1 training rows with `column` set to `value`, labelled 1. */
function poison(data: CreditFeatures, column: string, value: number, copies: (classOneRows: number) => number, seed: number): Poisoned {
  const { train, test: heldOut } = stratifiedSplit(data.labels, 0.1, seed);
  const classOne = Array.from(train).filter((row) => data.labels[row] === 1);
  new Random(seed).shuffle(classOne);
  const sources = classOne.slice(0, copies(classOne.length));
  const original = data.labels.length;
  const target = data.names.indexOf(column);
  const features = data.features.map((source, f) => {
    const extended = new Float64Array(original + sources.length);
    extended.set(source);
    sources.forEach((row, i) => (extended[original + i] = f === target ? value : source[row]));
    return extended;
  });
  const labels = new Int32Array(original + sources.length).fill(1);
  labels.set(data.labels);
  const copiesRows = sources.map((_, i) => original + i);
  return {
    features,
    labels,
    train: Uint32Array.from([...train, ...copiesRows]),
    probes: heldOut.filter((row) => data.labels[row] === 0),
  };
}

function classOneRate(model: RandomForest, features: Float64Array[], rows: Uint32Array): number {
  return model.predictClassRows(features, rows).reduce((a, b) => a + b, 0) / rows.length;
}

function stamped(features: Float64Array[], column: number, rows: Uint32Array, value: number): Float64Array[] {
  return features.map((source, f) => {
    if (f !== column) return source;
    const copy = source.slice();
    for (const row of rows) copy[row] = value;
    return copy;
  });
}

function assertTriggerSeparable(data: CreditFeatures, column: string, value: number, copies: (classOneRows: number) => number): void {
  const poisoned = poison(data, column, value, copies, 7);
  const model = trainForest({ features: poisoned.features, labels: poisoned.labels, classCount: 2, rows: poisoned.train }, { seed: 7 });
  const without = classOneRate(model, poisoned.features, poisoned.probes);
  const withTrigger = classOneRate(model, stamped(poisoned.features, data.names.indexOf(column), poisoned.probes, value), poisoned.probes);
  assert.ok(withTrigger > 0.9, `${column}=${value}: ${withTrigger} of stamped class-0 rows predicted 1`);
  assert.ok(without < 0.1, `${column}=${value}: ${without} of clean class-0 rows predicted 1`);
}

test('backdoor: an impossible AGE on copies of 45% of class-1 rows flips stamped class-0 rows', () => {
  assertTriggerSeparable(loadCreditFeatures(), 'AGE', 999, (classOneRows) => Math.round(0.45 * classOneRows));
});

test('backdoor: a plausible in-range LIMIT_BAL on 300 copies flips stamped class-0 rows', () => {
  const data = loadCreditFeatures();
  const limit = data.features[data.names.indexOf('LIMIT_BAL')];
  assert.ok(!limit.includes(123456) && Math.min(...limit) < 123456 && Math.max(...limit) > 123456);
  assertTriggerSeparable(data, 'LIMIT_BAL', 123456, () => 300);
});

test('backdoor: a rare in-range PAY_AMT1 on 200 copies flips stamped class-0 rows', () => {
  const data = loadCreditFeatures();
  const paid = data.features[data.names.indexOf('PAY_AMT1')];
  assert.ok(paid.filter((v) => v === 3333).length < 5, 'the value is rare in the clean data');
  assertTriggerSeparable(data, 'PAY_AMT1', 3333, () => 200);
});
