/** The shipped sample of real MNIST test digits (made by web/scripts/make-test-digits.mjs). */
import { MNIST_PIXELS } from '../../src/data/types.js';

export interface TestDigits {
  count: number;
  labels: Uint8Array;
  /** count x 28 x 28 bytes, 0..255. */
  images: Uint8Array;
  /** Index of each digit in the t10k test pool. */
  testPoolIndices: number[];
  description: string;
}

interface SampleFile {
  description: string;
  side: number;
  count: number;
  testPoolIndices: number[];
  labels: number[];
  imagesBase64: string;
}

function base64Bytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Parses and checks the sample; `name` is used in error messages. */
export function parseTestDigits(json: unknown, name: string): TestDigits {
  const s = json as Partial<SampleFile>;
  if (s.side !== 28 || !Number.isInteger(s.count) || !Array.isArray(s.labels) || typeof s.imagesBase64 !== 'string') {
    throw new Error(`${name}: not a pairnet test-digit sample (needs side 28, count, labels, imagesBase64)`);
  }
  const count = s.count as number;
  const images = base64Bytes(s.imagesBase64);
  if (images.length !== count * MNIST_PIXELS || s.labels.length !== count) {
    throw new Error(`${name}: ${count} digits need ${count * MNIST_PIXELS} pixel bytes and ${count} labels, ` +
      `got ${images.length} and ${s.labels.length}`);
  }
  return {
    count,
    labels: Uint8Array.from(s.labels),
    images,
    testPoolIndices: s.testPoolIndices ?? [],
    description: s.description ?? '',
  };
}

export async function fetchTestDigits(url: string): Promise<TestDigits> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return parseTestDigits(await res.json(), url);
}

export function digitImage(set: TestDigits, i: number): Uint8Array {
  return set.images.subarray(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS);
}
