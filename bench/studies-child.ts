/**
 * Child process of the studies section (forked with PAIRNET_BACKEND set, so its default backend is the one asked
 * for): trains each run config it is sent and answers with the CPU and wall seconds of each epoch, the first one
 * including the run's setup (data, model, plan) and the last one the final evaluation. The digit pools are loaded
 * before the clock starts (a study's worker loads them once).
 */
import { defaultBackend } from '../src/engine/kernels/index.js';
import type { RunConfig } from '../src/training/config.js';
import { cachedLoadMnist, runTraining } from '../src/training/run.js';
import { cpuMs } from './timing.js';

export interface SampleRequest {
  config: RunConfig;
}

export type SampleReply = { backend: string; cpu: number[]; wall: number[] } | { error: string };

/** Trains `config` once, timing each epoch; epochs[0] includes setup, the last one the final evaluation. */
export function timeRun(config: RunConfig): { cpu: number[]; wall: number[] } {
  cachedLoadMnist(config.data.source);
  const now = (): [number, number] => [cpuMs() / 1000, performance.now() / 1000];
  const marks = [now()];
  runTraining(config, { onEpoch: () => marks.push(now()) });
  // What follows the last epoch (the final evaluation of the train set, the record) belongs to the last epoch.
  marks[marks.length - 1] = now();
  const diff = (i: 0 | 1): number[] => marks.slice(1).map((m, k) => m[i] - marks[k][i]);
  return { cpu: diff(0), wall: diff(1) };
}

if (process.send) {
  const send = process.send.bind(process);
  process.on('message', (m: SampleRequest) => {
    let reply: SampleReply;
    try {
      reply = { backend: defaultBackend().name, ...timeRun(m.config) };
    } catch (e) {
      reply = { error: e instanceof Error ? e.message : String(e) };
    }
    send(reply);
  });
  process.on('disconnect', () => process.exit(0));
}
