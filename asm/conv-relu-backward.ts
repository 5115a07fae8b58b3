import { addTo, fma, gemm } from './gemm';
import { col2im, im2col, outSize } from './im2col';
import { outputPlane } from './conv-relu';

// Backward of the fused Conv2d -> ReLU (-> MaxPool2d) of conv-relu.ts. Pooled, only each window's argmax gets a
// gradient, so the weight and input gradients are sums of a few rows (sparse); without pooling, dense GEMMs with the
// output position as the row, as in the forward pass.

/**
 * dst[0..n) = (accumulate ? dst : 0) + sum over the count entries (row r, factor g) at pList (8 bytes each) of
 * g * src row r (n floats per row). Nine v128 accumulators stay in registers across the entries, so each entry
 * costs its row's loads and fused multiply-adds only. Inlined: it runs ~130 times per image, mostly on lists of a
 * few entries, where a call's overhead counts.
 */
@inline function combineRows(n: i32, count: i32, pList: usize, pSrc: usize, pDst: usize, accumulate: bool): void {
  const rowBytes = <usize>n << 2;
  const zero = f32x4.splat(0);
  let c = 0;
  for (; c + 36 <= n; c += 36) {
    const d = pDst + (<usize>c << 2);
    let a0 = zero, a1 = zero, a2 = zero, a3 = zero, a4 = zero, a5 = zero, a6 = zero, a7 = zero, a8 = zero;
    if (accumulate) {
      a0 = v128.load(d); a1 = v128.load(d, 16); a2 = v128.load(d, 32); a3 = v128.load(d, 48); a4 = v128.load(d, 64);
      a5 = v128.load(d, 80); a6 = v128.load(d, 96); a7 = v128.load(d, 112); a8 = v128.load(d, 128);
    }
    let e = pList;
    for (let j = 0; j < count; j++, e += 8) {
      const g = v128.load32_splat(e, 4);
      const src = pSrc + <usize>load<i32>(e) * rowBytes + (<usize>c << 2);
      a0 = fma(g, v128.load(src), a0);
      a1 = fma(g, v128.load(src, 16), a1);
      a2 = fma(g, v128.load(src, 32), a2);
      a3 = fma(g, v128.load(src, 48), a3);
      a4 = fma(g, v128.load(src, 64), a4);
      a5 = fma(g, v128.load(src, 80), a5);
      a6 = fma(g, v128.load(src, 96), a6);
      a7 = fma(g, v128.load(src, 112), a7);
      a8 = fma(g, v128.load(src, 128), a8);
    }
    v128.store(d, a0); v128.store(d, a1, 16); v128.store(d, a2, 32); v128.store(d, a3, 48); v128.store(d, a4, 64);
    v128.store(d, a5, 80); v128.store(d, a6, 96); v128.store(d, a7, 112); v128.store(d, a8, 128);
  }
  for (; c + 4 <= n; c += 4) {
    const d = pDst + (<usize>c << 2);
    let a = accumulate ? v128.load(d) : zero;
    for (let j = 0, e = pList; j < count; j++, e += 8) {
      a = fma(v128.load32_splat(e, 4), v128.load(pSrc + <usize>load<i32>(e) * rowBytes + (<usize>c << 2)), a);
    }
    v128.store(d, a);
  }
  for (; c < n; c++) {
    const d = pDst + (<usize>c << 2);
    let a: f32 = accumulate ? load<f32>(d) : 0;
    for (let j = 0, e = pList; j < count; j++, e += 8) {
      a += load<f32>(e, 4) * load<f32>(pSrc + <usize>load<i32>(e) * rowBytes + (<usize>c << 2));
    }
    store<f32>(d, a);
  }
}

/** gy where y != 0, else +0, without a branch (y is the ReLU output; a NaN y passes the gradient). */
@inline function masked(pGy: usize, pY: usize): f32 {
  return reinterpret<f32>(load<i32>(pGy) & -(<i32>(load<f32>(pY) != 0)));
}

