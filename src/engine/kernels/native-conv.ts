/**
 * The native Conv2d (native/src/conv.c) for stride 1 and pad <= k-1: each image zero-padded once and read at shifted
 * offsets per tap, no im2col; the input gradient is the forward conv of the padded output gradient with the flipped
 * weights. Other geometries stay on the WebAssembly methods (NativeBackend falls back). Activations are passed as
 * (array, element offset): the caller's arrays for the copying ops, the WebAssembly heap for the At ops, which then
 * run in place on a plan's resident activations.
 */
import { checkConv, type ConvBackwardAt, type ConvForwardAt, type ConvShape } from './conv.js';
import { convOutSize } from './im2col.js';
import { heapElement as element, type NativeAddon, type NativeIsa } from './native-addon.js';

/** Whether the native conv runs this problem (empty ones, e.g. no images, go to WebAssembly). */
export const nativeConvFits = (s: ConvShape): boolean => s.stride === 1 && s.pad <= s.k - 1 && s.N * s.C * s.H * s.W > 0;

const sizes = (s: ConvShape): { x: number; w: number; out: number } => ({
  x: s.N * s.C * s.H * s.W,
  w: s.Cout * s.C * s.k * s.k,
  out: s.N * s.Cout * convOutSize(s.H, s.k, 1, s.pad) * convOutSize(s.W, s.k, 1, s.pad),
});

/** A native backend's conv entry points (NativeBackend delegates here when nativeConvFits). */
export class NativeConv {
  constructor(
    private readonly addon: NativeAddon,
    private readonly isa: NativeIsa,
  ) {}

  /** As conv2dForwardReference, on the caller's arrays. */
  forward(s: ConvShape, input: Float32Array, weight: Float32Array, bias: Float32Array | undefined, out: Float32Array): void {
    const n = sizes(s);
    checkConv('conv2dForward', s, [['input', input, n.x], ['weight', weight, n.w], ['bias', bias, s.Cout], ['out', out, n.out]]);
    this.addon.conv2dForward(this.isa, s.N, s.C, s.H, s.W, s.Cout, s.k, s.pad, input, 0, weight, bias ?? null, out, 0);
  }

  /** As conv2dBackwardReference: gradWeight, gradBias accumulate; gradInput is overwritten. */
  backward(
    s: ConvShape, input: Float32Array, gradOut: Float32Array, weight: Float32Array, gradWeight: Float32Array,
    gradBias: Float32Array | undefined, gradInput: Float32Array | undefined,
  ): void {
    const n = sizes(s);
    checkConv('conv2dBackward', s, [
      ['input', input, n.x], ['gradOut', gradOut, n.out], ['weight', weight, n.w], ['gradWeight', gradWeight, n.w],
      ['gradBias', gradBias, s.Cout], ['gradInput', gradInput, n.x],
    ]);
    this.addon.conv2dBackward(
      this.isa, s.N, s.C, s.H, s.W, s.Cout, s.k, s.pad, input, 0, gradOut, 0, weight, gradWeight, gradBias ?? null, gradInput ?? null, 0,
    );
  }

  /** forward on activations at byte offsets of `heap` (the addon checks each span against it). */
  forwardAt(heap: Float32Array, s: ConvShape, at: ConvForwardAt, weight: Float32Array, bias: Float32Array | undefined): void {
    const n = sizes(s);
    checkConv('conv2dForward', s, [['weight', weight, n.w], ['bias', bias, s.Cout]]);
    const x = element('conv2dForward', 'x', at.x), out = element('conv2dForward', 'out', at.out);
    this.addon.conv2dForward(this.isa, s.N, s.C, s.H, s.W, s.Cout, s.k, s.pad, heap, x, weight, bias ?? null, heap, out);
  }

  /** backward on activations at byte offsets of `heap` (at.dx 0: no input gradient). */
  backwardAt(
    heap: Float32Array, s: ConvShape, at: ConvBackwardAt, weight: Float32Array, gradWeight: Float32Array, gradBias: Float32Array | undefined,
  ): void {
    const n = sizes(s);
    checkConv('conv2dBackward', s, [['weight', weight, n.w], ['gradWeight', gradWeight, n.w], ['gradBias', gradBias, s.Cout]]);
    const fn = 'conv2dBackward';
    const [x, gy, dx] = [element(fn, 'x', at.x), element(fn, 'gy', at.gy), element(fn, 'dx', at.dx)];
    this.addon.conv2dBackward(
      this.isa, s.N, s.C, s.H, s.W, s.Cout, s.k, s.pad, heap, x, heap, gy, weight, gradWeight, gradBias ?? null, at.dx ? heap : null, dx,
    );
  }
}
