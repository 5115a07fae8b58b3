import { ensure, shapeString, type Tensor } from './tensor.js';

/**
 * Losses with PyTorch's mean reduction. forward returns the loss (accumulated in float64); backward(scale) returns
 * d(scale * loss)/d(pred) in a buffer owned by the loss (overwritten by the next backward), so a weighted sum of
 * losses needs no extra pass.
 */
export interface Loss<T> {
  describe(): string;
  forward(pred: Tensor, target: T): number;
  backward(scale?: number): Tensor;
}

function lossError(name: string, message: string): Error {
  return new Error(`${name}: ${message}`);
}

function needForward<T>(name: string, v: T | undefined): T {
  if (v === undefined) throw lossError(name, 'backward called before forward');
  return v;
}

/** mean((pred - target)^2) over all elements. */
export class MSELoss implements Loss<Tensor | Float32Array> {
  private pred: Tensor | undefined;
  private target: Float32Array | undefined;
  private grad: Tensor | undefined;

  describe(): string {
    return 'MSELoss()';
  }

  forward(pred: Tensor, target: Tensor | Float32Array): number {
    const t = target instanceof Float32Array ? target : target.data;
    if (t.length !== pred.data.length) {
      const ts = target instanceof Float32Array ? `${t.length} values` : shapeString(target.shape);
      throw lossError(this.describe(), `prediction ${shapeString(pred.shape)} and target ${ts} differ in size`);
    }
    this.pred = pred;
    this.target = t;
    const p = pred.data;
    let s = 0;
    for (let i = 0; i < p.length; i++) {
      const d = p[i] - t[i];
      s += d * d;
    }
    return s / p.length;
  }

  backward(scale = 1): Tensor {
    const pred = needForward(this.describe(), this.pred);
    const t = this.target as Float32Array;
    const grad = (this.grad = ensure(this.grad, pred.shape));
    const p = pred.data;
    const g = grad.data;
    const k = (2 * scale) / p.length;
    for (let i = 0; i < p.length; i++) g[i] = k * (p[i] - t[i]);
    return grad;
  }
}

function checkClassTargets(name: string, pred: Tensor, target: Int32Array): void {
  if (pred.shape.length !== 2) throw lossError(name, `expected input [N, C], got ${shapeString(pred.shape)}`);
  const [n, c] = pred.shape;
  if (target.length !== n) {
    throw lossError(name, `input ${shapeString(pred.shape)} has N = ${n} but target has ${target.length} entries`);
  }
  for (let i = 0; i < n; i++) {
    const k = target[i];
    if (!(k >= 0 && k < c)) throw lossError(name, `target[${i}] = ${k} is out of range for ${c} classes`);
  }
}

/** Cross-entropy from logits [N, C] and class indices, via a stable log-sum-exp. */
export class CrossEntropyLoss implements Loss<Int32Array> {
  private probs: Tensor | undefined;
  private target: Int32Array | undefined;
  private grad: Tensor | undefined;

  describe(): string {
    return 'CrossEntropyLoss()';
  }

  forward(pred: Tensor, target: Int32Array): number {
    checkClassTargets(this.describe(), pred, target);
    const [n, c] = pred.shape;
    const probs = (this.probs = ensure(this.probs, pred.shape));
    this.target = target;
    const x = pred.data;
    const p = probs.data;
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const row = i * c;
      let max = -Infinity;
      for (let j = 0; j < c; j++) if (x[row + j] > max) max = x[row + j];
      let sum = 0;
      for (let j = 0; j < c; j++) {
        const e = Math.exp(x[row + j] - max);
        p[row + j] = e;
        sum += e;
      }
      for (let j = 0; j < c; j++) p[row + j] /= sum;
      loss += max + Math.log(sum) - x[row + target[i]];
    }
    return loss / n;
  }

  backward(scale = 1): Tensor {
    const probs = needForward(this.describe(), this.probs);
    const t = this.target as Int32Array;
    const [n, c] = probs.shape;
    const grad = (this.grad = ensure(this.grad, probs.shape));
    const p = probs.data;
    const g = grad.data;
    const k = scale / n;
    for (let i = 0; i < p.length; i++) g[i] = k * p[i];
    for (let i = 0; i < n; i++) g[i * c + t[i]] -= k;
    return grad;
  }
}

/** Negative log-likelihood on log-probabilities [N, C] (e.g. LogSoftmax output) and class indices. */
export class NLLLoss implements Loss<Int32Array> {
  private shape: number[] | undefined;
  private target: Int32Array | undefined;
  private grad: Tensor | undefined;

  describe(): string {
    return 'NLLLoss()';
  }

  forward(pred: Tensor, target: Int32Array): number {
    checkClassTargets(this.describe(), pred, target);
    const [n, c] = pred.shape;
    this.shape = pred.shape;
    this.target = target;
    let loss = 0;
    for (let i = 0; i < n; i++) loss -= pred.data[i * c + target[i]];
    return loss / n;
  }

  backward(scale = 1): Tensor {
    const shape = needForward(this.describe(), this.shape);
    const t = this.target as Int32Array;
    const [n, c] = shape;
    const grad = (this.grad = ensure(this.grad, shape));
    const g = grad.data;
    g.fill(0);
    for (let i = 0; i < n; i++) g[i * c + t[i]] = -scale / n;
    return grad;
  }
}

/** Binary cross-entropy on logits [N] or [N, 1] with float targets in [0, 1], in the stable PyTorch form. */
export class BCEWithLogitsLoss implements Loss<Float32Array> {
  private pred: Tensor | undefined;
  private target: Float32Array | undefined;
  private grad: Tensor | undefined;

  describe(): string {
    return 'BCEWithLogitsLoss()';
  }

  forward(pred: Tensor, target: Float32Array): number {
    const s = pred.shape;
    if (!(s.length === 1 || (s.length === 2 && s[1] === 1))) {
      throw lossError(this.describe(), `expected input [N] or [N, 1], got ${shapeString(s)}`);
    }
    if (target.length !== s[0]) {
      throw lossError(this.describe(), `input ${shapeString(s)} has N = ${s[0]} but target has ${target.length} entries`);
    }
    this.pred = pred;
    this.target = target;
    const x = pred.data;
    let loss = 0;
    // max(x, 0) - x t + log(1 + exp(-|x|)): never overflows.
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      loss += Math.max(v, 0) - v * target[i] + Math.log1p(Math.exp(-Math.abs(v)));
    }
    return loss / x.length;
  }

  backward(scale = 1): Tensor {
    const pred = needForward(this.describe(), this.pred);
    const t = this.target as Float32Array;
    const grad = (this.grad = ensure(this.grad, pred.shape));
    const x = pred.data;
    const g = grad.data;
    const k = scale / x.length;
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      const sig = v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
      g[i] = k * (sig - t[i]);
    }
    return grad;
  }
}