/**
 * Bytes of scratch pooledBackward needs at pList: the list of kept entries (Cout * outPlanes, plus one written past
 * it), P + 1 bucket counters, Cout + 1 channel starts and the entries bucketed by position (8 bytes per entry); then,
 * for scatterDx, the padded weights (Cout * C * 12 floats) and the windows' offsets (P).
 */
export function pooledScratchBytes(P: i32, C: i32, Cout: i32, outPlanes: i32): usize {
  return (<usize>Cout * <usize>outPlanes + 1) * 8 + (<usize>P + 1) * 4 + (<usize>Cout + 1) * 4 + <usize>Cout * <usize>outPlanes * 8 +
    <usize>Cout * <usize>C * 48 + <usize>P * 4;
}

/**
 * Appends (p, g) at entry m of the list and counts it for bucket p; returns the new length. Branch-free: the entry
 * is always written and the length grows by `keep` (0 or 1).
 */
@inline function append(pList: usize, pCount: usize, m: i32, p: i32, g: f32, keep: i32): i32 {
  const e = pList + (<usize>m << 3);
  store<i32>(e, p);
  store<f32>(e, g, 4);
  const counter = pCount + ((<usize>p + 1) << 2);
  store<i32>(counter, load<i32>(counter) + keep);
  return m + keep;
}

/**
 * dx window += g * W[o] for each of the count entries (p, g) at pList, for 3x3 kernels without padding: wp is W[o]
 * padded to rows of 4 (C x 3 rows, 4th float 0), pPos[p] the byte offset of position p's window in dx. Each row
 * is one v128 read-modify-write; its 4th lane adds 0 to the next column (at most 1 float past the image: slack, or
 * the next image, zeroed after).
 */
function scatterWindows(C: i32, count: i32, pList: usize, pPos: usize, wp: usize, pDx: usize, plane: usize, row: usize): void {
  for (let j = 0, e = pList; j < count; j++, e += 8) {
    const g = v128.load32_splat(e, 4);
    let d = pDx + <usize>load<i32>(pPos + (<usize>load<i32>(e) << 2));
    let w = wp;
    for (let c = 0; c < C; c++, d += plane, w += 48) {
      v128.store(d, fma(g, v128.load(w), v128.load(d)));
      v128.store(d + row, fma(g, v128.load(w, 16), v128.load(d + row)));
      v128.store(d + 2 * row, fma(g, v128.load(w, 32), v128.load(d + 2 * row)));
    }
  }
}

/**
 * The pooled case of convReluBackward for one image, sparse: only the argmax of each window (and only where the ReLU
 * output and the incoming gradient are non-zero; dropout after the pool zeroes half of them) gets a gradient g. So
 * dW[o, :] += sum of g * cols[p, :] over channel o's entries, and the input gradient takes g * W[o, :] at each entry:
 * into its window directly (pScatterDx, 3x3 without padding), else into dcols[p, :] summed over position p's entries
 * (bucketed by p). For ConvSepNet's conv2 that is about 1/10 of the dense products (~300 of 3,200 per image). The
 * list of kept entries is built 4 windows at a time without branches (dropout makes "kept" a coin flip).
 */
