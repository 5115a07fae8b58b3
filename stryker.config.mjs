// StrykerJS mutation testing, in parts so that a run cut short keeps the parts it finished (a full run takes hours on
// 2 cores): `npm run mutate` runs every part (tools/mutate.mjs), `npm run mutate -- data studies` some of them,
// `npm run mutate:score` sums the parts' reports. One part by hand: PAIRNET_MUTATE_PART=data npx stryker run.
// Incremental: a later run of a part re-tests only the mutants whose code or covering tests changed.

/**
 * Each part's source files (together: src/data, src/studies, src/training and the engine's TypeScript) and the tests
 * that must kill their mutants: the layer's own suites (the engine's also the model zoo, which exercises it). Tests of
 * later layers would catch some mutants too, but each of them trains models, which made a part take hours.
 */
const ENGINE_TESTS = ['test/engine/**/*.test.ts', 'test/models/**/*.test.ts'];
// Outside the kernels, the native addon's tests only repeat what the WebAssembly kernels' tests check.
const ENGINE_TESTS_NO_NATIVE = [...ENGINE_TESTS, '!test/engine/kernels-native*.test.ts', '!test/models/zoo-plan-native.test.ts'];
const KERNELS_CONV = ['conv', 'conv-relu', 'im2col', 'pool'].map((f) => `src/engine/kernels/${f}.ts`);
const GEMM = ['src/engine/kernels/gemm.ts', 'src/engine/kernels/wasm/instance.ts'];
const KERNEL_TESTS = [
  'test/engine/kernels*.test.ts', 'test/engine/kernel-choice.test.ts', 'test/engine/plan-*.test.ts',
  'test/engine/default-backend.test.ts', 'test/engine/rng-known-answers.test.ts', '!test/engine/kernels-native*.test.ts',
];
const QUEUE_TESTS = ['test/studies/queue.test.ts', 'test/studies/queue-status.test.ts', 'test/studies/queue-executor.test.ts'];
const STUDIES_TESTS = ['test/studies/**/*.test.ts', '!test/studies/study-command.test.ts', ...QUEUE_TESTS.map((f) => `!${f}`)];
const STUDIES_STATS = ['holm', 'wilcoxon', 'distributions', 'statistics', 'study-stats'].map((f) => `src/studies/${f}.ts`);
const STUDIES_PLAN = ['config', 'plan', 'overrides', 'run-defaults', 'study-file', 'study-schema', 'study-dir', 'dry-run'].map((f) => `src/studies/${f}.ts`);
export const parts = {
  data: { mutate: ['src/data/**/*.ts'], tests: ['test/data/**/*.test.ts', 'test/fuzz/parsers.test.ts'] },
  training: { mutate: ['src/training/**/*.ts'], tests: ['test/training/**/*.test.ts'] },
  // src/studies in four parts, each short enough to finish in a sitting. study-command.test.ts runs the built CLI
  // (dist/), which never sees a mutant; the queue's tests start Redis and worker processes for each mutant, so they
  // only face the queue's own files.
  'studies-stats': { mutate: STUDIES_STATS, tests: STUDIES_TESTS },
  'studies-plan': { mutate: STUDIES_PLAN, tests: STUDIES_TESTS },
  // worker.ts runs only inside pool threads, loaded from dist/: no mutant reaches it (the pool's tests cover it).
  'studies-run': {
    mutate: ['src/studies/*.ts', '!src/studies/queue-*.ts', '!src/studies/worker.ts', ...[...STUDIES_STATS, ...STUDIES_PLAN].map((f) => `!${f}`)],
    tests: STUDIES_TESTS,
  },
  // queue-worker.ts runs only inside `pairnet worker` processes started from dist/: no mutant reaches it.
  'studies-queue': { mutate: ['src/studies/queue-*.ts', '!src/studies/queue-worker.ts'], tests: QUEUE_TESTS },
  'engine-core': { mutate: ['src/engine/*.ts', 'src/engine/optim/**/*.ts'], tests: ENGINE_TESTS_NO_NATIVE },
  'engine-modules': { mutate: ['src/engine/modules/**/*.ts'], tests: ENGINE_TESTS_NO_NATIVE },
  'engine-plan': { mutate: ['src/engine/plan/**/*.ts'], tests: ENGINE_TESTS_NO_NATIVE },
  // The kernels in four parts: the convolution family, GEMM with the WebAssembly instance, the other WebAssembly
  // kernels with their references, and the native addon's bindings (the only part its tests run for).
  'engine-kernels-conv': { mutate: KERNELS_CONV, tests: ENGINE_TESTS_NO_NATIVE },
  // The kernels outside the conv family are killed by the kernels' own tests, which check every call against its
  // reference, and the plan's (the resident ops, the instance's regions): every engine test runs through the backend
  // and the argument checks, so a survivor there re-ran the whole engine suite, minutes a mutant.
  // Nearly every kernel test runs GEMM and the instance, so a surviving or looping mutant there re-runs 30-50 s of
  // instrumented tests: over an hour for this part alone.
  'engine-gemm': { mutate: GEMM, tests: KERNEL_TESTS },
  'engine-kernels': {
    mutate: [
      'src/engine/kernels/**/*.ts', '!src/engine/kernels/native*.ts', '!src/engine/kernels/wasm/**', ...[...KERNELS_CONV, ...GEMM].map((f) => `!${f}`),
    ],
    tests: KERNEL_TESTS,
  },
  'engine-native': { mutate: ['src/engine/kernels/native*.ts'], tests: ENGINE_TESTS },
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
  mutate: [...parts[part].mutate, '!src/**/index.ts'], // index.ts files only re-export
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
  tempDirName: `.stryker-tmp/${part}`, // one per part: two parts may run at once, one per core
  // Not copied into a sandbox: the other parts' sandboxes (each would nest the others').
  ignorePatterns: ['.stryker-tmp'],
  // A mutant that loops (the statistics functions iterate) is cut after 1.5 x its tests' time + 10 s.
  timeoutMS: 10_000,
  // The initial run of every test with coverage takes longer than Stryker's default 5 minutes on 2 cores.
  dryRunTimeoutMinutes: 60,
};
