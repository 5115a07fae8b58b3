// The tests StrykerJS runs against one part's mutants (`npm run mutate`): that part's own suites, as
// stryker.config.mjs lists them (PAIRNET_MUTATE_PART names the part, tools/mutate.mjs sets it).
import { configDefaults, defineConfig } from 'vitest/config';
import { parts } from './stryker.config.mjs';

const part = process.env.PAIRNET_MUTATE_PART ?? 'data';
const tests: string[] = parts[part as keyof typeof parts].tests;

export default defineConfig({
  test: {
    include: tests.filter((t) => !t.startsWith('!')),
    exclude: [...configDefaults.exclude, ...tests.filter((t) => t.startsWith('!')).map((t) => t.slice(1))],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
