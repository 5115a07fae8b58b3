import { addTo, gemmBatched } from './gemm';
import { col2im, im2col, outSize } from './im2col';

// Conv2d on NCHW in one call each way: im2col, then per-image GEMMs that produce NCHW directly
// (no transposes), bias, and for the input gradient col2im. P = OH*OW, CKK = C*k*k; cols
// [N*P, CKK] as im2col; weight [Cout, CKK]. pS/pT are gemm scratch (see gemmBatched).

/** out[n, o, :] += bias[o] over N images of Cout planes of P floats. */
function addBiasPlanes(N: i32, Cout: i32, P: i32, pBias: usize, pOut: usize): void {
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < Cout; o++) {
      const b = load<f32>(pBias + (<usize>o << 2));
      const v = f32x4.splat(b);
      let p = 0;
      for (; p + 4 <= P; p += 4, pOut += 16) v128.store(pOut, f32x4.add(v128.load(pOut), v));
      for (; p < P; p++, pOut += 4) store<f32>(pOut, load<f32>(pOut) + b);
    }
  }
}

/** gradBias[o] += sum of gradOut[n, o, :] over all n. */
function sumPlanesInto(N: i32, Cout: i32, P: i32, pGy: usize, pDb: usize): void {
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < Cout; o++) {
      let v = f32x4.splat(0);
      let p = 0;
      for (; p + 4 <= P; p += 4, pGy += 16) v = f32x4.add(v, v128.load(pGy));
      let s = f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
      for (; p < P; p++, pGy += 4) s += load<f32>(pGy);
      const q = pDb + (<usize>o << 2);
      store<f32>(q, load<f32>(q) + s);
    }
  }
}

/** out [N, Cout, OH, OW] = conv(x [N, C, H, W], weight) (+ bias if pBias != 0); cols gets im2col(x). */
export function conv2dForward(
  N: i32, C: i32, H: i32, W: i32, Cout: i32, k: i32, stride: i32, pad: i32,
  pX: usize, pWt: usize, pBias: usize, pOut: usize, pCols: usize, pS: usize, pT: usize,
): void {
  const P = outSize(H, k, stride, pad) * outSize(W, k, stride, pad);
  const ckk = C * k * k;
  im2col(pX, N, C, H, W, k, stride, pad, pCols);
  gemmBatched(N, Cout, P, ckk, pWt, 0, false, pCols, <usize>P * <usize>ckk * 4, true, pOut, <usize>Cout * <usize>P * 4, pS, pT);
  if (pBias != 0) addBiasPlanes(N, Cout, P, pBias, pOut);
}

/**
 * Gradients of conv2dForward given gradOut [N, Cout, OH, OW]: gradWeight += (pDwNew: scratch of
 * Cout*CKK floats), gradBias += (if pDb != 0), gradInput = (if pDx != 0; pDcols: N*P*CKK scratch).
 * cols must hold im2col(x) (conv2dForward leaves it there).
 */
export function conv2dBackward(
  N: i32, C: i32, H: i32, W: i32, Cout: i32, k: i32, stride: i32, pad: i32,
  pCols: usize, pGy: usize, pWt: usize, pDw: usize, pDwNew: usize, pDb: usize, pDx: usize, pDcols: usize, pS: usize, pT: usize,
): void {
  const P = outSize(H, k, stride, pad) * outSize(W, k, stride, pad);
  const ckk = C * k * k;
  const planeBytes = <usize>Cout * <usize>P * 4;
  const colBytes = <usize>P * <usize>ckk * 4;
  gemmBatched(N, Cout, ckk, P, pGy, planeBytes, false, pCols, colBytes, false, pDwNew, 0, pS, pT);
  addTo(Cout * ckk, pDwNew, pDw);
  if (pDb != 0) sumPlanesInto(N, Cout, P, pGy, pDb);
  if (pDx != 0) {
    gemmBatched(N, P, ckk, Cout, pGy, planeBytes, true, pWt, 0, false, pDcols, colBytes, pS, pT);
    col2im(pDcols, N, C, H, W, k, stride, pad, pDx);
  }
}
