/** The data layer: browser-safe parts (browser.ts) plus the Node-only loaders of MNIST files. */
export * from './browser.js';
export { EMBEDDED, loadMnist } from './mnist.js';
export { loadEmbeddedMnist } from './mnist-embedded.js';
export type { EmbeddedOptions } from './mnist-embedded.js';
export { IDX_FILES, loadIdxDirectory } from './mnist-idx.js';
