// Batch normalisation (optionally followed by ReLU) over x [N, C, S]: statistics per channel c over N*S values.
// Each plane (n, c) is S contiguous floats, 4 lanes at a time with a scalar tail (S need not be a multiple of 4).
// Sums go per plane in float32 lanes, then across planes in float64 (the reference sums in float64 throughout). The
// forward's statistics go 16 floats a step into 4 vector accumulators, so that each add need not wait for the last
// (the backward's two sums per step gained nothing so).

@inline function planeAt(p: usize, n: i32, c: i32, C: i32, S: i32): usize {
  return p + ((<usize>n * <usize>C + <usize>c) * <usize>S << 2);
}

@inline function hsum(v: v128): f64 {
  return <f64>f32x4.extract_lane(v, 0) + <f64>f32x4.extract_lane(v, 1) + <f64>f32x4.extract_lane(v, 2) + <f64>f32x4.extract_lane(v, 3);
}

/** Sum of x over channel c's planes. */
function channelSum(N: i32, C: i32, S: i32, pX: usize, c: i32): f64 {
  let total: f64 = 0;
  for (let n = 0; n < N; n++) {
    const x = planeAt(pX, n, c, C, S);
    let v = f32x4.splat(0), v1 = v, v2 = v, v3 = v;
    let i = 0;
    for (; i + 16 <= S; i += 16) {
      const p = x + (<usize>i << 2);
      v = f32x4.add(v, v128.load(p));
      v1 = f32x4.add(v1, v128.load(p, 16));
      v2 = f32x4.add(v2, v128.load(p, 32));
      v3 = f32x4.add(v3, v128.load(p, 48));
    }
    for (; i + 4 <= S; i += 4) v = f32x4.add(v, v128.load(x + (<usize>i << 2)));
    let s = hsum(f32x4.add(f32x4.add(v, v1), f32x4.add(v2, v3)));
    for (; i < S; i++) s += <f64>load<f32>(x + (<usize>i << 2));
    total += s;
  }
  return total;
}

/** acc + (x - m)^2. */
@inline function squareAdd(acc: v128, x: v128, m: v128): v128 {
  const d = f32x4.sub(x, m);
  return f32x4.add(acc, f32x4.mul(d, d));
}

/** Sum of (x - mean)^2 over channel c's planes. */
function channelSquares(N: i32, C: i32, S: i32, pX: usize, c: i32, mean: f32): f64 {
  const m = f32x4.splat(mean);
  let total: f64 = 0;
  for (let n = 0; n < N; n++) {
    const x = planeAt(pX, n, c, C, S);
    let v = f32x4.splat(0), v1 = v, v2 = v, v3 = v;
    let i = 0;
    for (; i + 16 <= S; i += 16) {
      const p = x + (<usize>i << 2);
      v = squareAdd(v, v128.load(p), m);
      v1 = squareAdd(v1, v128.load(p, 16), m);
      v2 = squareAdd(v2, v128.load(p, 32), m);
      v3 = squareAdd(v3, v128.load(p, 48), m);
    }
    for (; i + 4 <= S; i += 4) v = squareAdd(v, v128.load(x + (<usize>i << 2)), m);
    let s = hsum(f32x4.add(f32x4.add(v, v1), f32x4.add(v2, v3)));
    for (; i < S; i++) {
      const d = load<f32>(x + (<usize>i << 2)) - mean;
      s += <f64>(d * d);
    }
    total += s;
  }
  return total;
}

/**
 * Forward pass. training: mean and biased variance from the batch, running mean and (unbiased) variance updated
 * with `momentum`; else the running statistics. Writes invStd[c] = 1/sqrt(var + eps), xhat = (x - mean) * invStd,
 * y = gamma * xhat + beta, plus res [N, C, S] when pRes != 0 (a residual block's sum: one pass instead of another
 * over y), then max(y, 0) when relu (NaN stays NaN, as PyTorch).
 */
export function batchnormForward(
  N: i32, C: i32, S: i32, training: i32, relu: i32, momentum: f64, eps: f64,
  pX: usize, pGamma: usize, pBeta: usize, pRunMean: usize, pRunVar: usize, pXhat: usize, pRes: usize, pY: usize,
  pInvStd: usize,
): void {
  const m = <f64>N * <f64>S;
  const zero = f32x4.splat(0);
  for (let c = 0; c < C; c++) {
    const at = <usize>c << 2;
    let mean: f64;
    let variance: f64;
    if (training) {
      mean = channelSum(N, C, S, pX, c) / m;
      const sq = channelSquares(N, C, S, pX, c, <f32>mean);
      variance = sq / m;
      store<f32>(pRunMean + at, <f32>((1 - momentum) * <f64>load<f32>(pRunMean + at) + momentum * mean));
      store<f32>(pRunVar + at, <f32>((1 - momentum) * <f64>load<f32>(pRunVar + at) + momentum * (sq / (m - 1))));
    } else {
      mean = <f64>load<f32>(pRunMean + at);
      variance = <f64>load<f32>(pRunVar + at);
    }
    const inv = <f32>(1 / Math.sqrt(variance + eps));
    store<f32>(pInvStd + at, inv);
    const g = load<f32>(pGamma + at);
    const b = load<f32>(pBeta + at);
    const mv = f32x4.splat(<f32>mean);
    const iv = f32x4.splat(inv);
    const gv = f32x4.splat(g);
    const bv = f32x4.splat(b);
    for (let n = 0; n < N; n++) {
      const x = planeAt(pX, n, c, C, S);
      const xh = planeAt(pXhat, n, c, C, S);
      const y = planeAt(pY, n, c, C, S);
      const r = planeAt(pRes, n, c, C, S);
      let i = 0;
      for (; i + 4 <= S; i += 4) {
        const o = <usize>i << 2;
        const h = f32x4.mul(f32x4.sub(v128.load(x + o), mv), iv);
        v128.store(xh + o, h);
        let v = f32x4.add(f32x4.mul(gv, h), bv);
        if (pRes != 0) v = f32x4.add(v, v128.load(r + o));
        v128.store(y + o, relu ? f32x4.max(v, zero) : v);
      }
      for (; i < S; i++) {
        const o = <usize>i << 2;
        const h = (load<f32>(x + o) - <f32>mean) * inv;
        store<f32>(xh + o, h);
        let v = g * h + b;
        if (pRes != 0) v += load<f32>(r + o);
        store<f32>(y + o, relu != 0 && v <= 0 ? 0 : v);
      }
    }
  }
}

