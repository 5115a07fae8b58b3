// Dropout's mask and products. The mask comes from four xoshiro128** streams run side by side in the lanes of a v128
// (element i takes the next draw of stream i % 4), seeded by the caller with 16 words drawn from the run's Rng:
// exactly dropoutForwardReference, so the same seed gives the same mask.

/** Rotates each 32-bit lane left by k. */
@inline function rotl4(v: v128, k: i32): v128 {
  return v128.or(i32x4.shl(v, k), i32x4.shr_u(v, 32 - k));
}

/**
 * mask[i] = scale if draw i < limit (every draw when all != 0) else 0, y[i] = x[i] * mask[i] (float32), over
 * ceil(n/4)*4 elements (the caller leaves slack). pSeed: the 4 state words of the 4 streams, word w of stream j at
 * 4w + j.
 */
export function dropoutForward(n: i32, pSeed: usize, limit: u32, all: i32, scale: f32, pX: usize, pY: usize, pMask: usize): void {
  let s0 = v128.load(pSeed), s1 = v128.load(pSeed, 16), s2 = v128.load(pSeed, 32), s3 = v128.load(pSeed, 48);
  const bound = i32x4.splat(limit);
  const keepAll = i32x4.splat(-(all != 0));
  const kept = f32x4.splat(scale);
  const end = pX + (<usize>(n + 3) >> 2 << 4);
  for (; pX < end; pX += 16, pY += 16, pMask += 16) {
    const r = i32x4.mul(rotl4(i32x4.mul(s1, i32x4.splat(5)), 7), i32x4.splat(9));
    const t = i32x4.shl(s1, 9);
    s2 = v128.xor(s2, s0);
    s3 = v128.xor(s3, s1);
    s1 = v128.xor(s1, s2);
    s0 = v128.xor(s0, s3);
    s2 = v128.xor(s2, t);
    s3 = rotl4(s3, 11);
    const v = v128.and(kept, v128.or(i32x4.lt_u(r, bound), keepAll));
    v128.store(pMask, v);
    v128.store(pY, f32x4.mul(v128.load(pX), v));
  }
}

/** out[i] = a[i] * b[i] over ceil(n/4)*4 elements (the caller leaves slack). */
export function multiply(n: i32, pA: usize, pB: usize, pOut: usize): void {
  const end = pA + (<usize>(n + 3) >> 2 << 4);
  for (; pA < end; pA += 16, pB += 16, pOut += 16) v128.store(pOut, f32x4.mul(v128.load(pA), v128.load(pB)));
}
