import type { Backend } from '../kernels/index.js';
import { pytorchDefaultInit } from '../init.js';
import type { Param } from '../module.js';
import type { Rng } from '../rng.js';
import { zeros, type Tensor } from '../tensor.js';
import { KernelModule } from './kernel-module.js';
import { TensorSlots } from './slots.js';
import { expectGradShape, expectShape } from './shape-check.js';

/**
 * y = x W^T + b on x [N, in]; weight [out, in], bias [out] (PyTorch layout and default init).
 * The returned output and input-gradient tensors are buffers owned by the module: the next forward/backward
 * overwrites them, so copy anything you need to keep across steps.
 */
export class Linear extends KernelModule {
  readonly weight: Param;
  readonly bias: Param | undefined;
  private input: Tensor | undefined;
  private out: Tensor | undefined;
  private readonly outSlots = new TensorSlots();
  private readonly gradInSlots = new TensorSlots();

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    rng: Rng,
    { bias = true }: { bias?: boolean } = {},
  ) {
    super();
    for (const [name, v] of [['inFeatures', inFeatures], ['outFeatures', outFeatures]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new Error(`Linear: ${name} must be an integer >= 1, got ${v}`);
    }
    this.weight = { name: 'weight', value: zeros([outFeatures, inFeatures]), grad: zeros([outFeatures, inFeatures]) };
    this.bias = bias ? { name: 'bias', value: zeros([outFeatures]), grad: zeros([outFeatures]) } : undefined;
    pytorchDefaultInit(this.weight.value, this.bias?.value, rng);
  }

  describe(): string {
    return `Linear(${this.inFeatures}, ${this.outFeatures}${this.bias ? '' : ', bias=false'})`;
  }

  protected override ownParams(): Param[] {
    return this.bias ? [this.weight, this.bias] : [this.weight];
  }

  protected forwardOn(backend: Backend, x: Tensor): Tensor {
    expectShape(this, x.shape, [null, this.inFeatures], ['N', 'in']);
    const n = x.shape[0];
    const out = (this.out = this.outSlots.get([n, this.outFeatures]));
    this.input = x;
    backend.gemm(n, this.outFeatures, this.inFeatures, x.data, this.weight.value.data, out.data, { transB: true });
    if (this.bias) {
      const b = this.bias.value.data;
      const y = out.data;
      const f = this.outFeatures;
      for (let i = 0; i < n; i++) {
        const row = i * f;
        for (let j = 0; j < f; j++) y[row + j] += b[j];
      }
    }
    return out;
  }

  protected backwardOn(backend: Backend, gradOut: Tensor): Tensor {
    expectGradShape(this, gradOut.shape, this.out?.shape);
    const x = this.input as Tensor;
    const n = x.shape[0];
    const f = this.outFeatures;
    const g = gradOut.data;
    // dW[out,in] += gy^T[out,N] x[N,in]
    backend.gemm(f, this.inFeatures, n, g, x.data, this.weight.grad.data, { transA: true, accumulate: true });
    if (this.bias) {
      const db = this.bias.grad.data;
      for (let i = 0; i < n; i++) {
        const row = i * f;
        for (let j = 0; j < f; j++) db[j] += g[row + j];
      }
    }
    // dx[N,in] = gy[N,out] W[out,in]
    const gradIn = this.gradInSlots.get(x.shape);
    backend.gemm(n, this.inFeatures, f, g, this.weight.value.data, gradIn.data);
    return gradIn;
  }
}
