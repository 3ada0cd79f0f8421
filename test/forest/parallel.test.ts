import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trainForest } from '../../src/forest/index.js';
import { compactJob, trainCompact, trainForests } from '../../src/forest/parallel.js';
import { Random } from '../../src/util/random.js';

function data(rows: number) {
  const random = new Random(3);
  const features = [0, 1, 2].map(() => Float64Array.from({ length: rows }, () => random.next()));
  const labels = Int32Array.from({ length: rows }, (_, i) => (features[0][i] + 0.3 * features[1][i] > 0.6 ? 1 : 0));
  return { features, labels, classCount: 2 };
}

test('a forest trained on the compacted training rows equals the forest trained on the row subset', () => {
  const d = data(2000);
  const rows = Uint32Array.from({ length: 1200 }, (_, i) => i * 1 + (i % 3));
  const options = { trees: 8, maxDepth: 6, seed: 5 };
  const direct = trainForest({ ...d, rows }, options);
  const compacted = trainCompact(compactJob({ data: { ...d, rows }, options }));
  const all = Uint32Array.from({ length: 2000 }, (_, i) => i);
  assert.deepEqual(compacted.predictProbaRows(d.features, all), direct.predictProbaRows(d.features, all));
});

test('trainForests returns the forests in job order', async () => {
  const d = data(500);
  const [a, b] = await trainForests([
    { data: d, options: { trees: 3, seed: 1 } },
    { data: d, options: { trees: 5, seed: 2 } },
  ]);
  assert.deepEqual([a.treeCount, b.treeCount], [3, 5]);
});

test('the compiled CLI gives the same report with and without worker threads', async () => {
  const { spawnSync } = await import('node:child_process');
  const path = await import('node:path');
  const { ROOT, creditHead, tempFolder, writePoisoned } = await import('../fixtures.js');
  // The known attack on the head of the credit example with its label given, so the compared
  // reports hold the models, their probes and a trigger. The compiled CLI trains the candidate
  // and reference forests as a pair, one of them in a worker thread, whatever the file's size
  // (src/forest/parallel.ts: more than one job, more than one core, AUDIT_DATA_WORKERS not 0).
  const { file } = writePoisoned(tempFolder('audit-data-parallel-'), { source: creditHead() });
  const run = (workers: string): Record<string, unknown> => {
    const result = spawnSync(process.execPath, [path.join(ROOT, 'bin/audit-data.js'), file, '--label', 'DEFAULT', '--format', 'json'], {
      env: { ...process.env, AUDIT_DATA_WORKERS: workers },
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    });
    const report = JSON.parse(result.stdout) as Record<string, unknown>;
    delete report.generatedAt;
    delete report.timings;
    return report;
  };
  const withWorkers = run('1');
  assert.equal((withWorkers.model as { enabled?: boolean }).enabled, true, 'the models ran');
  assert.ok((withWorkers.triggers as unknown[]).length > 0, 'a trigger was probed and confirmed');
  assert.deepEqual(withWorkers, run('0'));
});
