/**
 * The native backend (issue 19): the N-API addon built from native/ at install (tools/build-native.mjs) runs GEMM,
 * Adam, the elementwise ops, max pooling, dropout, the stride-1 convs (native-conv.ts), their fused conv -> ReLU
 * (-> pool) blocks (native-conv-relu.ts) and BatchNorm (native-norm.ts) with AVX-512 or AVX2(+FMA) kernels chosen at
 * run time by what the CPU has, in place on the Float32Arrays, and the resident (At) ops in place on the WebAssembly
 * heap, where a plan keeps its activations; the other ops (strided convs and their fused blocks) run on WebAssembly
 * (NativeBackend extends WasmBackend), so it is a whole Backend. Loading never throws: nativeStatus() says why the
 * addon is unavailable (not built, not Node, no AVX2, PAIRNET_NATIVE=off), and callers fall back to WebAssembly. The
 * browser never has it.
 */
import type { AdamStepOptions } from './adam.js';
import type { AdamState } from './backend.js';
import type { NormBackwardAt, NormForwardAt, NormForwardOptions, NormOptions, NormShape, XhatAt } from './batchnorm.js';
import { checkLength } from './check.js';
import type { ConvBackwardAt, ConvForwardAt, ConvShape } from './conv.js';
import type { BackwardAt, ForwardAt, PoolShape } from './conv-relu.js';
import { checkGemm, type GemmOptions } from './gemm.js';
import { DROPOUT_SEED_WORDS } from './dropout.js';
import { checkMaxPool2d } from './pool.js';
import type { KernelVariant } from './wasm/instance.js';
import { WasmBackend } from './wasm-backend.js';
import { heapElement, loadAddon, type NativeAddon, type NativeIsa } from './native-addon.js';
import { NativeConv, nativeConvFits } from './native-conv.js';
import { NativeConvRelu, nativeConvReluFits } from './native-conv-relu.js';
import { NativeNorm } from './native-norm.js';

export { nativeStatus, type NativeIsa, type NativeStatus } from './native-addon.js';

/** native/src/elementwise.h's op codes. */
const OP = { relu: 0, reluBackward: 1, add: 2, addRelu: 3, leakyRelu: 4, leakyReluBackward: 5, multiply: 6 } as const;

/** Adam's moments as Float32Arrays the native step updates in place (no copies). */
class NativeAdamState implements AdamState {
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];

  constructor(
    private readonly backend: NativeBackend,
    sizes: readonly number[],
  ) {
    this.m = sizes.map((n) => new Float32Array(n));
    this.v = sizes.map((n) => new Float32Array(n));
  }

  step(p: number, w: Float32Array, g: Float32Array, o: AdamStepOptions): void {
    const n = this.m[p].length;
    if (w.length !== n || g.length < n) throw new Error(`adamStep: parameter ${p} has ${n} elements, got w ${w.length}, g ${g.length}`);
    this.backend.adamStep(w, g, this.m[p], this.v[p], o);
  }

  dispose(): void {
    this.m.length = this.v.length = 0;
  }
}

/**
 * GEMM and Adam on the native kernels, the rest on WebAssembly (`variant`'s build). `isa` picks the kernels (default: the
 * best this CPU has; asking for more than it has throws). Throws when the addon is unavailable (nativeStatus()).
 */
export class NativeBackend extends WasmBackend {
  readonly isa: NativeIsa;
  private readonly addon: NativeAddon;
  private readonly conv: NativeConv;
  private readonly convRelu: NativeConvRelu;
  private readonly norm: NativeNorm;

  constructor(variant: KernelVariant, isa?: NativeIsa) {
    const a = loadAddon();
    if ('reason' in a) throw new Error(`native backend: ${a.reason}`);
    if (isa === 'avx512' && a.isa !== 'avx512') throw new Error(`native backend: this CPU has no AVX-512 (best: ${a.isa})`);
    super(variant);
    this.addon = a.addon;
    this.isa = isa ?? a.isa;
    this.conv = new NativeConv(this.addon, this.isa);
    this.convRelu = new NativeConvRelu(this.addon, this.isa, () => this.heap);
    this.norm = new NativeNorm(this.addon, () => this.heap);
  }

  override get name(): string {
    return `native-${this.isa}+wasm-${this.variant}`;
  }

  override gemm(M: number, N: number, K: number, A: Float32Array, B: Float32Array, C: Float32Array, opts: GemmOptions = {}): void {
    this.gemmBatched(1, M, N, K, A, 0, B, 0, C, 0, opts, 'gemm');
  }

  override gemmBatched(
    batch: number, M: number, N: number, K: number, A: Float32Array, strideA: number, B: Float32Array, strideB: number,
    C: Float32Array, strideC: number, opts: GemmOptions = {}, fn = 'gemmBatched',
  ): void {
    checkGemm(fn, batch, M, N, K, A, strideA, B, strideB, C, strideC);
    const { transA = false, transB = false, accumulate = false } = opts;
    this.addon.gemmBatched(
      this.isa, batch, M, N, K, A, strideA, transA ? 1 : 0, B, strideB, transB ? 1 : 0, C, strideC, accumulate ? 1 : 0,
    );
  }

