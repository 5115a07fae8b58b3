import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// The CLI processes tests start keep their run cache out of the user's ~/.cache (removed after the run).
const cache = join(tmpdir(), `pairnet-test-cache-${process.pid}`);
process.env.PAIRNET_TEST_CACHE = cache;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default', './test/summary-reporter.ts'],
    env: { PAIRNET_CACHE: cache },
    globalSetup: ['./test/global-setup.ts'],
  },
});
