// StrykerJS mutation testing, in parts so that a run cut short keeps the parts it finished (a full run takes hours on
// 2 cores): `npm run mutate` runs every part (tools/mutate.mjs), `npm run mutate -- data studies` some of them,
// `npm run mutate:score` sums the parts' reports. One part by hand: PAIRNET_MUTATE_PART=data npx stryker run.
// Incremental: a later run of a part re-tests only the mutants whose code or covering tests changed.

/** Each part's files; together they are src/data, src/studies, src/training and the engine's TypeScript. */
export const parts = {
  data: ['src/data/**/*.ts'],
  training: ['src/training/**/*.ts'],
  studies: ['src/studies/**/*.ts'],
  'engine-core': ['src/engine/*.ts', 'src/engine/optim/**/*.ts'],
  'engine-modules': ['src/engine/modules/**/*.ts'],
  'engine-plan': ['src/engine/plan/**/*.ts'],
  'engine-kernels': ['src/engine/kernels/**/*.ts', '!src/engine/kernels/wasm/binary.ts', '!src/engine/kernels/wasm/exports.ts'],
};

const part = process.env.PAIRNET_MUTATE_PART ?? 'data';
if (!(part in parts)) throw new Error(`PAIRNET_MUTATE_PART=${part}: not a part (${Object.keys(parts).join(', ')})`);
const dir = `out/mutation/${part}`;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.mutate.config.ts', related: true },
  mutate: [...parts[part], '!src/**/index.ts'], // index.ts files only re-export
  coverageAnalysis: 'perTest',
  // Module-level code runs once per process: each such mutant would need the whole suite.
  ignoreStatic: true,
  // The machine has 2 shared cores.
  concurrency: 1,
  incremental: true,
  incrementalFile: `${dir}/incremental.json`,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `${dir}/mutation.html` },
  jsonReporter: { fileName: `${dir}/mutation.json` },
  tempDirName: '.stryker-tmp',
  // A mutant that loops (the statistics functions iterate) is cut after 1.5 x its tests' time + 10 s.
  timeoutMS: 10_000,
  // The initial run of every test with coverage takes longer than Stryker's default 5 minutes on 2 cores.
  dryRunTimeoutMinutes: 60,
};
