import { Module } from '../module.js';
import { numel, type Tensor } from '../tensor.js';
import { expectGradShape, shapeError } from './shape-check.js';

/** [N, ...rest] -> [N, prod(rest)] as a view of the same data (no copy); backward views the gradient back. */
export class Flatten extends Module {
  private view: Tensor | undefined;
  private gradView: Tensor | undefined;
  private inShape: number[] | undefined;

  describe(): string {
    return 'Flatten()';
  }

  forward(x: Tensor): Tensor {
    if (x.shape.length < 1) throw shapeError(this, '[N, ...]', x.shape);
    this.inShape = x.shape;
    const n = x.shape[0];
    const f = n === 0 ? numel(x.shape.slice(1)) : x.data.length / n;
    // Reuse the view object while the data and shape are unchanged (no per-step allocation).
    const v = this.view;
    if (v && v.data === x.data && v.shape[0] === n && v.shape[1] === f) return v;
    return (this.view = { data: x.data, shape: [n, f] });
  }

  backward(gradOut: Tensor): Tensor {
    expectGradShape(this, gradOut.shape, this.view?.shape);
    const shape = this.inShape as number[];
    const v = this.gradView;
    if (v && v.data === gradOut.data && v.shape === shape) return v;
    return (this.gradView = { data: gradOut.data, shape });
  }
}
