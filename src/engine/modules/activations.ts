import type { Backend } from '../kernels/index.js';
import type { Tensor } from '../tensor.js';
import { KernelModule } from './kernel-module.js';
import { TensorSlots } from './slots.js';
import { expectGradShape } from './shape-check.js';

/**
 * Elementwise activations on any shape. Output and input-gradient tensors are buffers owned by the module and
 * overwritten by the next forward/backward.
 */
abstract class Elementwise extends KernelModule {
  protected input: Tensor | undefined;
  protected out: Tensor | undefined;
  private readonly outSlots = new TensorSlots();
  private readonly gradInSlots = new TensorSlots();

  protected forwardOn(backend: Backend, x: Tensor): Tensor {
    this.input = x;
    const out = (this.out = this.outSlots.get(x.shape));
    this.apply(x.data, out.data, backend);
    return out;
  }

  protected backwardOn(backend: Backend, gradOut: Tensor): Tensor {
    expectGradShape(this, gradOut.shape, this.out?.shape);
    const gradIn = this.gradInSlots.get(gradOut.shape);
    this.derive(gradOut.data, gradIn.data, backend);
    return gradIn;
  }

  /** y from x (on `backend` where it has the kernel). */
  protected abstract apply(x: Float32Array, y: Float32Array, backend: Backend): void;
  /** dx from dy, using this.input / this.out of the last forward. */
  protected abstract derive(dy: Float32Array, dx: Float32Array, backend: Backend): void;
}

/**
 * Elements per kernel call: each call copies its operands into WebAssembly memory, which never shrinks, so a large
 * evaluation batch (2000 images x 3200 activations) goes through in pieces of 1 MB per operand instead of growing
 * that memory by 50 MB.
 */
const KERNEL_CHUNK = 1 << 18;

/** Calls f(at, end) over [0, length) in pieces of at most KERNEL_CHUNK elements. */
export function inPieces(length: number, f: (at: number, end: number) => void): void {
  for (let at = 0; at < length; at += KERNEL_CHUNK) f(at, Math.min(length, at + KERNEL_CHUNK));
}

/**
 * max(x, 0) by the WebAssembly kernel (4 lanes at a time: faster than a JS loop from a few hundred elements). NaNs
 * are kept so they reach the loss's NaN check; -Infinity gives 0, as in PyTorch.
 */
export class ReLU extends Elementwise {
  describe(): string {
    return 'ReLU()';
  }
  protected apply(x: Float32Array, y: Float32Array, backend: Backend): void {
    inPieces(x.length, (at, end) => backend.relu(x.subarray(at, end), y.subarray(at, end)));
  }
  /** The gradient passes where the output is non-zero. */
  protected derive(dy: Float32Array, dx: Float32Array, backend: Backend): void {
    const y = (this.out as Tensor).data;
    inPieces(dy.length, (at, end) => backend.reluBackward(y.subarray(at, end), dy.subarray(at, end), dx.subarray(at, end)));
  }
}

/** x > 0 ? x : x * negativeSlope by the WebAssembly kernel, in pieces as ReLU (a JS loop is slower). */
export class LeakyReLU extends Elementwise {
  constructor(readonly negativeSlope = 0.01) {
    super();
    if (!Number.isFinite(negativeSlope)) throw new Error(`LeakyReLU: negativeSlope must be finite, got ${negativeSlope}`);
  }
  describe(): string {
    return `LeakyReLU(${this.negativeSlope})`;
  }
  protected apply(x: Float32Array, y: Float32Array, backend: Backend): void {
    inPieces(x.length, (at, end) => backend.leakyRelu(this.negativeSlope, x.subarray(at, end), y.subarray(at, end)));
  }
  protected derive(dy: Float32Array, dx: Float32Array, backend: Backend): void {
    const x = (this.input as Tensor).data;
    const s = this.negativeSlope;
    inPieces(dy.length, (at, end) => backend.leakyReluBackward(s, x.subarray(at, end), dy.subarray(at, end), dx.subarray(at, end)));
  }
}

export class Tanh extends Elementwise {
  describe(): string {
    return 'Tanh()';
  }
  /**
   * A rational minimax approximation (Eigen's float tanh: odd degree 13 over even degree 6 on |x| <= 7.905) instead
   * of Math.tanh, which is slower per element. Within 2.4e-7 relative of tanh rounded to float32 on a
   * 1e-5 grid over [-10, 10]; exactly +-1 from |x| >= 9 (as float32 tanh); NaN stays NaN (Math.max passes it).
   */
  protected apply(x: Float32Array, y: Float32Array): void {
    for (let i = 0; i < x.length; i++) {
      const u = x[i];
      const v = Math.min(Math.max(u, -7.90531110763549805), 7.90531110763549805);
      const v2 = v * v;
      let p = -2.76076847742355e-16 * v2 + 2.00018790482477e-13;
      p = p * v2 - 8.60467152213735e-11;
      p = p * v2 + 5.12229709037114e-8;
      p = p * v2 + 1.48572235717979e-5;
      p = p * v2 + 6.37261928875436e-4;
      p = p * v2 + 4.89352455891786e-3;
      let q = 1.19825839466702e-6 * v2 + 1.18534705686654e-4;
      q = q * v2 + 2.268434632439e-3;
      q = q * v2 + 4.89352518554385e-3;
      y[i] = u >= 9 ? 1 : u <= -9 ? -1 : (v * p) / q;
    }
  }
  protected derive(dy: Float32Array, dx: Float32Array): void {
    const y = (this.out as Tensor).data;
    for (let i = 0; i < dy.length; i++) dx[i] = dy[i] * (1 - y[i] * y[i]);
  }
}

export class Sigmoid extends Elementwise {
  describe(): string {
    return 'Sigmoid()';
  }
  protected apply(x: Float32Array, y: Float32Array): void {
    // Two branches so exp never overflows.
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      if (v >= 0) y[i] = 1 / (1 + Math.exp(-v));
      else {
        const e = Math.exp(v);
        y[i] = e / (1 + e);
      }
    }
  }
  protected derive(dy: Float32Array, dx: Float32Array): void {
    const y = (this.out as Tensor).data;
    for (let i = 0; i < dy.length; i++) dx[i] = dy[i] * y[i] * (1 - y[i]);
  }
}
