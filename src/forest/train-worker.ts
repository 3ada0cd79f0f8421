/** Worker thread body for trainForests: trains one compacted job and posts the model back as plain data. */
import { parentPort, workerData } from 'node:worker_threads';
import { trainCompact, type CompactJob } from './parallel.js';

parentPort!.postMessage(trainCompact(workerData as CompactJob).toJSON());
