// Dropout's mask and products. The mask comes from a xoshiro128** stream seeded by the caller (four 32-bit words
// drawn from the run's Rng), element by element, exactly as dropoutForwardReference: same seed, same mask.

/**
 * mask[i] = scale if draw i < threshold else 0, y[i] = x[i] * mask[i] (the product in f64, then rounded, as the
 * reference), for i < n.
 */
export function dropoutForward(
  n: i32, s0: u32, s1: u32, s2: u32, s3: u32, threshold: f64, scale: f64, pX: usize, pY: usize, pMask: usize,
): void {
  for (let i = 0; i < n; i++) {
    const r = rotl<u32>(s1 * 5, 7) * 9;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl<u32>(s3, 11);
    // A product, not a select: V8 compiles a select to a branch, and this one is a coin flip.
    const v = scale * <f64>(<f64>r < threshold);
    const o = <usize>i << 2;
    store<f32>(pMask + o, <f32>v);
    store<f32>(pY + o, <f32>(<f64>load<f32>(pX + o) * v));
  }
}

/** out[i] = a[i] * b[i] over ceil(n/4)*4 elements (the caller leaves slack). */
export function multiply(n: i32, pA: usize, pB: usize, pOut: usize): void {
  const end = pA + (<usize>(n + 3) >> 2 << 4);
  for (; pA < end; pA += 16, pB += 16, pOut += 16) v128.store(pOut, f32x4.mul(v128.load(pA), v128.load(pB)));
}