/**
 * Backward pass from xhat and invStd of batchnormForward: gamma/beta gradients accumulated (+=), dx written.
 * With relu the incoming gradient first passes where gamma * xhat + beta (the forward's pre-ReLU value, recomputed
 * with the same float32 operations) is not <= 0. training: dx = k (g - mean(g) - xhat mean(g xhat)), k = gamma *
 * invStd (the batch statistics depend on x); else dx = k g. dx holds the masked gradient between the two passes.
 */
export function batchnormBackward(
  N: i32, C: i32, S: i32, training: i32, relu: i32,
  pGy: usize, pXhat: usize, pGamma: usize, pBeta: usize, pInvStd: usize, pDgamma: usize, pDbeta: usize, pDx: usize,
): void {
  const m = <f64>N * <f64>S;
  const zero = f32x4.splat(0);
  for (let c = 0; c < C; c++) {
    const at = <usize>c << 2;
    const g = load<f32>(pGamma + at);
    const b = load<f32>(pBeta + at);
    const gv = f32x4.splat(g);
    const bv = f32x4.splat(b);
    let sumG: f64 = 0;
    let sumGX: f64 = 0;
    for (let n = 0; n < N; n++) {
      const gy = planeAt(pGy, n, c, C, S);
      const xh = planeAt(pXhat, n, c, C, S);
      const dx = planeAt(pDx, n, c, C, S);
      let vg = f32x4.splat(0);
      let vgx = f32x4.splat(0);
      let i = 0;
      for (; i + 4 <= S; i += 4) {
        const o = <usize>i << 2;
        const h = v128.load(xh + o);
        let d = v128.load(gy + o);
        if (relu) d = v128.andnot(d, f32x4.le(f32x4.add(f32x4.mul(gv, h), bv), zero));
        v128.store(dx + o, d);
        vg = f32x4.add(vg, d);
        vgx = f32x4.add(vgx, f32x4.mul(d, h));
      }
      let sg = hsum(vg);
      let sgx = hsum(vgx);
      for (; i < S; i++) {
        const o = <usize>i << 2;
        const h = load<f32>(xh + o);
        let d = load<f32>(gy + o);
        if (relu != 0 && g * h + b <= 0) d = 0;
        store<f32>(dx + o, d);
        sg += <f64>d;
        sgx += <f64>(d * h);
      }
      sumG += sg;
      sumGX += sgx;
    }
    store<f32>(pDgamma + at, load<f32>(pDgamma + at) + <f32>sumGX);
    store<f32>(pDbeta + at, load<f32>(pDbeta + at) + <f32>sumG);
    const k = f32x4.splat(g * load<f32>(pInvStd + at));
    const mg = f32x4.splat(<f32>(sumG / m));
    const mgx = f32x4.splat(<f32>(sumGX / m));
    for (let n = 0; n < N; n++) {
      const xh = planeAt(pXhat, n, c, C, S);
      const dx = planeAt(pDx, n, c, C, S);
      let i = 0;
      if (training) {
        for (; i + 4 <= S; i += 4) {
          const o = <usize>i << 2;
          const d = f32x4.sub(f32x4.sub(v128.load(dx + o), mg), f32x4.mul(v128.load(xh + o), mgx));
          v128.store(dx + o, f32x4.mul(k, d));
        }
      } else {
        for (; i + 4 <= S; i += 4) v128.store(dx + (<usize>i << 2), f32x4.mul(k, v128.load(dx + (<usize>i << 2))));
      }
      const ks = f32x4.extract_lane(k, 0);
      const mgs = f32x4.extract_lane(mg, 0);
      const mgxs = f32x4.extract_lane(mgx, 0);
      for (; i < S; i++) {
        const o = <usize>i << 2;
        const d = load<f32>(dx + o);
        store<f32>(dx + o, training ? ks * (d - mgs - load<f32>(xh + o) * mgxs) : ks * d);
      }
    }
  }
}
