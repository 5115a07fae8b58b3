import { Module, type Buffer, type Param } from '../module.js';
import { zeros, type Tensor } from '../tensor.js';
import { float32Slots, TensorSlots } from './slots.js';
import { expectGradShape, shapeError } from './shape-check.js';

export interface BatchNormOptions {
  momentum?: number;
  eps?: number;
}

/**
 * Batch normalisation over every dimension but 1 (the channel), with PyTorch's semantics:
 * training normalises with the BIASED batch variance and updates
 *   running_mean = (1 - momentum) * running_mean + momentum * mean,
 *   running_var  = (1 - momentum) * running_var  + momentum * var * M / (M - 1)   (UNBIASED, M values per channel),
 * and counts num_batches_tracked; eval normalises with the running statistics.
 * Output and input-gradient tensors are module-owned buffers overwritten by the next call.
 */
abstract class BatchNorm extends Module {
  readonly weight: Param;
  readonly bias: Param;
  readonly runningMean: Tensor;
  readonly runningVar: Tensor;
  /** A float32 scalar here; PyTorch stores int64 (exact up to 2^24 batches). */
  readonly numBatchesTracked: Tensor;
  readonly momentum: number;
  readonly eps: number;
  private out: Tensor | undefined;
  private readonly outSlots = new TensorSlots();
  private readonly gradInSlots = new TensorSlots();
  /** Normalised input x_hat of the last forward (what backward needs). */
  private xhat: Float32Array = new Float32Array(0);
  private readonly xhatSlots = float32Slots();
  /** 1 / sqrt(var + eps) per channel of the last forward (batch or running variance). */
  private readonly invStd: Float64Array;
  private lastTraining = true;

  constructor(
    private readonly kind: string,
    readonly features: number,
    { momentum = 0.1, eps = 1e-5 }: BatchNormOptions,
  ) {
    super();
    if (!Number.isInteger(features) || features < 1) throw new Error(`${kind}: features must be an integer >= 1, got ${features}`);
    if (!(momentum >= 0 && momentum <= 1)) throw new Error(`${kind}: momentum must be in [0, 1], got ${momentum}`);
    if (!(eps >= 0)) throw new Error(`${kind}: eps must be >= 0, got ${eps}`);
    this.momentum = momentum;
    this.eps = eps;
    this.weight = { name: 'weight', value: zeros([features]), grad: zeros([features]) };
    this.weight.value.data.fill(1);
    this.bias = { name: 'bias', value: zeros([features]), grad: zeros([features]) };
    this.runningMean = zeros([features]);
    this.runningVar = zeros([features]);
    this.runningVar.data.fill(1);
    this.numBatchesTracked = zeros([]);
    this.invStd = new Float64Array(features);
  }

  describe(): string {
    return `${this.kind}(${this.features})`;
  }

  protected override ownParams(): Param[] {
    return [this.weight, this.bias];
  }

  protected override ownBuffers(): Buffer[] {
    return [
      { name: 'running_mean', value: this.runningMean },
      { name: 'running_var', value: this.runningVar },
      { name: 'num_batches_tracked', value: this.numBatchesTracked },
    ];
  }

  /** Throws unless x has the rank this variant accepts and `features` channels. */
  protected abstract checkInput(shape: readonly number[]): void;

