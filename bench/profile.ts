/**
 * CPU and wall time per training epoch, for profiling the engine on a shared machine where wall-clock medians
 * drift with other people's load: `node dist/bench/profile.js [--epochs=6] [--plain] [--trainer] [--model=resnet]
 * [--batch=25]` (with PAIRNET_BACKEND=native on the native backend, which the summary line names). Times
 * bench/training-run.ts's loop (the bench's ConvSepNet + aux losses, or with --model=resnet
 * report 003's Siamese ResNet; 1000 pairs, batch 25, Adam 1e-3), or with
 * --trainer the real trainer (runTraining on embedded-MNIST pairs, no per-epoch evaluation). --plain keeps
 * relaxed SIMD off (the plain SIMD kernels). Under `node --cpu-prof` it gives the profile of exactly this loop.
 * Prints one line per epoch and the best and median CPU ms, with the 1-minute load average before and after.
 * With --torch it then times bench/training_torch.py (1 thread) the same way: CPU seconds of a 2-epoch and a
 * (2 + epochs)-epoch process from /usr/bin/time, their difference over `epochs` (import and warm-up cancel out), and
 * prints the CPU ratio pairnet best / PyTorch. Needs /usr/bin/python3 (or $PAIRNET_PYTHON) with torch.
 */
import { setFlagsFromString } from 'node:v8';
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defaultBackend, pinKernelVariant } from '../src/engine/kernels/index.js';
import { defaultRunConfig } from '../src/training/defaults.js';
import { runTraining } from '../src/training/run.js';
import { DEFAULT_SETUP, makeTrainer, type BenchModel } from './training-run.js';

const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const epochs = Number(arg('epochs') ?? 6);
const model = (arg('model') ?? 'convsepnet') as BenchModel;
if (model !== 'convsepnet' && model !== 'resnet') throw new Error(`profile: --model must be convsepnet or resnet, got ${model}`);
const setup = { ...DEFAULT_SETUP, model, batch: Number(arg('batch') ?? DEFAULT_SETUP.batch) };
if (!Number.isInteger(setup.batch) || setup.batch < 1) throw new Error(`profile: --batch must be a positive integer, got ${arg('batch')}`);
if (!Number.isInteger(epochs) || epochs < 2) throw new Error(`profile: --epochs must be an integer >= 2, got ${arg('epochs')}`);
if (process.argv.includes('--plain')) pinKernelVariant('simd');
else setFlagsFromString('--experimental-wasm-relaxed-simd');

const cpuMs = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1000;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const loadBefore = loadavg()[0];
const cpu: number[] = [];
const wall: number[] = [];

if (process.argv.includes('--trainer')) {
  // One epoch per runTraining call would re-pay setup; the trainer reports each epoch's wall time, and CPU is
  // taken over the whole run minus its first (warm-up) epoch's share.
  const config = { ...defaultRunConfig(), loss: { main: 0.5, aux: 0.25, auxSchedule: 'constant' as const } };
  let last = process.cpuUsage();
  runTraining({ ...config, epochs, evalEveryEpoch: false }, {
    onEpoch: (m) => {
      const now = process.cpuUsage();
      cpu.push(cpuMs(process.cpuUsage(last)));
      last = now;
      wall.push(m.seconds * 1000);
    },
  });
  cpu.shift();
  wall.shift();
} else {
  const trainer = makeTrainer(setup);
  trainer.epoch();
  for (let i = 0; i < epochs; i++) {
    const before = process.cpuUsage();
    wall.push(trainer.epoch());
    cpu.push(cpuMs(process.cpuUsage(before)));
  }
}

for (let i = 0; i < cpu.length; i++) console.log(`epoch ${i + 1}: cpu ${cpu[i].toFixed(1)} ms, wall ${wall[i].toFixed(1)} ms`);
console.log(
  `${process.argv.includes('--trainer') ? 'runTraining' : 'bench loop'}, ${defaultBackend().name}: ` +
    `cpu ms/epoch best ${Math.min(...cpu).toFixed(1)} median ${median(cpu).toFixed(1)}; ` +
    `wall best ${Math.min(...wall).toFixed(1)} median ${median(wall).toFixed(1)}; ` +
    `load ${loadBefore.toFixed(2)} -> ${loadavg()[0].toFixed(2)}`,
);

/** CPU seconds (user + system) of one PyTorch benchmark process training `timed` epochs after its warm-up. */
function torchCpuSeconds(timed: number): number {
  const python = process.env.PAIRNET_PYTHON ?? '/usr/bin/python3';
  const script = fileURLToPath(new URL('../../bench/training_torch.py', import.meta.url));
  const args = ['-f', '%U %S', python, script, '--threads', '1', '--epochs', String(timed), '--model', model, '--batch', String(setup.batch)];
  const r = spawnSync('/usr/bin/time', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`profile: /usr/bin/time ${args.join(' ')} failed: ${r.stderr || r.error?.message}`);
  const [user, system] = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  return user + system;
}

if (process.argv.includes('--torch')) {
  const torchMs = ((torchCpuSeconds(2 + epochs) - torchCpuSeconds(2)) / epochs) * 1000;
  console.log(
    `PyTorch 1 thread: cpu ms/epoch ${torchMs.toFixed(1)} (mean of ${epochs}); pairnet best / PyTorch = ` +
      `${(Math.min(...cpu) / torchMs).toFixed(3)}${model === 'convsepnet' ? ' (target <= 0.333)' : ''}; load now ${loadavg()[0].toFixed(2)}`,
  );
}
