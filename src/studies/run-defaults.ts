/**
 * The RunConfig every study starts from (the trainer's defaults) and the check of every run a study plans, so a
 * bad combination fails before any training, naming the study file and the run.
 */
import { maxPairs, type MnistSource } from '../data/browser.js';
import type { RunConfig } from '../training/config.js';
import { quote } from '../io/limits.js';
import { defaultRunConfig } from '../training/defaults.js';
import { validateRunConfig } from '../training/validate.js';
import { ConfigError, type StudyConfig } from './config.js';
import { planStudy } from './plan.js';

export function studyDefaults(): RunConfig {
  return defaultRunConfig();
}

/** Validates the resolved config of every run planned so far (grid-search steps after the first derive from these). */
export function checkPlannedRuns(study: StudyConfig, defaults: RunConfig, file: string): void {
  for (const spec of planStudy(study, defaults, () => undefined).runs) {
    try {
      validateRunConfig(spec.config);
    } catch (e) {
      throw new ConfigError(`${file}: run "${quote(spec.key)}": ${(e as Error).message}`);
    }
  }
}

/**
 * Checks that every planned run's pairs fit its digit pools (a run takes 2n distinct images), loading each data
 * source once, so `trainPairs: 40000` on a 10,000-image pool fails before the first run instead of in it.
 */
export function checkPairsFit(study: StudyConfig, defaults: RunConfig, file: string, load: (source: string) => MnistSource): void {
  const worst = new Map<string, { train: number; test: number }>();
  for (const { config } of planStudy(study, defaults, () => undefined).runs) {
    const w = worst.get(config.data.source) ?? { train: 0, test: 0 };
    w.train = Math.max(w.train, config.data.trainPairs);
    // With a holdout the "test" pairs come from the train pairs; the test pool is still drawn from.
    w.test = Math.max(w.test, config.data.testPairs);
    worst.set(config.data.source, w);
  }
  for (const [source, w] of worst) {
    const pools = load(source);
    for (const pool of ['train', 'test'] as const)
      if (w[pool] > maxPairs(pools[pool]))
        throw new ConfigError(`${file}: data.${pool}Pairs: ${w[pool]} pairs need ${2 * w[pool]} distinct images but the ${pool} pool of '${source}' has ${pools[pool].count} (at most ${maxPairs(pools[pool])} pairs)`);
  }
}
