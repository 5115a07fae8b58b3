/** The page's sample of MNIST TRAIN digits (web/scripts/make-train-digits.mjs), for training inside the page. */
import type { DigitSet } from '../../src/data/types.js';
import { MNIST_PIXELS } from '../../src/data/types.js';

const MAGIC = 'PNDIGITS';

/** Parses the (already gunzipped) file: "PNDIGITS", count u32, side u32, labels, pixels. */
export function parseDigitFile(bytes: Uint8Array, name: string): DigitSet {
  const magic = String.fromCharCode(...bytes.subarray(0, 8));
  if (bytes.length < 16 || magic !== MAGIC) throw new Error(`${name}: not a pairnet digit file (no ${MAGIC} header)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(8, true);
  const side = view.getUint32(12, true);
  if (side !== 28) throw new Error(`${name}: digits must be 28x28, the file says ${side}x${side}`);
  const need = 16 + count + count * MNIST_PIXELS;
  if (bytes.length !== need) throw new Error(`${name}: ${count} digits need ${need} bytes, the file has ${bytes.length}`);
  const labels = bytes.slice(16, 16 + count);
  if (labels.some((l) => l > 9)) throw new Error(`${name}: a label is not a digit 0..9`);
  return { labels, images: bytes.slice(16 + count), count };
}

async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  // A server may already have decoded it (Content-Encoding); gzip data starts with 1f 8b.
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export async function fetchDigitFile(url: string): Promise<DigitSet> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return parseDigitFile(await gunzip(new Uint8Array(await res.arrayBuffer())), url);
}
