import { defaultBackend, type Backend } from '../kernels/index.js';
import { Module, type Pass } from '../module.js';
import type { Tensor } from '../tensor.js';
import { int32Slots, TensorSlots } from './slots.js';
import { expectGradShape, shapeError } from './shape-check.js';

/** Shared geometry of the pooling layers: square window, no padding, floor mode (PyTorch defaults). */
abstract class Pool2d extends Module {
  readonly stride: number;
  protected out: Tensor | undefined;
  protected readonly outSlots = new TensorSlots();
  protected inShape: number[] | undefined;
  private readonly gradInSlots = new TensorSlots();

  /** `kind` is spelled out (not constructor.name) so messages survive minification in the browser build. */
  constructor(
    private readonly kind: string,
    readonly kernel: number,
    stride?: number,
  ) {
    super();
    this.stride = stride ?? kernel;
    for (const [name, v] of [['kernel', kernel], ['stride', this.stride]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new Error(`${kind}: ${name} must be an integer >= 1, got ${v}`);
    }
  }

  describe(): string {
    const name = this.kind;
    return this.stride === this.kernel ? `${name}(${this.kernel})` : `${name}(${this.kernel}, stride=${this.stride})`;
  }

  /** The output shape for an input of shape `s`; throws if the window does not fit. */
  shapeFor(s: readonly number[]): number[] {
    if (s.length !== 4) throw shapeError(this, '[N, C, H, W]', s);
    const outH = Math.floor((s[2] - this.kernel) / this.stride) + 1;
    const outW = Math.floor((s[3] - this.kernel) / this.stride) + 1;
    if (outH < 1 || outW < 1) throw shapeError(this, `[N, C, H, W] with H, W >= ${this.kernel}`, s);
    return [s[0], s[1], outH, outW];
  }

  protected outputShape(x: Tensor): number[] {
    const shape = this.shapeFor(x.shape);
    this.inShape = x.shape;
    return shape;
  }

  protected gradInput(gradOut: Tensor): Tensor {
    expectGradShape(this, gradOut.shape, this.out?.shape);
    const gradIn = this.gradInSlots.get(this.inShape as number[]);
    gradIn.data.fill(0);
    return gradIn;
  }
}

/**
 * Max over each window, by the WebAssembly kernel (maxPool2d with argmax). Ties go to the first maximal input
 * (PyTorch's choice) and a NaN wins its window, so it propagates as in PyTorch. Backward scatters the gradient to
 * the argmax positions.
 */
export class MaxPool2d extends Pool2d {
  private argmax: Int32Array = new Int32Array(0);
  private readonly argmaxSlots = int32Slots();

  constructor(kernel: number, stride = kernel) {
    super('MaxPool2d', kernel, stride);
  }

  forward(x: Tensor): Tensor {
    return this.forwardOn(defaultBackend(), x);
  }

  /** The forward pass on `backend` (an execution plan's); backward is a scatter in JS. */
  override on(backend: Backend): Pass {
    return { forward: (x) => this.forwardOn(backend, x), backward: (g) => this.backward(g) };
  }

  private forwardOn(backend: Backend, x: Tensor): Tensor {
    const shape = this.outputShape(x);
    const out = (this.out = this.outSlots.get(shape));
    const [n, c, h, w] = x.shape;
    const arg = (this.argmax = this.argmaxSlots.get(out.data.length));
    // Planes per kernel call: at most 1 MB of input, as WebAssembly memory (holding each call's copies) never shrinks.
    const chunk = Math.max(1, Math.floor((1 << 18) / (h * w)));
    const outPlane = shape[2] * shape[3];
    for (let first = 0; first < n * c; first += chunk) {
      const planes = Math.min(chunk, n * c - first);
      const inAt = first * h * w;
      const outAt = first * outPlane;
      backend.maxPool2d(planes, h, w, this.kernel, this.stride, x.data.subarray(inAt), out.data.subarray(outAt), arg.subarray(outAt));
      // The kernel's argmax is the flat index within its planes.
      if (inAt > 0) for (let i = outAt; i < outAt + planes * outPlane; i++) arg[i] += inAt;
    }
    return out;
  }

  backward(gradOut: Tensor): Tensor {
    const gradIn = this.gradInput(gradOut);
    const dx = gradIn.data;
    const g = gradOut.data;
    const arg = this.argmax;
    for (let i = 0; i < g.length; i++) dx[arg[i]] += g[i];
    return gradIn;
  }
}

/** Mean over each window. */
export class AvgPool2d extends Pool2d {
  constructor(kernel: number, stride = kernel) {
    super('AvgPool2d', kernel, stride);
  }

  forward(x: Tensor): Tensor {
    const shape = this.outputShape(x);
    const out = (this.out = this.outSlots.get(shape));
    const [n, c, outH, outW] = shape;
    const [, , h, w] = x.shape;
    const xd = x.data;
    const y = out.data;
    const k = this.kernel;
    const s = this.stride;
    const inv = 1 / (k * k);
    let o = 0;
    for (let plane = 0; plane < n * c; plane++) {
      const base = plane * h * w;
      for (let oh = 0; oh < outH; oh++) {
        for (let ow = 0; ow < outW; ow++, o++) {
          let sum = 0;
          for (let kh = 0; kh < k; kh++) {
            const row = base + (oh * s + kh) * w + ow * s;
            for (let kw = 0; kw < k; kw++) sum += xd[row + kw];
          }
          y[o] = sum * inv;
        }
      }
    }
    return out;
  }

  backward(gradOut: Tensor): Tensor {
    const gradIn = this.gradInput(gradOut);
    const [n, c, outH, outW] = gradOut.shape;
    const [, , h, w] = gradIn.shape;
    const dx = gradIn.data;
    const g = gradOut.data;
    const k = this.kernel;
    const s = this.stride;
    const inv = 1 / (k * k);
    let o = 0;
    for (let plane = 0; plane < n * c; plane++) {
      const base = plane * h * w;
      for (let oh = 0; oh < outH; oh++) {
        for (let ow = 0; ow < outW; ow++, o++) {
          const v = g[o] * inv;
          for (let kh = 0; kh < k; kh++) {
            const row = base + (oh * s + kh) * w + ow * s;
            for (let kw = 0; kw < k; kw++) dx[row + kw] += v;
          }
        }
      }
    }
    return gradIn;
  }
}