function pooledBackward(
  P: i32, Cout: i32, ckk: i32, outPlanes: i32, pGy: usize, pY: usize, pArg: usize, pCols: usize, pWt: usize,
  pDw: usize, pDb: usize, pDcols: usize, pList: usize, C: i32, pScatterDx: usize, plane: usize, row: usize,
): void {
  const rowBytes = <usize>ckk << 2;
  const pCount = pList + (<usize>Cout * <usize>outPlanes + 1) * 8;
  const pStart = pCount + (<usize>P + 1) * 4;
  const pByP = pStart + (<usize>Cout + 1) * 4;
  const zero = f32x4.splat(0);
  memory.fill(pCount, 0, (<usize>P + 1) * 4);
  let gy = pGy, y = pY, arg = pArg;
  let m = 0;
  for (let o = 0; o < Cout; o++) {
    const first = m;
    store<i32>(pStart + (<usize>o << 2), first);
    let db = zero;
    let q = 0;
    for (; q + 4 <= outPlanes; q += 4, gy += 16, y += 16, arg += 16) {
      const g = v128.andnot(v128.load(gy), f32x4.eq(v128.load(y), zero));
      db = f32x4.add(db, g);
      // -1 in the lanes to keep (non-zero or NaN).
      const keep = f32x4.ne(g, zero);
      m = append(pList, pCount, m, load<i32>(arg), f32x4.extract_lane(g, 0), -i32x4.extract_lane(keep, 0));
      m = append(pList, pCount, m, load<i32>(arg, 4), f32x4.extract_lane(g, 1), -i32x4.extract_lane(keep, 1));
      m = append(pList, pCount, m, load<i32>(arg, 8), f32x4.extract_lane(g, 2), -i32x4.extract_lane(keep, 2));
      m = append(pList, pCount, m, load<i32>(arg, 12), f32x4.extract_lane(g, 3), -i32x4.extract_lane(keep, 3));
    }
    let sum = f32x4.extract_lane(db, 0) + f32x4.extract_lane(db, 1) + f32x4.extract_lane(db, 2) + f32x4.extract_lane(db, 3);
    for (; q < outPlanes; q++, gy += 4, y += 4, arg += 4) {
      const g = masked(gy, y);
      sum += g;
      m = append(pList, pCount, m, load<i32>(arg), g, <i32>(g != 0));
    }
    combineRows(ckk, m - first, pList + (<usize>first << 3), pCols, pDw + <usize>o * rowBytes, true);
    if (pScatterDx != 0) {
      const pWp = pByP + <usize>Cout * <usize>outPlanes * 8;
      scatterWindows(C, m - first, pList + (<usize>first << 3), pWp + <usize>Cout * <usize>C * 48, pWp + <usize>o * <usize>C * 48, pScatterDx, plane, row);
    }
    if (pDb != 0) store<f32>(pDb + (<usize>o << 2), load<f32>(pDb + (<usize>o << 2)) + sum);
  }
  store<i32>(pStart + (<usize>Cout << 2), m);
  if (pDcols == 0) return;
  // Bucket starts, then each kept entry (channel o, g) goes to its bucket's cursor.
  for (let p = 1; p <= P; p++) {
    const at = pCount + (<usize>p << 2);
    store<i32>(at, load<i32>(at) + load<i32>(at - 4));
  }
  for (let o = 0; o < Cout; o++) {
    const end = load<i32>(pStart + (<usize>(o + 1) << 2));
    for (let j = load<i32>(pStart + (<usize>o << 2)); j < end; j++) {
      const e = pList + (<usize>j << 3);
      const cursor = pCount + (<usize>load<i32>(e) << 2);
      const slot = load<i32>(cursor);
      const to = pByP + (<usize>slot << 3);
      store<i32>(to, o);
      store<f32>(to, load<f32>(e, 4), 4);
      store<i32>(cursor, slot + 1);
    }
  }
  // Now counter p holds the end of bucket p, which is where bucket p + 1 starts.
  let start = 0;
  for (let p = 0; p < P; p++) {
    const end = load<i32>(pCount + (<usize>p << 2));
    combineRows(ckk, end - start, pByP + (<usize>start << 3), pWt, pDcols + <usize>p * rowBytes, false);
    start = end;
  }
}

/**
 * g = gy where y != 0 (a mask, not a branch) for one image [Cout, P], and gradBias[o] += its sum over p when
 * pDb != 0.
 */
function reluGrad(Cout: i32, P: i32, pGy: usize, pY: usize, pG: usize, pDb: usize): void {
  const zero = f32x4.splat(0);
  for (let o = 0; o < Cout; o++) {
    let sum = zero;
    let p = 0;
    for (; p + 4 <= P; p += 4, pGy += 16, pY += 16, pG += 16) {
      const g = v128.andnot(v128.load(pGy), f32x4.eq(v128.load(pY), zero));
      sum = f32x4.add(sum, g);
      v128.store(pG, g);
    }
    let s = f32x4.extract_lane(sum, 0) + f32x4.extract_lane(sum, 1) + f32x4.extract_lane(sum, 2) + f32x4.extract_lane(sum, 3);
    for (; p < P; p++, pGy += 4, pY += 4, pG += 4) {
      const g = masked(pGy, pY);
      s += g;
      store<f32>(pG, g);
    }
    if (pDb != 0) store<f32>(pDb + (<usize>o << 2), load<f32>(pDb + (<usize>o << 2)) + s);
  }
}

