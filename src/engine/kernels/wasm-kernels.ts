/**
 * Loads the WebAssembly SIMD kernels (asm/kernels.ts, embedded by tools/build-wasm.mjs) and wraps
 * them for Float32Array operands. Operands live in JS memory, so each call copies them into the
 * instance's linear memory (a memcpy via Float32Array.set), runs the kernel and copies the result out.
 * Loading is synchronous (new WebAssembly.Module/Instance) so Node and browsers behave the same.
 */
import { convDims, convOutSize, type AdamStepOptions, type ConvShape, type GemmOptions } from './reference.js';
import { kernelsRelaxedBase64, kernelsSimdBase64 } from './wasm-binary.js';
import type { KernelExports } from './wasm-exports.js';

/** 'relaxed' uses f32x4.relaxed_madd (6x8 tiles); 'simd' uses mul+add (5x8 tiles). */
export type KernelVariant = 'relaxed' | 'simd';

// The project's lib (ES2022, no DOM) has no WebAssembly typings; this is the part we use.
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  validate(bytes: Uint8Array): boolean;
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

function decodeBase64(b64: string): Uint8Array {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

const binaries: Record<KernelVariant, Uint8Array> = {
  relaxed: decodeBase64(kernelsRelaxedBase64),
  simd: decodeBase64(kernelsSimdBase64),
};

/** The WebAssembly binary of a variant (its hash names the kernel build in run ids). */
export function kernelBinary(variant: KernelVariant): Uint8Array {
  return binaries[variant];
}

/** True when this runtime accepts relaxed SIMD (Node 20 needs --experimental-wasm-relaxed-simd). */
export function relaxedSimdSupported(): boolean {
  return WA.validate(binaries.relaxed);
}

const align64 = (n: number): number => (n + 63) & ~63;

/** Elements a strided operand spans: `batch` matrices of `size`, `stride` apart (0: one shared matrix). */
function span(batch: number, size: number, stride: number): number {
  return stride === 0 ? size : (batch - 1) * stride + size;
}

/**
 * Validates a (batched) GEMM call, throwing an error that names the bad argument; returns the element
 * spans of A, B and C.
 */
export function checkGemm(
  fn: string, batch: number, M: number, N: number, K: number, A: Float32Array, strideA: number, B: Float32Array,
  strideB: number, C: Float32Array, strideC: number,
): [number, number, number] {
  const where = `${fn}(${fn === 'gemm' ? '' : `batch=${batch}, `}M=${M}, N=${N}, K=${K})`;
  for (const [name, v] of [['batch', batch], ['M', M], ['N', N], ['K', K], ['strideA', strideA], ['strideB', strideB], ['strideC', strideC]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new Error(`${fn}: ${name} must be a non-negative integer, got ${v}`);
  }
  if (strideC !== 0 && strideC < M * N && batch > 1) {
    throw new Error(`${where}: strideC ${strideC} would overlap outputs (use 0 to sum, or >= M*N = ${M * N})`);
  }
  const sizeA = span(batch, M * K, strideA), sizeB = span(batch, K * N, strideB), sizeC = span(batch, M * N, strideC);
  for (const [name, arr, need] of [['A', A, sizeA], ['B', B, sizeB], ['C', C, sizeC]] as const) {
    if (arr.length < need) throw new Error(`${where}: ${name} has ${arr.length} elements, needs ${need}`);
  }
  return [sizeA, sizeB, sizeC];
}

/** Validates an im2col/col2im geometry; returns [input elements, cols elements]. */
function convSizes(
  fn: string, N: number, C: number, H: number, W: number, k: number, stride: number, pad: number,
): [number, number] {
  for (const [name, v] of [['N', N], ['C', C], ['H', H], ['W', W], ['k', k], ['stride', stride], ['pad', pad]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new Error(`${fn}: ${name} must be a non-negative integer, got ${v}`);
  }
  const rows = N * convOutSize(H, k, stride, pad) * convOutSize(W, k, stride, pad);
  return [N * C * H * W, rows * C * k * k];
}

function checkConvLength(fn: string, name: string, arr: Float32Array, need: number): void {
  if (arr.length < need) throw new Error(`${fn}: ${name} has ${arr.length} elements, needs ${need}`);
}

/** Bytes after each region: im2col/col2im/relu touch up to 3 floats past their buffers, GEMM edge tiles read up to 7. */
const SLACK = 64;

/**
 * One instance of the kernels with its own linear memory. `exports`, `heap`, `layout`, `checkConv` and
 * `gemmScratch` are for the kernel wrappers of this folder (wasm-conv.ts, wasm-conv-relu.ts, wasm-dropout.ts,
 * wasm-adam.ts).
 */
export class WasmKernels {
  readonly variant: KernelVariant;
  readonly exports: KernelExports;
  /** Start of the scratch area: above the long-lived regions of allocate(). */
  private base: number;
  private f32: Float32Array;
  /** Released long-lived regions by size in bytes, for reuse. */
  private readonly released = new Map<number, number[]>();

  constructor(variant: KernelVariant) {
    if (variant === 'relaxed' && !relaxedSimdSupported()) {
      throw new Error('WasmKernels: relaxed SIMD is not enabled in this runtime (Node 20: --experimental-wasm-relaxed-simd)');
    }
    const instance = new WA.Instance(new WA.Module(binaries[variant]), {});
    this.variant = variant;
    this.exports = instance.exports as unknown as KernelExports;
    this.base = this.exports.scratchBase();
    this.f32 = new Float32Array(this.exports.memory.buffer);
  }

  /** Grows linear memory to hold `bytes` above the scratch base; views are re-created after growth. */
  private reserve(bytes: number): void {
    const memory = this.exports.memory;
    const need = this.base + bytes;
    if (need > memory.buffer.byteLength) {
      memory.grow(Math.ceil((need - memory.buffer.byteLength) / 65536));
    }
    if (this.f32.buffer !== memory.buffer) this.f32 = new Float32Array(memory.buffer);
  }

  /** C[M,N] (+)= op(A)[M,K] op(B)[K,N]; same contract as gemmReference. */
  gemm(M: number, N: number, K: number, A: Float32Array, B: Float32Array, C: Float32Array, opts: GemmOptions = {}): void {
    this.run('gemm', 1, M, N, K, A, 0, B, 0, C, 0, opts);
  }

  /** Strided batched GEMM; same contract as gemmBatchedReference. */
  gemmBatched(
    batch: number, M: number, N: number, K: number, A: Float32Array, strideA: number, B: Float32Array, strideB: number,
    C: Float32Array, strideC: number, opts: GemmOptions = {},
  ): void {
    this.run('gemmBatched', batch, M, N, K, A, strideA, B, strideB, C, strideC, opts);
  }

  private run(
    fn: string, batch: number, M: number, N: number, K: number, A: Float32Array, strideA: number, B: Float32Array,
    strideB: number, C: Float32Array, strideC: number, opts: GemmOptions,
  ): void {
    const { transA = false, transB = false, accumulate = false } = opts;
    const [sizeA, sizeB, sizeC] = checkGemm(fn, batch, M, N, K, A, strideA, B, strideB, C, strideC);
    if (batch === 0 || M * N === 0) return;
    const offA = this.base;
    const offB = align64(offA + 4 * sizeA);
    const offC = align64(offB + 4 * sizeB);
    const offOld = align64(offC + 4 * sizeC);
    const offT = align64(offOld + (accumulate ? 4 * sizeC : 0));
    const offS = align64(offT + (strideC === 0 && batch > 1 ? 4 * M * N : 0));
    this.reserve(offS - this.base + this.exports.gemmScratchBytes(M, N, K));
    const f32 = this.f32;
    f32.set(A.length === sizeA ? A : A.subarray(0, sizeA), offA >> 2);
    f32.set(B.length === sizeB ? B : B.subarray(0, sizeB), offB >> 2);
    if (accumulate) f32.set(C.length === sizeC ? C : C.subarray(0, sizeC), offOld >> 2);
    this.exports.gemmBatched(
      batch, M, N, K, offA, 4 * strideA, transA ? 1 : 0, offB, 4 * strideB, transB ? 1 : 0, offC, 4 * strideC, offS, offT,
    );
    if (accumulate) this.exports.addTo(sizeC, offOld, offC);
    if (batch > 1 && strideC > M * N) {
      // Only the matrices are results: C's elements between them stay as they were.
      for (let i = 0; i < batch; i++) {
        const at = (offC >> 2) + i * strideC;
        C.set(f32.subarray(at, at + M * N), i * strideC);
      }
    } else {
      C.set(f32.subarray(offC >> 2, (offC >> 2) + sizeC));
    }
  }

  /** im2col with im2colReference's layouts (see reference.ts). */
  im2col(input: Float32Array, N: number, C: number, H: number, W: number, k: number, stride: number, pad: number, out: Float32Array): void {
    const [sizeX, sizeCols] = convSizes('im2col', N, C, H, W, k, stride, pad);
    checkConvLength('im2col', 'input', input, sizeX);
    checkConvLength('im2col', 'out', out, sizeCols);
    const [offX, offCols] = this.layout([sizeX, sizeCols]);
    this.f32.set(input.subarray(0, sizeX), offX >> 2);
    this.exports.im2col(offX, N, C, H, W, k, stride, pad, offCols);
    out.set(this.f32.subarray(offCols >> 2, (offCols >> 2) + sizeCols));
  }

  /** col2im (the adjoint of im2col, overwriting gradInput) with im2colReference's layouts. */
  col2im(cols: Float32Array, N: number, C: number, H: number, W: number, k: number, stride: number, pad: number, gradInput: Float32Array): void {
    const [sizeX, sizeCols] = convSizes('col2im', N, C, H, W, k, stride, pad);
    checkConvLength('col2im', 'cols', cols, sizeCols);
    checkConvLength('col2im', 'gradInput', gradInput, sizeX);
    const [offCols, offX] = this.layout([sizeCols, sizeX]);
    this.f32.set(cols.subarray(0, sizeCols), offCols >> 2);
    this.exports.col2im(offCols, N, C, H, W, k, stride, pad, offX);
    gradInput.set(this.f32.subarray(offX >> 2, (offX >> 2) + sizeX));
  }

  /** Max pooling with argmax; as maxPool2dReference. */
  maxPool2d(planes: number, H: number, W: number, k: number, stride: number, input: Float32Array, out: Float32Array, argmax: Int32Array): void {
    const [sizeX] = convSizes('maxPool2d', planes, 1, H, W, k, stride, 0);
    const sizeOut = planes * convOutSize(H, k, stride, 0) * convOutSize(W, k, stride, 0);
    checkConvLength('maxPool2d', 'input', input, sizeX);
    checkConvLength('maxPool2d', 'out', out, sizeOut);
    if (argmax.length < sizeOut) throw new Error(`maxPool2d: argmax has ${argmax.length} elements, needs ${sizeOut}`);
    const [offX, offOut, offArg] = this.layout([sizeX, sizeOut, sizeOut]);
    this.f32.set(input.subarray(0, sizeX), offX >> 2);
    this.exports.maxPool2d(planes, H, W, k, stride, offX, offOut, offArg);
    out.set(this.f32.subarray(offOut >> 2, (offOut >> 2) + sizeOut));
    argmax.set(new Int32Array(this.f32.buffer, offArg, sizeOut));
  }

  /** reluBackward on n floats at byte offsets of linear memory (dx may be dy). */
  reluBackwardAt(n: number, y: number, dy: number, dx: number): void {
    this.exports.reluBackward(n, y, dy, dx);
  }

  /** addRelu on n floats at byte offsets of linear memory (y may be a or b). */
  addReluAt(relu: boolean, n: number, a: number, b: number, y: number): void {
    this.exports.addRelu(n, relu ? 1 : 0, a, b, y);
  }

  /** One Adam step, w, m and v updated in place; as adamStepReference. */
  adamStep(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, o: AdamStepOptions): void {
    const n = w.length;
    for (const [name, arr] of [['g', g], ['m', m], ['v', v]] as const) checkConvLength('adamStep', name, arr, n);
    const [offW, offG, offM, offV] = this.layout([n, n, n, n]);
    const f32 = this.f32;
    f32.set(w, offW >> 2);
    f32.set(g.subarray(0, n), offG >> 2);
    f32.set(m.subarray(0, n), offM >> 2);
    f32.set(v.subarray(0, n), offV >> 2);
    this.exports.adamStep(
      n, offW, offG, offM, offV, o.beta1, 1 - o.beta1, o.beta2, 1 - o.beta2, o.stepSize, o.invC2, o.eps, o.weightDecay,
    );
    w.set(f32.subarray(offW >> 2, (offW >> 2) + n));
    m.set(f32.subarray(offM >> 2, (offM >> 2) + n));
    v.set(f32.subarray(offV >> 2, (offV >> 2) + n));
  }

  /**
   * A long-lived region of `floats` floats (zeroed) below the scratch area, for state only kernels read between
   * calls; returns its byte offset. A released region of the same size is reused, else the scratch area moves up.
   */
  allocate(floats: number): number {
    const bytes = align64(4 * floats + SLACK);
    let at = this.released.get(bytes)?.pop();
    if (at === undefined) {
      at = this.base;
      this.base += bytes;
      this.reserve(0);
    }
    this.f32.fill(0, at >> 2, (at + bytes) >> 2);
    return at;
  }

  /** Gives back a region of allocate(floats) for reuse. */
  release(offset: number, floats: number): void {
    const bytes = align64(4 * floats + SLACK);
    const list = this.released.get(bytes);
    if (list) list.push(offset);
    else this.released.set(bytes, [offset]);
  }

  /** The current view of linear memory (re-created when layout grows it). */
  get heap(): Float32Array {
    return this.f32;
  }

  /**
   * Lays out consecutive regions of the given float counts (each followed by slack) in the scratch area, from `from`
   * (default: its start; pass the end of an earlier layout of the same call to keep both); the returned array has
   * one more entry, the end.
   */
  layout(sizes: number[], from = this.base): number[] {
    const offs: number[] = [];
    let at = from;
    for (const n of sizes) {
      offs.push(at);
      at = align64(at + 4 * n + SLACK);
    }
    offs.push(at);
    this.reserve(at - this.base);
    return offs;
  }

  checkConv(fn: string, s: ConvShape, arrays: [string, Float32Array | undefined, number][]): [number, number, number] {
    const { N, C, H, W, Cout, k, stride, pad } = s;
    convSizes(fn, N, C, H, W, k, stride, pad);
    if (!Number.isInteger(Cout) || Cout < 1) throw new Error(`${fn}: Cout must be a positive integer, got ${Cout}`);
    for (const [name, arr, need] of arrays) if (arr) checkConvLength(fn, name, arr, need);
    return convDims(s);
  }

  gemmScratch(shapes: [number, number, number][]): number {
    return Math.max(...shapes.map(([M, N, K]) => this.exports.gemmScratchBytes(M, N, K))) / 4;
  }
}
