/**
 * The zoo section of `npm run bench`: every zoo model trained for a few epochs in pairnet (on its execution plan, as
 * the trainer runs it) and right after in PyTorch 1.13 on one thread (bench/zoo_torch.py on the model's twin from
 * tools/twin/twin_models.py), back to back in one invocation: same random pairs' shape and count, batch, loss and
 * Adam 1e-3, no evaluation inside a timed epoch on either side. Ratio = pairnet ms per epoch / PyTorch's (below 1: pairnet
 * faster). `--zoo-epochs=N` (default 2 timed, after one warm-up), `--zoo-models=a,b` to run only those,
 * `--backend=wasm,native` pairnet's backends, a row each (default wasm; auto: native where the addon is built, else wasm).
 */
import { spawnSync } from 'node:child_process';
import { cpuUsage } from 'node:process';
import { fileURLToPath } from 'node:url';
import { Adam, Rng, wasmKernels, zeros, type Backend } from '../src/engine/index.js';
import { kernelVariant, NativeBackend, nativeStatus } from '../src/engine/kernels/index.js';
import { buildModel, resolveModelOptions, ZOO } from '../src/models/registry.js';
import { PairLoss } from '../src/training/pair-loss.js';
import { benchOption } from './args.js';

const PAIRS = 1000;
const BATCH = 25;
const IMAGE = 2 * 14 * 14;

