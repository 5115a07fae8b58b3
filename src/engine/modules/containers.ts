import { addRelu, reluBackward } from '../kernels/index.js';
import { Module } from '../module.js';
import { inPieces, ReLU } from './activations.js';
import { numel, sameShape, shapeString, type Tensor } from '../tensor.js';
import { TensorSlots } from './slots.js';
import { expectGradShape, shapeError } from './shape-check.js';
import { ConvChain } from './conv-chain.js';
import { planSteps } from './fusion.js';
import { inChild as child, type Step } from './step.js';

export { ModuleError } from './module-error.js';

/**
 * Containers pass `training` (default: their own mode) down to every child, so `model.eval()` or
 * `model.forward(x, false)` switch the whole tree.
 */

/** Children applied in order; named '0', '1', ... or explicitly with Sequential.named. */
export class Sequential extends Module {
  private readonly children: [string, Module][];
  private plan: Step[] | undefined;

  constructor(...modules: Module[]) {
    super();
    this.children = modules.map((m, i) => [String(i), m]);
  }

  static named(entries: [string, Module][]): Sequential {
    const names = new Set<string>();
    for (const [name] of entries) {
      if (names.has(name)) throw new Error(`Sequential.named: duplicate child name '${name}'`);
      if (name === '' || name.includes('.')) throw new Error(`Sequential.named: invalid child name '${name}'`);
      names.add(name);
    }
    const s = new Sequential();
    s.children.push(...entries);
    return s;
  }

  get length(): number {
    return this.children.length;
  }

  /** The child at position i. */
  at(i: number): Module {
    const c = this.children[i];
    if (!c) throw new Error(`${this.describe()}: no child at index ${i}`);
    return c[1];
  }

  describe(): string {
    return `Sequential(${this.children.map(([n, m]) => `${n}: ${m.describe()}`).join(', ')})`;
  }

  override namedChildren(): [string, Module][] {
    return this.children;
  }

  override inputIsData(): void {
    this.children[0]?.[1].inputIsData();
  }

  /**
   * Runs the children in order, except that a Conv2d followed by ReLU (and MaxPool2d) runs as one fused step
   * (fusion.ts): same result, without the intermediate tensors.
   */
  forward(x: Tensor, training = this.training): Tensor {
    let y = x;
    for (const step of this.steps()) y = step.forward(y, training);
    return y;
  }

  backward(gradOut: Tensor): Tensor {
    const steps = this.steps();
    let g = gradOut;
    for (let i = steps.length - 1; i >= 0; i--) g = steps[i].backward(g);
    return g;
  }

  /** The ConvChain that runs all the children, if they form one (Residual then keeps its sum in it too). */
  soleChain(): ConvChain | undefined {
    const steps = this.steps();
    return steps.length === 1 && steps[0] instanceof ConvChain ? steps[0] : undefined;
  }

  /** Planned on first use: Sequential.named adds the children after construction. */
  private steps(): Step[] {
    return (this.plan ??= planSteps(this.children));
  }
}

/** out = after(body(x) + shortcut(x)); the shortcut defaults to the identity. Children: body, shortcut, after. */
export class Residual extends Module {
  readonly shortcut: Module | undefined;
  readonly after: Module | undefined;
  private sum: Tensor | undefined;
  private readonly sumSlots = new TensorSlots();
  private readonly gradInSlots = new TensorSlots();
  /** A ReLU after the sum runs in the same kernel pass (its module is not called); backward then masks by sum. */
  private readonly fusedRelu: boolean;
  private readonly maskedSlots = new TensorSlots();
  /** The body's chain when the last forward ran in it in training (chainedBody). */
  private chained: ConvChain | undefined;

  constructor(
    readonly body: Module,
    { shortcut, after }: { shortcut?: Module; after?: Module } = {},
  ) {
    super();
    this.shortcut = shortcut;
    this.after = after;
    this.fusedRelu = after instanceof ReLU;
  }

