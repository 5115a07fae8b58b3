/**
 * Plain TypeScript reference of the batch-normalisation kernels (asm/batchnorm.ts), with PyTorch's semantics:
 * training normalises with the BIASED batch variance and updates
 *   running_mean = (1 - momentum) * running_mean + momentum * mean,
 *   running_var  = (1 - momentum) * running_var  + momentum * var * M / (M - 1)   (UNBIASED, M values per channel);
 * eval normalises with the running statistics. Sums are float64; the elementwise steps are float32 operations, as
 * in the kernel, so the optional ReLU's mask recomputed in backward is the forward's exactly.
 */

/** x is [N, C, S]: N samples, C channels (the statistics' groups), S values per channel and sample. */
export interface NormShape {
  N: number;
  C: number;
  S: number;
}

export interface NormOptions {
  training: boolean;
  /** ReLU after the affine step (the fused BatchNorm -> ReLU). */
  relu: boolean;
}

export interface NormForwardOptions extends NormOptions {
  momentum: number;
  eps: number;
}

const f = Math.fround;

export function checkNormShape(fn: string, s: NormShape, arrays: [string, ArrayLike<number>, number][]): void {
  for (const [k, v] of Object.entries(s)) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${fn}: ${k} must be a positive integer, got ${v}`);
  }
  for (const [name, arr, need] of arrays) {
    if (arr.length < need) throw new Error(`${fn}: ${name} has ${arr.length} elements, needs ${need}`);
  }
}

/** Forward: invStd[c] = 1/sqrt(var + eps), xhat = (x - mean) invStd, y = gamma xhat + beta (then max(y, 0) with relu). */
export function batchnormForwardReference(
  s: NormShape, o: NormForwardOptions, x: Float32Array, gamma: Float32Array, beta: Float32Array, runningMean: Float32Array,
  runningVar: Float32Array, xhat: Float32Array, y: Float32Array, invStd: Float32Array,
): void {
  const { N, C, S } = s;
  const m = N * S;
  for (let c = 0; c < C; c++) {
    let mean: number;
    let variance: number;
    if (o.training) {
      let sum = 0;
      for (let n = 0; n < N; n++) for (let i = 0, p = (n * C + c) * S; i < S; i++) sum += x[p + i];
      mean = sum / m;
      const mf = f(mean);
      let sq = 0;
      for (let n = 0; n < N; n++) {
        for (let i = 0, p = (n * C + c) * S; i < S; i++) {
          const d = f(x[p + i] - mf);
          sq += f(d * d);
        }
      }
      variance = sq / m;
      runningMean[c] = (1 - o.momentum) * runningMean[c] + o.momentum * mean;
      runningVar[c] = (1 - o.momentum) * runningVar[c] + o.momentum * (sq / (m - 1));
    } else {
      mean = runningMean[c];
      variance = runningVar[c];
    }
    const inv = f(1 / Math.sqrt(variance + o.eps));
    invStd[c] = inv;
    const mf = f(mean);
    for (let n = 0; n < N; n++) {
      for (let i = 0, p = (n * C + c) * S; i < S; i++) {
        const h = f(f(x[p + i] - mf) * inv);
        xhat[p + i] = h;
        const v = f(f(gamma[c] * h) + beta[c]);
        y[p + i] = o.relu && v <= 0 ? 0 : v;
      }
    }
  }
}

/**
 * Backward from batchnormForwardReference's xhat and invStd: dgamma, dbeta accumulated (+=), dx written. With relu
 * the gradient passes where gamma xhat + beta is not <= 0 (ReLU's output is not 0). training: dx = k (g - mean(g) -
 * xhat mean(g xhat)) with k = gamma invStd (the batch statistics depend on x); else dx = k g.
 */
export function batchnormBackwardReference(
  s: NormShape, o: NormOptions, gy: Float32Array, xhat: Float32Array, gamma: Float32Array, beta: Float32Array,
  invStd: Float32Array, dgamma: Float32Array, dbeta: Float32Array, dx: Float32Array,
): void {
  const { N, C, S } = s;
  const m = N * S;
  for (let c = 0; c < C; c++) {
    let sumG = 0;
    let sumGX = 0;
    for (let n = 0; n < N; n++) {
      for (let i = 0, p = (n * C + c) * S; i < S; i++) {
        const h = xhat[p + i];
        const d = o.relu && f(f(gamma[c] * h) + beta[c]) <= 0 ? 0 : gy[p + i];
        dx[p + i] = d;
        sumG += d;
        sumGX += f(d * h);
      }
    }
    dgamma[c] += sumGX;
    dbeta[c] += sumG;
    const k = f(gamma[c] * invStd[c]);
    const mg = f(sumG / m);
    const mgx = f(sumGX / m);
    for (let n = 0; n < N; n++) {
      for (let i = 0, p = (n * C + c) * S; i < S; i++) {
        dx[p + i] = o.training ? f(k * f(f(dx[p + i] - mg) - f(xhat[p + i] * mgx))) : f(k * dx[p + i]);
      }
    }
  }
}
