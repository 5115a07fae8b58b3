import { ensure, Module, shapeString, type Pass, type Tensor } from '../engine/index.js';

/**
 * No weight sharing over the two images of a pair: `first` runs on the first images [B, 1, ...rest], `second` on
 * the second images, each with its own weights. Output [B, F1 + F2]: columns 0..F1-1 = first(image 1), then
 * second(image 2). Children 'first' and 'second'.
 */
export class PairSeparate extends Module {
  private inputs: [Tensor | undefined, Tensor | undefined] = [undefined, undefined];
  private widths: [number, number] = [0, 0];
  private outShapes: [number[], number[]] = [[], []];
  private out: Tensor | undefined;
  private gradParts: [Tensor | undefined, Tensor | undefined] = [undefined, undefined];
  private gradIn: Tensor | undefined;

  constructor(
    readonly first: Module,
    readonly second: Module,
  ) {
    super();
  }

  describe(): string {
    return `PairSeparate(first: ${this.first.describe()}, second: ${this.second.describe()})`;
  }

  override namedChildren(): [string, Module][] {
    return [
      ['first', this.first],
      ['second', this.second],
    ];
  }

  forward(x: Tensor, training = this.training): Tensor {
    return this.forwardThrough([this.first, this.second], x, training);
  }

  backward(gradOut: Tensor): Tensor {
    return this.backwardThrough([this.first, this.second], gradOut);
  }

  override routed(run: (child: Module) => Pass): Pass {
    const branches: [Pass, Pass] = [run(this.first), run(this.second)];
    return { forward: (x, training) => this.forwardThrough(branches, x, training), backward: (g) => this.backwardThrough(branches, g) };
  }

  private forwardThrough(branches: [Pass, Pass], x: Tensor, training: boolean): Tensor {
    if (x.shape.length < 2 || x.shape[1] !== 2) {
      throw new Error(`${this.describe()}: expected input [B, 2, ...], got ${shapeString(x.shape)}`);
    }
    const b = x.shape[0];
    const rest = x.shape.slice(2);
    const img = x.data.length / (2 * b);
    const ys: Tensor[] = [];
    for (const k of [0, 1] as const) {
      const part = (this.inputs[k] = ensure(this.inputs[k], [b, 1, ...rest]));
      for (let i = 0; i < b; i++) part.data.set(x.data.subarray((2 * i + k) * img, (2 * i + k + 1) * img), i * img);
      const y = branches[k].forward(part, training);
      if (y.shape[0] !== b) throw new Error(`${this.describe()}: branch output ${shapeString(y.shape)} does not keep the batch of ${b}`);
      this.outShapes[k] = y.shape;
      this.widths[k] = y.data.length / b;
      ys.push(y);
    }
    const [f1, f2] = this.widths;
    const out = (this.out = ensure(this.out, [b, f1 + f2]));
    for (let i = 0; i < b; i++) {
      out.data.set(ys[0].data.subarray(i * f1, (i + 1) * f1), i * (f1 + f2));
      out.data.set(ys[1].data.subarray(i * f2, (i + 1) * f2), i * (f1 + f2) + f1);
    }
    return out;
  }

  private backwardThrough(branches: [Pass, Pass], gradOut: Tensor): Tensor {
    const out = this.out as Tensor;
    if (gradOut.data.length !== out.data.length) {
      throw new Error(`${this.describe()}: gradient ${shapeString(gradOut.shape)} does not match output ${shapeString(out.shape)}`);
    }
    const b = out.shape[0];
    const [f1, f2] = this.widths;
    const img = (this.inputs[0] as Tensor).data.length / b;
    const gradIn = (this.gradIn = ensure(this.gradIn, [b, 2, ...(this.inputs[0] as Tensor).shape.slice(2)]));
    for (const k of [0, 1] as const) {
      const f = this.widths[k];
      const g = (this.gradParts[k] = ensure(this.gradParts[k], this.outShapes[k]));
      for (let i = 0; i < b; i++) g.data.set(gradOut.data.subarray(i * (f1 + f2) + k * f1, i * (f1 + f2) + k * f1 + f), i * f);
      const gx = branches[k].backward(g);
      for (let i = 0; i < b; i++) gradIn.data.set(gx.data.subarray(i * img, (i + 1) * img), (2 * i + k) * img);
    }
    return gradIn;
  }
}
