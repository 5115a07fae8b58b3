// The library entry `pairnet` (package.json exports "."): it must resolve from the built package and carry a script
// from config to run record without the CLI.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe("package entry 'pairnet'", () => {
  it.skipIf(!existsSync(`${root}dist/src/index.js`))('trains a short run from a resolved config', () => {
    const code = `
      import { defaultRunConfig, resolveRunConfig, runTraining, engine, ZOO } from 'pairnet';
      const config = resolveRunConfig(defaultRunConfig(), {
        model: 'fcnet', epochs: 1, seed: 3, data: { trainPairs: 100, testPairs: 100 },
      });
      const record = runTraining(config);
      console.log(JSON.stringify({
        zoo: ZOO.length, hasLinear: typeof engine.Linear, test: record.final.testAccuracy, params: record.parameterCount,
      }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: root, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(out.zoo).toBeGreaterThan(20);
    expect(out.hasLinear).toBe('function');
    expect(out.params).toBe(82662);
    expect(out.test).toBeGreaterThan(0);
    expect(out.test).toBeLessThanOrEqual(1);
  });
});
