/**
 * The RunConfig every study starts from (the trainer's defaults) and the check of every run a study plans, so a
 * bad combination fails before any training, naming the study file and the run.
 */
import type { RunConfig } from '../training/config.js';
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
      throw new ConfigError(`${file}: run "${spec.key}": ${(e as Error).message}`);
    }
  }
}
