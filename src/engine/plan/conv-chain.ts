import { convReluPlane, ResidentRegion, type Backend } from '../kernels/index.js';
import type { Pass } from '../module.js';
import { inChild } from '../modules/module-error.js';
import { expectGradShape } from '../modules/shape-check.js';
import { TensorSlots } from '../modules/slots.js';
import { numel, sameShape, type Tensor } from '../tensor.js';
import {
  blockBackwardAt, blockForwardAt, chainGeometry, lastName, takesResidual, type ConvBlock, type Geometry, type Planned,
  type Transient,
} from './conv-chain-blocks.js';
import { evaluateChain } from './conv-chain-eval.js';

export type { ConvBlock } from './conv-chain-blocks.js';

/** A training plan: the blocks' geometry and resident offsets, and the largest transient operands. */
interface Plan {
  shape: number[];
  inputGradient: boolean;
  blocks: Planned[];
  /** Floats of the largest gradient between blocks (the chain's input gradient included). */
  gradFloats: number;
  /** Floats of the largest conv output before a BatchNorm (0: none). */
  preFloats: number;
  /** When the output has the input's shape: where a residual sum is kept (forwardResidual), else 0. */
  sum: number;
}

const align64 = (n: number): number => (n + 63) & ~63;

/**
 * Consecutive Conv2d -> ReLU (-> MaxPool2d) blocks (on the fused backend) and Conv2d -> BatchNorm2d (-> ReLU) blocks
 * run as one step. In training, what the backward pass reads (the chain's input, every block's output, pooling argmax
 * and x_hat) stays in a resident region of WebAssembly memory from the forward pass to the backward pass, and the
 * transient operands (the gradients between blocks, a conv's output before its BatchNorm) in the backend's scratch
 * area: only the chain's input and output and their gradients cross to JS (a ResNet block's body is one chain). In
 * evaluation nothing
 * is kept: the batch goes through in chunks (conv-chain-eval.ts), and a backward pass after it (a gradient check)
 * first runs the blocks' modules again, as they are. The ReLU and MaxPool2d modules are not called: the fused backend
 * compute exactly what they would.
 */
export class ConvChain implements Pass {
  private readonly region: ResidentRegion;
  /** The plan of the last forward in training (undefined after one in evaluation). */
  private planned: Plan | undefined;
  /** After forwardResidual: whether its sum was ReLU'd. */
  private residualRelu = false;
  /** The input of the last forward in evaluation (undefined after one in training). */
  private evalInput: Tensor | undefined;
  /** The last training plan, reused while the input shape (and the first conv's inputGradient) stay the same. */
  private cached: Plan | undefined;
  private readonly outSlots = new TensorSlots();
  private readonly gradInSlots = new TensorSlots();

  constructor(
    private readonly backend: Backend,
    private readonly blocks: ConvBlock[],
  ) {
    this.region = new ResidentRegion(backend);
  }

  /** Gives the resident region back to the backend. */
  dispose(): void {
    this.region.dispose();
    this.cached = this.planned = undefined;
  }

  forward(x: Tensor, training: boolean): Tensor {
    if (!training) {
      const geometry = this.evaluating(x);
      const out = this.outSlots.get(geometry[geometry.length - 1].outShape);
      evaluateChain(this.backend, this.blocks, geometry, x, out, undefined);
      return out;
    }
    const last = this.forwardAt(x);
    const out = this.outSlots.get(last.outShape);
    out.data.set(this.backend.heap.subarray(last.out >> 2, (last.out >> 2) + out.data.length));
    return out;
  }

  /** The output shape for input `shape` (errors name the child). */
  outputShape(shape: readonly number[], training: boolean): number[] {
    const blocks = training ? (this.reuse(shape) ?? this.plan(shape)).blocks : chainGeometry(this.blocks, shape, false);
    return blocks[blocks.length - 1].outShape;
  }

  /**
   * forward, then out = its output + its input (ReLU'd when `relu`) in WebAssembly memory: a Residual with this chain
   * as its body and the identity shortcut (residual.ts); `out` has the input's shape, as the output must
   * (outputShape). The backward of a training pass is backwardResidual.
   */
  forwardResidual(x: Tensor, relu: boolean, out: Tensor, training: boolean): void {
    if (!training) {
      evaluateChain(this.backend, this.blocks, this.evaluating(x), x, out, relu);
      return;
    }
    // A last block ending in a BatchNorm takes the sum in its pass (bn2 of a ResNet block), else a pass of its own.
    const fused = takesResidual(this.blocks[this.blocks.length - 1]);
    const last = this.forwardAt(x, fused ? relu : undefined);
    const plan = this.planned as Plan;
    const backend = this.backend;
    if (!fused) backend.addReluAt(relu, out.data.length, last.out, plan.blocks[0].x, plan.sum);
    out.data.set(backend.heap.subarray(plan.sum >> 2, (plan.sum >> 2) + out.data.length));
    this.residualRelu = relu;
  }

  /** Backward of forwardResidual: gradIn = the input gradient of the sum (its ReLU included). */
  backwardResidual(gradOut: Tensor, gradIn: Tensor): Tensor {
    return this.backwardAt(gradOut, gradIn, this.residualRelu);
  }