  /** In place; the same bits as the WebAssembly kernel (the same float32 operations in the same order). */
  override adamStep(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, o: AdamStepOptions): void {
    for (const [name, arr] of [['g', g], ['m', m], ['v', v]] as const) checkLength('adamStep', name, arr, w.length);
    this.addon.adamStep(
      this.isa, w, g, m, v, o.beta1, 1 - o.beta1, o.beta2, 1 - o.beta2, o.stepSize, o.invC2, o.eps, o.weightDecay,
    );
  }

  override adamMoments(sizes: readonly number[]): AdamState {
    return new NativeAdamState(this, sizes);
  }

  /** `op` on n = a.length elements, in place; b and out must be as long (errors as the wasm binding's). */
  private elementwise(
    fn: string, op: number, a: Float32Array, b: [string, Float32Array] | undefined, [outName, out]: [string, Float32Array], slope = 0,
  ): void {
    if (b) checkLength(fn, b[0], b[1], a.length);
    checkLength(fn, outName, out, a.length);
    this.addon.elementwise(op, a.length, a, b ? b[1] : a, out, slope);
  }

  override relu(x: Float32Array, y: Float32Array): void {
    this.elementwise('relu', OP.relu, x, undefined, ['y', y]);
  }

  override reluBackward(y: Float32Array, dy: Float32Array, dx: Float32Array): void {
    // The op reads y then dy: n is dy's length, as the reference's.
    checkLength('reluBackward', 'y', y, dy.length);
    checkLength('reluBackward', 'dx', dx, dy.length);
    this.addon.elementwise(OP.reluBackward, dy.length, y, dy, dx, 0);
  }

  override addRelu(relu: boolean, a: Float32Array, b: Float32Array, y: Float32Array): void {
    this.elementwise('addRelu', relu ? OP.addRelu : OP.add, a, ['b', b], ['y', y]);
  }

  override leakyRelu(slope: number, x: Float32Array, y: Float32Array): void {
    this.elementwise('leakyRelu', OP.leakyRelu, x, undefined, ['y', y], slope);
  }

  override leakyReluBackward(slope: number, x: Float32Array, dy: Float32Array, dx: Float32Array): void {
    checkLength('leakyReluBackward', 'x', x, dy.length);
    checkLength('leakyReluBackward', 'dx', dx, dy.length);
    this.addon.elementwise(OP.leakyReluBackward, dy.length, x, dy, dx, slope);
  }

  override multiply(a: Float32Array, b: Float32Array, out: Float32Array): void {
    this.elementwise('multiply', OP.multiply, a, ['b', b], ['out', out]);
  }

  override maxPool2d(
    planes: number, H: number, W: number, k: number, stride: number, input: Float32Array, out: Float32Array, argmax: Int32Array,
  ): void {
    checkMaxPool2d(planes, H, W, k, stride, input, out, argmax);
    this.addon.maxPool2d(planes, H, W, k, stride, input, out, argmax);
  }

  override dropoutForward(
    seed: ArrayLike<number>, threshold: number, scale: number, x: Float32Array, y: Float32Array, mask: Float32Array,
  ): void {
    if (seed.length !== DROPOUT_SEED_WORDS) throw new Error(`dropoutForward: seed has ${seed.length} words, needs ${DROPOUT_SEED_WORDS}`);
    checkLength('dropoutForward', 'y', y, x.length);
    checkLength('dropoutForward', 'mask', mask, x.length);
    this.addon.dropoutForward(seed instanceof Int32Array ? seed : Int32Array.from(seed), threshold, scale, x, y, mask);
  }

  override conv2dForward(s: ConvShape, input: Float32Array, weight: Float32Array, bias: Float32Array | undefined, out: Float32Array): void {
    if (nativeConvFits(s)) this.conv.forward(s, input, weight, bias, out);
    else super.conv2dForward(s, input, weight, bias, out);
  }

  override conv2dBackward(
    s: ConvShape, input: Float32Array, gradOut: Float32Array, weight: Float32Array, gradWeight: Float32Array,
    gradBias: Float32Array | undefined, gradInput: Float32Array | undefined,
  ): void {
    if (nativeConvFits(s)) this.conv.backward(s, input, gradOut, weight, gradWeight, gradBias, gradInput);
    else super.conv2dBackward(s, input, gradOut, weight, gradWeight, gradBias, gradInput);
  }

  override conv2dForwardAt(s: ConvShape, at: ConvForwardAt, weight: Float32Array, bias: Float32Array | undefined, from?: number): void {
    if (nativeConvFits(s)) this.conv.forwardAt(this.heap, s, at, weight, bias);
    else super.conv2dForwardAt(s, at, weight, bias, from);
  }

