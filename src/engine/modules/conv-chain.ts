import {
  convReluBackwardAt, convReluForwardAt, convReluPlane, ResidentRegion, wasmKernels, type ConvShape, type PoolShape,
} from '../kernels/index.js';
import { numel, sameShape, type Tensor } from '../tensor.js';
import type { Conv2d } from './conv.js';
import type { MaxPool2d } from './pool.js';
import { expectGradShape } from './shape-check.js';
import { TensorSlots } from './slots.js';
import { inChild, type Step } from './step.js';

/** Conv2d -> ReLU (-> MaxPool2d) children of a Sequential, with their names. */
export interface ConvBlock {
  convName: string;
  conv: Conv2d;
  reluName: string;
  pool?: [string, MaxPool2d];
}

/** One block's geometry for the current batch, with its activations' byte offsets in the resident region. */
interface Planned {
  s: ConvShape;
  pool: PoolShape | undefined;
  outShape: number[];
  x: number;
  out: number;
  arg: number;
  grad: number;
}

const EMPTY = new Float32Array(0);
const align64 = (n: number): number => (n + 63) & ~63;

/**
 * Consecutive Conv2d -> ReLU (-> MaxPool2d) blocks run as one step on the fused kernels. In training, the chain's
 * input, every block's output (and pooling argmax) and the gradients between blocks stay in a resident region of
 * WebAssembly memory from the forward pass to the backward pass: only the chain's input and output and its output
 * gradient cross to JS (for ConvSepNet's conv1 -> conv2 ~0.6 M floats per batch fewer copies, measured 14.6 GB/s
 * here). In evaluation (no backward follows) each block runs on its own through Conv2d.forwardRelu, in chunks.
 * The ReLU and MaxPool2d modules are not called: the fused kernels compute exactly what they would.
 */
export class ConvChain implements Step {
  private readonly region = new ResidentRegion(wasmKernels());
  private planned: Planned[] | undefined;
  /** The last training plan, reused while the input shape (and the first conv's inputGradient) stay the same. */
  private cached: { shape: number[]; inputGradient: boolean; planned: Planned[] } | undefined;
  /** Where the chain's input gradient is kept (0: not computed: the first conv's input is data). */
  private dx = 0;
  private inShape: number[] = [];
  private readonly outSlots = new TensorSlots();
  private readonly gradInSlots = new TensorSlots();

  constructor(private readonly blocks: ConvBlock[]) {}

  forward(x: Tensor, training: boolean): Tensor {
    if (!training) {
      this.planned = undefined;
      let y = x;
      for (const b of this.blocks) y = this.blockForward(b, y);
      return y;
    }
    const planned = this.reuse(x.shape) ?? this.plan(x.shape);
    const kernels = wasmKernels();
    kernels.heap.set(x.data.subarray(0, numel(x.shape)), planned[0].x >> 2);
    this.blocks.forEach((b, i) => {
      const p = planned[i];
      inChild(b.convName, () =>
        convReluForwardAt(kernels, p.s, p.pool, p, b.conv.weight.value.data, b.conv.bias?.value.data),
      );
    });
    const last = planned[planned.length - 1];
    const out = this.outSlots.get(last.outShape);
    out.data.set(kernels.heap.subarray(last.out >> 2, (last.out >> 2) + out.data.length));
    this.planned = planned;
    return out;
  }