  describe(): string {
    const parts = [`body: ${this.body.describe()}`];
    if (this.shortcut) parts.push(`shortcut: ${this.shortcut.describe()}`);
    if (this.after) parts.push(`after: ${this.after.describe()}`);
    return `Residual(${parts.join(', ')})`;
  }

  override namedChildren(): [string, Module][] {
    const out: [string, Module][] = [['body', this.body]];
    if (this.shortcut) out.push(['shortcut', this.shortcut]);
    if (this.after) out.push(['after', this.after]);
    return out;
  }

  forward(x: Tensor, training = this.training): Tensor {
    const after = this.after;
    const chain = this.chainedBody();
    // A backward after evaluation (nothing kept in the chain) goes through the body's backward below.
    this.chained = training ? chain : undefined;
    if (chain) {
      this.checkShapes(child('body', () => chain.outputShape(x.shape, training)), x.shape);
      const sum = (this.sum = this.sumSlots.get(x.shape));
      child('body', () => chain.forwardResidual(x, this.fusedRelu, sum, training));
      return sum;
    }
    const b = child('body', () => this.body.forward(x, training));
    const shortcut = this.shortcut;
    const s = shortcut ? child('shortcut', () => shortcut.forward(x, training)) : x;
    this.checkShapes(b.shape, s.shape);
    const sum = (this.sum = this.sumSlots.get(b.shape));
    const [bd, sd, y, relu] = [b.data, s.data, sum.data, this.fusedRelu];
    inPieces(y.length, (at, end) => addRelu(relu, bd.subarray(at, end), sd.subarray(at, end), y.subarray(at, end)));
    return after && !this.fusedRelu ? child('after', () => after.forward(sum, training)) : sum;
  }

  backward(gradOut: Tensor): Tensor {
    const chain = this.chained;
    if (chain) {
      expectGradShape(this, gradOut.shape, this.sum?.shape);
      return child('body', () => chain.backwardResidual(gradOut, this.gradInSlots.get(gradOut.shape)));
    }
    const after = this.after;
    let g = gradOut;
    if (this.fusedRelu) {
      expectGradShape(this, gradOut.shape, this.sum?.shape);
      const y = (this.sum as Tensor).data;
      g = this.maskedSlots.get(gradOut.shape);
      const [dy, dx] = [gradOut.data, g.data];
      inPieces(y.length, (at, end) => reluBackward(y.subarray(at, end), dy.subarray(at, end), dx.subarray(at, end)));
    } else if (after) {
      g = child('after', () => after.backward(gradOut));
    }
    expectGradShape(this, g.shape, this.sum?.shape);
    const gb = child('body', () => this.body.backward(g));
    const shortcut = this.shortcut;
    const gs = shortcut ? child('shortcut', () => shortcut.backward(g)) : g;
    const gradIn = this.gradInSlots.get(gb.shape);
    const [a, c, d] = [gb.data, gs.data, gradIn.data];
    inPieces(d.length, (at, end) => addRelu(false, a.subarray(at, end), c.subarray(at, end), d.subarray(at, end)));
    return gradIn;
  }

  /**
   * The body's ConvChain when the body is one and the shortcut the identity (after: none or ReLU): the sum and its
   * ReLU then run in WebAssembly memory with the chain's activations, and only x and the sum cross to JS.
   */
  private chainedBody(): ConvChain | undefined {
    const plain = !this.shortcut && (!this.after || this.fusedRelu);
    return plain && this.body instanceof Sequential ? this.body.soleChain() : undefined;
  }

  private checkShapes(body: readonly number[], shortcut: readonly number[]): void {
    if (!sameShape(body, shortcut)) {
      throw new Error(`${this.describe()}: body output ${shapeString(body)} and shortcut output ${shapeString(shortcut)} differ`);
    }
  }
}

