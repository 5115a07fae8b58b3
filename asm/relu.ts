// ReLU, 4 lanes at a time over ceil(n/4)*4 elements (the caller leaves slack past n).

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
