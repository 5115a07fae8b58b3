import type { Backend, ConvShape } from '../kernels/index.js';
import { pytorchDefaultInit } from '../init.js';
import type { Param } from '../module.js';
import type { Rng } from '../rng.js';
import { zeros, type Tensor } from '../tensor.js';
import { KernelModule } from './kernel-module.js';
import { TensorSlots } from './slots.js';
import { expectGradShape, shapeError } from './shape-check.js';

interface ConvGeometry {
  n: number;
  c: number;
  h: number;
  w: number;
  k: number;
  stride: number;
  padding: number;
  outH: number;
  outW: number;
}

/**
 * Images per kernel call: as many as have at most this many im2col floats (97 images for a 12->32 3x3 conv on
 * 12x12). Each call copies its input and output into WebAssembly memory, which never shrinks, so a 1000-image
 * evaluation batch goes through in chunks instead of growing it by ~20 MB. A ConvSepNet training batch of 50 14x14
 * images needs at most 0.54 M, so it goes in one call.
 */
const COL_LIMIT = 1 << 20;

/**
 * 2-D convolution (cross-correlation, as PyTorch) on NCHW with a square kernel; weight [out, in, k, k], bias [out].
 * Each pass is one fused WebAssembly call per chunk of images (kernels conv2dForward/conv2dBackward, by the method
 * convMethod picks per pass: per image im2col + GEMM written straight in NCHW; for stride 1 the same without im2col,
 * 3x3 convs by Winograd) instead of a GEMM call per image, each copying its operands into WebAssembly memory.
 * Backward works from the kept input: nothing of size N*P*CKK stays on the JS side. Splitting the batch into chunks
 * changes no forward value (every image is computed on its own); in backward it only changes the order in which the
 * weight gradient sums images. Output and input-gradient buffers are owned by the module and
 * overwritten by the next call.
 */
export class Conv2d extends KernelModule {
  readonly weight: Param;
  readonly bias: Param | undefined;
  readonly stride: number;
  readonly padding: number;
  /**
   * False once inputIsData() was called (the model's first layer): backward then leaves the input gradient, which
   * nothing needs, uncomputed and returns zeros.
   */
  inputGradient = true;
  private geom: ConvGeometry | undefined;
  private input: Tensor | undefined;
  private out: Tensor | undefined;
  private readonly outSlots = new TensorSlots();
  private readonly gradInSlots = new TensorSlots();

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernelSize: number,
    rng: Rng,
    { stride = 1, padding = 0, bias = true }: { stride?: number; padding?: number; bias?: boolean } = {},
  ) {
    super();
    for (const [name, v, min] of [
      ['inChannels', inChannels, 1],
      ['outChannels', outChannels, 1],
      ['kernelSize', kernelSize, 1],
      ['stride', stride, 1],
      ['padding', padding, 0],
    ] as const) {
      if (!Number.isInteger(v) || v < min) throw new Error(`Conv2d: ${name} must be an integer >= ${min}, got ${v}`);
    }
    this.stride = stride;
    this.padding = padding;
    const wShape = [outChannels, inChannels, kernelSize, kernelSize];
    this.weight = { name: 'weight', value: zeros(wShape), grad: zeros(wShape) };
    this.bias = bias ? { name: 'bias', value: zeros([outChannels]), grad: zeros([outChannels]) } : undefined;
    pytorchDefaultInit(this.weight.value, this.bias?.value, rng);
  }

  describe(): string {
    const extra = [
      this.stride !== 1 ? `stride=${this.stride}` : '',
      this.padding !== 0 ? `padding=${this.padding}` : '',
      this.bias ? '' : 'bias=false',
    ].filter((s) => s !== '');
    return `Conv2d(${[this.inChannels, this.outChannels, this.kernelSize, ...extra].join(', ')})`;
  }

  protected override ownParams(): Param[] {
    return this.bias ? [this.weight, this.bias] : [this.weight];
  }

  private geometry(x: Tensor): ConvGeometry {
    const s = x.shape;
    if (s.length !== 4 || s[1] !== this.inChannels) throw shapeError(this, `[N, ${this.inChannels}, H, W]`, s);
    const [n, c, h, w] = s;
    const k = this.kernelSize;
    const outH = Math.floor((h + 2 * this.padding - k) / this.stride) + 1;
    const outW = Math.floor((w + 2 * this.padding - k) / this.stride) + 1;
    if (outH < 1 || outW < 1) {
      throw shapeError(this, `spatial size of at least ${k - 2 * this.padding} x ${k - 2 * this.padding}`, s);
    }
    const g = this.geom;
    if (g && g.n === n && g.h === h && g.w === w) return g;
    return (this.geom = { n, c, h, w, k, stride: this.stride, padding: this.padding, outH, outW });
  }

  override inputIsData(): void {
    this.inputGradient = false;
  }

  /** The output shape for input `x` (throws naming this module if it does not fit). */
  outputShape(x: Tensor): number[] {
    const g = this.geometry(x);
    return [g.n, this.outChannels, g.outH, g.outW];
  }

  protected forwardOn(backend: Backend, x: Tensor): Tensor {
    const g = this.geometry(x);
    const out = (this.out = this.outSlots.get([g.n, this.outChannels, g.outH, g.outW]));
    this.input = x;
    const w = this.weight.value.data;
    const b = this.bias?.value.data;
    this.chunks(g, g.outH * g.outW, (s, inAt, outAt) => backend.conv2dForward(s, x.data.subarray(inAt), w, b, out.data.subarray(outAt)));
    return out;
  }

  protected backwardOn(backend: Backend, gradOut: Tensor): Tensor {
    expectGradShape(this, gradOut.shape, this.out?.shape);
    const g = this.geom as ConvGeometry;
    const x = (this.input as Tensor).data;
    const gradIn = this.gradInSlots.get([g.n, g.c, g.h, g.w]);
    const dx = this.inputGradient ? gradIn.data : undefined;
    if (!dx) gradIn.data.fill(0);
    const w = this.weight.value.data;
    const dw = this.weight.grad.data;
    const db = this.bias?.grad.data;
    const gy = gradOut.data;
    this.chunks(g, g.outH * g.outW, (s, inAt, outAt) =>
      backend.conv2dBackward(s, x.subarray(inAt), gy.subarray(outAt), w, dw, db, dx?.subarray(inAt)),
    );
    return gradIn;
  }

  /**
   * Calls `pass` on consecutive chunks of images of at most COL_LIMIT im2col floats, with their element offsets
   * (outputs of `outPlane` elements per channel).
   */
  private chunks(g: ConvGeometry, outPlane: number, pass: (s: ConvShape, inAt: number, outAt: number) => void): void {
    const outImage = this.outChannels * outPlane;
    const inImage = g.c * g.h * g.w;
    const colImage = g.outH * g.outW * g.c * g.k * g.k;
    const chunk = Math.max(1, Math.min(g.n, Math.floor(COL_LIMIT / colImage)));
    for (let first = 0; first < g.n; first += chunk) {
      const s: ConvShape = {
        N: Math.min(chunk, g.n - first), C: g.c, H: g.h, W: g.w, Cout: this.outChannels, k: g.k, stride: g.stride, pad: g.padding,
      };
      pass(s, first * inImage, first * outImage);
    }
  }
}
