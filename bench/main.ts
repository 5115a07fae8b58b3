/**
 * `npm run bench` (node dist/bench/main.js): runs each benchmark section and prints its table,
 * or with `--json` one JSON object keyed by section name. Each section lives in its own file
 * and is added to `sections` below.
 */
import { setFlagsFromString } from 'node:v8';
import { benchGemm, formatGemmTable } from './gemm.js';
import { benchTraining, formatTrainingTable } from './training.js';

// Lets the bench also measure the relaxed-SIMD kernels on Node 20 (they stay opt-in for the engine).
setFlagsFromString('--experimental-wasm-relaxed-simd');

interface Section {
  name: string;
  title: string;
  run(): Promise<{ table: string; figures: unknown }>;
}

const sections: Section[] = [
  {
    name: 'gemm',
    title: 'GEMM GFLOPS per shape (higher is better; includes copies into/out of wasm memory)',
    run: async () => {
      const figures = benchGemm();
      return { table: formatGemmTable(figures), figures };
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
];

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const out: Record<string, unknown> = {};
  for (const s of sections) {
    const { table, figures } = await s.run();
    if (json) out[s.name] = figures;
    else console.log(`\n== ${s.title}\n${table}`);
  }
  if (json) console.log(JSON.stringify(out, null, 2));
}

await main();
