/**
 * Worker-thread entry of WorkerPoolExecutor (compiled to dist/src/studies/worker.js): trains one run per message,
 * streaming epoch metrics back, then the run record.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { pinKernelVariant } from '../engine/kernels/index.js';
import type { FromWorker, PoolWorkerData, ToWorker } from './executor.js';
import { NonFiniteLossError } from '../training/record.js';
import { runTraining } from '../training/run.js';

if (!parentPort) throw new Error('worker.js must run as a worker thread');
const port = parentPort;
const { kernels } = workerData as PoolWorkerData;
// Before the first kernel call; a runtime without relaxed SIMD then fails each run it is given, saying why.
if (kernels) pinKernelVariant(kernels);

port.on('message', (m: ToWorker) => {
  try {
    const record = runTraining(m.job.config, { onEpoch: (metrics) => port.postMessage({ type: 'epoch', metrics } satisfies FromWorker) });
    port.postMessage({ type: 'done', record } satisfies FromWorker);
  } catch (e) {
    const failure = e instanceof NonFiniteLossError ? e.failure : undefined;
    port.postMessage({ type: 'error', message: `run "${m.job.key}": ${e instanceof Error ? e.message : String(e)}`, failure } satisfies FromWorker);
  }
});
