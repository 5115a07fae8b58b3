/**
 * Opt-in augmentation of TRAINING pairs (AugmentConfig in ./config.ts), drawn fresh each epoch:
 * - translate: each image of each pair shifted by dx, dy uniform in -t..t pixels, vacated pixels filled with
 *   `fill` (0 = background on the 0..255 scale; pass (0 - mean) / std if the pairs are already standardised);
 * - swap: each pair's two images exchanged with probability 1/2, classes swapped and the target recomputed
 *   (equal digits stay 1, so a swap is not a plain label flip);
 * - repair: the 2n training images shuffled into n fresh pairs. This USES THE DIGIT LABELS (classes) to
 *   recompute targets, i.e. it is extra supervision beyond the pair targets.
 * Every function takes a PairSet + Rng and returns a new PairSet, or fills `out` when given. No Node imports.
 */
import type { Rng } from '../engine/rng.js';
import type { AugmentConfig } from './config.js';
import { DataError } from './errors.js';
import { PAIR_PIXELS, PAIR_SIDE, ensurePairSet } from './types.js';
import type { PairSet } from './types.js';

function target(c0: number, c1: number): number {
  return c0 <= c1 ? 1 : 0;
}

function copyPairs(set: PairSet, out: PairSet): PairSet {
  if (out !== set) {
    out.input.set(set.input);
    out.classes.set(set.classes);
    out.target.set(set.target);
  }
  return out;
}

/** Shift one 14x14 image by (dx, dy) from src into dst (distinct buffers), filling vacated pixels. */
function shiftImage(src: Float32Array, srcOff: number, dst: Float32Array, dstOff: number, dx: number, dy: number, fill: number): void {
  for (let y = 0; y < PAIR_SIDE; y++) {
    const sy = y - dy;
    for (let x = 0; x < PAIR_SIDE; x++) {
      const sx = x - dx;
      dst[dstOff + y * PAIR_SIDE + x] =
        sy >= 0 && sy < PAIR_SIDE && sx >= 0 && sx < PAIR_SIDE ? src[srcOff + sy * PAIR_SIDE + sx] : fill;
    }
  }
}

/** Random translations of every image by up to `maxShift` pixels (0 returns a copy). `out` may be `set`. */
export function translatePairs(set: PairSet, maxShift: number, rng: Rng, options: { fill?: number; out?: PairSet } = {}): PairSet {
  if (!Number.isInteger(maxShift) || maxShift < 0 || maxShift >= PAIR_SIDE) {
    throw new DataError(`augment: translate must be an integer 0..${PAIR_SIDE - 1} pixels, got ${maxShift}`);
  }
  const out = copyPairs(set, ensurePairSet(options.out, set.count));
  if (maxShift === 0) return out;
  const fill = options.fill ?? 0;
  const tmp = new Float32Array(PAIR_PIXELS);
  for (let img = 0; img < 2 * set.count; img++) {
    const dx = rng.int(2 * maxShift + 1) - maxShift;
    const dy = rng.int(2 * maxShift + 1) - maxShift;
    tmp.set(out.input.subarray(img * PAIR_PIXELS, (img + 1) * PAIR_PIXELS));
    shiftImage(tmp, 0, out.input, img * PAIR_PIXELS, dx, dy, fill);
  }
  return out;
}

/** Every image of `set` shifted by the same (dx, dy), vacated pixels filled with `fill` (test-time augmentation views). */
export function shiftPairs(set: PairSet, dx: number, dy: number, fill: number, out?: PairSet): PairSet {
  if (out === set) throw new DataError('augment: shiftPairs cannot work in place, pass a different out set');
  const res = ensurePairSet(out, set.count);
  res.classes.set(set.classes);
  res.target.set(set.target);
  for (let img = 0; img < 2 * set.count; img++) shiftImage(set.input, img * PAIR_PIXELS, res.input, img * PAIR_PIXELS, dx, dy, fill);
  return res;
}

/** Swap the two images of each pair with probability 1/2, with classes swapped and target recomputed. `out` may be `set`. */
export function swapPairs(set: PairSet, rng: Rng, out?: PairSet): PairSet {
  const res = copyPairs(set, ensurePairSet(out, set.count));
  const tmp = new Float32Array(PAIR_PIXELS);
  for (let i = 0; i < set.count; i++) {
    if (rng.uniform() >= 0.5) continue;
    const a = 2 * i * PAIR_PIXELS;
    const b = a + PAIR_PIXELS;
    tmp.set(res.input.subarray(a, b));
    res.input.copyWithin(a, b, b + PAIR_PIXELS);
    res.input.set(tmp, b);
    const c0 = res.classes[2 * i];
    res.classes[2 * i] = res.classes[2 * i + 1];
    res.classes[2 * i + 1] = c0;
    res.target[i] = target(res.classes[2 * i], res.classes[2 * i + 1]);
  }
  return res;
}

