import { Module } from '../module.js';
import { ensure, type Tensor } from '../tensor.js';
import { expectGradShape } from './shape-check.js';

/**
 * Elementwise activations on any shape. Output and input-gradient tensors are buffers owned by the module and
 * overwritten by the next forward/backward.
 */
abstract class Elementwise extends Module {
  protected input: Tensor | undefined;
  protected out: Tensor | undefined;
  private gradIn: Tensor | undefined;

  forward(x: Tensor): Tensor {
    this.input = x;
    const out = (this.out = ensure(this.out, x.shape));
    this.apply(x.data, out.data);
    return out;
  }

  backward(gradOut: Tensor): Tensor {
    expectGradShape(this, gradOut.shape, this.out?.shape);
    const gradIn = (this.gradIn = ensure(this.gradIn, gradOut.shape));
    this.derive(gradOut.data, gradIn.data);
    return gradIn;
  }

  protected abstract apply(x: Float32Array, y: Float32Array): void;
  /** dx from dy, using this.input / this.out of the last forward. */
  protected abstract derive(dy: Float32Array, dx: Float32Array): void;
}

export class ReLU extends Elementwise {
  describe(): string {
    return 'ReLU()';
  }
  protected apply(x: Float32Array, y: Float32Array): void {
    for (let i = 0; i < x.length; i++) y[i] = x[i] > 0 ? x[i] : 0;
  }
  protected derive(dy: Float32Array, dx: Float32Array): void {
    const y = (this.out as Tensor).data;
    for (let i = 0; i < dy.length; i++) dx[i] = y[i] > 0 ? dy[i] : 0;
  }
}

export class LeakyReLU extends Elementwise {
  constructor(readonly negativeSlope = 0.01) {
    super();
  }
  describe(): string {
    return `LeakyReLU(${this.negativeSlope})`;
  }
  protected apply(x: Float32Array, y: Float32Array): void {
    const s = this.negativeSlope;
    for (let i = 0; i < x.length; i++) y[i] = x[i] > 0 ? x[i] : s * x[i];
  }
  protected derive(dy: Float32Array, dx: Float32Array): void {
    const x = (this.input as Tensor).data;
    const s = this.negativeSlope;
    for (let i = 0; i < dy.length; i++) dx[i] = x[i] > 0 ? dy[i] : s * dy[i];
  }
}

export class Tanh extends Elementwise {
  describe(): string {
    return 'Tanh()';
  }
  protected apply(x: Float32Array, y: Float32Array): void {
    for (let i = 0; i < x.length; i++) y[i] = Math.tanh(x[i]);
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
