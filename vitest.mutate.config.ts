// The tests StrykerJS runs against mutants (`npm run mutate`): the suites of the mutated layers (engine, data,
// training, studies) and the model zoo that exercises the engine. Tests of other layers (web, reports, disc,
// package entry) cannot kill these mutants and would only slow each run.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/engine/**/*.test.ts', 'test/data/**/*.test.ts', 'test/training/**/*.test.ts', 'test/studies/**/*.test.ts', 'test/models/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
