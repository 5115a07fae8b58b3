// Study files: which files of studies/ are studies, the nesting bound (strings and escapes do not count), --set
// applied at the study's level or in its base, and the messages naming the file.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { studyDefaults } from '../../src/studies/run-defaults.js';
import { isStudyFile, loadStudyConfig, withSettings } from '../../src/studies/study-file.js';

const defaults = studyDefaults();
const dir = mkdtempSync(join(tmpdir(), 'pairnet-study-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const minimal = {
  name: 'm', description: 'd', seed: 1, rounds: 1, epochs: 1,
  base: { data: { trainPairs: 10, testPairs: 10 } },
  variants: [{ name: 'A', model: 'fcnet', overrides: { optimizer: { lr: 0.5 } } }],
  protocol: { kind: 'multi-round' }, comparisons: [],
};
const write = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('study files', () => {
  it('are the .json files of studies/ other than the schema', () => {
    expect(['a.json', 'schema.json', 'a.jsonl', 'notes.md'].map(isStudyFile)).toEqual([true, false, false, false]);
  });

  it('may nest 100 levels (brackets inside strings and escaped quotes do not count), not 101', () => {
    const nested = (levels: number, note: string) => JSON.stringify({ ...minimal, description: note }).replace('"variants"', `"x":${'['.repeat(levels - 1)}${']'.repeat(levels - 1)},"variants"`);
    const deep = write('deep.json', nested(101, 'd'));
    expect(() => loadStudyConfig(deep, defaults)).toThrow(`${deep}: not valid JSON (nested more than 100 levels deep)`);
    const quoted = write('quoted.json', JSON.stringify({ ...minimal, description: `${'['.repeat(200)} " ${'{'.repeat(200)}` }));
    expect(loadStudyConfig(quoted, defaults).name).toBe('m');
    const hundred = write('hundred.json', nested(100, 'd'));
    expect(() => loadStudyConfig(hundred, defaults)).toThrow(/unknown field|x/);
    expect(() => loadStudyConfig(hundred, defaults)).not.toThrow(/nested more than/);
  });

  it('names the file when it is missing or not JSON', () => {
    const missing = join(dir, 'missing.json');
    expect(() => loadStudyConfig(missing, defaults)).toThrow(missing);
    const bad = write('bad.json', '{"name": ');
    expect(() => loadStudyConfig(bad, defaults)).toThrow(new RegExp(`^${bad}: not valid JSON \\(`));
  });

  it('applies --set: rounds, seed and epochs at the top, other fields in base, under the variants\' own overrides', () => {
    const set = withSettings(minimal, [
      { path: 'rounds', value: 3 },
      { path: 'seed', value: 9 },
      { path: 'epochs', value: 4 },
      { path: 'optimizer.lr', value: 0.01 },
      { path: 'batchSize', value: 5 },
    ]) as typeof minimal & { base: { optimizer: { lr: number }; batchSize: number } };
    expect([set.rounds, set.seed, set.epochs]).toEqual([3, 9, 4]);
    expect(set.base.optimizer.lr).toBe(0.01);
    expect(set.base.batchSize).toBe(5);
    expect(set.base.data.trainPairs).toBe(10);
    expect(minimal.rounds).toBe(1);
    expect(withSettings(minimal, [])).toBe(minimal);
    expect(withSettings([1], [{ path: 'rounds', value: 2 }])).toEqual([1]);
    expect((withSettings({ ...minimal, base: undefined }, [{ path: 'batchSize', value: 5 }]) as { base: object }).base).toEqual({ batchSize: 5 });
    const file = write('set.json', JSON.stringify(minimal));
    const study = loadStudyConfig(file, defaults, [{ path: 'rounds', value: 2 }]);
    expect(study.rounds).toBe(2);
    expect(() => loadStudyConfig(file, defaults, [{ path: 'rounds', value: -1 }])).toThrow(`${file} (with --set)`);
  });
});
