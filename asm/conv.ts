import { addTo, gemm } from './gemm';
import { col2im, im2col, outSize } from './im2col';

// Conv2d on NCHW in one call each way: per image, im2col then a GEMM that produces NCHW directly
// (no transposes), bias, and for the input gradient col2im. P = OH*OW, CKK = C*k*k; one image's
// cols [P, CKK] as im2col; weight [Cout, CKK]. pS is gemm scratch (see gemmScratchBytes).

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
export function sumPlanesInto(N: i32, Cout: i32, P: i32, pGy: usize, pDb: usize): void {
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

/**
 * out [N, Cout, OH, OW] = conv(x [N, C, H, W], weight) (+ bias if pBias != 0). Image by image: im2col of one
 * image into pCols (P*CKK floats + slack), its GEMM and bias, so the columns stay in cache.
 */
export function conv2dForward(
  N: i32, C: i32, H: i32, W: i32, Cout: i32, k: i32, stride: i32, pad: i32,
  pX: usize, pWt: usize, pBias: usize, pOut: usize, pCols: usize, pS: usize,
): void {
  const P = outSize(H, k, stride, pad) * outSize(W, k, stride, pad);
  const ckk = C * k * k;
  const inBytes = <usize>C * <usize>H * <usize>W * 4;
  const outBytes = <usize>Cout * <usize>P * 4;
  for (let n = 0; n < N; n++) {
    const out = pOut + <usize>n * outBytes;
    im2col(pX + <usize>n * inBytes, 1, C, H, W, k, stride, pad, pCols);
    gemm(Cout, P, ckk, pWt, false, pCols, true, out, pS);
    if (pBias != 0) addBiasPlanes(1, Cout, P, pBias, out);
  }
}

/**
 * Gradients of conv2dForward given gradOut [N, Cout, OH, OW]: gradWeight += (the per-image products are summed in
 * pDwNew, Cout*CKK floats, partials via pT, as many), gradBias += (if pDb != 0), gradInput = (if pDx != 0).
 * Image by image as the forward pass: im2col of x into pCols, and the input gradient's columns in pDcols (P*CKK
 * floats each, + slack) go straight through col2im, in cache as in the forward pass.
 */
export function conv2dBackward(
  N: i32, C: i32, H: i32, W: i32, Cout: i32, k: i32, stride: i32, pad: i32,
  pX: usize, pGy: usize, pWt: usize, pDw: usize, pDwNew: usize, pDb: usize, pDx: usize, pCols: usize, pDcols: usize,
  pS: usize, pT: usize,
): void {
  const P = outSize(H, k, stride, pad) * outSize(W, k, stride, pad);
  const ckk = C * k * k;
  const inBytes = <usize>C * <usize>H * <usize>W * 4;
  const planeBytes = <usize>Cout * <usize>P * 4;
  for (let n = 0; n < N; n++) {
    const gy = pGy + <usize>n * planeBytes;
    im2col(pX + <usize>n * inBytes, 1, C, H, W, k, stride, pad, pCols);
    gemm(Cout, ckk, P, gy, false, pCols, false, n == 0 ? pDwNew : pT, pS);
    if (n > 0) addTo(Cout * ckk, pT, pDwNew);
    if (pDx != 0) {
      // col2im may touch 3 floats past this image: the next image's, overwritten after, or the caller's slack.
      gemm(P, ckk, Cout, gy, true, pWt, false, pDcols, pS);
      col2im(pDcols, 1, C, H, W, k, stride, pad, pDx + <usize>n * inBytes);
    }
  }
  if (N > 0) addTo(Cout * ckk, pDwNew, pDw);
  if (pDb != 0) sumPlanesInto(N, Cout, P, pGy, pDb);
}