/** Shuffle the 2n images of `set` into n fresh pairs (uses the digit labels). `out` must not be `set`. */
export function repairPairs(set: PairSet, rng: Rng, out?: PairSet): PairSet {
  if (out === set) throw new DataError('augment: repairPairs cannot work in place, pass a different out set');
  const res = ensurePairSet(out, set.count);
  const perm = rng.permutation(2 * set.count);
  for (let j = 0; j < perm.length; j++) {
    const src = perm[j];
    res.input.set(set.input.subarray(src * PAIR_PIXELS, (src + 1) * PAIR_PIXELS), j * PAIR_PIXELS);
    res.classes[j] = set.classes[src];
  }
  for (let i = 0; i < set.count; i++) res.target[i] = target(res.classes[2 * i], res.classes[2 * i + 1]);
  return res;
}

/** Bilinear sample of a 14x14 image at (x, y), `fill` outside it. */
function sample(img: Float32Array, off: number, x: number, y: number, fill: number): number {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  const at = (xi: number, yi: number): number => (xi >= 0 && xi < PAIR_SIDE && yi >= 0 && yi < PAIR_SIDE ? img[off + yi * PAIR_SIDE + xi] : fill);
  const top = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx;
  const bottom = at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx;
  return top * (1 - fy) + bottom * fy;
}

/**
 * Random rotations (uniform in +-maxDegrees) and scalings (uniform in 1 +- maxScale) of every image about its
 * centre, bilinear, vacated pixels filled with `fill`. Each image draws its angle, then its scale. `out` may be `set`.
 */
export function affinePairs(set: PairSet, maxDegrees: number, maxScale: number, rng: Rng, options: { fill?: number; out?: PairSet } = {}): PairSet {
  if (!(maxDegrees >= 0 && maxDegrees <= 180)) throw new DataError(`augment: rotate must be 0..180 degrees, got ${maxDegrees}`);
  if (!(maxScale >= 0 && maxScale < 1)) throw new DataError(`augment: scale must be in [0, 1), got ${maxScale}`);
  const out = copyPairs(set, ensurePairSet(options.out, set.count));
  const fill = options.fill ?? 0;
  const tmp = new Float32Array(PAIR_PIXELS);
  const c = (PAIR_SIDE - 1) / 2;
  for (let img = 0; img < 2 * set.count; img++) {
    const angle = ((rng.uniform() * 2 - 1) * maxDegrees * Math.PI) / 180;
    const scale = 1 + (rng.uniform() * 2 - 1) * maxScale;
    // Inverse map: each output pixel reads the source at R(-angle) (p - c) / scale + c.
    const cos = Math.cos(angle) / scale;
    const sin = Math.sin(angle) / scale;
    const off = img * PAIR_PIXELS;
    tmp.set(out.input.subarray(off, off + PAIR_PIXELS));
    for (let y = 0; y < PAIR_SIDE; y++) {
      for (let x = 0; x < PAIR_SIDE; x++) {
        const dx = x - c;
        const dy = y - c;
        out.input[off + y * PAIR_SIDE + x] = sample(tmp, 0, cos * dx + sin * dy + c, -sin * dx + cos * dy + c, fill);
      }
    }
  }
  return out;
}

/**
 * One epoch's augmented copy of the training pairs: repair, swap, rotate/scale, then translate, as configured.
 * Returns `set` itself when nothing is enabled. Pass the previous epoch's result as `out` to reuse its memory.
 */
export function augmentPairs(set: PairSet, config: AugmentConfig, rng: Rng, options: { fill?: number; out?: PairSet } = {}): PairSet {
  const rotate = config.rotate ?? 0;
  const scale = config.scale ?? 0;
  if (!config.repair && !config.swap && config.translate === 0 && rotate === 0 && scale === 0) return set;
  if (options.out === set) throw new DataError('augment: out must not be the source training set');
  const out = ensurePairSet(options.out, set.count);
  let cur = config.repair ? repairPairs(set, rng, out) : copyPairs(set, out);
  if (config.swap) cur = swapPairs(cur, rng, cur);
  if (rotate > 0 || scale > 0) cur = affinePairs(cur, rotate, scale, rng, { fill: options.fill, out: cur });
  if (config.translate > 0) cur = translatePairs(cur, config.translate, rng, { fill: options.fill, out: cur });
  return cur;
}
