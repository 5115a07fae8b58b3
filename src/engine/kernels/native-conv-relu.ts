/**
 * The native fused Conv2d -> ReLU (-> MaxPool2d) (native/src/conv-relu.c) for the geometries the native conv takes
 * (stride 1, pad <= k-1): the native conv, then a ReLU + pooling pass (rounding as the unfused native ops); backward,
 * pooled on AVX-512, each window's gradient scattered from its argmax straight into the weight and input gradients
 * (conv-relu-sparse.c), else the gradient made dense through the ReLU mask, then the native conv backward. Operands as
 * (array, element offset): the caller's arrays, or the WebAssembly heap for a plan's resident ones (the At ops; the
 * argmax through an Int32Array over the same memory).
 */
import { checkConv, type ConvShape } from './conv.js';
import { checkArgmax, convReluPlane, type BackwardAt, type ForwardAt, type PoolShape } from './conv-relu.js';
import { convOutSize } from './im2col.js';
import { heapElement as element, type NativeAddon, type NativeIsa } from './native-addon.js';
import { nativeConvFits } from './native-conv.js';

/** Whether the native fused pass runs this problem: the native conv's geometries and a pool within its output. */
export function nativeConvReluFits(s: ConvShape, pool: PoolShape | undefined): boolean {
  if (!nativeConvFits(s)) return false;
  if (!pool) return true;
  const [OH, OW] = [convOutSize(s.H, s.k, 1, s.pad), convOutSize(s.W, s.k, 1, s.pad)];
  const int = Number.isInteger;
  return int(pool.k) && int(pool.stride) && pool.k >= 1 && pool.stride >= 1 && pool.k <= OH && pool.k <= OW;
}

const sizes = (s: ConvShape, pool: PoolShape | undefined): { x: number; w: number; out: number } => ({
  x: s.N * s.C * s.H * s.W,
  w: s.Cout * s.C * s.k * s.k,
  out: s.N * s.Cout * convReluPlane(s, pool),
});

/** A native backend's fused conv entry points (NativeBackend delegates here when nativeConvReluFits). */
export class NativeConvRelu {
  private i32?: Int32Array;

  constructor(
    private readonly addon: NativeAddon,
    private readonly isa: NativeIsa,
    private readonly heap: () => Float32Array,
  ) {}

  /** The heap as an Int32Array (for resident argmax), re-made when the memory has grown. */
  private heapI32(): Int32Array {
    const buffer = this.heap().buffer;
    if (this.i32?.buffer !== buffer) this.i32 = new Int32Array(buffer);
    return this.i32;
  }

  /** As convReluForwardReference, on the caller's arrays. */
  forward(
    s: ConvShape, pool: PoolShape | undefined, input: Float32Array, weight: Float32Array, bias: Float32Array | undefined,
    out: Float32Array, argmax: Int32Array | undefined,
  ): void {
    const n = sizes(s, pool);
    checkConv('convReluForward', s, [['input', input, n.x], ['weight', weight, n.w], ['bias', bias, s.Cout], ['out', out, n.out]]);
    checkArgmax('convReluForward', argmax, pool, n.out);
    this.addon.convReluForward(
      this.isa, s.N, s.C, s.H, s.W, s.Cout, s.k, s.pad, pool?.k ?? 0, pool?.stride ?? 0, input, 0, weight, bias ?? null, out, 0,
      pool ? (argmax as Int32Array) : null, 0,
    );
  }

  /** As convReluBackwardReference: gradWeight, gradBias accumulate; gradInput is overwritten. */
  backward(
    s: ConvShape, pool: PoolShape | undefined, input: Float32Array, gradOut: Float32Array, out: Float32Array,
    argmax: Int32Array | undefined, weight: Float32Array, gradWeight: Float32Array, gradBias: Float32Array | undefined,
    gradInput: Float32Array | undefined,
  ): void {
    const n = sizes(s, pool);
    checkConv('convReluBackward', s, [
      ['input', input, n.x], ['gradOut', gradOut, n.out], ['out', out, n.out], ['weight', weight, n.w],
      ['gradWeight', gradWeight, n.w], ['gradBias', gradBias, s.Cout], ['gradInput', gradInput, n.x],
    ]);
    checkArgmax('convReluBackward', argmax, pool, n.out);
    this.addon.convReluBackward(
      this.isa, s.N, s.C, s.H, s.W, s.Cout, s.k, s.pad, pool?.k ?? 0, pool?.stride ?? 0, input, 0, gradOut, 0, out, 0,
      pool ? (argmax as Int32Array) : null, 0, weight, gradWeight, gradBias ?? null, gradInput ?? null, 0,
    );
  }

  /** forward on operands at byte offsets of the heap (the addon checks each span against it). */
  forwardAt(s: ConvShape, pool: PoolShape | undefined, at: ForwardAt, weight: Float32Array, bias: Float32Array | undefined): void {
    const n = sizes(s, pool);
    const fn = 'convReluForward';
    checkConv(fn, s, [['weight', weight, n.w], ['bias', bias, s.Cout]]);
    const [x, out, arg] = [element(fn, 'x', at.x), element(fn, 'out', at.out), pool ? element(fn, 'arg', at.arg) : 0];
    const heap = this.heap();
    this.addon.convReluForward(
      this.isa, s.N, s.C, s.H, s.W, s.Cout, s.k, s.pad, pool?.k ?? 0, pool?.stride ?? 0, heap, x, weight, bias ?? null, heap, out,
      pool ? this.heapI32() : null, arg,
    );
  }

  /** backward on operands at byte offsets of the heap (at.dx 0: no input gradient). */
  backwardAt(
    s: ConvShape, pool: PoolShape | undefined, at: BackwardAt, weight: Float32Array, gradWeight: Float32Array,
    gradBias: Float32Array | undefined,
  ): void {
    const n = sizes(s, pool);
    const fn = 'convReluBackward';
    checkConv(fn, s, [['weight', weight, n.w], ['gradWeight', gradWeight, n.w], ['gradBias', gradBias, s.Cout]]);
    const [x, gy, y, dx] = [element(fn, 'x', at.x), element(fn, 'gy', at.gy), element(fn, 'y', at.y), element(fn, 'dx', at.dx)];
    const arg = pool ? element(fn, 'arg', at.arg) : 0;
    const heap = this.heap();
    this.addon.convReluBackward(
      this.isa, s.N, s.C, s.H, s.W, s.Cout, s.k, s.pad, pool?.k ?? 0, pool?.stride ?? 0, heap, x, heap, gy, heap, y,
      pool ? this.heapI32() : null, arg, weight, gradWeight, gradBias ?? null, at.dx ? heap : null, dx,
    );
  }
}