/**
 * Gradients of convReluForward given gy (shaped as its output) and its output y and argmax: gradWeight +=,
 * gradBias += (if pDb != 0), gradInput = (if pDx != 0). Pooled: sparse (pooledBackward). Not pooled: dense GEMMs in
 * the forward pass's layout. Scratch: pG Cout*P floats (pooled: pooledScratchBytes), pDwT and pDwPart Cout*CKK each
 * (the new weight gradient and one image's part), pCols and pDcols P*CKK (+ slack), pS gemm scratch for
 * (Cout, CKK, P) and (P, CKK, Cout).
 */
export function convReluBackward(
  N: i32, C: i32, H: i32, W: i32, Cout: i32, k: i32, stride: i32, pad: i32, pk: i32, ps: i32,
  pX: usize, pGy: usize, pY: usize, pArg: usize, pWt: usize, pDw: usize, pDb: usize, pDx: usize,
  pG: usize, pDwT: usize, pDwPart: usize, pCols: usize, pDcols: usize, pS: usize,
): void {
  const OH = outSize(H, k, stride, pad), OW = outSize(W, k, stride, pad);
  const P = OH * OW;
  const outPlanes = outputPlane(OH, OW, pk, ps);
  const ckk = C * k * k;
  const inBytes = <usize>C * <usize>H * <usize>W * 4;
  const outBytes = <usize>Cout * <usize>outPlanes * 4;
  // Pooled 3x3 without padding: the input gradient goes straight from each kept entry to its window (scatterWindows)
  // instead of through columns, their bucketing by position and col2im.
  const scatter = pk > 0 && k == 3 && pad == 0 && pDx != 0;
  if (scatter) {
    const pWp = pG + pooledScratchBytes(P, C, Cout, outPlanes) - <usize>Cout * <usize>C * 48 - <usize>P * 4;
    const pPos = pWp + <usize>Cout * <usize>C * 48;
    for (let r = 0; r < Cout * C * 3; r++) {
      const src = pWt + <usize>r * 12, dst = pWp + (<usize>r << 4);
      store<f32>(dst, load<f32>(src));
      store<f32>(dst, load<f32>(src, 4), 4);
      store<f32>(dst, load<f32>(src, 8), 8);
      store<f32>(dst, 0, 12);
    }
    for (let p = 0; p < P; p++) store<i32>(pPos + (<usize>p << 2), ((p / OW) * stride * W + (p % OW) * stride) << 2);
  }
  for (let n = 0; n < N; n++) {
    const at = <usize>n * outBytes;
    const dx = pDx + <usize>n * inBytes;
    im2col(pX + <usize>n * inBytes, 1, C, H, W, k, stride, pad, pCols);
    if (pk > 0) {
      if (scatter) memory.fill(dx, 0, inBytes);
      pooledBackward(
        P, Cout, ckk, outPlanes, pGy + at, pY + at, pArg + at, pCols, pWt, pDw, pDb, pDx != 0 && !scatter ? pDcols : 0, pG,
        C, scatter ? dx : 0, <usize>H * <usize>W * 4, <usize>W * 4,
      );
    } else {
      // Not pooled: the layout of the forward pass, g [Cout, P] as the GEMMs' A operand.
      reluGrad(Cout, P, pGy + at, pY + at, pG, pDb);
      gemm(Cout, ckk, P, pG, false, pCols, false, n == 0 ? pDwT : pDwPart, pS);
      if (n > 0) addTo(ckk * Cout, pDwPart, pDwT);
      // dcols [P, CKK] = g^T W.
      if (pDx != 0) gemm(P, ckk, Cout, pG, true, pWt, false, pDcols, pS);
    }
    // col2im may touch 3 floats past this image (the next one's, overwritten after, or slack).
    if (pDx != 0 && !scatter) col2im(pDcols, 1, C, H, W, k, stride, pad, dx);
  }
  if (N > 0 && pk == 0) addTo(ckk * Cout, pDwT, pDw);
}
