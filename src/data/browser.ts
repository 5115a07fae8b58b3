/** The browser-safe part of the data layer (no Node imports): what the web page reuses. */
export { DataError } from './errors.js';
export { MNIST_DEFAULT, SOURCE_ALIASES, canonicalSource } from './sources.js';
export * from './types.js';
export { avgPool28to14, generatePairSets, makePairs, maxPairs, pairsFromPermutation } from './pairs.js';
export { encodeIdx, IDX_MAX_HEADER, parseIdx, parseIdxHeader, parseIdxImages, parseIdxLabels } from './idx.js';
export type { IdxArray, IdxHeader } from './idx.js';
export { backgroundValue, computeStandardization, standardize, standardizePairSets, standardizeValues } from './standardize.js';
export type { Standardization } from './standardize.js';
export { DISC_CENTER, DISC_RADIUS, discLabel, generateDiscSet } from './disc.js';
export type { DiscSet } from './disc.js';
export { affinePairs, augmentPairs, repairPairs, shiftPairs, swapPairs, translatePairs } from './augment.js';
export { holdoutSplit, kFold, subset, trainValidationSplit } from './splits.js';
export type { Split } from './splits.js';
export { prepareRunData } from './run-data.js';
export type { RunData } from './run-data.js';
export type { AugmentConfig, DataConfig } from './config.js';
