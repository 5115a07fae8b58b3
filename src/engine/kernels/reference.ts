/**
 * Plain TypeScript reference kernels. They define what the fast WebAssembly kernels must compute
 * and are the ground truth the kernel tests compare against.
 */

export interface GemmOptions {
  /** Use A^T: A is stored K x M. */
  transA?: boolean;
  /** Use B^T: B is stored N x K. */
  transB?: boolean;
  /** C += op(A) op(B) instead of C = op(A) op(B). */
  accumulate?: boolean;
}

/** C[M,N] (+)= op(A)[M,K] * op(B)[K,N], all row-major and dense. */
export function gemmReference(
  M: number,
  N: number,
  K: number,
  A: Float32Array,
  B: Float32Array,
  C: Float32Array,
  opts: GemmOptions = {},
): void {
  const { transA = false, transB = false, accumulate = false } = opts;
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) {
        const a = transA ? A[k * M + i] : A[i * K + k];
        const b = transB ? B[j * K + k] : B[k * N + j];
        s += a * b;
      }
      C[i * N + j] = accumulate ? C[i * N + j] + s : s;
    }
  }
}

/** Output size of a convolution / pooling window along one axis; throws on impossible geometry. */
export function convOutSize(size: number, k: number, stride: number, pad: number): number {
  const out = Math.floor((size + 2 * pad - k) / stride) + 1;
  if (!(k >= 1 && stride >= 1 && pad >= 0) || out < 1) {
    throw new Error(`conv geometry: kernel ${k}, stride ${stride}, padding ${pad} does not fit input size ${size}`);
  }
  return out;
}

/**
 * im2col for NCHW input [N, C, H, W] with a k x k window, stride and zero padding. Output layout
 * (row-major [N*OH*OW, C*k*k]): row (n*OH + oh)*OW + ow, column (c*k + ki)*k + kj holds
 * input[n, c, oh*stride - pad + ki, ow*stride - pad + kj] (0 outside the image). Columns follow the
 * weight's [Cout, C, k, k] order, so conv forward is gemm(N*OH*OW, Cout, C*k*k, cols, W, out, { transB: true }).
 */
export function im2colReference(
  input: Float32Array, N: number, C: number, H: number, W: number, k: number, stride: number, pad: number, out: Float32Array,
): void {
  const OH = convOutSize(H, k, stride, pad);
  const OW = convOutSize(W, k, stride, pad);
  let r = 0;
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        for (let c = 0; c < C; c++) {
          for (let ki = 0; ki < k; ki++) {
            for (let kj = 0; kj < k; kj++) {
              const ih = oh * stride - pad + ki;
              const iw = ow * stride - pad + kj;
              const inside = ih >= 0 && ih < H && iw >= 0 && iw < W;
              out[r++] = inside ? input[((n * C + c) * H + ih) * W + iw] : 0;
            }
          }
        }
      }
    }
  }
}

/**
 * The adjoint of im2col (same layouts): gradInput = 0, then each cols entry is added to the input
 * element it was read from (entries from the zero padding are dropped).
 */
export function col2imReference(
  cols: Float32Array, N: number, C: number, H: number, W: number, k: number, stride: number, pad: number, gradInput: Float32Array,
): void {
  const OH = convOutSize(H, k, stride, pad);
  const OW = convOutSize(W, k, stride, pad);
  gradInput.fill(0, 0, N * C * H * W);
  let r = 0;
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        for (let c = 0; c < C; c++) {
          for (let ki = 0; ki < k; ki++) {
            for (let kj = 0; kj < k; kj++, r++) {
              const ih = oh * stride - pad + ki;
              const iw = ow * stride - pad + kj;
              if (ih >= 0 && ih < H && iw >= 0 && iw < W) gradInput[((n * C + c) * H + ih) * W + iw] += cols[r];
            }
          }
        }
      }
    }
  }
}

/** y[i] = max(x[i], 0) for i < x.length; NaN stays NaN, -0 and -Infinity give +0. */
export function reluReference(x: Float32Array, y: Float32Array): void {
  for (let i = 0; i < x.length; i++) y[i] = x[i] > 0 || x[i] !== x[i] ? x[i] : 0;
}

/** Words of a dropout seed: 4 state words for each of 4 xoshiro128** streams. */
export const DROPOUT_SEED_WORDS = 16;

/**
 * Dropout's mask from 4 xoshiro128** streams seeded with `seed` (16 words: word w of stream j at 4w + j): element i
 * takes the next draw (a uint32) of stream i % 4 and is kept when it is below `threshold` (keep probability * 2^32);
 * mask[i] = scale (as float32) or 0, y[i] = x[i] * mask[i] (float32), for i < x.length.
 */