  /**
   * The blocks' forward in training, on the resident region; returns the last block's plan. With `residualRelu` the
   * last block (takesResidual) writes forwardResidual's sum instead of its output.
   */
  private forwardAt(x: Tensor, residualRelu?: boolean): Planned {
    const plan = this.reuse(x.shape) ?? this.plan(x.shape);
    const backend = this.backend;
    const [pre, from] = backend.layout([plan.preFloats]);
    backend.heap.set(x.data.subarray(0, numel(x.shape)), plan.blocks[0].x >> 2);
    const n = this.blocks.length;
    const residual = residualRelu === undefined ? undefined : { x: plan.blocks[0].x, y: plan.sum, relu: residualRelu };
    this.blocks.forEach((b, i) => blockForwardAt(backend, b, plan.blocks[i], { pre, from }, true, i === n - 1 ? residual : undefined));
    this.planned = plan;
    this.evalInput = undefined;
    return plan.blocks[plan.blocks.length - 1];
  }

  backward(gradOut: Tensor): Tensor {
    const plan = this.planned;
    if (!plan) {
      const modules = this.blocks.flatMap((b) => b.modules);
      let y = this.evalInput;
      if (y) for (const [name, m] of modules) y = inChild(name, () => m.forward(y as Tensor, false));
      let g = gradOut;
      for (let i = modules.length - 1; i >= 0; i--) g = inChild(modules[i][0], () => modules[i][1].backward(g));
      return g;
    }
    const lastBlock = this.blocks[this.blocks.length - 1];
    const outShape = plan.blocks[plan.blocks.length - 1].outShape;
    inChild(lastName(lastBlock), () => expectGradShape(lastBlock.conv, gradOut.shape, outShape));
    return this.backwardAt(gradOut, this.gradInSlots.get(plan.shape), undefined);
  }

  /**
   * The blocks' backward on the resident region, into gradIn. With `residual` (the sum's ReLU, forwardResidual), the
   * output gradient first goes through the sum's ReLU, and gradIn adds it (the shortcut's gradient).
   */
  private backwardAt(gradOut: Tensor, gradIn: Tensor, residual: boolean | undefined): Tensor {
    const plan = this.planned as Plan;
    const backend = this.backend;
    const n = plan.blocks.length;
    const nOut = numel(plan.blocks[n - 1].outShape);
    // The gradients between blocks alternate between two slots: block i's output gradient is in grad(i). The
    // residual's output gradient (also the shortcut's) has a slot of its own: the blocks overwrite both others.
    const [g0, g1, pre, top, from] = backend.layout([plan.gradFloats, plan.gradFloats, plan.preFloats, residual === undefined ? 0 : nOut]);
    const grad = (i: number): number => (residual !== undefined && i === n - 1 ? top : (i & 1) === 0 ? g0 : g1);
    backend.heap.set(gradOut.data.subarray(0, nOut), grad(n - 1) >> 2);
    if (residual) backend.reluBackwardAt(nOut, plan.sum, top, top);
    const t: Transient = { pre, from };
    for (let i = n - 1; i >= 0; i--) {
      const dx = i > 0 || plan.inputGradient ? grad(i - 1) : 0;
      blockBackwardAt(backend, this.blocks[i], plan.blocks[i], t, grad(i), dx);
    }
    const dx = grad(-1);
    if (residual !== undefined && plan.inputGradient) backend.addReluAt(false, nOut, dx, top, dx);
    const result = plan.inputGradient ? dx : residual !== undefined ? top : 0;
    if (result) gradIn.data.set(backend.heap.subarray(result >> 2, (result >> 2) + gradIn.data.length));
    else gradIn.data.fill(0);
    return gradIn;
  }

  /** The geometry of an evaluation forward on x, which leaves no training plan for backward. */
  private evaluating(x: Tensor): Geometry[] {
    this.planned = undefined;
    this.evalInput = x;
    return chainGeometry(this.blocks, x.shape, false);
  }

  private reuse(shape: readonly number[]): Plan | undefined {
    const c = this.cached;
    const same = c && c.inputGradient === this.blocks[0].conv.inputGradient && sameShape(c.shape, shape);
    return same ? c : undefined;
  }

  /** Each block's geometry for input `shape` (errors name the child), laid out in the resident region. */
  private plan(shape: readonly number[]): Plan {
    const blocks = chainGeometry(this.blocks, shape, true);
    // Byte offsets from 0, each region followed by slack (backend read and write a few floats past their operands).
    let at = 0;
    const take = (floats: number): number => {
      const here = at;
      at = align64(at + 4 * floats + 64);
      return here;
    };
    const outFloats = blocks.map((b) => b.s.N * b.s.Cout * convReluPlane(b.s, b.pool));
    const input = take(numel(shape));
    const laid = blocks.map((b, i) => ({
      out: take(outFloats[i]), arg: b.pool ? take(outFloats[i]) : 0, xhat: b.norm ? take(outFloats[i]) : 0,
    }));
    const outShape = blocks[blocks.length - 1].outShape;
    const sum = sameShape(outShape, shape) ? take(numel(shape)) : -1;
    const base = this.region.ensure(at / 4);
    const planned = blocks.map((b, i) => ({
      ...b,
      x: i === 0 ? base + input : base + laid[i - 1].out,
      out: base + laid[i].out,
      arg: b.pool ? base + laid[i].arg : 0,
      norm: b.norm && { shape: b.norm, xhat: base + laid[i].xhat },
    }));
    const inputGradient = this.blocks[0].conv.inputGradient;
    const gradFloats = Math.max(numel(shape), ...outFloats);
    const preFloats = Math.max(0, ...outFloats.filter((_, i) => blocks[i].norm));
    return (this.cached = { shape: [...shape], inputGradient, blocks: planned, gradFloats, preFloats, sum: sum < 0 ? 0 : base + sum });
  }
}
