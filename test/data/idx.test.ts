import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/rng.js';
import { DataError } from '../../src/data/errors.js';
import { encodeIdx, parseIdx, parseIdxImages, parseIdxLabels } from '../../src/data/idx.js';
import { decodeIdxFileBytes, IDX_FILES } from '../../src/data/mnist-idx.js';
import { loadMnist } from '../../src/data/mnist.js';

const root = mkdtempSync(join(tmpdir(), 'pairnet-idx-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function digits(count: number, seed: number): { images: Uint8Array; labels: Uint8Array } {
  const rng = new Rng(seed);
  const images = new Uint8Array(count * 784);
  for (let i = 0; i < images.length; i++) images[i] = rng.int(256);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) labels[i] = rng.int(10);
  return { images, labels };
}

const train = digits(30, 1);
const test = digits(20, 2);

/** Write the four MNIST files into dir (optionally gzipped, optionally with overrides per file name). */
function writeMnist(dir: string, gz: boolean, override: Partial<Record<string, Uint8Array>> = {}): void {
  mkdirSync(dir, { recursive: true });
  const files: Record<string, Uint8Array> = {
    [IDX_FILES.trainImages]: encodeIdx([30, 28, 28], train.images),
    [IDX_FILES.trainLabels]: encodeIdx([30], train.labels),
    [IDX_FILES.testImages]: encodeIdx([20, 28, 28], test.images),
    [IDX_FILES.testLabels]: encodeIdx([20], test.labels),
    ...override,
  };
  for (const [name, bytes] of Object.entries(files)) {
    if (bytes) writeFileSync(join(dir, gz ? `${name}.gz` : name), gz ? gzipSync(bytes) : bytes);
  }
}

describe('IDX MNIST directories', () => {
  it.each([
    ['raw files', 'raw', false],
    ['gzip files', 'gz', true],
    ['MNIST/raw/ layout', join('tv', 'MNIST', 'raw'), true],
  ])('round-trips %s: train from train-*, test from t10k-*', (_label, sub, gz) => {
    writeMnist(join(root, sub), gz);
    const dir = sub.startsWith('tv') ? join(root, 'tv') : join(root, sub);
    const m = loadMnist(dir);
    expect(m.train.count).toBe(30);
    expect(m.test.count).toBe(20);
    expect(Buffer.from(m.train.images).equals(Buffer.from(train.images))).toBe(true);
    expect(Array.from(m.test.labels)).toEqual(Array.from(test.labels));
    expect(m.description).toContain('t10k-images-idx3-ubyte');
  });

  it('names the missing file, the bad magic, the truncation and the count mismatch', () => {
    const miss = join(root, 'missing');
    writeMnist(miss, false);
    rmSync(join(miss, IDX_FILES.testLabels));
    expect(() => loadMnist(miss)).toThrow(/missing MNIST file t10k-labels-idx1-ubyte/);
    expect(() => loadMnist(join(root, 'nope'))).toThrow(/nope: MNIST directory not found/);

    const bad = encodeIdx([30], train.labels);
    bad[2] = 0x0d;
    writeMnist(join(root, 'magic'), false, { [IDX_FILES.trainLabels]: bad });
    expect(() => loadMnist(join(root, 'magic'))).toThrow(/train-labels-idx1-ubyte: IDX data type 0x0d/);

    const full = encodeIdx([20, 28, 28], test.images);
    writeMnist(join(root, 'trunc'), true, { [IDX_FILES.testImages]: full.subarray(0, full.length - 5) });
    expect(() => loadMnist(join(root, 'trunc'))).toThrow(/t10k-images-idx3-ubyte.gz: truncated IDX file/);

    writeMnist(join(root, 'count'), false, { [IDX_FILES.trainLabels]: encodeIdx([29], train.labels.subarray(0, 29)) });
    expect(() => loadMnist(join(root, 'count'))).toThrow(/29 labels but .*train-images-idx3-ubyte has 30 images/);

    writeMnist(join(root, 'shape'), false, { [IDX_FILES.testImages]: encodeIdx([20, 784], test.images) });
    expect(() => loadMnist(join(root, 'shape'))).toThrow(/expected images of shape \[n, 28, 28\], got \[20, 784\]/);

    const badLabel = encodeIdx([30], train.labels.map((l, i) => (i === 7 ? 12 : l)));
    expect(() => parseIdxLabels(badLabel, 'L')).toThrow(/L: label 7 is 12/);
  });

  it('fuzz: truncations and byte flips only ever raise DataError naming the file', () => {
    const rng = new Rng(99);
    const images = encodeIdx([3, 28, 28], train.images.subarray(0, 3 * 784));
    const labels = encodeIdx([3], train.labels.subarray(0, 3));
    const gzImages = gzipSync(images);
    let errors = 0;
    let ok = 0;
    for (let c = 0; c < 600; c++) {
      const base = [images, labels, gzImages][c % 3];
      let bytes = base.slice();
      if (rng.uniform() < 0.5) bytes = bytes.subarray(0, rng.int(bytes.length + 1));
      const flips = rng.int(4);
      // Flip mostly header bytes, where the parser makes its decisions.
      for (let f = 0; f < flips && bytes.length > 0; f++) bytes[rng.int(Math.min(bytes.length, rng.uniform() < 0.7 ? 24 : bytes.length))] ^= 1 << rng.int(8);
      try {
        const decoded = decodeIdxFileBytes(bytes, 'fuzz');
        if (c % 3 === 1) parseIdxLabels(decoded, 'fuzz');
        else if (rng.uniform() < 0.5) parseIdxImages(decoded, 'fuzz');
        // Whatever parses must be self-consistent: the data fills the header's dims exactly.
        const parsed = parseIdx(decoded, 'fuzz');
        expect(parsed.data.length).toBe(parsed.dims.reduce((a, b) => a * b, 1));
        ok++;
      } catch (err) {
        expect(err).toBeInstanceOf(DataError);
        expect((err as Error).message).toMatch(/^fuzz: /);
        errors++;
      }
    }
    expect(errors).toBeGreaterThan(300);
    expect(ok).toBeGreaterThan(0);
  });

  it('rejects absurd header dimensions without allocating', () => {
    const huge = new Uint8Array([0, 0, 8, 3, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 28, 0, 0, 0, 28]);
    expect(() => parseIdx(huge, 'h')).toThrow(/h: IDX dimension 0 is 4294967295/);
    const many = new Uint8Array([0, 0, 8, 200]);
    expect(() => parseIdx(many, 'm')).toThrow(/m: IDX header has 200 dimensions/);
    expect(() => parseIdx(new Uint8Array([1, 0, 8, 1, 0, 0, 0, 0]), 'x')).toThrow(/x: not an IDX file/);
    expect(() => parseIdx(encodeIdx([2], new Uint8Array(3)).subarray(0), 'e')).toThrow(DataError);
  });
});
