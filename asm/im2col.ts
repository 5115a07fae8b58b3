// im2col / col2im, layouts as im2colReference in src/engine/kernels/im2col.ts: input NCHW; cols
// row (n*OH + oh)*OW + ow, column (c*k + ki)*k + kj. For k <= 4 a window row inside the image is moved
// as one v128 (4 floats): im2col's extra lanes are overwritten by the next store, col2im masks them
// to +0. Both may touch up to 3 floats past the end of their input and output (the caller's slack).

@inline export function outSize(size: i32, k: i32, stride: i32, pad: i32): i32 {
  return (size + 2 * pad - k) / stride + 1;
}

export function im2col(pX: usize, N: i32, C: i32, H: i32, W: i32, k: i32, stride: i32, pad: i32, pOut: usize): void {
  const OH = outSize(H, k, stride, pad), OW = outSize(W, k, stride, pad);
  const plane = <usize>H * <usize>W * 4;
  const rowBytes = <usize>W << 2;
  const kb = <usize>k << 2;
  let out = pOut;
  for (let n = 0; n < N; n++) {
    const image = pX + <usize>n * <usize>C * plane;
    for (let oh = 0; oh < OH; oh++) {
      const h0 = oh * stride - pad;
      for (let ow = 0; ow < OW; ow++) {
        const w0 = ow * stride - pad;
        if (h0 >= 0 && h0 + k <= H && w0 >= 0 && w0 + k <= W) {
          let src = image + (<usize>h0 * <usize>W + <usize>w0) * 4;
          if (k == 3) {
            // The common case, unrolled: one v128 per window row.
            for (let c = 0; c < C; c++) {
              v128.store(out, v128.load(src));
              v128.store(out, v128.load(src + rowBytes), 12);
              v128.store(out, v128.load(src + 2 * rowBytes), 24);
              out += 36;
              src += plane;
            }
            continue;
          }
          for (let c = 0; c < C; c++) {
            let s = src;
            for (let ki = 0; ki < k; ki++) {
              if (k <= 4) {
                v128.store(out, v128.load(s));
              } else {
                for (let kj = 0; kj < k; kj++) store<f32>(out + (<usize>kj << 2), load<f32>(s + (<usize>kj << 2)));
              }
              out += kb;
              s += rowBytes;
            }
            src += plane;
          }
        } else {
          for (let c = 0; c < C; c++) {
            const p = image + <usize>c * plane;
            for (let ki = 0; ki < k; ki++) {
              const ih = h0 + ki;
              for (let kj = 0; kj < k; kj++) {
                const iw = w0 + kj;
                const inside = ih >= 0 && ih < H && iw >= 0 && iw < W;
                store<f32>(out, inside ? load<f32>(p + (<usize>ih * <usize>W + <usize>iw) * 4) : 0);
                out += 4;
              }
            }
          }
        }
      }
    }
  }
}

export function col2im(pCols: usize, N: i32, C: i32, H: i32, W: i32, k: i32, stride: i32, pad: i32, pDx: usize): void {
  const OH = outSize(H, k, stride, pad), OW = outSize(W, k, stride, pad);
  const plane = <usize>H * <usize>W * 4;
  const rowBytes = <usize>W << 2;
  const kb = <usize>k << 2;
  memory.fill(pDx, 0, <usize>N * <usize>C * plane);
  // Lanes 0..k-1 set: keeps a window row's k values and adds +0 to the extra lanes.
  const mask = i32x4.lt_s(v128(0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0), i32x4.splat(k));
  let col = pCols;
  for (let n = 0; n < N; n++) {
    const image = pDx + <usize>n * <usize>C * plane;
    for (let oh = 0; oh < OH; oh++) {
      const h0 = oh * stride - pad;
      for (let ow = 0; ow < OW; ow++) {
        const w0 = ow * stride - pad;
        if (h0 >= 0 && h0 + k <= H && w0 >= 0 && w0 + k <= W) {
          let dst = image + (<usize>h0 * <usize>W + <usize>w0) * 4;
          if (k == 3) {
            for (let c = 0; c < C; c++) {
              const d1 = dst + rowBytes, d2 = dst + 2 * rowBytes;
              v128.store(dst, f32x4.add(v128.load(dst), v128.and(v128.load(col), mask)));
              v128.store(d1, f32x4.add(v128.load(d1), v128.and(v128.load(col, 12), mask)));
              v128.store(d2, f32x4.add(v128.load(d2), v128.and(v128.load(col, 24), mask)));
              col += 36;
              dst += plane;
            }
            continue;
          }
          for (let c = 0; c < C; c++) {
            let d = dst;
            for (let ki = 0; ki < k; ki++) {
              if (k <= 4) {
                v128.store(d, f32x4.add(v128.load(d), v128.and(v128.load(col), mask)));
              } else {
                for (let kj = 0; kj < k; kj++) {
                  const q = d + (<usize>kj << 2);
                  store<f32>(q, load<f32>(q) + load<f32>(col + (<usize>kj << 2)));
                }
              }
              col += kb;
              d += rowBytes;
            }
            dst += plane;
          }
        } else {
          for (let c = 0; c < C; c++) {
            const p = image + <usize>c * plane;
            for (let ki = 0; ki < k; ki++) {
              const ih = h0 + ki;
              for (let kj = 0; kj < k; kj++) {
                const iw = w0 + kj;
                if (ih >= 0 && ih < H && iw >= 0 && iw < W) {
                  const q = p + (<usize>ih * <usize>W + <usize>iw) * 4;
                  store<f32>(q, load<f32>(q) + load<f32>(col));
                }
                col += 4;
              }
            }
          }
        }
      }
    }
  }
}
