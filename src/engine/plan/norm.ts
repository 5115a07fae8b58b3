/**
 * A BatchNorm's passes in a plan, with the state its backward reads (1 / std per channel, x_hat) kept here rather than
 * in the module: on activations in the backend's memory inside a conv chain (NormAt), or as a step of its own that
 * applies a following ReLU in the same kernel pass (NormStep).
 */
import type {
  Backend, NormBackwardAt, NormForwardAt, NormOptions, NormShape, ResidentRegion, XhatAt,
} from '../kernels/index.js';
import type { Pass } from '../module.js';
import type { BatchNorm } from '../modules/batchnorm.js';
import { inChild } from '../modules/module-error.js';
import { expectGradShape } from '../modules/shape-check.js';
import { float32Slots, TensorSlots } from '../modules/slots.js';
import type { Tensor } from '../tensor.js';

type Last = NormOptions & { shape: NormShape };

/** A BatchNorm's forward and backward on byte offsets of the backend's memory (a conv chain's blocks). */
export class NormAt {
  private readonly invStd: Float32Array;
  private last: Last | undefined;

  constructor(readonly bn: BatchNorm) {
    this.invStd = new Float32Array(bn.features);
  }

  /**
   * The module's forward (then ReLU) on activations of `shape` (from bn.normShape), updating the running statistics as
   * it does. With at.res, `relu` is the ReLU of the residual sum, whose gradient the caller takes (backward's starts at
   * this output). `from`: where the kernel's scratch may start.
   */
  forward(backend: Backend, shape: NormShape, at: NormForwardAt, training: boolean, relu: boolean, from?: number): void {
    const bn = this.bn;
    this.last = { shape, training, relu: relu && at.res === undefined };
    backend.batchnormForwardAt(
      shape, { training, relu, momentum: bn.momentum, eps: bn.eps }, at, bn.weight.value.data, bn.bias.value.data,
      bn.runningMean.data, bn.runningVar.data, this.invStd, from,
    );
    if (training) bn.numBatchesTracked.data[0] += 1;
  }

  /** Backward of the last forward: dgamma +=, dbeta +=, dx =. */
  backward(backend: Backend, at: NormBackwardAt, from?: number): void {
    const bn = this.bn;
    const last = this.last as Last;
    backend.batchnormBackwardAt(
      last.shape, last, at, bn.weight.value.data, bn.bias.value.data, this.invStd, bn.weight.grad.data,
      bn.bias.grad.data, from,
    );
  }
}

/**
 * A BatchNorm (directly followed by a ReLU when `relu`: the ReLU module is not called, the kernel computes what it
 * would) as one step. In training x_hat, which only backward reads, stays in the backend's memory.
 */
export class NormStep implements Pass {
  private out: Tensor | undefined;
  private readonly outSlots = new TensorSlots();
  private readonly gradInSlots = new TensorSlots();
  private xhat: XhatAt = 0;
  private readonly xhatSlots = float32Slots();
  private readonly invStd: Float32Array;
  private last: Last | undefined;

  constructor(
    private readonly backend: Backend,
    private readonly name: string,
    private readonly bn: BatchNorm,
    private readonly relu: boolean,
    private readonly region: ResidentRegion,
  ) {
    this.invStd = new Float32Array(bn.features);
  }

  forward(x: Tensor, training: boolean): Tensor {
    return inChild(this.name, () => this.normalize(x, training));
  }

  backward(gradOut: Tensor): Tensor {
    return inChild(this.name, () => {
      const bn = this.bn;
      expectGradShape(bn, gradOut.shape, this.out?.shape);
      const gradIn = this.gradInSlots.get(gradOut.shape);
      const last = this.last;
      if (!last || gradOut.data.length === 0) return gradIn;
      this.backend.batchnormBackward(
        last.shape, last, gradOut.data, this.xhat, bn.weight.value.data, bn.bias.value.data, this.invStd,
        bn.weight.grad.data, bn.bias.grad.data, gradIn.data,
      );
      return gradIn;
    });
  }

  private normalize(x: Tensor, training: boolean): Tensor {
    const bn = this.bn;
    const shape = bn.normShape(x.shape, training);
    const out = (this.out = this.outSlots.get(x.shape));
    if (x.data.length === 0) return out;
    const relu = this.relu;
    this.last = { shape, training, relu };
    this.xhat = training ? this.region.ensure(x.data.length) : this.xhatSlots.get(x.data.length);
    this.backend.batchnormForward(
      shape, { training, relu, momentum: bn.momentum, eps: bn.eps }, x.data, bn.weight.value.data,
      bn.bias.value.data, bn.runningMean.data, bn.runningVar.data, this.xhat, out.data, this.invStd,
    );
    if (training) bn.numBatchesTracked.data[0] += 1;
    return out;
  }
}
