import { Module } from '../module.js';
import type { Tensor } from '../tensor.js';
import { TensorSlots } from './slots.js';
import { expectGradShape, shapeError } from './shape-check.js';

/** Softmax and LogSoftmax over dim 1 of [N, C], with the max subtracted for stability. */
abstract class SoftmaxBase extends Module {
  protected out: Tensor | undefined;
  private readonly outSlots = new TensorSlots();
  private readonly gradInSlots = new TensorSlots();

  forward(x: Tensor): Tensor {
    if (x.shape.length !== 2) throw shapeError(this, '[N, C]', x.shape);
    const [n, c] = x.shape;
    const out = (this.out = this.outSlots.get(x.shape));
    const xd = x.data;
    const y = out.data;
    for (let i = 0; i < n; i++) {
      const row = i * c;
      let max = -Infinity;
      for (let j = 0; j < c; j++) if (xd[row + j] > max) max = xd[row + j];
      let sum = 0;
      for (let j = 0; j < c; j++) sum += Math.exp(xd[row + j] - max);
      this.finish(xd, y, row, c, max, sum);
    }
    return out;
  }

  backward(gradOut: Tensor): Tensor {
    expectGradShape(this, gradOut.shape, this.out?.shape);
    const [n, c] = gradOut.shape;
    const gradIn = this.gradInSlots.get(gradOut.shape);
    for (let i = 0; i < n; i++) this.derive(gradOut.data, (this.out as Tensor).data, gradIn.data, i * c, c);
    return gradIn;
  }

  protected abstract finish(x: Float32Array, y: Float32Array, row: number, c: number, max: number, sum: number): void;
  protected abstract derive(dy: Float32Array, y: Float32Array, dx: Float32Array, row: number, c: number): void;
}

export class Softmax extends SoftmaxBase {
  describe(): string {
    return 'Softmax(dim=1)';
  }
  protected finish(x: Float32Array, y: Float32Array, row: number, c: number, max: number, sum: number): void {
    for (let j = 0; j < c; j++) y[row + j] = Math.exp(x[row + j] - max) / sum;
  }
  /** dx = y * (dy - sum(dy * y)) */
  protected derive(dy: Float32Array, y: Float32Array, dx: Float32Array, row: number, c: number): void {
    let dot = 0;
    for (let j = 0; j < c; j++) dot += dy[row + j] * y[row + j];
    for (let j = 0; j < c; j++) dx[row + j] = y[row + j] * (dy[row + j] - dot);
  }
}

export class LogSoftmax extends SoftmaxBase {
  describe(): string {
    return 'LogSoftmax(dim=1)';
  }
  protected finish(x: Float32Array, y: Float32Array, row: number, c: number, max: number, sum: number): void {
    const lse = max + Math.log(sum);
    for (let j = 0; j < c; j++) y[row + j] = x[row + j] - lse;
  }
  /** dx = dy - exp(y) * sum(dy) */
  protected derive(dy: Float32Array, y: Float32Array, dx: Float32Array, row: number, c: number): void {
    let total = 0;
    for (let j = 0; j < c; j++) total += dy[row + j];
    for (let j = 0; j < c; j++) dx[row + j] = dy[row + j] - Math.exp(y[row + j]) * total;
  }
}
