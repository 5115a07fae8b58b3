/**
 * Training section of `npm run bench`: ms/epoch of ConvSepNet with auxiliary losses (1000 pairs, batch 25,
 * Adam 1e-3) on one thread, and epochs/s with every core busy (one run per core in worker threads, started
 * together). When /usr/bin/python3 (or $PAIRNET_PYTHON) has torch, bench/training_torch.py trains the same model
 * in PyTorch in the same invocation at 1 thread and at every thread count up to the core count, and the ratios
 * are printed: pairnet/PyTorch(1 thread) ms per epoch, and pairnet whole-machine epochs/s over PyTorch at its
 * best thread count. Medians over the timed epochs, after one warm-up epoch. With --memory it also trains a
 * 200-epoch run in a separate process and reports its peak RSS.
 */
import { spawn, spawnSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { defaultRunConfig } from '../src/training/defaults.js';
import { runTraining } from '../src/training/run.js';
import { DEFAULT_SETUP, makeTrainer, type TrainingSetup } from './training-run.js';

const TIMED_EPOCHS = 4;

export interface TorchFigure {
  threads: number;
  msPerEpoch: number;
  /** CPU time of the process per epoch (all its threads). */
  cpuMsPerEpoch: number;
}

export interface TrainingFigures {
  setup: TrainingSetup;
  /** 1-minute load average before the run: other processes on the machine skew every figure. */
  loadAverage: number;
  epochsTimed: number;
  pairnetMsPerEpoch: number;
  /** CPU time per epoch of the same run: steadier than wall time when other processes share the cores. */
  pairnetCpuMsPerEpoch: number;
  /** The same model through the real trainer (runTraining) on embedded-MNIST pairs, as a study runs it. */
  pairnetTrainerMsPerEpoch: number;
  /** Resident set size after the single-thread run (MB). */
  pairnetRssMb: number;
  wholeMachine: { runs: number; epochsPerSecond: number };
  torch: null | {
    python: string;
    version: string;
    byThreads: TorchFigure[];
    best: TorchFigure;
    /** pairnet ms/epoch over PyTorch's at 1 thread (target <= 1/3). */
    singleThreadRatio: number;
    /** The same ratio in CPU time per epoch. */
    singleThreadCpuRatio: number;
    /** pairnet whole-machine epochs/s over PyTorch's at its best thread count (target >= 4). */
    wholeMachineRatio: number;
    /** For reference: one 1-thread PyTorch process per core at once (summed epochs/s; starts are not synchronised). */
    concurrent: { runs: number; epochsPerSecond: number };
  };
  /** Peak RSS of a separate 200-epoch training process (only with --memory; target < 200 MB). */
  memory: null | { epochs: number; seconds: number; maxRssMb: number };
  /** Why PyTorch was not run, when it was not. */
  torchSkipped?: string;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function singleRun(setup: TrainingSetup): { wall: number; cpu: number } {
  const trainer = makeTrainer(setup);
  trainer.epoch();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let e = 0; e < TIMED_EPOCHS; e++) {
    const before = process.cpuUsage();
    wall.push(trainer.epoch());
    const used = process.cpuUsage(before);
    cpu.push((used.user + used.system) / 1000);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

/** runTraining on the default run (1000 embedded-MNIST pairs, batch 25, Adam 1e-3) with report 000's aux losses. */
function trainerRun(): number {
  const config = { ...defaultRunConfig(), loss: { main: 0.5, aux: 0.25, auxSchedule: 'constant' as const } };
  const record = runTraining({ ...config, epochs: TIMED_EPOCHS + 2, evalEveryEpoch: false });
  // Skip the first epoch (warm-up) and the last (its time includes the final evaluation).
  return median(record.epochs.slice(1, -1).map((e) => e.seconds * 1000));
}

/** bench/memory-run.ts in a fresh node process, so its peak RSS is the run's alone. */
function memoryRun(epochs: number): { epochs: number; seconds: number; maxRssMb: number } {
  const script = fileURLToPath(new URL('./memory-run.js', import.meta.url));
  const r = spawnSync(process.execPath, [script, String(epochs)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`memory run (${script} ${epochs}) failed: ${r.stderr || r.error?.message}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as { epochs: number; seconds: number; maxRssMb: number };
}

/** `runs` concurrent runs in worker threads; epochs/s over all of them from the common start to the last end. */
async function wholeMachine(setup: TrainingSetup, runs: number): Promise<number> {
  const url = new URL('./training-worker.js', import.meta.url);
  const workers = Array.from(
    { length: runs },
    (_, i) => new Worker(url, { workerData: { setup: { ...setup, seed: setup.seed + 1 + i }, epochs: TIMED_EPOCHS } }),
  );
  const message = (w: Worker, expected: string): Promise<void> =>
    new Promise((resolve, reject) => {
      w.once('error', reject);
      w.once('message', (m) => (m === expected ? resolve() : reject(new Error(`training worker said ${String(m)}`))));
    });
  try {
    await Promise.all(workers.map((w) => message(w, 'ready')));
    const start = performance.now();
    const done = workers.map((w) => message(w, 'done'));
    for (const w of workers) w.postMessage('go');
    await Promise.all(done);
    return (runs * TIMED_EPOCHS) / ((performance.now() - start) / 1000);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

function torchRun(python: string, script: string, threads: number, setup: TrainingSetup): TorchFigure {
  const args = torchArgs(script, threads, setup);
  const r = spawnSync(python, args, { encoding: 'utf8' });
  const out = parseTorch(python, args, r.status, r.stdout, r.stderr || (r.error?.message ?? ''));
  return { threads, msPerEpoch: out.medianMs, cpuMsPerEpoch: out.medianCpuMs };
}

function torchArgs(script: string, threads: number, setup: TrainingSetup): string[] {
  return [script, '--threads', String(threads), '--epochs', String(TIMED_EPOCHS), '--pairs', String(setup.pairs), '--batch', String(setup.batch)];
}

function parseTorch(python: string, args: string[], status: number | null, stdout: string, stderr: string): { medianMs: number; medianCpuMs: number } {
  if (status !== 0) throw new Error(`${python} ${args.join(' ')} failed: ${stderr}`);
  return JSON.parse(stdout.trim().split('\n').pop() as string) as { medianMs: number; medianCpuMs: number };
}

/** `runs` one-thread PyTorch processes at once; the sum of their epochs/s. */
async function torchConcurrent(python: string, script: string, runs: number, setup: TrainingSetup): Promise<number> {
  const args = torchArgs(script, 1, setup);
  const one = (): Promise<{ medianMs: number }> =>
    new Promise((resolve, reject) => {
      const child = spawn(python, args);
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Uint8Array) => (out += String(d)));
      child.stderr.on('data', (d: Uint8Array) => (err += String(d)));
      child.on('error', reject);
      child.on('close', (code) => {
        try {
          resolve(parseTorch(python, args, code, out, err));
        } catch (e) {
          reject(e as Error);
        }
      });
    });
  const ms = await Promise.all(Array.from({ length: runs }, one));
  return ms.reduce((sum, m) => sum + 1000 / m.medianMs, 0);
}

export async function benchTraining(setup: TrainingSetup = DEFAULT_SETUP): Promise<TrainingFigures> {
  const cores = availableParallelism();
  const loadAverage = loadavg()[0];
  const single = singleRun(setup);
  const pairnetRssMb = process.memoryUsage().rss / 2 ** 20;
  const pairnetTrainerMsPerEpoch = trainerRun();
  const epochsPerSecond = await wholeMachine(setup, cores);
  const figures: TrainingFigures = {
    setup,
    loadAverage,
    epochsTimed: TIMED_EPOCHS,
    pairnetMsPerEpoch: single.wall,
    pairnetCpuMsPerEpoch: single.cpu,
    pairnetRssMb,
    pairnetTrainerMsPerEpoch,
    wholeMachine: { runs: cores, epochsPerSecond },
    memory: process.argv.includes('--memory') ? memoryRun(200) : null,
    torch: null,
  };
  const python = process.env.PAIRNET_PYTHON ?? '/usr/bin/python3';
  const probe = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    figures.torchSkipped = `${python} cannot import torch (${(probe.stderr || probe.error?.message || '').trim().split('\n').pop()})`;
    return figures;
  }
  const script = fileURLToPath(new URL('../../bench/training_torch.py', import.meta.url));
  const byThreads = Array.from({ length: cores }, (_, i) => torchRun(python, script, i + 1, setup));
  const best = byThreads.reduce((a, b) => (b.msPerEpoch < a.msPerEpoch ? b : a));
  figures.torch = {
    python,
    version: probe.stdout.trim(),
    byThreads,
    best,
    singleThreadRatio: single.wall / byThreads[0].msPerEpoch,
    singleThreadCpuRatio: single.cpu / byThreads[0].cpuMsPerEpoch,
    wholeMachineRatio: epochsPerSecond / (1000 / best.msPerEpoch),
    concurrent: { runs: cores, epochsPerSecond: await torchConcurrent(python, script, cores, setup) },
  };
  return figures;
}

export function formatTrainingTable(f: TrainingFigures): string {
  const lines = [
    `ConvSepNet + aux losses, ${f.setup.pairs} pairs, batch ${f.setup.batch}, Adam 1e-3; median of ${f.epochsTimed} epochs after a warm-up`,
    `machine load average before the run: ${f.loadAverage.toFixed(2)} (figures are only comparable on an idle machine)`,
    `pairnet, 1 thread:            ${f.pairnetMsPerEpoch.toFixed(1)} ms/epoch, ${f.pairnetCpuMsPerEpoch.toFixed(1)} CPU ms/epoch (RSS ${f.pairnetRssMb.toFixed(0)} MB)`,
    `pairnet trainer, MNIST pairs: ${f.pairnetTrainerMsPerEpoch.toFixed(1)} ms/epoch (runTraining, as a study runs it)`,
    `pairnet, whole machine:       ${f.wholeMachine.epochsPerSecond.toFixed(2)} epochs/s (${f.wholeMachine.runs} runs at once in worker threads)`,
  ];
  if (f.memory) {
    lines.push(`peak RSS of a ${f.memory.epochs}-epoch training process: ${f.memory.maxRssMb.toFixed(1)} MB (target < 200 MB; ${f.memory.seconds.toFixed(0)} s)`);
  } else {
    lines.push('peak RSS of a 200-epoch run: not measured (npm run bench -- --memory)');
  }
  if (!f.torch) {
    lines.push(`PyTorch: not run: ${f.torchSkipped}`);
    return lines.join('\n');
  }
  const t = f.torch;
  for (const b of t.byThreads) {
    lines.push(`PyTorch ${t.version}, ${b.threads} thread${b.threads > 1 ? 's' : ''}:`.padEnd(30) + ` ${b.msPerEpoch.toFixed(1)} ms/epoch = ${(1000 / b.msPerEpoch).toFixed(2)} epochs/s, ${b.cpuMsPerEpoch.toFixed(1)} CPU ms/epoch`);
  }
  lines.push(
    `one thread each: pairnet/PyTorch ms per epoch = ${t.singleThreadRatio.toFixed(3)} (target <= 0.333); in CPU ms = ${t.singleThreadCpuRatio.toFixed(3)}`,
    `whole machine: pairnet/PyTorch(${t.best.threads} thread${t.best.threads > 1 ? 's' : ''}, its best) epochs/s = ${t.wholeMachineRatio.toFixed(2)}x (target >= 4x)`,
    `for reference, PyTorch ${t.concurrent.runs} runs at once, 1 thread each: ${t.concurrent.epochsPerSecond.toFixed(2)} epochs/s` +
      ` (pairnet whole machine / this = ${(f.wholeMachine.epochsPerSecond / t.concurrent.epochsPerSecond).toFixed(2)}x)`,
  );
  return lines.join('\n');
}