  override conv2dBackwardAt(
    s: ConvShape, at: ConvBackwardAt, weight: Float32Array, gradWeight: Float32Array, gradBias: Float32Array | undefined, from?: number,
  ): void {
    if (nativeConvFits(s)) this.conv.backwardAt(this.heap, s, at, weight, gradWeight, gradBias);
    else super.conv2dBackwardAt(s, at, weight, gradWeight, gradBias, from);
  }

  override convReluForward(
    s: ConvShape, pool: PoolShape | undefined, input: Float32Array, weight: Float32Array, bias: Float32Array | undefined,
    out: Float32Array, argmax: Int32Array | undefined,
  ): void {
    if (nativeConvReluFits(s, pool)) this.convRelu.forward(s, pool, input, weight, bias, out, argmax);
    else super.convReluForward(s, pool, input, weight, bias, out, argmax);
  }

  override convReluBackward(
    s: ConvShape, pool: PoolShape | undefined, input: Float32Array, gradOut: Float32Array, out: Float32Array,
    argmax: Int32Array | undefined, weight: Float32Array, gradWeight: Float32Array, gradBias: Float32Array | undefined,
    gradInput: Float32Array | undefined,
  ): void {
    if (nativeConvReluFits(s, pool)) this.convRelu.backward(s, pool, input, gradOut, out, argmax, weight, gradWeight, gradBias, gradInput);
    else super.convReluBackward(s, pool, input, gradOut, out, argmax, weight, gradWeight, gradBias, gradInput);
  }

  override convReluForwardAt(
    s: ConvShape, pool: PoolShape | undefined, at: ForwardAt, weight: Float32Array, bias: Float32Array | undefined, from?: number,
  ): void {
    if (nativeConvReluFits(s, pool)) this.convRelu.forwardAt(s, pool, at, weight, bias);
    else super.convReluForwardAt(s, pool, at, weight, bias, from);
  }

  override convReluBackwardAt(
    s: ConvShape, pool: PoolShape | undefined, at: BackwardAt, weight: Float32Array, gradWeight: Float32Array,
    gradBias: Float32Array | undefined, from?: number,
  ): void {
    if (nativeConvReluFits(s, pool)) this.convRelu.backwardAt(s, pool, at, weight, gradWeight, gradBias);
    else super.convReluBackwardAt(s, pool, at, weight, gradWeight, gradBias, from);
  }

  override batchnormForward(
    s: NormShape, o: NormForwardOptions, x: Float32Array, gamma: Float32Array, beta: Float32Array, runningMean: Float32Array,
    runningVar: Float32Array, xhat: XhatAt, y: Float32Array, invStd: Float32Array,
  ): void {
    this.norm.forward(s, o, x, gamma, beta, runningMean, runningVar, xhat, y, invStd);
  }

  override batchnormBackward(
    s: NormShape, o: NormOptions, gy: Float32Array, xhat: XhatAt, gamma: Float32Array, beta: Float32Array,
    invStd: Float32Array, dgamma: Float32Array, dbeta: Float32Array, dx: Float32Array,
  ): void {
    this.norm.backward(s, o, gy, xhat, gamma, beta, invStd, dgamma, dbeta, dx);
  }

  override batchnormForwardAt(
    s: NormShape, o: NormForwardOptions, at: NormForwardAt, gamma: Float32Array, beta: Float32Array, runningMean: Float32Array,
    runningVar: Float32Array, invStd: Float32Array,
  ): void {
    this.norm.forwardAt(s, o, at, gamma, beta, runningMean, runningVar, invStd);
  }

  override batchnormBackwardAt(
    s: NormShape, o: NormOptions, at: NormBackwardAt, gamma: Float32Array, beta: Float32Array, invStd: Float32Array,
    dgamma: Float32Array, dbeta: Float32Array,
  ): void {
    this.norm.backwardAt(s, o, at, gamma, beta, invStd, dgamma, dbeta);
  }

  /** n elements of the heap from a byte offset, as a view (no copy; the addon checks n against its length). */
  private view(fn: string, name: string, byteOffset: number, n: number): Float32Array {
    const at = heapElement(fn, name, byteOffset);
    return this.heap.subarray(at, at + n);
  }

  override reluBackwardAt(n: number, y: number, dy: number, dx: number): void {
    const fn = 'reluBackwardAt';
    this.addon.elementwise(OP.reluBackward, n, this.view(fn, 'y', y, n), this.view(fn, 'dy', dy, n), this.view(fn, 'dx', dx, n), 0);
  }

  override addReluAt(relu: boolean, n: number, a: number, b: number, y: number): void {
    const fn = 'addReluAt';
    this.addon.elementwise(relu ? OP.addRelu : OP.add, n, this.view(fn, 'a', a, n), this.view(fn, 'b', b, n), this.view(fn, 'y', y, n), 0);
  }
}
