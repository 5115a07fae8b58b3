// Each check of the IDX reader at its boundary, with the message a user sees: the last size allowed passes, one more is
// refused naming the file and the value. These run on crafted headers and sparse files, so they cost no memory.
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeIdx, parseIdx, parseIdxHeader, parseIdxImages, parseIdxLabels } from '../../src/data/idx.js';
import { IdxFileDigits } from '../../src/data/idx-digits.js';
import { decodeIdxFileBytes, loadIdxPair } from '../../src/data/mnist-idx.js';

const root = mkdtempSync(join(tmpdir(), 'pairnet-idx-limits-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** An IDX header (unsigned bytes) with these dims, and no data. */
function header(dims: number[]): Uint8Array {
  return encodeIdx(dims, new Uint8Array(0));
}

function file(name: string, bytes: Uint8Array): string {
  const path = join(root, name);
  writeFileSync(path, bytes);
  return path;
}

describe('IDX header limits', () => {
  it('takes 1 to 4 dimensions and refuses 0 or 5', () => {
    expect(parseIdxHeader(header([1, 1, 1, 1]), 'f').dims).toEqual([1, 1, 1, 1]);
    expect(parseIdxHeader(header([7]), 'f')).toEqual({ dims: [7], headerSize: 8, dataSize: 7 });
    expect(() => parseIdxHeader(new Uint8Array([0, 0, 8, 0]), 'f')).toThrow('f: IDX header has 0 dimensions (expected 1..4)');
    expect(() => parseIdxHeader(header([1, 1, 1, 1, 1]), 'f')).toThrow('f: IDX header has 5 dimensions (expected 1..4)');
  });

  it('refuses a second magic byte that is not zero, and a header cut short, with its size', () => {
    expect(() => parseIdxHeader(new Uint8Array([0, 1, 8, 1, 0, 0, 0, 0]), 'f')).toThrow('f: not an IDX file (magic number starts 0x00 0x01, expected 0x00 0x00)');
    expect(() => parseIdxHeader(header([28, 28, 28]).subarray(0, 15), 'f')).toThrow('f: truncated IDX file (15 bytes, header needs 16)');
    expect(() => parseIdxHeader(new Uint8Array([0, 0, 8]), 'f')).toThrow('f: truncated IDX file (3 bytes, no header)');
  });

  it('allows a dimension of 10 million and refuses one more', () => {
    expect(parseIdxHeader(header([10_000_000]), 'f').dataSize).toBe(10_000_000);
    expect(() => parseIdxHeader(header([10_000_001]), 'f')).toThrow('f: IDX dimension 0 is 10000001, larger than 10000000');
  });

  it('allows 256 MiB of announced data and refuses a byte more, quoting the dims', () => {
    expect(parseIdxHeader(header([16384, 16384]), 'f').dataSize).toBe(256 * 1024 * 1024);
    expect(() => parseIdxHeader(header([16384, 16385]), 'f')).toThrow('f: IDX header [16384, 16385] announces 268451840 bytes of data, ');
  });

  it('counts what is missing or left over after the data', () => {
    const two = encodeIdx([2], new Uint8Array([4, 5]));
    expect(() => parseIdx(two.subarray(0, 9), 'f')).toThrow('f: truncated IDX file (9 bytes, header [2] needs 10)');
    expect(() => parseIdx(new Uint8Array([...two, 1, 2, 3]), 'f')).toThrow('f: IDX file has 3 bytes after the [2] data');
    expect(Array.from(parseIdx(two, 'f').data)).toEqual([4, 5]);
  });

  it('wants images of [n, 28, 28] and labels of [n], each dimension checked', () => {
    for (const dims of [[1, 28, 27], [1, 27, 28], [1, 28, 28, 1], [784]]) {
      const n = dims.reduce((a, b) => a * b, 1);
      expect(() => parseIdxImages(encodeIdx(dims, new Uint8Array(n)), 'f')).toThrow(`f: expected images of shape [n, 28, 28], got [${dims.join(', ')}]`);
    }
    expect(parseIdxImages(encodeIdx([2, 28, 28], new Uint8Array(2 * 784)), 'f').count).toBe(2);
    expect(() => parseIdxLabels(encodeIdx([2, 1], new Uint8Array(2)), 'f')).toThrow('f: expected labels of shape [n], got [2, 1]');
    expect(() => parseIdxLabels(encodeIdx([3], new Uint8Array([9, 0, 10])), 'f')).toThrow('f: label 2 is 10, not a digit 0..9');
  });
});

describe('IDX files on disk, raw and gzipped', () => {
  const images = encodeIdx([2, 28, 28], new Uint8Array(2 * 784).map((_, i) => i % 256));
  const labels = encodeIdx([2], new Uint8Array([3, 8]));

  it('reads a pair of raw files, and refuses a raw file whose size is not what its header says, before reading it', () => {
    const d = loadIdxPair(file('img', images), file('lab', labels));
    expect(d.count).toBe(2);
    expect(Array.from(d.labels)).toEqual([3, 8]);
    const long = file('long', new Uint8Array([...labels, 0]));
    expect(() => loadIdxPair(file('img', images), long)).toThrow(`${long}: IDX file has 1 bytes after the [2] data`);
    const short = file('short', images.subarray(0, images.length - 1));
    expect(() => loadIdxPair(short, file('lab', labels))).toThrow(`${short}: truncated IDX file (${images.length - 1} bytes, header [2, 28, 28] needs ${images.length})`);
    const missing = join(root, 'nothing-here');
    expect(() => loadIdxPair(missing, file('lab', labels))).toThrow(new RegExp(`^${missing}: cannot read \\(ENOENT`));
  });

  it('takes gzip by its magic bytes alone, and a raw file whose second byte is gzip\'s is still raw', () => {
    const gz = file('img.bin', gzipSync(images));
    expect(loadIdxPair(gz, file('lab', labels)).count).toBe(2);
    const notGzip = file('odd', new Uint8Array([0, 0x8b, 8, 1, 0, 0, 0, 0]));
    expect(() => loadIdxPair(file('img', images), notGzip)).toThrow(`${notGzip}: not an IDX file (magic number starts 0x00 0x8b, expected 0x00 0x00)`);
    const halfMagic = new Uint8Array([0x1f, 0, 8, 1, 0, 0, 0, 0]);
    expect(() => decodeIdxFileBytes(halfMagic, 'h')).not.toThrow();
    expect(decodeIdxFileBytes(halfMagic, 'h')).toBe(halfMagic);
  });

  it('calls a gzip bomb a bomb: by its trailer, by inflating past its header, or by its size on disk', () => {
    // The trailer (inflated size mod 2^32) says more than any MNIST file.
    const big = gzipSync(labels);
    new DataView(big.buffer, big.byteOffset).setUint32(big.length - 4, 256 * 1024 * 1024 + 1, true);
    expect(() => decodeIdxFileBytes(big, 'b')).toThrow('b: gzip data inflates to 268435457 bytes (its trailer says)');
    // A header announcing 2 bytes followed by a thousand.
    const overlong = gzipSync(new Uint8Array([...labels, ...new Uint8Array(1000)]));
    expect(() => decodeIdxFileBytes(overlong, 'o')).toThrow('o: gzip data inflates to more than the 10 bytes its IDX header announces (a gzip bomb?)');
    // Gzip data cut short, and garbage after the gzip magic.
    const cut = gzipSync(images).subarray(0, 40);
    expect(() => decodeIdxFileBytes(cut, 'c')).toThrow(/^c: corrupt gzip data \(/);
    expect(() => decodeIdxFileBytes(new Uint8Array([0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 0, 0, 0, 0]), 'g')).toThrow(/^g: corrupt gzip data \(/);
    // A gzip file larger than any MNIST file inflates to is refused from its size (a sparse file: nothing is written).
    const huge = join(root, 'huge.gz');
    const fd = openSync(huge, 'w');
    writeSync(fd, gzipSync(labels));
    ftruncateSync(fd, 256 * 1024 * 1024 + 1);
    closeSync(fd);
    expect(() => loadIdxPair(file('img', images), huge)).toThrow(`${huge}: 268435457 bytes of gzip data, more than any MNIST file inflates to`);
  });
});

describe('IDX images read on demand', () => {
  const count = 3;
  const pixels = new Uint8Array(count * 784).map((_, i) => (i * 7) % 256);
  const path = file('ondemand', encodeIdx([count, 28, 28], pixels));
  const row = (k: number) => Array.from(pixels.subarray(k * 784, (k + 1) * 784));

  it('selects rows by index, from the file or from the whole pool once read, alike', () => {
    const digits = new IdxFileDigits(path, 16, new Uint8Array([5, 6, 7]), count);
    const picked = digits.select([2, 0, 2]);
    expect(Array.from(picked.labels)).toEqual([7, 5, 7]);
    expect(Array.from(picked.images)).toEqual([...row(2), ...row(0), ...row(2)]);
    expect(Array.from(digits.images)).toEqual(Array.from(pixels));
    const again = digits.select([1, 2]);
    expect(Array.from(again.images)).toEqual([...row(1), ...row(2)]);
  });

  it('refuses an index outside the pool or not an integer, naming the file and the range', () => {
    const digits = new IdxFileDigits(path, 16, new Uint8Array([5, 6, 7]), count);
    for (const bad of [-1, 3, 1.5]) expect(() => digits.select([0, bad])).toThrow(`${path}: image index ${bad} is outside 0..2`);
  });

  it('names a file cut short, with the offset, and one that cannot be read', () => {
    const cut = file('cut', encodeIdx([count, 28, 28], pixels).subarray(0, 16 + 2 * 784 + 10));
    const digits = new IdxFileDigits(cut, 16, new Uint8Array([5, 6, 7]), count);
    expect(Array.from(digits.select([1]).images)).toEqual(row(1));
    expect(() => digits.select([2])).toThrow(`${cut}: truncated IDX file (no bytes at offset ${16 + 2 * 784 + 10})`);
    expect(() => digits.images).toThrow(`${cut}: truncated IDX file (no bytes at offset ${16 + 2 * 784 + 10})`);
    const gone = new IdxFileDigits(join(root, 'gone'), 16, new Uint8Array(1), 1);
    expect(() => gone.select([0])).toThrow(/gone: cannot read images \(ENOENT/);
  });
});
