import { describe, expect, it } from 'vitest';
import { extrapolateRun, groupSeconds, longerSampleEpochs, sampleGroups, studySeconds } from '../../bench/studies-estimate.js';
import { planStudy } from '../../src/studies/plan.js';
import { studyDefaults } from '../../src/studies/run-defaults.js';
import { tinyStudy } from '../studies/tiny-study.js';

describe('studies bench arithmetic', () => {
  it('counts the first and last sampled epochs once and the middle epochs\' mean for every other epoch', () => {
    // setup + epoch 1 = 5, middle epochs 2 and 4 (mean 3), last + final evaluation = 7.
    expect(extrapolateRun([5, 2, 4, 7], 4)).toBe(18);
    expect(extrapolateRun([5, 2, 4, 7], 10)).toBe(18 + 6 * 3);
    expect(extrapolateRun([1, 2, 3], 200)).toBe(6 + 197 * 2);
  });

  it('refuses samples that cannot stand for the run', () => {
    expect(() => extrapolateRun([1, 2], 10)).toThrow(/needs 3 epochs/);
    expect(() => extrapolateRun([1, 2, 3, 4], 3)).toThrow(/4-epoch sample cannot stand for a 3-epoch run/);
  });

  it('sums a group over its runs, each with its own planned epochs, and a study per backend', () => {
    expect(groupSeconds({ runEpochs: [3, 5] }, [1, 2, 3])).toBe(6 + (6 + 2 * 2));
    const groups = [{ runEpochs: [4, 4] }, { runEpochs: [3] }];
    const samples = [{ wasm: [2, 1, 1], native: [1, 0.5, 0.5] }, { wasm: [3, 3, 3], native: [1, 1, 1] }];
    expect(studySeconds(groups, samples)).toEqual({ wasm: 2 * 5 + 9, native: 2 * 2.5 + 3 });
    expect(() => studySeconds(groups, samples.slice(1))).toThrow(/2 groups but 1 samples/);
  });

  it('groups a plan by phase, variant and batch size, sampling each group\'s first run with fewer epochs', () => {
    const study = tinyStudy({ epochs: 10, rounds: 3 });
    const runs = planStudy(study, studyDefaults(), () => undefined).runs;
    const groups = sampleGroups(runs, 3);
    expect(groups.map((g) => g.label)).toEqual(['rounds / FC / batch 20', 'rounds / FC + AL / batch 20']);
    expect(groups.map((g) => g.runEpochs)).toEqual([[10, 10, 10], [10, 10, 10]]);
    expect(groups[1].config).toEqual({ ...runs[1].config, epochs: 3 });
    // Shorter runs than the sample are sampled whole.
    expect(sampleGroups(planStudy(tinyStudy(), studyDefaults(), () => undefined).runs, 3)[0].config.epochs).toBe(2);
    expect(() => sampleGroups(runs, 2)).toThrow(/integer >= 3, got 2/);
  });

  it('splits a grid step\'s runs by batch size', () => {
    const study = tinyStudy({
      protocol: { kind: 'grid-search', folds: 2, steps: [{ name: 'b', grid: { batchSize: [10, 20], 'optimizer.lr': [0.001, 0.01] } }] },
    });
    const runs = planStudy(study, studyDefaults(), () => undefined).runs;
    const groups = sampleGroups(runs, 3);
    expect(groups.map((g) => [g.label, g.runEpochs.length])).toEqual([
      ['grid b / FC / batch 10', 4],
      ['grid b / FC / batch 20', 4],
      ['grid b / FC + AL / batch 10', 4],
      ['grid b / FC + AL / batch 20', 4],
    ]);
    expect(groups.every((g) => g.config.evalEveryEpoch === false && g.config.data.holdout?.folds === 2)).toBe(true);
  });
});

describe('studies bench: longer samples for cheap models', () => {
  it('asks for the epochs whose middle ones take about the minimum, at most the shortest run', () => {
    // Middle epoch 0.1 s: 2 + ceil(1 / 0.1) = 12 epochs.
    expect(longerSampleEpochs({ runEpochs: [200] }, [0.5, 0.1, 0.2], 1)).toBe(12);
    expect(longerSampleEpochs({ runEpochs: [200, 8] }, [0.5, 0.1, 0.2], 1)).toBe(8);
    expect(longerSampleEpochs({ runEpochs: [200] }, [0.5, 0.6, 0.5, 0.2], 1)).toBeNull();
    // A sample that already is the whole run cannot grow.
    expect(longerSampleEpochs({ runEpochs: [3] }, [0.5, 0.1, 0.2], 1)).toBeNull();
    expect(longerSampleEpochs({ runEpochs: [2] }, [0.5, 0.2], 1)).toBeNull();
  });
});
