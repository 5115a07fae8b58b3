/**
 * Loads the WebAssembly SIMD kernels (asm/kernels.ts, embedded by tools/build-wasm.mjs) and wraps
 * them for Float32Array operands. Operands live in JS memory, so each call copies them into the
 * instance's linear memory (a memcpy via Float32Array.set), runs the kernel and copies the result out.
 * Loading is synchronous (new WebAssembly.Module/Instance) so Node and browsers behave the same.
 */
import { convOutSize, type GemmOptions } from './reference.js';
import { kernelsRelaxedBase64, kernelsSimdBase64 } from './wasm-binary.js';

/** 'relaxed' uses f32x4.relaxed_madd (6x8 tiles); 'simd' uses mul+add (5x8 tiles). */
export type KernelVariant = 'relaxed' | 'simd';

// The project's lib (ES2022, no DOM) has no WebAssembly typings; this is the part we use.
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  validate(bytes: Uint8Array): boolean;
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface KernelExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  scratchBase(): number;
  gemmScratchBytes(M: number, N: number, K: number): number;
  gemm(M: number, N: number, K: number, pA: number, transA: number, pB: number, transB: number, pC: number, pP: number): void;
  addTo(n: number, src: number, dst: number): void;
  im2col(pX: number, N: number, C: number, H: number, W: number, k: number, stride: number, pad: number, pOut: number): void;
  col2im(pCols: number, N: number, C: number, H: number, W: number, k: number, stride: number, pad: number, pDx: number): void;
  relu(n: number, pX: number, pY: number): void;
  reluBackward(n: number, pY: number, pDy: number, pDx: number): void;
}

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

/** True when this runtime accepts relaxed SIMD (Node 20 needs --experimental-wasm-relaxed-simd). */
export function relaxedSimdSupported(): boolean {
  return WA.validate(binaries.relaxed);
}

const align64 = (n: number): number => (n + 63) & ~63;

function checkDims(M: number, N: number, K: number): void {
  for (const [name, v] of [['M', M], ['N', N], ['K', K]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new Error(`gemm: ${name} must be a non-negative integer, got ${v}`);
  }
}

function checkLength(name: string, arr: Float32Array, need: number, M: number, N: number, K: number): void {
  if (arr.length < need) {
    throw new Error(`gemm(M=${M}, N=${N}, K=${K}): ${name} has ${arr.length} elements, needs ${need}`);
  }
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

/** The wasm im2col/col2im may touch up to 3 floats past their buffers. */
const SLACK = 64;

/** One instance of the kernels with its own linear memory. */
export class WasmKernels {
  readonly variant: KernelVariant;
  private readonly exports: KernelExports;
  private readonly base: number;
  private f32: Float32Array;

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
    const { transA = false, transB = false, accumulate = false } = opts;
    checkDims(M, N, K);
    const sizeA = M * K, sizeB = K * N, sizeC = M * N;
    checkLength('A', A, sizeA, M, N, K);
    checkLength('B', B, sizeB, M, N, K);
    checkLength('C', C, sizeC, M, N, K);
    if (sizeC === 0) return;
    const offA = this.base;
    const offB = align64(offA + 4 * sizeA);
    const offC = align64(offB + 4 * sizeB);
    const offOld = align64(offC + 4 * sizeC);
    const offP = align64(offOld + (accumulate ? 4 * sizeC : 0));
    this.reserve(offP - this.base + this.exports.gemmScratchBytes(M, N, K));
    const f32 = this.f32;
    f32.set(A.length === sizeA ? A : A.subarray(0, sizeA), offA >> 2);
    f32.set(B.length === sizeB ? B : B.subarray(0, sizeB), offB >> 2);
    if (accumulate) f32.set(C.length === sizeC ? C : C.subarray(0, sizeC), offOld >> 2);
    this.exports.gemm(M, N, K, offA, transA ? 1 : 0, offB, transB ? 1 : 0, offC, offP);
    if (accumulate) this.exports.addTo(sizeC, offOld, offC);
    C.set(f32.subarray(offC >> 2, (offC >> 2) + sizeC));
  }

  /** im2col with im2colReference's layouts (see reference.ts). */
  im2col(input: Float32Array, N: number, C: number, H: number, W: number, k: number, stride: number, pad: number, out: Float32Array): void {
    const [sizeX, sizeCols] = convSizes('im2col', N, C, H, W, k, stride, pad);
    checkConvLength('im2col', 'input', input, sizeX);
    checkConvLength('im2col', 'out', out, sizeCols);
    const offX = this.base;
    const offCols = align64(offX + 4 * sizeX + SLACK);
    this.reserve(offCols - this.base + 4 * sizeCols + SLACK);
    const f32 = this.f32;
    f32.set(input.length === sizeX ? input : input.subarray(0, sizeX), offX >> 2);
    this.exports.im2col(offX, N, C, H, W, k, stride, pad, offCols);
    out.set(f32.subarray(offCols >> 2, (offCols >> 2) + sizeCols));
  }

  /** col2im (the adjoint of im2col, overwriting gradInput) with im2colReference's layouts. */
  col2im(cols: Float32Array, N: number, C: number, H: number, W: number, k: number, stride: number, pad: number, gradInput: Float32Array): void {
    const [sizeX, sizeCols] = convSizes('col2im', N, C, H, W, k, stride, pad);
    checkConvLength('col2im', 'cols', cols, sizeCols);
    checkConvLength('col2im', 'gradInput', gradInput, sizeX);
    const offCols = this.base;
    const offX = align64(offCols + 4 * sizeCols + SLACK);
    this.reserve(offX - this.base + 4 * sizeX + SLACK);
    const f32 = this.f32;
    f32.set(cols.length === sizeCols ? cols : cols.subarray(0, sizeCols), offCols >> 2);
    this.exports.col2im(offCols, N, C, H, W, k, stride, pad, offX);
    gradInput.set(f32.subarray(offX >> 2, (offX >> 2) + sizeX));
  }

  /** y[i] = max(x[i], 0) for i < x.length (NaN stays NaN). */
  relu(x: Float32Array, y: Float32Array): void {
    const n = x.length;
    checkConvLength('relu', 'y', y, n);
    const offX = this.base;
    const offY = align64(offX + 4 * n + SLACK);
    this.reserve(offY - this.base + 4 * n + SLACK);
    const f32 = this.f32;
    f32.set(x, offX >> 2);
    this.exports.relu(n, offX, offY);
    y.set(f32.subarray(offY >> 2, (offY >> 2) + n));
  }

  /** dx[i] = y[i] != 0 ? dy[i] : 0 for i < dy.length, y being relu's output. */
  reluBackward(y: Float32Array, dy: Float32Array, dx: Float32Array): void {
    const n = dy.length;
    checkConvLength('reluBackward', 'y', y, n);
    checkConvLength('reluBackward', 'dx', dx, n);
    const offY = this.base;
    const offDy = align64(offY + 4 * n + SLACK);
    const offDx = align64(offDy + 4 * n + SLACK);
    this.reserve(offDx - this.base + 4 * n + SLACK);
    const f32 = this.f32;
    f32.set(y.length === n ? y : y.subarray(0, n), offY >> 2);
    f32.set(dy, offDy >> 2);
    this.exports.reluBackward(n, offY, offDy, offDx);
    dx.set(f32.subarray(offDx >> 2, (offDx >> 2) + n));
  }
}
