// The library entry (`import ... from 'pairnet'`): one namespace per layer of the system, plus the handful of calls a
// script needs to go from config to report without the CLI. The engine alone is also `pairnet/engine`.
export * as engine from './engine/index.js';
export * as data from './data/index.js';

export { loadMnist, generatePairSets, DataError } from './data/index.js';
export { ZOO, zooEntry, buildModel } from './models/registry.js';
export { defaultRunConfig } from './training/defaults.js';
export { resolveRunConfig, validateRunConfig, RunConfigError } from './training/validate.js';
export { mergeConfig, setPath, RUN_SCHEMA } from './training/run-schema.js';
export { encodeCheckpoint, loadCheckpoint, readCheckpoint } from './training/checkpoint.js';
export { runTraining } from './training/run.js';
export type { RunConfig } from './training/config.js';
export type { RunRecord, EpochMetrics, FinalMetrics } from './training/record.js';
export { loadStudyConfig } from './studies/study-file.js';
export { runStudy } from './studies/runner.js';
export { pairedTTest, summarize, welchTTest } from './studies/statistics.js';
export { wilcoxonSignedRank } from './studies/wilcoxon.js';
export { holmAdjust } from './studies/holm.js';
export { reportFromStore } from './reports/study-report.js';
export { PAIRNET_VERSION } from './training/version.js';
