import { gemm } from './gemm';
import { im2col, outSize } from './im2col';

// Conv2d -> ReLU (-> MaxPool2d) in one call each way (the engine fuses these layers inside a Sequential), so neither
// the conv output nor the ReLU output is copied through JS. Pooled, per image the products are taken with the output
// position as the GEMM's row: t[P, Cout] = cols [P, CKK] W^T. Then M = P (100 for ConvSepNet's conv2) fills 6-row
// tiles where M = Cout = 32 left 20 of 32 rows on 5-row tiles, and B = W^T is transposed once per call; the epilogue
// adds the bias, applies ReLU, pools and writes NCHW (winograd.ts takes the 3x3 / 2x2 case). Not pooled, out =
// W cols^T is NCHW already (ConvSepNet's conv1: M = 12, N = 144 beats M = 144, N = 12 with a transpose).

/** Elements per channel of the fused output: the OH x OW conv plane, or its pooling (pk x pk, stride ps) when pk > 0. */
@inline export function outputPlane(OH: i32, OW: i32, pk: i32, ps: i32): i32 {
  return pk > 0 ? ((OH - pk) / ps + 1) * ((OW - pk) / ps + 1) : OH * OW;
}

/** dst [cols, rows] = src [rows, cols]^T. */
function transposeInto(rows: i32, cols: i32, src: usize, dst: usize): void {
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      store<f32>(dst + ((<usize>c * <usize>rows + <usize>r) << 2), load<f32>(src + ((<usize>r * <usize>cols + <usize>c) << 2)));
    }
  }
}

@inline function biasAt(pBias: usize, o: i32): f32 {
  return pBias != 0 ? load<f32>(pBias + (<usize>o << 2)) : 0;
}

/** Stores the 4 lanes of v at p, p + stride, p + 2 stride, p + 3 stride (4 channel planes). */
@inline export function storeLanes(p: usize, stride: usize, v: v128): void {
  store<f32>(p, f32x4.extract_lane(v, 0));
  store<f32>(p + stride, f32x4.extract_lane(v, 1));
  store<f32>(p + 2 * stride, f32x4.extract_lane(v, 2));
  store<f32>(p + 3 * stride, f32x4.extract_lane(v, 3));
}

/** The same for 4 i32 lanes. */
@inline export function storeLanesI32(p: usize, stride: usize, v: v128): void {
  store<i32>(p, i32x4.extract_lane(v, 0));
  store<i32>(p + stride, i32x4.extract_lane(v, 1));
  store<i32>(p + 2 * stride, i32x4.extract_lane(v, 2));
  store<i32>(p + 3 * stride, i32x4.extract_lane(v, 3));
}

/** y[o, p] = max(y[o, p] + bias[o], 0) in place for one image [Cout, P] (NaN stays NaN: max propagates it). */
function biasRelu(Cout: i32, P: i32, pBias: usize, pY: usize): void {
  const zero = f32x4.splat(0);
  for (let o = 0; o < Cout; o++) {
    const b = biasAt(pBias, o);
    const bv = f32x4.splat(b);
    let p = 0;
    for (; p + 4 <= P; p += 4, pY += 16) v128.store(pY, f32x4.max(f32x4.add(v128.load(pY), bv), zero));
    for (; p < P; p++, pY += 4) store<f32>(pY, max<f32>(load<f32>(pY) + b, 0));
  }
}

/** Lanes where v replaces the running maximum: v > best, or v is NaN, unless best is already NaN. */
@inline export function wins(v: v128, best: v128): v128 {
  return v128.andnot(f32x4.eq(best, best), f32x4.le(v, best));
}

/**
 * Max pooling (pk x pk windows, stride ps, floor mode) of relu(t + bias) for one image: out [Cout, PH, PW] and argmax
 * = the flat index within the OH x OW plane, with maxPool2d's rule (first maximal element; a NaN wins). Four channels
 * at a time with lane selects; the choice is never a branch (V8 turns an f32 select into one, which mispredicts on
 * activations).
 */
