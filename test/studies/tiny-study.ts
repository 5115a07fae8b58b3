import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { validateStudyConfig, type StudyConfig } from '../../src/studies/config.js';
import { studyDefaults } from '../../src/studies/run-defaults.js';

/** A real study small enough for tests: fcnet, 100 pairs, 2 epochs, 2 variants x 2 rounds. */
export function tinyStudy(patch: Record<string, unknown> = {}): StudyConfig {
  return validateStudyConfig(
    {
      name: 'tiny',
      description: 'A tiny real study for tests.',
      seed: 11,
      rounds: 2,
      epochs: 2,
      base: { data: { trainPairs: 100, testPairs: 100 }, batchSize: 20 },
      variants: [
        { name: 'FC', model: 'fcnet' },
        { name: 'FC + AL', model: 'fcnet', overrides: { loss: { main: 0.5, aux: 0.25 } } },
      ],
      protocol: { kind: 'multi-round' },
      comparisons: [['FC + AL', 'FC']],
      published: { source: 'made up for the test', rounds: 5, note: '', rows: { FC: { testAccuracy: [60, 5] } } },
      ...patch,
    },
    'tiny.json',
  );
}

export const tempDir = (): string => mkdtempSync(join(tmpdir(), 'pairnet-study-'));

/** A maker of temporary directories, all removed after the calling file's tests. */
export function tempDirs(): () => string {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  return () => {
    const d = tempDir();
    dirs.push(d);
    return d;
  };
}

/** The smallest valid study file's JSON (two fcnet variants, multi-round), for tests that break one field of it. */
export const minimalStudyJson = (): Record<string, unknown> => ({
  name: 'tiny',
  description: 'test',
  seed: 3,
  rounds: 2,
  epochs: 1,
  variants: [
    { name: 'A', model: 'fcnet' },
    { name: 'B', model: 'fcnet', overrides: { loss: { main: 0.5, aux: 0.25 } } },
  ],
  protocol: { kind: 'multi-round' },
});
