// ReLU and LeakyReLU, 4 lanes at a time over ceil(n/4)*4 elements (the caller leaves slack past n).

/** y = max(x, 0); NaN stays NaN (wasm max propagates it), -0 and -Infinity give +0, as PyTorch. */
export function relu(n: i32, pX: usize, pY: usize): void {
  const zero = f32x4.splat(0);
  const end = pX + (<usize>(n + 3) >> 2 << 4);
  for (; pX < end; pX += 16, pY += 16) v128.store(pY, f32x4.max(v128.load(pX), zero));
}

/** dx = dy where y != 0 (NaN included), else 0: the gradient of relu given its output y. */
export function reluBackward(n: i32, pY: usize, pDy: usize, pDx: usize): void {
  const zero = f32x4.splat(0);
  const end = pY + (<usize>(n + 3) >> 2 << 4);
  for (; pY < end; pY += 16, pDy += 16, pDx += 16) {
    v128.store(pDx, v128.andnot(v128.load(pDy), f32x4.eq(v128.load(pY), zero)));
  }
}

/** y = x > 0 ? x : x * slope (NaN stays NaN), as PyTorch's leaky_relu. */
export function leakyRelu(n: i32, slope: f32, pX: usize, pY: usize): void {
  const zero = f32x4.splat(0);
  const s = f32x4.splat(slope);
  const end = pX + (<usize>(n + 3) >> 2 << 4);
  for (; pX < end; pX += 16, pY += 16) {
    const x = v128.load(pX);
    v128.store(pY, v128.bitselect(x, f32x4.mul(x, s), f32x4.gt(x, zero)));
  }
}

/** dx = x > 0 ? dy : dy * slope, from leakyRelu's input x. */
export function leakyReluBackward(n: i32, slope: f32, pX: usize, pDy: usize, pDx: usize): void {
  const zero = f32x4.splat(0);
  const s = f32x4.splat(slope);
  const end = pX + (<usize>(n + 3) >> 2 << 4);
  for (; pX < end; pX += 16, pDy += 16, pDx += 16) {
    const dy = v128.load(pDy);
    v128.store(pDx, v128.bitselect(dy, f32x4.mul(dy, s), f32x4.gt(v128.load(pX), zero)));
  }
}

/** y = a + b, then max(y, 0) when relu (a residual block's sum and its ReLU in one pass). */
export function addRelu(n: i32, relu: i32, pA: usize, pB: usize, pY: usize): void {
  const zero = f32x4.splat(0);
  const end = pA + (<usize>(n + 3) >> 2 << 4);
  if (relu) {
    for (; pA < end; pA += 16, pB += 16, pY += 16) v128.store(pY, f32x4.max(f32x4.add(v128.load(pA), v128.load(pB)), zero));
  } else {
    for (; pA < end; pA += 16, pB += 16, pY += 16) v128.store(pY, f32x4.add(v128.load(pA), v128.load(pB)));
  }
}
