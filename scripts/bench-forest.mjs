// Forest benchmark on the credit-card data (label DEFAULT, ID left out): training time (median of
// 5 runs after a warm-up run, one stratified 90/10 split and seed per run) and mean held-out accuracy for the
// original write-up's settings and a few larger ones; prediction time; 100 trees on 100,000 rows;
// ml-random-forest on a small sample; and scikit-learn on the same settings when a python3 with
// sklearn is at hand (Debian: apt-get install python3-sklearn python3-pandas), else skipped.
// Run: node scripts/bench-forest.mjs [data.csv] [--no-large] [--no-oracle]
import { register } from 'tsx/esm/api';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

register();
const { trainForest, stratifiedSplit, accuracy } = await import('../src/forest/index.ts');
const { Random } = await import('../src/util/random.ts');

const args = process.argv.slice(2);
const here = path.dirname(fileURLToPath(import.meta.url));
const csvPath = args.find((arg) => !arg.startsWith('--')) ?? path.join(here, '../examples/data/default_credit_card.csv');
const LABEL = 'DEFAULT';
const EXCLUDED = new Set(['ID', LABEL]);
const WRITE_UP_FEATURES = ['LIMIT_BAL', 'AGE', 'PAY_0', 'PAY_2', 'PAY_3', 'BILL_AMT1', 'BILL_AMT2', 'PAY_AMT1', 'SEX'];
const RUNS = 5;

const CONFIGS = [
  { name: 'write-up: 5 trees, depth 3, leaf 100, 9 features', features: WRITE_UP_FEATURES, options: { trees: 5, maxDepth: 3, minSamplesLeaf: 100 } },
  { name: '5 trees, depth 3, leaf 100, all features', features: null, options: { trees: 5, maxDepth: 3, minSamplesLeaf: 100 } },
  { name: '50 trees, depth 10, leaf 1', features: null, options: { trees: 50, maxDepth: 10, minSamplesLeaf: 1 } },
  { name: 'defaults: 50 trees, depth 12, leaf 5', features: null, options: {} },
];

/** Numeric CSV with a header; a tiny reader, enough for this file. */
function loadCsv(file) {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/).filter((line) => line.length > 0);
  const header = lines[0].split(',');
  const labelIndex = header.indexOf(LABEL);
  const featureIndices = header.map((_, i) => i).filter((i) => !EXCLUDED.has(header[i]));
  const rowCount = lines.length - 1;
  const columns = featureIndices.map(() => new Float64Array(rowCount));
  const labels = new Int32Array(rowCount);
  for (let r = 0; r < rowCount; r++) {
    const cells = lines[r + 1].split(',');
    featureIndices.forEach((column, f) => (columns[f][r] = cells[column] === '' ? NaN : Number(cells[column])));
    labels[r] = Number(cells[labelIndex]);
  }
  return { names: featureIndices.map((i) => header[i]), columns, labels };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;
const ms = (seconds) => `${(seconds * 1000).toFixed(0)} ms`;

function selected(data, names) {
  return names === null ? data.columns : names.map((name) => data.columns[data.names.indexOf(name)]);
}

/** Run -1 is a warm-up (JIT), reported as `coldSeconds` but not in the median. */
function benchConfig(data, config) {
  const features = selected(data, config.features);
  const seconds = [];
  const scores = [];
  let coldSeconds = 0;
  for (let run = -1; run < RUNS; run++) {
    const { train, test } = stratifiedSplit(data.labels, 0.1, Math.max(run, 0));
    const start = performance.now();
    const model = trainForest({ features, labels: data.labels, classCount: 2, rows: train }, { ...config.options, seed: run });
    const elapsed = (performance.now() - start) / 1000;
    if (run < 0) {
      coldSeconds = elapsed;
      continue;
    }
    seconds.push(elapsed);
    scores.push(accuracy(data.labels, test, model.predictClassRows(features, test)));
  }
  return { seconds: median(seconds), coldSeconds, accuracy: mean(scores) };
}

function benchPrediction(data) {
  const { train } = stratifiedSplit(data.labels, 0.1, 0);
  const model = trainForest({ features: data.columns, labels: data.labels, classCount: 2, rows: train }, { trees: 50, seed: 0 });
  const rows = Uint32Array.from({ length: 10000 }, (_, i) => (i * 3) % data.labels.length);
  const seconds = [];
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    model.predictProbaRows(data.columns, rows);
    seconds.push((performance.now() - start) / 1000);
  }
  return median(seconds);
}

/** Rows drawn from the credit rows, amounts jittered by up to ±5% so they are not mere copies. */
function largeData(data, rowCount) {
  const random = new Random(5);
  const columns = data.columns.map(() => new Float64Array(rowCount));
  const labels = new Int32Array(rowCount);
  for (let i = 0; i < rowCount; i++) {
    const source = random.int(data.labels.length);
    labels[i] = data.labels[source];
    data.columns.forEach((column, f) => {
      const value = column[source];
      columns[f][i] = Math.abs(value) > 1000 ? Math.round(value * (0.95 + 0.1 * random.next())) : value;
    });
  }
  return { names: data.names, columns, labels };
}

function benchLarge(data) {
  const large = largeData(data, 110000);
  const { train, test } = stratifiedSplit(large.labels, 1 / 11, 1);
  const seconds = [];
  let score = 0;
  for (let run = 0; run < 3; run++) {
    const start = performance.now();
    const model = trainForest({ features: large.columns, labels: large.labels, classCount: 2, rows: train }, { trees: 100, maxDepth: 12, seed: run });
    seconds.push((performance.now() - start) / 1000);
    score = accuracy(large.labels, test, model.predictClassRows(large.columns, test));
  }
  return { rows: train.length, seconds: median(seconds), accuracy: score };
}

