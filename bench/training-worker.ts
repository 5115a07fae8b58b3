/**
 * One pairnet training run in a worker thread, for the "whole machine" figure: it builds its trainer and runs a
 * warm-up epoch, says 'ready', waits for 'go' (so all runs start together), runs the timed epochs, says 'done'.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { makeTrainer, type TrainingSetup } from './training-run.js';

const { setup, epochs } = workerData as { setup: TrainingSetup; epochs: number };
const port = parentPort as NonNullable<typeof parentPort>;
const trainer = makeTrainer(setup);
trainer.epoch();
port.postMessage('ready');
port.once('message', () => {
  for (let e = 0; e < epochs; e++) trainer.epoch();
  port.postMessage('done');
});
