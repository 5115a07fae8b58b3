import { rmSync } from 'node:fs';

/** Removes the tests' run cache (vitest.config.ts) when the run ends. */
export default function setup(): () => void {
  return () => {
    const dir = process.env.PAIRNET_TEST_CACHE;
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
}
