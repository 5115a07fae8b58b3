/**
 * `npm run bench` (node dist/bench/main.js): runs each benchmark section and prints its table,
 * or with `--json` one JSON object keyed by section name; `--only=gemm,kernels` runs just those
 * sections (gemm, kernels, conv, training, queue, zoo; studies only when named, it takes ~15 minutes). Each section lives in its own file and is added to `sections` below.
 */
import { setFlagsFromString } from 'node:v8';
import { wasmKernels } from '../src/engine/kernels/index.js';
import { benchOption } from './args.js';
import { benchConv, formatConvTable } from './conv.js';
import { benchGemm, formatGemmTable } from './gemm.js';
import { benchKernels, formatKernelTable } from './kernels.js';
import { benchQueue, formatQueueTable } from './queue.js';
import { benchStudies, formatStudiesTable, studiesOptions } from './studies.js';
import { benchTraining, formatTrainingTable } from './training.js';
import { benchZoo, formatZooTable } from './zoo.js';

// Node 20 keeps relaxed SIMD behind a flag: set before the first kernel call, the engine picks its
// relaxed build here (the GEMM table also times the plain build on its own).
setFlagsFromString('--experimental-wasm-relaxed-simd');

interface Section {
  name: string;
  title: string;
  /** Run only when --only names it (it takes long). */
  optIn?: boolean;
  run(): Promise<{ table: string; figures: unknown }>;
}

const sections: Section[] = [
  {
    name: 'gemm',
    title: 'GEMM GFLOPS per shape (higher is better; all columns but resident include copies into/out of wasm memory)',
    run: async () => {
      const figures = benchGemm();
      const engine = `engine kernels: wasm-${wasmKernels().variant} (gemm column)`;
      return { table: `${engine}\n${formatGemmTable(figures)}`, figures: { engine: wasmKernels().variant, shapes: figures } };
    },
  },
  {
    name: 'kernels',
    title: 'Conv and activation kernels, ms per call (lower is better; wasm kernel vs TypeScript reference)',
    run: async () => {
      const figures = benchKernels();
      return { table: formatKernelTable(figures), figures };
    },
  },
  {
    name: 'conv',
    title: 'Conv2d methods on the ResNets\' convs, ms per call (lower is better; interleaved rounds, ratio vs im2col)',
    run: async () => {
      const figures = benchConv();
      return { table: formatConvTable(figures), figures };
    },
  },
  {
    name: 'training',
    title: 'Training ConvSepNet: pairnet vs PyTorch (same invocation)',
    run: async () => {
      const figures = await benchTraining();
      return { table: formatTrainingTable(figures), figures };
    },
  },
  {
    name: 'queue',
    title: 'Studies through the BullMQ queue: 1 vs 2 worker processes, overhead vs the local pool (same invocation)',
    run: async () => {
      const figures = await benchQueue();
      return { table: formatQueueTable(figures), figures };
    },
  },
  {
    name: 'zoo',
    title: 'Every zoo model: pairnet vs PyTorch 1.13 on one thread, ms per training epoch (same invocation, back to back)',
    run: async () => {
      const figures = benchZoo(process.argv);
      return { table: formatZooTable(figures), figures };
    },
  },
  {
    name: 'studies',
    optIn: true,
    title: 'The six report studies\' total training time, WebAssembly vs native (extrapolated from sampled runs, same invocation)',
    run: async () => {
      const figures = await benchStudies(studiesOptions(process.argv));
      return { table: formatStudiesTable(figures), figures };
    },
  },
];

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const only = benchOption(process.argv, 'only')?.split(',');
  const out: Record<string, unknown> = {};
  for (const s of sections) {
    if (only ? !only.includes(s.name) : s.optIn) continue;
    const { table, figures } = await s.run();
    if (json) out[s.name] = figures;
    else console.log(`\n== ${s.title}\n${table}`);
  }
  if (json) console.log(JSON.stringify(out, null, 2));
}

await main();