  backward(gradOut: Tensor): Tensor {
    const planned = this.planned;
    // A block's gradient arrives at its last child (the pool, else the ReLU): errors name that one.
    const lastName = (b: ConvBlock): string => (b.pool ? b.pool[0] : b.reluName);
    const lastBlock = this.blocks[this.blocks.length - 1];
    if (!planned) {
      let g = gradOut;
      for (let i = this.blocks.length - 1; i >= 0; i--) {
        const b = this.blocks[i];
        g = inChild(lastName(b), () => b.conv.backward(g));
      }
      return g;
    }
    const last = planned[planned.length - 1];
    inChild(lastName(lastBlock), () => expectGradShape(lastBlock.conv, gradOut.shape, last.outShape));
    const kernels = wasmKernels();
    kernels.heap.set(gradOut.data, last.grad >> 2);
    for (let i = planned.length - 1; i >= 0; i--) {
      const p = planned[i];
      const c = this.blocks[i].conv;
      const dx = i > 0 ? planned[i - 1].grad : this.dx;
      inChild(this.blocks[i].convName, () =>
        convReluBackwardAt(kernels, p.s, p.pool, { x: p.x, gy: p.grad, y: p.out, arg: p.arg, dx }, c.weight.value.data, c.weight.grad.data, c.bias?.grad.data),
      );
    }
    const gradIn = this.gradInSlots.get(this.inShape);
    if (this.dx) gradIn.data.set(kernels.heap.subarray(this.dx >> 2, (this.dx >> 2) + gradIn.data.length));
    else gradIn.data.fill(0);
    return gradIn;
  }

  /** One block in evaluation: Conv2d.forwardRelu (its chunks bound the memory a large batch takes). */
  private blockForward(b: ConvBlock, x: Tensor): Tensor {
    const convShape = inChild(b.convName, () => b.conv.outputShape(x));
    const pool = b.pool;
    const pooled = pool && inChild(pool[0], () => pool[1].shapeFor(convShape));
    return inChild(b.convName, () => b.conv.forwardRelu(x, pool && { k: pool[1].kernel, stride: pool[1].stride }, pooled));
  }

  private reuse(shape: readonly number[]): Planned[] | undefined {
    const c = this.cached;
    const same = c && c.inputGradient === this.blocks[0].conv.inputGradient && sameShape(c.shape, shape);
    return same ? c.planned : undefined;
  }

  /** Each block's geometry for input `shape` (errors name the child), laid out in the resident region. */
  private plan(shape: readonly number[]): Planned[] {
    this.inShape = [...shape];
    const blocks: Omit<Planned, 'x' | 'out' | 'arg' | 'grad'>[] = [];
    let inShape = shape;
    for (const b of this.blocks) {
      const convShape = inChild(b.convName, () => b.conv.outputShape({ data: EMPTY, shape: [...inShape] }));
      const pool = b.pool && { k: b.pool[1].kernel, stride: b.pool[1].stride };
      const outShape = b.pool ? inChild(b.pool[0], () => (b.pool as [string, MaxPool2d])[1].shapeFor(convShape)) : convShape;
      const [N, C, H, W] = inShape;
      blocks.push({ s: { N, C, H, W, Cout: b.conv.outChannels, k: b.conv.kernelSize, stride: b.conv.stride, pad: b.conv.padding }, pool, outShape });
      inShape = outShape;
    }
    // Byte offsets from 0, each region followed by slack (kernels read and write a few floats past their operands).
    let at = 0;
    const take = (floats: number): number => {
      const here = at;
      at = align64(at + 4 * floats + 64);
      return here;
    };
    const input = take(numel(shape));
    const laid = blocks.map((b) => {
      const n = b.s.N * b.s.Cout * convReluPlane(b.s, b.pool);
      return { ...b, out: take(n), arg: b.pool ? take(n) : 0, grad: take(n) };
    });
    const dx = this.blocks[0].conv.inputGradient ? take(numel(shape)) : -1;
    const base = this.region.ensure(at / 4);
    this.dx = dx < 0 ? 0 : base + dx;
    const planned = laid.map((b, i) => ({
      ...b,
      x: i === 0 ? base + input : base + laid[i - 1].out,
      out: base + b.out,
      arg: b.pool ? base + b.arg : 0,
      grad: base + b.grad,
    }));
    this.cached = { shape: [...shape], inputGradient: this.blocks[0].conv.inputGradient, planned };
    return planned;
  }
}
