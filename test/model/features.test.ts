import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alignFeatures, featureValue } from '../../src/model/features.js';
import { datasetFromCsv, csvText } from '../fixtures.js';

// Two halves of one daily file: each day once, the candidate's days and the baseline's days interleaved.
const days = (from: number, count: number) => Array.from({ length: count }, (_, i) => new Date(Date.UTC(2020, 0, 1 + from + 2 * i)).toISOString().slice(0, 10));

test('a dates column that is a feature is the time it names, in both files: baseline days the candidate lacks sit between its days, not after its last one', async () => {
  // The candidate's days repeat (a feature by value); the baseline holds the days in between.
  const candidateDays = days(0, 40).flatMap((d) => [d, d]);
  const candidate = await datasetFromCsv(csvText(['day', 'y'], candidateDays.map((d, i) => [d, i % 2])), { label: 'y' });
  const baseline = await datasetFromCsv(csvText(['day', 'y'], days(1, 40).map((d, i) => [d, i % 2])), { label: 'y' });
  assert.equal(candidate.schema.columns[0].kind, 'datetime');
  const aligned = alignFeatures(candidate, baseline);
  const candidateTimes = aligned.candidate.features[0];
  const baselineTimes = aligned.baseline!.features[0];
  assert.equal(candidateTimes[0], Date.UTC(2020, 0, 1));
  assert.equal(baselineTimes[0], Date.UTC(2020, 0, 2));
  // Every baseline day but the last lies inside the candidate's span.
  const last = Math.max(...candidateTimes);
  assert.equal(Array.from(baselineTimes).filter((t) => t > last).length, 1);
  assert.equal(featureValue(candidate, 0, '2020-01-03'), Date.UTC(2020, 0, 3));
});

test('a baseline category the candidate never had is missing to the models, not ranked beside the candidate rarest value', async () => {
  const rows = (values: string[]) => values.map((v, i) => [v, i % 2]);
  const times = (value: string, n: number): string[] => new Array<string>(n).fill(value);
  const candidate = await datasetFromCsv(csvText(['c', 'y'], rows([...times('a', 30), ...times('b', 20), ...times('rare', 10)])), { label: 'y' });
  const baseline = await datasetFromCsv(csvText(['c', 'y'], rows([...times('a', 30), ...times('b', 20), ...times('other', 10)])), { label: 'y' });
  const aligned = alignFeatures(candidate, baseline);
  const rank = (value: string) => featureValue(candidate, 0, value);
  assert.deepEqual([rank('a'), rank('b'), rank('rare')], [0, 1, 2]);
  const base = aligned.baseline!.features[0];
  assert.equal(base[0], 0);
  assert.equal(base[30], 1);
  assert.ok(Number.isNaN(base[55]), `'other' maps to ${base[55]}`);
});