/**
 * Weight sharing over the two images of a pair. Input [B, 2, ...rest]; the branch runs ONCE on a batch of 2B
 * single-channel images [2B, 1, ...rest] (rows 0..B-1 = first images, B..2B-1 = second images), so a BatchNorm
 * inside the branch takes its statistics over both images of every pair. The branch output [2B, ...] is flattened
 * to F features per image and the result is [B, 2F]: columns 0..F-1 = branch(first), F..2F-1 = branch(second).
 * Viewed as [2B, F] (reshape, no copy), row 2b is the first image of pair b and row 2b+1 the second: the order of
 * PairSet.classes, so per-image auxiliary losses need no copy.
 */
export class PairShared extends Module {
  private stacked: Tensor | undefined;
  private readonly stackedSlots = new TensorSlots();
  private out: Tensor | undefined;
  private readonly outSlots = new TensorSlots();
  private branchOutShape: number[] | undefined;
  private readonly gradBranchSlots = new TensorSlots();
  private readonly gradInSlots = new TensorSlots();

  constructor(readonly branch: Module) {
    super();
  }

  describe(): string {
    return `PairShared(branch: ${this.branch.describe()})`;
  }

  override namedChildren(): [string, Module][] {
    return [['branch', this.branch]];
  }

  override inputIsData(): void {
    this.branch.inputIsData();
  }

  forward(x: Tensor, training = this.training): Tensor {
    if (x.shape.length < 2 || x.shape[1] !== 2) throw shapeError(this, '[B, 2, ...]', x.shape);
    const b = x.shape[0];
    const rest = x.shape.slice(2);
    const img = numel(rest);
    const stacked = (this.stacked = this.stackedSlots.get([2 * b, 1, ...rest]));
    const src = x.data;
    const dst = stacked.data;
    for (let i = 0; i < b; i++) {
      dst.set(src.subarray((2 * i) * img, (2 * i + 1) * img), i * img);
      dst.set(src.subarray((2 * i + 1) * img, (2 * i + 2) * img), (b + i) * img);
    }
    const y = child('branch', () => this.branch.forward(stacked, training));
    if (y.shape[0] !== 2 * b) {
      throw new Error(`${this.describe()}: branch output ${shapeString(y.shape)} does not keep the batch of ${2 * b}`);
    }
    this.branchOutShape = y.shape;
    const f = y.data.length / (2 * b);
    const out = (this.out = this.outSlots.get([b, 2 * f]));
    const yd = y.data;
    const od = out.data;
    for (let i = 0; i < b; i++) {
      od.set(yd.subarray(i * f, (i + 1) * f), 2 * i * f);
      od.set(yd.subarray((b + i) * f, (b + i + 1) * f), (2 * i + 1) * f);
    }
    return out;
  }

  backward(gradOut: Tensor): Tensor {
    expectGradShape(this, gradOut.shape, this.out?.shape);
    const b = gradOut.shape[0];
    const f = gradOut.shape[1] / 2;
    const gb = this.gradBranchSlots.get(this.branchOutShape as number[]);
    const g = gradOut.data;
    const d = gb.data;
    for (let i = 0; i < b; i++) {
      d.set(g.subarray(2 * i * f, (2 * i + 1) * f), i * f);
      d.set(g.subarray((2 * i + 1) * f, (2 * i + 2) * f), (b + i) * f);
    }
    const gs = child('branch', () => this.branch.backward(gb));
    const stackedShape = (this.stacked as Tensor).shape;
    const img = gs.data.length / (2 * b);
    const gradIn = this.gradInSlots.get([b, 2, ...stackedShape.slice(2)]);
    const s = gs.data;
    const o = gradIn.data;
    for (let i = 0; i < b; i++) {
      o.set(s.subarray(i * img, (i + 1) * img), 2 * i * img);
      o.set(s.subarray((b + i) * img, (b + i + 1) * img), (2 * i + 1) * img);
    }
    return gradIn;
  }
}
