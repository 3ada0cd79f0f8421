/**
 * Trains several forests at once, one worker thread each (the machine this runs on has two
 * cores and an audit trains two forests: candidate and reference). Each job is first compacted
 * to its training rows, so a worker receives a few megabytes, not the whole table; the result is
 * the same forest as training in-process on the compacted rows (a test checks this). With one
 * job, one core, AUDIT_DATA_WORKERS=0, or when running from the TypeScript sources (tests under
 * tsx), everything runs in-process.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { trainForest, RandomForest, type TrainingData } from './forest.js';
import type { ForestOptions } from './options.js';

export interface TrainingJob {
  data: TrainingData;
  options: Partial<ForestOptions>;
}

export interface CompactJob {
  features: Float64Array[];
  labels: Int32Array;
  classCount: number;
  options: Partial<ForestOptions>;
}

/** The job's training rows only, in their order. */
export function compactJob(job: TrainingJob): CompactJob {
  const { data } = job;
  const rows = data.rows ?? Uint32Array.from({ length: data.labels.length }, (_, i) => i);
  return {
    features: data.features.map((feature) => Float64Array.from(rows, (row) => feature[row])),
    labels: Int32Array.from(rows, (row) => data.labels[row]),
    classCount: data.classCount,
    options: job.options,
  };
}

export function trainCompact(job: CompactJob): RandomForest {
  return trainForest({ features: job.features, labels: job.labels, classCount: job.classCount }, job.options);
}

export async function trainForests(jobs: readonly TrainingJob[]): Promise<RandomForest[]> {
  const compact = jobs.map(compactJob);
  // Workers run the compiled module; from TypeScript sources (tests under tsx) everything runs here.
  const compiled = !import.meta.url.endsWith('.ts');
  const useWorkers = compiled && compact.length > 1 && availableParallelism() > 1 && process.env.AUDIT_DATA_WORKERS !== '0';
  if (!useWorkers) return compact.map(trainCompact);
  // The last job runs here while the others run in workers.
  const remote = compact.slice(0, -1).map(trainInWorker);
  const local = trainCompact(compact[compact.length - 1]);
  return [...(await Promise.all(remote)), local];
}

function trainInWorker(job: CompactJob): Promise<RandomForest> {
  const worker = new Worker(new URL('./train-worker.js', import.meta.url), {
    workerData: job,
    transferList: [...job.features.map((f) => f.buffer as ArrayBuffer), job.labels.buffer as ArrayBuffer],
  });
  return new Promise((resolve, reject) => {
    worker.once('message', (json: unknown) => resolve(RandomForest.fromJSON(json)));
    worker.once('error', reject);
    worker.once('exit', (code) => code !== 0 && reject(new Error(`forest worker exited with code ${code}`)));
  });
}