export interface ZooFigure {
  model: string;
  /** The backend pairnet ran on (Backend.name). */
  backend: string;
  pairnetMs: number;
  pairnetCpuMs: number;
  torchMs: number | null;
  torchCpuMs: number | null;
  /** pairnet / PyTorch, wall ms per epoch. */
  ratio: number | null;
  cpuRatio: number | null;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** pairnet's epochs of `name` on `kernels`: medians of wall and CPU ms over `epochs` timed epochs after one warm-up. */
function pairnetEpochs(name: string, epochs: number, kernels: Backend): { ms: number; cpuMs: number } {
  const rng = new Rng(1);
  const input = Float32Array.from({ length: PAIRS * IMAGE }, () => rng.normal());
  const classes = Int32Array.from({ length: PAIRS * 2 }, () => rng.int(10));
  const model = buildModel(name, {}, rng.fork('model'));
  const net = model.compile({ backend: kernels });
  const opt = new Adam(model.params(), { lr: 1e-3, backend: kernels });
  const loss = new PairLoss(model.mainLoss);
  // Digit losses as the twins take them (a twin returns main and digit outputs only).
  const weights = { main: 1, aux: model.hasDigits ? 0.5 : 0 };
  const x = zeros([BATCH, 2, 14, 14]);
  const t = { target: new Int32Array(BATCH), first: new Int32Array(BATCH), second: new Int32Array(BATCH) };
  const [ms, cpuMs]: number[][] = [[], []];
  try {
    for (let epoch = 0; epoch <= epochs; epoch++) {
      const [start, cpu] = [performance.now(), cpuUsage()];
      const perm = rng.permutation(PAIRS);
      for (let b = 0; b + BATCH <= PAIRS; b += BATCH) {
        for (let i = 0; i < BATCH; i++) {
          const k = perm[b + i];
          x.data.set(input.subarray(k * IMAGE, (k + 1) * IMAGE), i * IMAGE);
          [t.first[i], t.second[i]] = [classes[2 * k], classes[2 * k + 1]];
          t.target[i] = t.first[i] <= t.second[i] ? 1 : 0;
        }
        opt.zeroGrad();
        const v = loss.forward(net.forward(x, true), t, weights);
        if (!Number.isFinite(v.total)) throw new Error(`zoo bench: ${name}: loss ${v.total}`);
        net.backward(loss.backward());
        opt.step();
      }
      if (epoch === 0) continue;
      ms.push(performance.now() - start);
      const used = cpuUsage(cpu);
      cpuMs.push((used.user + used.system) / 1000);
    }
  } finally {
    net.dispose();
    opt.dispose();
  }
  return { ms: median(ms), cpuMs: median(cpuMs) };
}

/** PyTorch's epochs of the same model's twin on one thread, or null when it has no twin. */
function torchEpochs(python: string, name: string, epochs: number): { ms: number; cpuMs: number } | null {
  const model = buildModel(name, {}, new Rng(0));
  const options = resolveModelOptions(name, {});
  const job = { model: name, options, mainLoss: model.mainLoss, aux: model.hasDigits, pairs: PAIRS, batch: BATCH, epochs };
  const script = fileURLToPath(new URL('../../bench/zoo_torch.py', import.meta.url));
  const r = spawnSync(python, [script, '--threads', '1'], { input: JSON.stringify(job), encoding: 'utf8' });
  if (r.status === 3) return null;
  if (r.status !== 0) throw new Error(`${python} ${script} (${name}) failed: ${r.stderr || r.error?.message}`);
  const out = JSON.parse(r.stdout.trim().split('\n').pop() as string) as { parameters: number; medianMs: number; medianCpuMs: number };
  if (out.parameters !== model.parameterCount()) {
    throw new Error(`zoo bench: ${name}'s PyTorch twin has ${out.parameters} parameters, pairnet's model ${model.parameterCount()}`);
  }
  return { ms: out.medianMs, cpuMs: out.medianCpuMs };
}

function hasTorch(python: string): boolean {
  return spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
}

/** The backends of --backend (a fresh one per model run, disposed after it; the shared WebAssembly one is kept). */
function backends(argv: string[]): { make: () => Backend; shared: boolean }[] {
  const names = (benchOption(argv, 'backend') ?? 'wasm').split(',');
  return names.map((n) => {
    const native = nativeStatus();
    if (n === 'wasm' || (n === 'auto' && !native.available)) {
      if (n === 'auto' && !native.available) console.error(`zoo bench: native backend unavailable (${native.reason}); using WebAssembly`);
      return { make: () => wasmKernels(), shared: true };
    }
    if (n !== 'native' && n !== 'auto') throw new Error(`--backend: expected wasm, native or auto, got '${n}'`);
    if (!native.available) throw new Error(`--backend=native: ${native.reason}`);
    return { make: () => new NativeBackend(kernelVariant()), shared: false };
  });
}

export function benchZoo(argv: string[]): { figures: ZooFigure[]; torchSkipped?: string } {
  const epochs = Number(benchOption(argv, 'zoo-epochs') ?? 2);
  if (!(Number.isInteger(epochs) && epochs >= 1)) throw new Error(`--zoo-epochs: expected an integer >= 1, got ${epochs}`);
  const only = benchOption(argv, 'zoo-models')?.split(',');
  const names = ZOO.map((e) => e.name).filter((n) => !only || only.includes(n));
  for (const n of only ?? []) if (!ZOO.some((e) => e.name === n)) throw new Error(`--zoo-models: unknown zoo model '${n}'`);
  const python = process.env.PAIRNET_PYTHON ?? '/usr/bin/python3';
  const torch = hasTorch(python);
  const missing: string[] = [];
  const kinds = backends(argv);
  const figures = names.flatMap((model): ZooFigure[] => {
    const runs = kinds.map(({ make, shared }) => {
      const backend = make();
      try {
        return { backend: backend.name, ...pairnetEpochs(model, epochs, backend) };
      } finally {
        if (!shared) backend.dispose();
      }
    });
    const t = torch ? torchEpochs(python, model, epochs) : null;
    if (torch && !t) missing.push(model);
    return runs.map((p) => ({
      model, backend: p.backend, pairnetMs: p.ms, pairnetCpuMs: p.cpuMs, torchMs: t?.ms ?? null, torchCpuMs: t?.cpuMs ?? null,
      ratio: t ? p.ms / t.ms : null, cpuRatio: t ? p.cpuMs / t.cpuMs : null,
    }));
  });
  if (!torch) return { figures, torchSkipped: `${python} has no torch` };
  return missing.length > 0 ? { figures, torchSkipped: `no twin in tools/twin/twin_models.py for ${missing.join(', ')}` } : { figures };
}

export function formatZooTable({ figures, torchSkipped }: ReturnType<typeof benchZoo>): string {
  const f = (v: number | null, digits = 0): string => (v === null ? '-' : v.toFixed(digits));
  const rows = figures.map((z) => [z.model, z.backend, f(z.pairnetMs), f(z.torchMs), f(z.ratio, 2), f(z.pairnetCpuMs), f(z.torchCpuMs), f(z.cpuRatio, 2)]);
  const head = ['model', 'backend', 'pairnet ms', 'PyTorch ms', 'ratio', 'pairnet CPU ms', 'PyTorch CPU ms', 'CPU ratio'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const note = `${PAIRS} random pairs, batch ${BATCH}, Adam 1e-3, ms per training epoch (median), PyTorch 1.13 on 1 thread`;
  return [note, line(head), ...rows.map(line), ...(torchSkipped ? [`PyTorch not run: ${torchSkipped}`] : [])].join('\n');
}