export function dropoutForwardReference(
  seed: ArrayLike<number>, threshold: number, scale: number, x: Float32Array, y: Float32Array, mask: Float32Array,
): void {
  if (seed.length !== DROPOUT_SEED_WORDS) throw new Error(`dropoutForward: seed has ${seed.length} words, needs ${DROPOUT_SEED_WORDS}`);
  const s = Int32Array.from(seed);
  const kept = Math.fround(scale);
  for (let i = 0; i < x.length; i++) {
    const j = i & 3;
    const r = Math.imul(rotl(Math.imul(s[4 + j], 5), 7), 9) >>> 0;
    const t = s[4 + j] << 9;
    s[8 + j] ^= s[j];
    s[12 + j] ^= s[4 + j];
    s[4 + j] ^= s[8 + j];
    s[j] ^= s[12 + j];
    s[8 + j] ^= t;
    s[12 + j] = rotl(s[12 + j], 11);
    const v = r < threshold ? kept : 0;
    mask[i] = v;
    y[i] = x[i] * v;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** out[i] = a[i] * b[i] for i < a.length. */
export function multiplyReference(a: Float32Array, b: Float32Array, out: Float32Array): void {
  for (let i = 0; i < a.length; i++) out[i] = a[i] * b[i];
}

/** dx[i] = y[i] != 0 ? dy[i] : 0 for i < dy.length (y is relu's output; NaN passes the gradient). */
export function reluBackwardReference(y: Float32Array, dy: Float32Array, dx: Float32Array): void {
  for (let i = 0; i < dy.length; i++) dx[i] = y[i] !== 0 ? dy[i] : 0;
}

/** y[i] = a[i] + b[i] in float32 for i < a.length, then as reluReference when relu. */
export function addReluReference(relu: boolean, a: Float32Array, b: Float32Array, y: Float32Array): void {
  for (let i = 0; i < a.length; i++) {
    const v = Math.fround(a[i] + b[i]);
    y[i] = !relu || v > 0 || v !== v ? v : 0;
  }
}

/** y[i] = x[i] > 0 ? x[i] : x[i] * slope in float32 (slope rounded to float32, as PyTorch's leaky_relu); NaN stays. */
export function leakyReluReference(slope: number, x: Float32Array, y: Float32Array): void {
  const s = Math.fround(slope);
  for (let i = 0; i < x.length; i++) y[i] = x[i] > 0 ? x[i] : x[i] * s;
}

/** dx[i] = x[i] > 0 ? dy[i] : dy[i] * slope for i < dy.length, x being leakyRelu's input. */
export function leakyReluBackwardReference(slope: number, x: Float32Array, dy: Float32Array, dx: Float32Array): void {
  const s = Math.fround(slope);
  for (let i = 0; i < dy.length; i++) dx[i] = x[i] > 0 ? dy[i] : dy[i] * s;
}

/** Adam's hyper-parameters for one step t: stepSize = lr / (1 - b1^t), invC2 = 1 / sqrt(1 - b2^t). */
export interface AdamStepOptions {
  beta1: number;
  beta2: number;
  stepSize: number;
  invC2: number;
  eps: number;
  weightDecay: number;
}

/**
 * One Adam step over w, in place with its state m and v (torch.optim.Adam 1.13): g' = g + wd*w,
 * m = b1*m + (1-b1)*g', v = b2*v + (1-b2)*g'^2, w -= stepSize * m / (sqrt(v)*invC2 + eps).
 */
export function adamStepReference(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, o: AdamStepOptions): void {
  for (let i = 0; i < w.length; i++) {
    const gi = g[i] + o.weightDecay * w[i];
    m[i] = o.beta1 * m[i] + (1 - o.beta1) * gi;
    v[i] = o.beta2 * v[i] + (1 - o.beta2) * gi * gi;
    w[i] -= (o.stepSize * m[i]) / (Math.sqrt(v[i]) * o.invC2 + o.eps);
  }
}

/**
 * Strided batched GEMM: for i < batch, C_i (+)= op(A_i) op(B_i), where X_i is the matrix starting at
 * element i*strideX of X (stride 0: the same matrix for every i). strideC = 0 sums all the products
 * into one C (with accumulate: adds the sum); otherwise strideC must be >= M*N.
 */
export function gemmBatchedReference(
  batch: number, M: number, N: number, K: number, A: Float32Array, strideA: number, B: Float32Array, strideB: number,
  C: Float32Array, strideC: number, opts: GemmOptions = {},
): void {
  for (let i = 0; i < batch; i++) {
    const accumulate = (opts.accumulate ?? false) || (strideC === 0 && i > 0);
    gemmReference(
      M, N, K, A.subarray(i * strideA), B.subarray(i * strideB), C.subarray(i * strideC), { ...opts, accumulate },
    );
  }
}

/** A Conv2d problem on NCHW: N images of C x H x W, Cout filters of C x k x k, stride, zero padding. */
export interface ConvShape {
  N: number;
  C: number;
  H: number;
  W: number;
  Cout: number;
  k: number;
  stride: number;
  pad: number;
}

/** [P = OH*OW, CKK = C*k*k, N*P*CKK (im2col size)]. */
export function convDims(s: ConvShape): [number, number, number] {
  const P = convOutSize(s.H, s.k, s.stride, s.pad) * convOutSize(s.W, s.k, s.stride, s.pad);
  const ckk = s.C * s.k * s.k;
  return [P, ckk, s.N * P * ckk];
}

/** out [N, Cout, OH, OW] = conv(input [N, C, H, W], weight [Cout, C, k, k]) + bias [Cout] (if given). */
export function conv2dForwardReference(
  s: ConvShape, input: Float32Array, weight: Float32Array, bias: Float32Array | undefined, out: Float32Array,
): void {
  const [P, ckk, colSize] = convDims(s);
  const cols = new Float32Array(colSize);
  im2colReference(input, s.N, s.C, s.H, s.W, s.k, s.stride, s.pad, cols);
  gemmBatchedReference(s.N, s.Cout, P, ckk, weight, 0, cols, P * ckk, out, s.Cout * P, { transB: true });
  if (!bias) return;
  for (let n = 0; n < s.N; n++) {
    for (let o = 0; o < s.Cout; o++) {
      for (let p = 0, at = (n * s.Cout + o) * P; p < P; p++) out[at + p] += bias[o];
    }
  }
}

/**
 * Gradients of conv2dForward for gradOut [N, Cout, OH, OW]: gradWeight += dL/dW, gradBias += dL/db
 * (if given), gradInput = dL/dx (if given).
 */
export function conv2dBackwardReference(
  s: ConvShape, input: Float32Array, gradOut: Float32Array, weight: Float32Array, gradWeight: Float32Array,
  gradBias: Float32Array | undefined, gradInput: Float32Array | undefined,
): void {
  const [P, ckk, colSize] = convDims(s);
  const cols = new Float32Array(colSize);
  im2colReference(input, s.N, s.C, s.H, s.W, s.k, s.stride, s.pad, cols);
  gemmBatchedReference(s.N, s.Cout, ckk, P, gradOut, s.Cout * P, cols, P * ckk, gradWeight, 0, { accumulate: true });
  if (gradBias) {
    for (let n = 0; n < s.N; n++) {
      for (let o = 0; o < s.Cout; o++) {
        let sum = 0;
        for (let p = 0, at = (n * s.Cout + o) * P; p < P; p++) sum += gradOut[at + p];
        gradBias[o] += sum;
      }
    }
  }
  if (!gradInput) return;
  const dcols = new Float32Array(colSize);
  gemmBatchedReference(s.N, P, ckk, s.Cout, gradOut, s.Cout * P, weight, 0, dcols, P * ckk, { transA: true });
  col2imReference(dcols, s.N, s.C, s.H, s.W, s.k, s.stride, s.pad, gradInput);
}

/**
 * Max pooling of `planes` H x W planes (NCHW with planes = N*C) over k x k windows, stride, no padding,
 * floor mode: out[plane, oh, ow] = window maximum, argmax = its flat input index. Ties go to the first
 * maximal element in row-major window order and a NaN wins its window, as in PyTorch.
 */
export function maxPool2dReference(
  planes: number, H: number, W: number, k: number, stride: number, input: Float32Array, out: Float32Array, argmax: Int32Array,
): void {
  const OH = convOutSize(H, k, stride, 0);
  const OW = convOutSize(W, k, stride, 0);
  let o = 0;
  for (let plane = 0; plane < planes; plane++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++, o++) {
        let at = -1;
        for (let kh = 0; kh < k; kh++) {
          for (let kw = 0; kw < k; kw++) {
            const idx = (plane * H + oh * stride + kh) * W + ow * stride + kw;
            const v = input[idx];
            const best = at < 0 ? NaN : input[at];
            if (at < 0 || (!Number.isNaN(best) && (v > best || Number.isNaN(v)))) at = idx;
          }
        }
        out[o] = input[at];
        argmax[o] = at;
      }
    }
  }
}