  forward(x: Tensor, training = this.training): Tensor {
    this.checkInput(x.shape);
    const n = x.shape[0];
    const c = this.features;
    const s = x.data.length / (n * c); // spatial size per channel
    const m = n * s;
    if (training && m < 2) {
      throw new Error(`${this.describe()}: expected more than 1 value per channel when training, got input [${x.shape.join(', ')}]`);
    }
    this.lastTraining = training;
    const out = (this.out = this.outSlots.get(x.shape));
    this.xhat = this.xhatSlots.get(x.data.length);
    const xd = x.data;
    const y = out.data;
    const xh = this.xhat;
    const gamma = this.weight.value.data;
    const beta = this.bias.value.data;
    const rm = this.runningMean.data;
    const rv = this.runningVar.data;
    for (let ch = 0; ch < c; ch++) {
      let mean: number;
      let variance: number;
      if (training) {
        let sum = 0;
        for (let b = 0; b < n; b++) {
          const base = (b * c + ch) * s;
          for (let i = 0; i < s; i++) sum += xd[base + i];
        }
        mean = sum / m;
        let sq = 0;
        for (let b = 0; b < n; b++) {
          const base = (b * c + ch) * s;
          for (let i = 0; i < s; i++) {
            const d = xd[base + i] - mean;
            sq += d * d;
          }
        }
        variance = sq / m;
        rm[ch] = (1 - this.momentum) * rm[ch] + this.momentum * mean;
        rv[ch] = (1 - this.momentum) * rv[ch] + this.momentum * (sq / (m - 1));
      } else {
        mean = rm[ch];
        variance = rv[ch];
      }
      const inv = 1 / Math.sqrt(variance + this.eps);
      this.invStd[ch] = inv;
      const g = gamma[ch];
      const bt = beta[ch];
      for (let b = 0; b < n; b++) {
        const base = (b * c + ch) * s;
        for (let i = 0; i < s; i++) {
          const v = (xd[base + i] - mean) * inv;
          xh[base + i] = v;
          y[base + i] = g * v + bt;
        }
      }
    }
    if (training) this.numBatchesTracked.data[0] += 1;
    return out;
  }

  backward(gradOut: Tensor): Tensor {
    expectGradShape(this, gradOut.shape, this.out?.shape);
    const shape = gradOut.shape;
    const n = shape[0];
    const c = this.features;
    const s = gradOut.data.length / (n * c);
    const m = n * s;
    const gradIn = this.gradInSlots.get(shape);
    const gy = gradOut.data;
    const dx = gradIn.data;
    const xh = this.xhat;
    const gamma = this.weight.value.data;
    const dgamma = this.weight.grad.data;
    const dbeta = this.bias.grad.data;
    for (let ch = 0; ch < c; ch++) {
      let sumG = 0;
      let sumGX = 0;
      for (let b = 0; b < n; b++) {
        const base = (b * c + ch) * s;
        for (let i = 0; i < s; i++) {
          sumG += gy[base + i];
          sumGX += gy[base + i] * xh[base + i];
        }
      }
      dgamma[ch] += sumGX;
      dbeta[ch] += sumG;
      const k = gamma[ch] * this.invStd[ch];
      if (this.lastTraining) {
        // dx = gamma * invstd * (dy - mean(dy) - x_hat * mean(dy * x_hat)): the batch statistics depend on x.
        const meanG = sumG / m;
        const meanGX = sumGX / m;
        for (let b = 0; b < n; b++) {
          const base = (b * c + ch) * s;
          for (let i = 0; i < s; i++) dx[base + i] = k * (gy[base + i] - meanG - xh[base + i] * meanGX);
        }
      } else {
        for (let b = 0; b < n; b++) {
          const base = (b * c + ch) * s;
          for (let i = 0; i < s; i++) dx[base + i] = k * gy[base + i];
        }
      }
    }
    return gradIn;
  }
}

/** Input [N, C] or [N, C, L]. */
export class BatchNorm1d extends BatchNorm {
  constructor(features: number, opts: BatchNormOptions = {}) {
    super('BatchNorm1d', features, opts);
  }
  protected checkInput(shape: readonly number[]): void {
    if (!((shape.length === 2 || shape.length === 3) && shape[1] === this.features)) {
      throw shapeError(this, `[N, ${this.features}] or [N, ${this.features}, L]`, shape);
    }
  }
}

/** Input [N, C, H, W]. */
export class BatchNorm2d extends BatchNorm {
  constructor(channels: number, opts: BatchNormOptions = {}) {
    super('BatchNorm2d', channels, opts);
  }
  protected checkInput(shape: readonly number[]): void {
    if (!(shape.length === 4 && shape[1] === this.features)) throw shapeError(this, `[N, ${this.features}, H, W]`, shape);
  }
}
