/**
 * The user's own MNIST files in torchvision's layout: train-images-idx3-ubyte, train-labels-idx1-ubyte,
 * t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, raw or .gz, directly in the directory or under MNIST/raw/
 * (or raw/). Train pairs come from the train files, test pairs from t10k, as in the course. Node only.
 */
import { closeSync, existsSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import { LIMITS, limitText } from '../io/limits.js';
import { DataError } from './errors.js';
import { IDX_MAX_HEADER, parseIdxHeader, parseIdxImages, parseIdxLabels } from './idx.js';
import type { DigitSet, MnistSource } from './types.js';

export const IDX_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

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

const isGzip = (bytes: Uint8Array): boolean => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
const INFLATE_CAP = LIMITS.idxInflatedBytes.max;
/** Compressed bytes inflated to find the header: at most ~1000x as many come out, so a bomb's prefix stays small. */
const HEADER_PROBE = 4096;

/**
 * File bytes, gunzipped when they start with the gzip magic (whatever the extension says). The IDX header is
 * inflated and checked first; the rest is inflated with a cap of exactly the size the header announces, so a gzip
 * bomb stops there and is called a gzip bomb.
 */
export function decodeIdxFileBytes(bytes: Uint8Array, path: string): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  const expected = gzipIdxSize(bytes, path);
  try {
    return gunzipSync(bytes, { maxOutputLength: expected });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new DataError(`${path}: gzip data inflates to more than the ${expected} bytes its IDX header announces (a gzip bomb?)`);
    }
    throw new DataError(`${path}: corrupt gzip data (${err instanceof Error ? err.message : String(err)})`);
  }
}

/** The inflated size the IDX header inside gzip data announces (header + data); the gzip trailer is checked first. */
function gzipIdxSize(bytes: Uint8Array, path: string): number {
  // The trailer's ISIZE is the inflated size mod 2^32: a bomb says what it is before any of it is inflated.
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const trailer = bytes.length >= 18 ? view.getUint32(bytes.length - 4, true) : 0;
  if (trailer > INFLATE_CAP) {
    throw new DataError(`${path}: gzip data inflates to ${trailer} bytes (its trailer says), ${limitText('idxInflatedBytes')}: a gzip bomb?`);
  }
  let head: Uint8Array;
  try {
    head = gunzipSync(bytes.subarray(0, HEADER_PROBE), { finishFlush: zlibConstants.Z_SYNC_FLUSH });
  } catch (err) {
    throw new DataError(`${path}: corrupt gzip data (${err instanceof Error ? err.message : String(err)})`);
  }
  const h = parseIdxHeader(head.subarray(0, IDX_MAX_HEADER), path);
  return h.headerSize + h.dataSize;
}

/**
 * Reads an IDX file (raw or gzipped) header first: a raw file whose size differs from what its header announces,
 * or gzip data larger than any MNIST file inflates to, is refused without reading the rest.
 */
function readIdxFile(path: string): Uint8Array {
  const fail = (err: unknown): never => {
    throw new DataError(`${path}: cannot read (${err instanceof Error ? err.message : String(err)})`);
  };
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    return fail(err);
  }
  try {
    const size = fstatSync(fd).size;
    const head = new Uint8Array(Math.min(size, HEADER_PROBE));
    readSync(fd, head, 0, head.length, 0);
    if (isGzip(head)) {
      if (size > INFLATE_CAP) throw new DataError(`${path}: ${size} bytes of gzip data, more than any MNIST file inflates to`);
    } else {
      const h = parseIdxHeader(head.subarray(0, IDX_MAX_HEADER), path);
      const expected = h.headerSize + h.dataSize;
      if (size < expected) throw new DataError(`${path}: truncated IDX file (${size} bytes, header [${h.dims.join(', ')}] needs ${expected})`);
      if (size > expected) throw new DataError(`${path}: IDX file has ${size - expected} bytes after the [${h.dims.join(', ')}] data`);
    }
    const bytes = new Uint8Array(size);
    let off = 0;
    for (let n = 1; off < size && n > 0; off += n) n = readSync(fd, bytes, off, size - off, off);
    return decodeIdxFileBytes(bytes.subarray(0, off), path);
  } catch (err) {
    if (err instanceof DataError) throw err;
    return fail(err);
  } finally {
    closeSync(fd);
  }
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
