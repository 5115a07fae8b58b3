// The tests StrykerJS runs against one part's mutants (`npm run mutate`): that part's own suites, as
// stryker.config.mjs lists them (PAIRNET_MUTATE_PART names the part, tools/mutate.mjs sets it).
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configDefaults, defineConfig } from 'vitest/config';
import { parts } from './stryker.config.mjs';

const part = process.env.PAIRNET_MUTATE_PART ?? 'data';
const tests: string[] = parts[part as keyof typeof parts].tests;
// As vitest.config.ts: the CLI processes tests start keep their run cache out of the user's ~/.cache, one per part
// (two parts may run at once).
const cache = join(tmpdir(), `pairnet-mutate-cache-${part}-${process.pid}`);
process.env.PAIRNET_TEST_CACHE = cache;

export default defineConfig({
  test: {
    include: tests.filter((t) => !t.startsWith('!')),
    exclude: [...configDefaults.exclude, ...tests.filter((t) => t.startsWith('!')).map((t) => t.slice(1))],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    env: { PAIRNET_CACHE: cache },
    globalSetup: ['./test/global-setup.ts'],
  },
});
