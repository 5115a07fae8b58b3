import type { Backend, NormShape } from '../kernels/index.js';
import type { Buffer, Param } from '../module.js';
import { numel, zeros, type Tensor } from '../tensor.js';
import { KernelModule } from './kernel-module.js';
import { float32Slots, TensorSlots } from './slots.js';
import { expectGradShape, shapeError } from './shape-check.js';

export interface BatchNormOptions {
  momentum?: number;
  eps?: number;
}

/**
 * Batch normalisation over every dimension but 1 (the channel), with PyTorch's semantics (see
 * kernels/batchnorm.ts): training normalises with the biased batch variance and updates the running
 * mean and unbiased variance with `momentum`, counting num_batches_tracked; eval uses the running statistics.
 * Output and input-gradient tensors are module-owned buffers overwritten by the next call.
 */
export abstract class BatchNorm extends KernelModule {
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
  /** x_hat of the last forward, which backward reads. */
  private xhat: Float32Array = new Float32Array(0);
  private readonly xhatSlots = float32Slots();
  /** 1 / sqrt(var + eps) per channel of the last forward (batch or running variance). */
  private readonly invStd: Float32Array;
  private last: { shape: NormShape; training: boolean } | undefined;

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
    this.invStd = new Float32Array(features);
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

  protected forwardOn(backend: Backend, x: Tensor, training: boolean): Tensor {
    const shape = this.normShape(x.shape, training);
    const out = (this.out = this.outSlots.get(x.shape));
    if (x.data.length === 0) return out;
    this.last = { shape, training };
    this.xhat = this.xhatSlots.get(x.data.length);
    backend.batchnormForward(
      shape, { training, relu: false, momentum: this.momentum, eps: this.eps }, x.data, this.weight.value.data,
      this.bias.value.data, this.runningMean.data, this.runningVar.data, this.xhat, out.data, this.invStd,
    );
    if (training) this.numBatchesTracked.data[0] += 1;
    return out;
  }

  /** The kernels' shape for input `shape` (throws naming this module if it does not fit). */
  normShape(shape: readonly number[], training: boolean): NormShape {
    this.checkInput(shape);
    const N = shape[0];
    const C = this.features;
    const S = numel(shape) / (N * C);
    if (training && N * S < 2) {
      throw new Error(`${this.describe()}: expected more than 1 value per channel when training, got input [${shape.join(', ')}]`);
    }
    return { N, C, S };
  }

  protected backwardOn(backend: Backend, gradOut: Tensor): Tensor {
    expectGradShape(this, gradOut.shape, this.out?.shape);
    const gradIn = this.gradInSlots.get(gradOut.shape);
    const last = this.last;
    if (!last || gradOut.data.length === 0) return gradIn;
    const o = { training: last.training, relu: false };
    backend.batchnormBackward(
      last.shape, o, gradOut.data, this.xhat, this.weight.value.data, this.bias.value.data, this.invStd, this.weight.grad.data,
      this.bias.grad.data, gradIn.data,
    );
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
