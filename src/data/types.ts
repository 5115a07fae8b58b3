/** Shapes shared by the data layer, the trainer and the web page (no Node imports here). */

export const MNIST_SIDE = 28;
export const MNIST_PIXELS = MNIST_SIDE * MNIST_SIDE;
/** Side of a pair image after the course's 2x2 average pooling. */
export const PAIR_SIDE = 14;
export const PAIR_PIXELS = PAIR_SIDE * PAIR_SIDE;

/** A pool of 28x28 digits: images row-major, one byte per pixel (0..255), labels 0..9. */
export interface DigitSet {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
}

/**
 * A pool that can hand out just some of its images (a file-backed pool reads only those rows). Pair drawing uses it
 * so a run loads the 2n images it pairs, not the whole pool.
 */
export interface SelectableDigitSet extends DigitSet {
  /** The images at `indices`, in that order, as a pool of indices.length digits. */
  select(indices: ArrayLike<number>): DigitSet;
}

/** A train pool and a test pool, never sharing an image. */
export interface MnistSource {
  train: DigitSet;
  test: DigitSet;
  /** One line saying where the digits come from and how the pools were made. */
  description: string;
}

/**
 * The course's pair set (`mnist_to_pairs`): input [count, 2, 14, 14] on the 0..255 scale, classes [count, 2]
 * (the two digits), target [count] = 1 if classes[i,0] <= classes[i,1] else 0.
 */
export interface PairSet {
  input: Float32Array;
  classes: Int32Array;
  target: Int32Array;
  count: number;
}

/** An empty pair set with room for `count` pairs. */
export function allocPairSet(count: number): PairSet {
  return {
    input: new Float32Array(count * 2 * PAIR_PIXELS),
    classes: new Int32Array(count * 2),
    target: new Int32Array(count),
    count,
  };
}

/** Reuse `out` when it has the right size, otherwise allocate (so per-epoch augmentation does not churn memory). */
export function ensurePairSet(out: PairSet | undefined, count: number): PairSet {
  if (out !== undefined && out.count === count && out.input.length === count * 2 * PAIR_PIXELS) return out;
  return allocPairSet(count);
}

/** Number of images of each digit 0..9. */
export function classCounts(labels: ArrayLike<number>): number[] {
  const counts = new Array<number>(10).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  return counts;
}

/** Fraction of pairs whose target is 1. */
export function positiveRate(set: PairSet): number {
  if (set.count === 0) return 0;
  let ones = 0;
  for (let i = 0; i < set.count; i++) ones += set.target[i];
  return ones / set.count;
}
