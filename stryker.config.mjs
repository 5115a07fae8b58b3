// StrykerJS mutation testing: `npm run mutate` (not in CI: hours on 2 cores). A subset of files:
//   npm run mutate -- --mutate src/training/pair-loss.ts,src/data/pairs.ts
// Incremental: a later run re-tests only the mutants whose code or covering tests changed (out/mutation/incremental.json).
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.mutate.config.ts', related: true },
  mutate: [
    'src/data/**/*.ts',
    'src/studies/**/*.ts',
    'src/training/**/*.ts',
    'src/engine/**/*.ts',
    '!src/engine/kernels/wasm/binary.ts', // generated: the compiled WebAssembly as base64
    '!src/**/index.ts', // re-exports only
  ],
  coverageAnalysis: 'perTest',
  // Module-level code runs once per process: each such mutant would need the whole suite.
  ignoreStatic: true,
  // The machine has 2 shared cores.
  concurrency: 1,
  incremental: true,
  incrementalFile: 'out/mutation/incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'out/mutation/mutation.html' },
  jsonReporter: { fileName: 'out/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  // A mutant that loops (the statistics functions iterate) is cut after 1.5 x its tests' time + 10 s.
  timeoutMS: 10_000,
  // The initial run of every test with coverage takes longer than Stryker's default 5 minutes on 2 cores.
  dryRunTimeoutMinutes: 60,
};
