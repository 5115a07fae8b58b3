import { ensure, Module, shapeString, type Tensor } from '../engine/index.js';

/**
 * A pass-through point inside a network where an auxiliary output branches off: forward returns its input
 * unchanged and keeps `head(input)` (or the input itself when there is no head) as `output`. The model sets
 * `pending` to the loss gradient of that output before the main backward; when the main backward reaches the tap,
 * the head's input gradient is added to the main path's gradient. This puts auxiliary losses anywhere (after a
 * hidden layer, inside a shared branch, after a convolution) without a second backward pass.
 */
export class AuxTap extends Module {
  output: Tensor | undefined;
  pending: Tensor | undefined;
  private gradIn: Tensor | undefined;

  constructor(readonly head?: Module) {
    super();
  }

  describe(): string {
    return this.head ? `AuxTap(head: ${this.head.describe()})` : 'AuxTap()';
  }

  override namedChildren(): [string, Module][] {
    return this.head ? [['head', this.head]] : [];
  }

  forward(x: Tensor, training = this.training): Tensor {
    this.output = this.head ? this.head.forward(x, training) : x;
    this.pending = undefined;
    return x;
  }

  backward(gradOut: Tensor): Tensor {
    const pending = this.pending;
    if (!pending) return gradOut;
    this.pending = undefined;
    const g = this.head ? this.head.backward(pending) : pending;
    if (g.data.length !== gradOut.data.length) {
      throw new Error(`${this.describe()}: auxiliary gradient ${shapeString(g.shape)} does not match ${shapeString(gradOut.shape)}`);
    }
    const sum = (this.gradIn = ensure(this.gradIn, gradOut.shape));
    const a = gradOut.data;
    const b = g.data;
    const s = sum.data;
    for (let i = 0; i < s.length; i++) s[i] = a[i] + b[i];
    return sum;
  }
}
