import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { workerCount } from '../../src/cli/commands/study.js';
import { validateStudyConfig } from '../../src/studies/config.js';
import { studyDefaults } from '../../src/studies/run-defaults.js';
import { loadStudyConfig } from '../../src/studies/study-file.js';
import { LIMITS } from '../../src/io/limits.js';
import { resolveRunConfig } from '../../src/training/validate.js';
import { defaultRunConfig } from '../../src/training/defaults.js';
import { tempDir } from './tiny-study.js';

const cli = join('dist', 'src', 'cli', 'main.js');
const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const study = (patch: Record<string, unknown> = {}): Record<string, unknown> => ({
  name: 'limits',
  description: 'limits',
  seed: 1,
  rounds: 2,
  epochs: 1,
  base: { data: { trainPairs: 50, testPairs: 50 } },
  variants: [{ name: 'FC', model: 'fcnet' }],
  protocol: { kind: 'multi-round' },
  ...patch,
});

describe('limits, checked when a config is validated', () => {
  it('every limit states its reason', () => {
    for (const [name, l] of Object.entries(LIMITS)) {
      expect(l.max, name).toBeGreaterThan(0);
      expect(l.why.length, name).toBeGreaterThan(10);
    }
  });

  it.each([
    [{ rounds: 1e9 }, /rounds: expected at most 1,000 \(the reports average/],
    [{ epochs: 1e9 }, /epochs: expected at most 10,000 \(a run record keeps/],
    [{ protocol: { kind: 'grid-search', folds: 1e6, steps: [{ name: 's', grid: { batchSize: [10] } }] } }, /protocol\.folds: expected at most 100/],
    [{ protocol: { kind: 'sweep', field: 'optimizer.lr', range: { from: 0.001, to: 0.1, steps: 1e9 } } }, /protocol\.range\.steps: expected at most 1,000/],
  ])('a study config asking for too much fails at once: %j', (patch, message) => {
    expect(() => validateStudyConfig(study(patch), 'x.json')).toThrow(message);
  });

  it('a grid whose product of values is huge fails before a single run is listed', () => {
    const grid = Object.fromEntries(['optimizer.lr', 'optimizer.eps', 'loss.main', 'loss.aux', 'optimizer.weightDecay', 'optimizer.rho'].map((f) => [f, Array.from({ length: 100 }, (_, i) => (i + 1) / 1000)]));
    const t0 = performance.now();
    expect(() => validateStudyConfig(study({ protocol: { kind: 'grid-search', folds: 5, steps: [{ name: 's', grid }] } }), 'x.json')).toThrow(
      /plans 5\.00e\+12 runs; expected at most 100,000/,
    );
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('data.trainPairs 1e9 fails when the study file is loaded, naming the field and the bound', () => {
    const file = join(dir, 'pairs.json');
    writeFileSync(file, JSON.stringify(study({ base: { data: { trainPairs: 1e9 } } })));
    expect(() => loadStudyConfig(file, studyDefaults())).toThrow(/pairs\.json: base\.data\.trainPairs: expected at most 30,000 \(two distinct images per pair.*got 1000000000/);
  });

  it('run configs bound epochs, pairs and batch size, whatever the entry point', () => {
    expect(() => resolveRunConfig(defaultRunConfig(), { epochs: 1e9 })).toThrow(/'epochs' must be at most 10,000/);
    expect(() => resolveRunConfig(defaultRunConfig(), { batchSize: 1e9 })).toThrow(/'batchSize' must be at most 30,000/);
    expect(() => resolveRunConfig(defaultRunConfig(), { modelOptions: { channels: 1e6 } , model: 'bce-resnet' })).toThrow(/option 'channels' must be <= 256/);
  });

  it('caps --workers at the core count with a warning', () => {
    const warnings: string[] = [];
    expect(workerCount(100, 2, (m) => warnings.push(m))).toBe(2);
    expect(warnings).toEqual(['--workers 100 is more than the 2 cores: using 2 (more threads than cores only slow each run down)']);
    expect(workerCount(undefined, 2, (m) => warnings.push(m))).toBe(2);
    expect(workerCount(1, 2, (m) => warnings.push(m))).toBe(1);
    expect(warnings).toHaveLength(1);
  });

  it('the CLI refuses train --epochs 1e9 and a study whose pairs exceed the pool before any work or output', () => {
    const t = spawnSync('node', [cli, 'train', '--model', 'fcnet', '--epochs', '1000000000'], { encoding: 'utf8' });
    expect(t.status).toBe(2);
    expect(t.stderr).toMatch(/--epochs: expected at most 10,000/);
    const file = join(dir, 'pool.json');
    const out = join(dir, 'pool-out');
    writeFileSync(file, JSON.stringify(study({ base: { data: { trainPairs: 50, testPairs: 20_000 } } })));
    const s = spawnSync('node', [cli, 'study', file, '--out', out], { encoding: 'utf8' });
    expect(s.status).toBe(1);
    expect(s.stderr).toMatch(/data\.testPairs: 20000 pairs need 40000 distinct images but the test pool of '[^']+' has \d+/);
    expect(existsSync(out)).toBe(false);
  });
});
