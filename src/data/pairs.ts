/**
 * The course's pair sets, as in dlc_practical_prologue.py:
 *
 *   input = avg_pool2d(input, kernel_size=2)            # 28x28 -> 14x14, values stay on 0..255
 *   a = torch.randperm(input.size(0)); a = a[:2 * nb].view(nb, 2)
 *   input = cat((input[a[:, 0]], input[a[:, 1]]), 1); classes = target[a]
 *   target = (classes[:, 0] <= classes[:, 1]).long()
 *
 * The permutation comes from our seeded Rng, so the pairs are reproducible but not torch's. No Node imports.
 */
import { Rng, deriveSeed } from '../engine/rng.js';
import { DataError } from './errors.js';
import { MNIST_PIXELS, MNIST_SIDE, PAIR_PIXELS, PAIR_SIDE, allocPairSet } from './types.js';
import type { DigitSet, MnistSource, PairSet, SelectableDigitSet } from './types.js';

/** 2x2 average pooling of one 28x28 image (src offset in bytes) into 14x14 floats at dst offset. */
export function avgPool28to14(src: Uint8Array, srcOffset: number, dst: Float32Array, dstOffset: number): void {
  for (let y = 0; y < PAIR_SIDE; y++) {
    const r0 = srcOffset + 2 * y * MNIST_SIDE;
    const r1 = r0 + MNIST_SIDE;
    for (let x = 0; x < PAIR_SIDE; x++) {
      const c = 2 * x;
      // The sum of four bytes divided by 4 is exact in float32, as in torch's float avg_pool2d.
      dst[dstOffset + y * PAIR_SIDE + x] = (src[r0 + c] + src[r0 + c + 1] + src[r1 + c] + src[r1 + c + 1]) / 4;
    }
  }
}

/** Largest number of pairs a pool can give: each pair uses two distinct images. */
export function maxPairs(set: DigitSet): number {
  return Math.floor(set.count / 2);
}

/** `n` pairs from one random permutation of the pool: pair i = images perm[2i], perm[2i+1]. */
export function makePairs(set: DigitSet, n: number, rng: Rng): PairSet {
  if (!Number.isInteger(n) || n < 1) throw new DataError(`pairs: the number of pairs must be a positive integer, got ${n}`);
  if (2 * n > set.count) {
    throw new DataError(
      `pairs: ${n} pairs need ${2 * n} distinct images but the pool has only ${set.count} (at most ${maxPairs(set)} pairs)`,
    );
  }
  const perm = rng.permutation(set.count);
  if (!isSelectable(set)) return pairsFromPermutation(set, n, perm);
  // Only the 2n drawn images are read; pairing them in draw order gives the same pairs as the whole pool would.
  const chosen = set.select(perm.subarray(0, 2 * n));
  return pairsFromPermutation(chosen, n, Array.from({ length: 2 * n }, (_, i) => i));
}

function isSelectable(set: DigitSet): set is SelectableDigitSet {
  return typeof (set as Partial<SelectableDigitSet>).select === 'function';
}

/**
 * The deterministic half of makePairs: pair i = images perm[2i], perm[2i+1] (torch's a[:2*nb].view(nb, 2)).
 * Exposed so a golden test can feed torch.randperm's permutation and compare with the prologue bit for bit.
 */
export function pairsFromPermutation(set: DigitSet, n: number, perm: ArrayLike<number>): PairSet {
  if (perm.length < 2 * n) throw new DataError(`pairs: a permutation of ${perm.length} indices cannot make ${n} pairs`);
  const out = allocPairSet(n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 2; k++) {
      const img = perm[2 * i + k];
      if (!(img >= 0 && img < set.count)) throw new DataError(`pairs: permutation index ${img} is outside 0..${set.count - 1}`);
      avgPool28to14(set.images, img * MNIST_PIXELS, out.input, (2 * i + k) * PAIR_PIXELS);
      out.classes[2 * i + k] = set.labels[img];
    }
    out.target[i] = out.classes[2 * i] <= out.classes[2 * i + 1] ? 1 : 0;
  }
  return out;
}

/**
 * Like the prologue's generate_pair_sets(nb): train pairs from the train pool, test pairs from the test pool.
 * Each set has its own stream derived from the seed, so the test pairs of a seed do not depend on how many
 * train pairs were asked for.
 */
export function generatePairSets(
  source: Pick<MnistSource, 'train' | 'test'>,
  counts: { train: number; test: number },
  seed: number,
): { train: PairSet; test: PairSet } {
  return {
    train: poolPairs('train', source.train, counts.train, seed),
    test: poolPairs('test', source.test, counts.test, seed),
  };
}

function poolPairs(pool: 'train' | 'test', set: DigitSet, n: number, seed: number): PairSet {
  try {
    return makePairs(set, n, new Rng(deriveSeed(seed, `${pool}-pairs`)));
  } catch (err) {
    throw err instanceof DataError ? new DataError(`${pool} ${err.message}`) : err;
  }
}
