// One Adam step (torch.optim.Adam 1.13, amsgrad off) over n parameters, in float32 as PyTorch, 4 lanes at a time.
// V8 runs the scalar JS loop at the throughput of its double sqrt and division (~5-9 ns/element here); f32x4
// does four of each per instruction.

/**
 * g' = g + wd*w; m = b1*m + (1-b1)*g'; v = b2*v + (1-b2)*g'^2; w -= stepSize * m / (sqrt(v)*invC2 + eps), where
 * stepSize = lr / (1 - b1^t) and invC2 = 1 / sqrt(1 - b2^t). Works on ceil(n/4)*4 elements (the caller leaves slack).
 */
export function adamStep(
  n: i32, pW: usize, pG: usize, pM: usize, pV: usize, beta1: f32, oneMinusBeta1: f32, beta2: f32, oneMinusBeta2: f32,
  stepSize: f32, invC2: f32, eps: f32, wd: f32,
): void {
  // 1 - beta comes from the caller in double, as PyTorch's (float32 0.999 is 0.99900001: 1 - it is 1.3e-5 off).
  const b1 = f32x4.splat(beta1), c1 = f32x4.splat(oneMinusBeta1);
  const b2 = f32x4.splat(beta2), c2 = f32x4.splat(oneMinusBeta2);
  const lr = f32x4.splat(stepSize), inv = f32x4.splat(invC2), e = f32x4.splat(eps), decay = f32x4.splat(wd);
  const end = pW + (<usize>(n + 3) >> 2 << 4);
  for (; pW < end; pW += 16, pG += 16, pM += 16, pV += 16) {
    const w = v128.load(pW);
    const g = f32x4.add(v128.load(pG), f32x4.mul(decay, w));
    const m = f32x4.add(f32x4.mul(b1, v128.load(pM)), f32x4.mul(c1, g));
    const v = f32x4.add(f32x4.mul(b2, v128.load(pV)), f32x4.mul(c2, f32x4.mul(g, g)));
    v128.store(pM, m);
    v128.store(pV, v);
    const denom = f32x4.add(f32x4.mul(f32x4.sqrt(v), inv), e);
    v128.store(pW, f32x4.sub(w, f32x4.div(f32x4.mul(lr, m), denom)));
  }
}
