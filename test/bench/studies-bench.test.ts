import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchStudies, formatStudiesTable, planFromResults, SIX_STUDIES } from '../../bench/studies.js';
import { nativeStatus } from '../../src/engine/kernels/index.js';
import { planStudy } from '../../src/studies/plan.js';
import { studyDefaults } from '../../src/studies/run-defaults.js';
import { tempDir, tinyStudy } from '../studies/tiny-study.js';

// Trains through the built child (dist/bench/studies-child.js), like the queue tests' CLI processes.
describe('studies bench section', () => {
  it('plans the six studies in full from their stored results', () => {
    for (const name of SIX_STUDIES) {
      const p = planFromResults(name, `results/${name}`);
      expect(p.runs.length, name).toBeGreaterThan(0);
      expect(p.stored.runs, name).toBeGreaterThan(0);
      expect(p.stored.runs, name).toBeLessThanOrEqual(p.runs.length);
    }
    // Without stored results every grid step is named as planned from incomplete results (its first point chosen).
    const unstored = planFromResults('003-mlp-cnn-resnet-ws-aux', null);
    expect(unstored.assumed).toEqual(['grid lr-batch', 'grid alpha']);
    expect(unstored.stored).toEqual({ runs: 0, seconds: 0 });
    expect(unstored.runs.filter((r) => r.phase === 'rounds').every((r) => r.config.batchSize === 8 && r.config.optimizer.lr === 0.0005)).toBe(true);
    expect(planFromResults('004-batchnorm-dropout-ws-aux', 'results/004-batchnorm-dropout-ws-aux').assumed).toEqual([]);
  });

  it('says which study file is missing', () => {
    expect(() => planFromResults('no-such-study', null)).toThrow(/no study file .*no-such-study\.json/);
  });

  it.skipIf(!nativeStatus().available)('times a tiny study on both backends and extrapolates it', async () => {
    const study = tinyStudy({ epochs: 6, rounds: 2 });
    const file = join(tempDir(), 'tiny.json');
    writeFileSync(file, JSON.stringify(study));
    const lines: string[] = [];
    const b = await benchStudies({ studies: [file], sampleEpochs: 3, minMiddleSeconds: 0, log: (l) => lines.push(l) });
    expect(b.backendNames.wasm).toMatch(/^wasm-/);
    expect(b.backendNames.native).toMatch(/^native-/);
    const [s] = b.studies;
    expect(s.runs).toBe(planStudy(study, studyDefaults(), () => undefined).runs.length);
    expect(s.samples).toBe(2);
    for (const kind of ['cpu', 'wall'] as const) for (const backend of ['wasm', 'native'] as const) expect(s[kind][backend]).toBeGreaterThan(0);
    expect(b.total.cpu).toEqual(s.cpu);
    expect(lines).toHaveLength(2);
    expect(formatStudiesTable(b)).toMatch(/An extrapolation, not a full measurement/);
  });
});
