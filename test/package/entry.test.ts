// The library entry `pairnet` (package.json exports "."): it must resolve from the built package and carry a script
// from config to run record without the CLI.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
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

  it.skipIf(!existsSync(`${root}dist/src/index.js`))('packs the built code, the page, the studies and docs with types for every export; not results or tests', () => {
    const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
    const files = (JSON.parse(r.stdout) as { files: { path: string }[] }[])[0].files.map((f) => f.path);
    for (const want of ['dist/src/cli/main.js', 'dist/src/index.d.ts', 'web/dist/index.html', 'studies/quick.json', 'studies/schema.json', 'docs/studies.md', 'tools/disc_torch.py'])
      expect(files, want).toContain(want);
    expect(files.filter((f) => /^(results|test|bench|asm|dist\/bench)\//.test(f) || f.endsWith('.map'))).toEqual([]);
    const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { exports: Record<string, { types?: string; default?: string } | string>; keywords: string[] };
    for (const [entry, target] of Object.entries(pkg.exports)) {
      if (typeof target === 'string') continue;
      expect(target.types, entry).toMatch(/\.d\.ts$/);
      expect(files, entry).toContain(target.types!.slice(2));
      expect(files, entry).toContain(target.default!.slice(2));
    }
    expect(pkg.keywords.length).toBeGreaterThan(3);
  });
});
