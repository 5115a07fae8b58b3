/** The data layer: browser-safe parts (browser.ts) plus the Node-only loaders of MNIST files. */
export * from './browser.js';
export { loadMnist } from './mnist.js';
export { MNIST_FILES, loadMnistPackage } from './mnist-package.js';
export { IDX_FILES, loadIdxDirectory } from './mnist-idx.js';
