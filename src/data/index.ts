/** The data layer. Node-only loaders: mnist.ts, mnist-embedded.ts, mnist-idx.ts; the rest runs in a browser too. */
export { DataError } from './errors.js';
export * from './types.js';
export { avgPool28to14, generatePairSets, makePairs, maxPairs } from './pairs.js';
export { encodeIdx, parseIdx, parseIdxImages, parseIdxLabels } from './idx.js';
export type { IdxArray } from './idx.js';
export { EMBEDDED, loadMnist } from './mnist.js';
export { loadEmbeddedMnist } from './mnist-embedded.js';
export type { EmbeddedOptions } from './mnist-embedded.js';
export { IDX_FILES, loadIdxDirectory } from './mnist-idx.js';
