import { defaultBackend, type Backend } from '../kernels/index.js';
import { Module, type Pass } from '../module.js';
import { inPieces } from './activations.js';
import { numel, sameShape, shapeString, type Tensor } from '../tensor.js';
import { TensorSlots } from './slots.js';
import { expectGradShape, shapeError } from './shape-check.js';
import { inChild as child } from './module-error.js';

export { ModuleError } from './module-error.js';

/**
 * Containers pass `training` (default: their own mode) down to every child, so `model.eval()` or
 * `model.forward(x, false)` switch the whole tree. Their forward and backward run each child as it is: fusing
 * children into fewer kernel calls is the execution plan's work (src/engine/plan), tested against these.
 */

/** Children applied in order; named '0', '1', ... or explicitly with Sequential.named. */
export class Sequential extends Module {
  private readonly children: [string, Module][];

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

  forward(x: Tensor, training = this.training): Tensor {
    let y = x;
    for (const [name, m] of this.children) y = child(name, () => m.forward(y, training));
    return y;
  }

  backward(gradOut: Tensor): Tensor {
    let g = gradOut;
    for (let i = this.children.length - 1; i >= 0; i--) {
      const [name, m] = this.children[i];
      g = child(name, () => m.backward(g));
    }
    return g;
  }
}

/** y[i] = a[i] + b[i] (then max(y[i], 0) when relu), in kernel calls of bounded size on `backend`. */
export function addInto(backend: Backend, relu: boolean, a: Float32Array, b: Float32Array, y: Float32Array): void {
  inPieces(y.length, (at, end) => backend.addRelu(relu, a.subarray(at, end), b.subarray(at, end), y.subarray(at, end)));
}

/** A Residual's children, as modules or compiled. */
interface Children {
  body: Pass;
  shortcut: Pass | undefined;
  after: Pass | undefined;
}

/** out = after(body(x) + shortcut(x)); the shortcut defaults to the identity. Children: body, shortcut, after. */
export class Residual extends Module {
  readonly shortcut: Module | undefined;
  readonly after: Module | undefined;
  private sum: Tensor | undefined;
  private readonly sumSlots = new TensorSlots();
  private readonly gradInSlots = new TensorSlots();

  constructor(
    readonly body: Module,
    { shortcut, after }: { shortcut?: Module; after?: Module } = {},
  ) {
    super();
    this.shortcut = shortcut;
    this.after = after;
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
    return this.forwardThrough(this, defaultBackend(), x, training);
  }

  backward(gradOut: Tensor): Tensor {
    return this.backwardThrough(this, defaultBackend(), gradOut);
  }

  override routed(run: (child: Module) => Pass, backend: Backend): Pass {
    const c: Children = { body: run(this.body), shortcut: this.shortcut && run(this.shortcut), after: this.after && run(this.after) };
    return { forward: (x, training) => this.forwardThrough(c, backend, x, training), backward: (g) => this.backwardThrough(c, backend, g) };
  }

  private forwardThrough(c: Children, backend: Backend, x: Tensor, training: boolean): Tensor {
    const b = child('body', () => c.body.forward(x, training));
    const shortcut = c.shortcut;
    const s = shortcut ? child('shortcut', () => shortcut.forward(x, training)) : x;
    this.checkShapes(b.shape, s.shape);
    const sum = (this.sum = this.sumSlots.get(b.shape));
    addInto(backend, false, b.data, s.data, sum.data);
    const after = c.after;
    return after ? child('after', () => after.forward(sum, training)) : sum;
  }

  private backwardThrough(c: Children, backend: Backend, gradOut: Tensor): Tensor {
    const after = c.after;
    const g = after ? child('after', () => after.backward(gradOut)) : gradOut;
    expectGradShape(this, g.shape, this.sum?.shape);
    const gb = child('body', () => c.body.backward(g));
    const shortcut = c.shortcut;
    const gs = shortcut ? child('shortcut', () => shortcut.backward(g)) : g;
    const gradIn = this.gradInSlots.get(gb.shape);
    addInto(backend, false, gb.data, gs.data, gradIn.data);
    return gradIn;
  }

  /** Throws naming this module unless the body's and the shortcut's outputs have the same shape. */
  checkShapes(body: readonly number[], shortcut: readonly number[]): void {
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
    return this.forwardThrough(this.branch, x, training);
  }

  backward(gradOut: Tensor): Tensor {
    return this.backwardThrough(this.branch, gradOut);
  }

  override routed(run: (child: Module) => Pass): Pass {
    const branch = run(this.branch);
    return { forward: (x, training) => this.forwardThrough(branch, x, training), backward: (g) => this.backwardThrough(branch, g) };
  }

  private forwardThrough(branch: Pass, x: Tensor, training: boolean): Tensor {
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
    const y = child('branch', () => branch.forward(stacked, training));
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

  private backwardThrough(branch: Pass, gradOut: Tensor): Tensor {
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
    const gs = child('branch', () => branch.backward(gb));
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
