/**
 * Digits read from an uncompressed IDX images file on demand: the labels (60 KB for MNIST's training set) are held in
 * memory, image rows are read only for the indices a run draws, so a run of 1000 pairs touches 2000 rows instead of
 * the 47 MB file. `images` still gives the whole pool for the few callers that want it (read once, then kept).
 * Node only.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { DataError } from './errors.js';
import { MNIST_PIXELS } from './types.js';
import type { DigitSet, SelectableDigitSet } from './types.js';

export class IdxFileDigits implements SelectableDigitSet {
  private whole: Uint8Array | undefined;

  /** `dataOffset` is where the first image starts in `path` (16 for a [n, 28, 28] IDX file). */
  constructor(
    readonly path: string,
    private readonly dataOffset: number,
    readonly labels: Uint8Array,
    readonly count: number,
  ) {}

  get images(): Uint8Array {
    this.whole ??= this.readRows(Array.from({ length: this.count }, (_, i) => i), true);
    return this.whole;
  }

  select(indices: ArrayLike<number>): DigitSet {
    const rows = Array.from(indices);
    const labels = new Uint8Array(rows.length);
    rows.forEach((i, k) => {
      if (!(Number.isInteger(i) && i >= 0 && i < this.count)) throw new DataError(`${this.path}: image index ${i} is outside 0..${this.count - 1}`);
      labels[k] = this.labels[i];
    });
    return { images: this.whole ? gatherRows(this.whole, rows) : this.readRows(rows, false), labels, count: rows.length };
  }

  /** Rows in the given order; `contiguous` reads 0..n-1 in one pass. */
  private readRows(rows: number[], contiguous: boolean): Uint8Array {
    const out = new Uint8Array(rows.length * MNIST_PIXELS);
    let fd: number | undefined;
    try {
      fd = openSync(this.path, 'r');
      if (contiguous) readFully(fd, out, 0, out.length, this.dataOffset, this.path);
      else rows.forEach((row, k) => readFully(fd as number, out, k * MNIST_PIXELS, MNIST_PIXELS, this.dataOffset + row * MNIST_PIXELS, this.path));
    } catch (err) {
      if (err instanceof DataError) throw err;
      throw new DataError(`${this.path}: cannot read images (${err instanceof Error ? err.message : String(err)})`);
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
    return out;
  }
}

function readFully(fd: number, out: Uint8Array, at: number, length: number, position: number, path: string): void {
  let done = 0;
  while (done < length) {
    const n = readSync(fd, out, at + done, length - done, position + done);
    if (n === 0) throw new DataError(`${path}: truncated IDX file (no bytes at offset ${position + done})`);
    done += n;
  }
}

function gatherRows(images: Uint8Array, rows: number[]): Uint8Array {
  const out = new Uint8Array(rows.length * MNIST_PIXELS);
  rows.forEach((row, k) => out.set(images.subarray(row * MNIST_PIXELS, (row + 1) * MNIST_PIXELS), k * MNIST_PIXELS));
  return out;
}