function reluPool(OH: i32, OW: i32, Cout: i32, pk: i32, ps: i32, pT: usize, pBias: usize, pOut: usize, pArg: usize): void {
  const PH = (OH - pk) / ps + 1, PW = (OW - pk) / ps + 1;
  const ld = <usize>Cout << 2;
  const plane = <usize>(PH * PW) << 2;
  const zero = f32x4.splat(0);
  let o = 0;
  for (; o + 4 <= Cout; o += 4) {
    const b = pBias != 0 ? v128.load(pBias + (<usize>o << 2)) : zero;
    const col = pT + (<usize>o << 2);
    let out = pOut + <usize>o * plane, arg = pArg + <usize>o * plane;
    for (let ph = 0; ph < PH; ph++) {
      for (let pw = 0; pw < PW; pw++, out += 4, arg += 4) {
        const first = ph * ps * OW + pw * ps;
        const p0 = col + <usize>first * ld;
        let at = i32x4.splat(first);
        let best = f32x4.max(f32x4.add(v128.load(p0), b), zero);
        if (pk == 2) {
          // The common 2 x 2 window, unrolled (faster than the loops below).
          const below = p0 + <usize>OW * ld;
          let v = f32x4.max(f32x4.add(v128.load(p0 + ld), b), zero);
          let take = wins(v, best);
          best = v128.bitselect(v, best, take);
          at = v128.bitselect(i32x4.splat(first + 1), at, take);
          v = f32x4.max(f32x4.add(v128.load(below), b), zero);
          take = wins(v, best);
          best = v128.bitselect(v, best, take);
          at = v128.bitselect(i32x4.splat(first + OW), at, take);
          v = f32x4.max(f32x4.add(v128.load(below + ld), b), zero);
          take = wins(v, best);
          best = v128.bitselect(v, best, take);
          at = v128.bitselect(i32x4.splat(first + OW + 1), at, take);
        } else {
          for (let kh = 0; kh < pk; kh++) {
            const row = (ph * ps + kh) * OW + pw * ps;
            for (let kw = 0; kw < pk; kw++) {
              const idx = row + kw;
              const v = f32x4.max(f32x4.add(v128.load(col + <usize>idx * ld), b), zero);
              const take = wins(v, best);
              best = v128.bitselect(v, best, take);
              at = v128.bitselect(i32x4.splat(idx), at, take);
            }
          }
        }
        storeLanes(out, plane, best);
        storeLanesI32(arg, plane, at);
      }
    }
  }
  for (; o < Cout; o++) {
    const b = biasAt(pBias, o);
    const col = pT + (<usize>o << 2);
    let out = pOut + <usize>o * plane, arg = pArg + <usize>o * plane;
    for (let ph = 0; ph < PH; ph++) {
      for (let pw = 0; pw < PW; pw++, out += 4, arg += 4) {
        let at = ph * ps * OW + pw * ps;
        for (let kh = 0; kh < pk; kh++) {
          const row = (ph * ps + kh) * OW + pw * ps;
          for (let kw = 0; kw < pk; kw++) {
            const idx = row + kw;
            const best = max<f32>(load<f32>(col + <usize>at * ld) + b, 0);
            const v = max<f32>(load<f32>(col + <usize>idx * ld) + b, 0);
            at += (idx - at) * (<i32>!(v <= best) & <i32>(best == best));
          }
        }
        store<f32>(out, max<f32>(load<f32>(col + <usize>at * ld) + b, 0));
        store<i32>(arg, at);
      }
    }
  }
}

/**
 * out = relu(conv(x) + bias), then max pooled when pk > 0 (argmax at pArg, one i32 per output). pWT: Cout*CKK floats
 * for W^T; pCols: P*CKK floats (+ slack); pT: P*Cout floats; pS: gemm scratch for (P, Cout, CKK).
 */
export function convReluForward(
  N: i32, C: i32, H: i32, W: i32, Cout: i32, k: i32, stride: i32, pad: i32, pk: i32, ps: i32,
  pX: usize, pWt: usize, pBias: usize, pOut: usize, pArg: usize, pWT: usize, pCols: usize, pT: usize, pS: usize,
): void {
  const OH = outSize(H, k, stride, pad), OW = outSize(W, k, stride, pad);
  const P = OH * OW;
  const ckk = C * k * k;
  const inBytes = <usize>C * <usize>H * <usize>W * 4;
  const outBytes = <usize>Cout * <usize>outputPlane(OH, OW, pk, ps) * 4;
  if (pk == 0) {
    // Not pooled: the GEMM writes NCHW itself (out [Cout, P] = W cols^T), then bias and ReLU in place.
    for (let n = 0; n < N; n++) {
      const out = pOut + <usize>n * outBytes;
      im2col(pX + <usize>n * inBytes, 1, C, H, W, k, stride, pad, pCols);
      gemm(Cout, P, ckk, pWt, false, pCols, true, out, pS);
      biasRelu(Cout, P, pBias, out);
    }
    return;
  }
  transposeInto(Cout, ckk, pWt, pWT);
  for (let n = 0; n < N; n++) {
    im2col(pX + <usize>n * inBytes, 1, C, H, W, k, stride, pad, pCols);
    gemm(P, Cout, ckk, pCols, false, pWT, false, pT, pS);
    reluPool(OH, OW, Cout, pk, ps, pT, pBias, pOut + <usize>n * outBytes, pArg + <usize>n * outBytes);
  }
}