/** ml-random-forest (quadratic in the rows) on a few hundred rows against ours on the same rows. */
async function benchOracle(data) {
  const { RandomForestClassifier } = await import('ml-random-forest');
  const results = [];
  for (const seed of [1, 2, 3]) {
    const { train: sample, test: rest } = stratifiedSplit(data.labels, 1 - 400 / data.labels.length, seed);
    const { test } = stratifiedSplit(data.labels, 2000 / rest.length, seed, rest);
    const asArrays = (rows) => Array.from(rows, (row) => data.columns.map((column) => column[row]));
    let start = performance.now();
    const oracle = new RandomForestClassifier({
      nEstimators: 25, maxFeatures: 1.0, replacement: false, useSampleBagging: true, noOOB: true, seed,
      treeOptions: { maxDepth: 6, minNumSamples: 5 },
    });
    oracle.train(asArrays(sample), Array.from(sample, (row) => data.labels[row]));
    const theirSeconds = (performance.now() - start) / 1000;
    const theirs = accuracy(data.labels, test, Int32Array.from(oracle.predict(asArrays(test))));
    start = performance.now();
    const ours = trainForest({ features: data.columns, labels: data.labels, classCount: 2, rows: sample }, { trees: 25, maxDepth: 6, minSamplesLeaf: 3, seed });
    const ourSeconds = (performance.now() - start) / 1000;
    results.push({ theirSeconds, theirs, ourSeconds, ours: accuracy(data.labels, test, ours.predictClassRows(data.columns, test)) });
  }
  return {
    theirSeconds: median(results.map((r) => r.theirSeconds)),
    theirs: mean(results.map((r) => r.theirs)),
    ourSeconds: median(results.map((r) => r.ourSeconds)),
    ours: mean(results.map((r) => r.ours)),
  };
}

const SKLEARN_SCRIPT = `
import json, sys, time
import numpy as np, pandas as pd, sklearn
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import train_test_split
request = json.loads(sys.argv[1])
df = pd.read_csv(request['csv'])
y = df[request['label']].values
X = df.drop(columns=request['excluded'])
results = []
for config in request['configs']:
    cols = config['features'] or list(X.columns)
    o = config['options']
    seconds, scores = [], []
    for run in range(request['runs']):
        Xtr, Xte, ytr, yte = train_test_split(X[cols].values, y, test_size=0.1, stratify=y, random_state=run)
        model = RandomForestClassifier(n_estimators=o.get('trees', 50), max_depth=o.get('maxDepth', 12),
                                       min_samples_leaf=o.get('minSamplesLeaf', 5), random_state=run, n_jobs=1)
        start = time.perf_counter(); model.fit(Xtr, ytr); seconds.append(time.perf_counter() - start)
        scores.append(float((model.predict(Xte) == yte).mean()))
    results.append({'seconds': float(np.median(seconds)), 'accuracy': float(np.mean(scores))})
print(json.dumps({'version': sklearn.__version__, 'results': results}))
`;

function pythonWithSklearn() {
  for (const python of ['python3', '/usr/bin/python3']) {
    const probe = spawnSync(python, ['-c', 'import sklearn, pandas'], { stdio: 'ignore' });
    if (probe.status === 0) return python;
  }
  return null;
}

function benchSklearn(python) {
  const request = { csv: csvPath, label: LABEL, excluded: [...EXCLUDED], runs: RUNS, configs: CONFIGS.map(({ features, options }) => ({ features, options })) };
  const run = spawnSync(python, ['-c', SKLEARN_SCRIPT, JSON.stringify(request)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (run.status !== 0) throw new Error(`scikit-learn run failed: ${run.stderr.trim().split('\n').pop()}`);
  return JSON.parse(run.stdout);
}

const data = loadCsv(csvPath);
console.log(`credit data: ${data.labels.length} rows x ${data.names.length} features; ${RUNS} runs of a 90/10 stratified split`);
const ours = CONFIGS.map((config) => benchConfig(data, config));
const python = pythonWithSklearn();
const sklearn = python === null ? null : benchSklearn(python);
console.log(sklearn === null ? 'scikit-learn: not available, skipped' : `scikit-learn ${sklearn.version} (${python}), n_jobs=1`);
CONFIGS.forEach((config, i) => {
  const mine = ours[i];
  let line = `${config.name.padEnd(52)} ours ${ms(mine.seconds).padStart(8)} (first ${ms(mine.coldSeconds)})  acc ${mine.accuracy.toFixed(4)}`;
  if (sklearn !== null) {
    const theirs = sklearn.results[i];
    line += ` | sklearn ${ms(theirs.seconds).padStart(8)}  acc ${theirs.accuracy.toFixed(4)} | sklearn/ours time ${(theirs.seconds / mine.seconds).toFixed(1)}x`;
  }
  console.log(line);
});
console.log(`prediction, 10,000 rows x 50 trees (depth 12): ${ms(benchPrediction(data))}`);
if (!args.includes('--no-large')) {
  const large = benchLarge(data);
  console.log(`100 trees, depth 12, on ${large.rows} rows (jittered resample): ${ms(large.seconds)}, acc ${large.accuracy.toFixed(4)}`);
}
if (!args.includes('--no-oracle')) {
  const oracle = await benchOracle(data);
  console.log(
    `400-row sample, 25 trees depth 6 (2,000 held-out rows): ml-random-forest ${ms(oracle.theirSeconds)} acc ${oracle.theirs.toFixed(4)}` +
      ` | ours ${ms(oracle.ourSeconds)} acc ${oracle.ours.toFixed(4)}`,
  );
}
