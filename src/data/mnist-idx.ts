/**
 * The user's own MNIST files in torchvision's layout: train-images-idx3-ubyte, train-labels-idx1-ubyte,
 * t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, raw or .gz, directly in the directory or under MNIST/raw/
 * (or raw/). Train pairs come from the train files, test pairs from t10k, as in the course. Node only.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DataError } from './errors.js';
import { parseIdxImages, parseIdxLabels } from './idx.js';
import type { DigitSet, MnistSource } from './types.js';

export const IDX_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/** The full MNIST images file is 47 MB; anything that inflates beyond this is not MNIST. */
const MAX_INFLATED_BYTES = 256 * 1024 * 1024;

/** Where a file may be, in order of preference. */
function candidates(dir: string, name: string): string[] {
  const dirs = [dir, join(dir, 'MNIST', 'raw'), join(dir, 'raw')];
  return dirs.flatMap((d) => [join(d, name), join(d, `${name}.gz`)]);
}

export function findIdxFile(dir: string, name: string): string {
  const found = candidates(dir, name).find((p) => existsSync(p) && statSync(p).isFile());
  if (found === undefined) {
    throw new DataError(`${dir}: missing MNIST file ${name} (looked for ${name}[.gz] in ., MNIST/raw/ and raw/)`);
  }
  return found;
}

/** File bytes, gunzipped when they start with the gzip magic (whatever the extension says). */
export function decodeIdxFileBytes(bytes: Uint8Array, path: string): Uint8Array {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    return gunzipSync(bytes, { maxOutputLength: MAX_INFLATED_BYTES });
  } catch (err) {
    throw new DataError(`${path}: corrupt gzip data (${err instanceof Error ? err.message : String(err)})`);
  }
}

function readIdxFile(path: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new DataError(`${path}: cannot read (${err instanceof Error ? err.message : String(err)})`);
  }
  return decodeIdxFileBytes(bytes, path);
}

/** One split (images + labels files) as a DigitSet, checking the two files agree on the count. */
export function loadIdxPair(imagesPath: string, labelsPath: string): DigitSet {
  const { images, count } = parseIdxImages(readIdxFile(imagesPath), imagesPath);
  const labels = parseIdxLabels(readIdxFile(labelsPath), labelsPath);
  if (labels.count !== count) {
    throw new DataError(`${labelsPath}: ${labels.count} labels but ${imagesPath} has ${count} images`);
  }
  return { images, labels: labels.labels, count };
}

export function loadIdxDirectory(dir: string): MnistSource {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new DataError(`${dir}: MNIST directory not found`);
  const trainImages = findIdxFile(dir, IDX_FILES.trainImages);
  const trainLabels = findIdxFile(dir, IDX_FILES.trainLabels);
  const testImages = findIdxFile(dir, IDX_FILES.testImages);
  const testLabels = findIdxFile(dir, IDX_FILES.testLabels);
  const train = loadIdxPair(trainImages, trainLabels);
  const test = loadIdxPair(testImages, testLabels);
  return {
    train,
    test,
    description: `MNIST IDX files in ${dir}: train pool = ${trainImages} (${train.count}), test pool = ${testImages} (${test.count})`,
  };
}
