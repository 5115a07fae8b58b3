/**
 * GEMM section of `npm run bench`: GFLOPS per shape of the WebAssembly kernels (each variant this
 * runtime supports), of the native addon's (each instruction set the CPU has, where built), of the engine's
 * dispatching gemm(), and of the TypeScript reference.
 * Shapes are ConvSepNet's (DigitNet branch on a batch of 25 pairs = 50 images) forward and backward
 * GEMMs plus the target shapes. Timings include the copies into and out of wasm memory and
 * are CPU time of this single-threaded process, so they are per-core figures even on a busy machine.
 */
import {
  defaultBackend, gemmBatchedReference, gemmBatchedWasm, gemmReference, gemmWasm, NativeBackend, nativeStatus,
  relaxedSimdSupported, WasmBackend, type KernelVariant, type NativeIsa,
} from '../src/engine/kernels/index.js';
import { bestMs } from './timing.js';

export interface GemmShape {
  name: string;
  M: number;
  N: number;
  K: number;
  transA?: boolean;
  transB?: boolean;
  /** A strided batched product (gemmBatched) of this many matrices, with element strides [A, B, C]. */
  batch?: number;
  strides?: [number, number, number];
}

// conv1 1->12 k3 on 14x14 (50 images, 12x12 out), conv2 12->32 k3 (10x10 out), fc1 800->100, fc2 100->10.
// Conv as GEMM: rows (n,oh,ow), K = (c,ki,kj); fwd out = cols W^T, dW = dY^T cols, dcols = dY W.
export const GEMM_SHAPES: GemmShape[] = [
  { name: 'target (2500,32,108)', M: 2500, N: 32, K: 108 },
  // Issue 19's second GEMM figure: a square product, where packing costs least per flop.
  { name: 'target 256^3', M: 256, N: 256, K: 256 },
  { name: 'target (25,100,800)', M: 25, N: 100, K: 800 },
  { name: 'target (50,800,100)', M: 50, N: 800, K: 100 },
  { name: 'conv1 fwd', M: 7200, N: 12, K: 9, transB: true },
  { name: 'conv1 dW', M: 12, N: 9, K: 7200, transA: true },
  { name: 'conv2 fwd', M: 5000, N: 32, K: 108, transB: true },
  { name: 'conv2 dW', M: 32, N: 108, K: 5000, transA: true },
  { name: 'conv2 dcols', M: 5000, N: 108, K: 32 },
  // The same conv2 products per image, straight into NCHW with gemmBatched (no transposes needed).
  { name: 'conv2 fwd NCHW', batch: 50, M: 32, N: 100, K: 108, transB: true, strides: [0, 10800, 3200] },
  { name: 'conv2 dW NCHW', batch: 50, M: 32, N: 108, K: 100, strides: [3200, 10800, 0] },
  { name: 'conv2 dcols NCHW', batch: 50, M: 100, N: 108, K: 32, transA: true, strides: [3200, 0, 10800] },
  { name: 'fc1 fwd', M: 50, N: 100, K: 800, transB: true },
  { name: 'fc1 dW', M: 100, N: 800, K: 50, transA: true },
  { name: 'fc1 dX', M: 50, N: 800, K: 100 },
  { name: 'fc2 fwd', M: 50, N: 10, K: 100, transB: true },
  { name: 'fc2 dW', M: 10, N: 100, K: 50, transA: true },
  { name: 'fc2 dX', M: 50, N: 100, K: 10 },
];

export interface GemmFigure {
  name: string;
  batch: number;
  M: number;
  N: number;
  K: number;
  transA: boolean;
  transB: boolean;
  /**
   * GFLOPS (2MNK / time) per implementation: 'reference', 'gemm' (engine dispatch), 'wasm-simd', 'wasm-relaxed' (all
   * three copying operands in and out), 'resident' (the relaxed kernel on operands already in WebAssembly memory).
   */
  gflops: Record<string, number>;
}

type GemmFn = (s: GemmShape, A: Float32Array, B: Float32Array, C: Float32Array) => void;
type Batched = typeof gemmBatchedReference;
type Single = typeof gemmReference;

/** Runs a shape through a gemm / gemmBatched pair of one implementation. */
function runner(single: Single, batched: Batched): GemmFn {
  return (s, A, B, C) => {
    const opts = { transA: s.transA ?? false, transB: s.transB ?? false };
    if (s.batch === undefined) single(s.M, s.N, s.K, A, B, C, opts);
    else batched(s.batch, s.M, s.N, s.K, A, s.strides?.[0] ?? 0, B, s.strides?.[1] ?? 0, C, s.strides?.[2] ?? 0, opts);
  };
}

/**
 * The relaxed-SIMD kernel alone, on operands already in WebAssembly memory: what a call costs when the layers keep
 * their activations and weights resident (ConvChain, AdamMoments), as opposed to the copy-in/copy-out gemm() calls.
 * Operands are copied in once per shape, outside the timing.
 */
function residentRunner(k: WasmBackend): GemmFn {
  let placed: { s: GemmShape; sizes: number[]; offs: number[] } | undefined;
  return (s, A, B, C) => {
    if (placed?.s !== s) {
      if (placed) placed.offs.forEach((at, i) => k.release(at, placed!.sizes[i]));
      const scratch = Math.ceil(k.exports.gemmScratchBytes(s.M, s.N, s.K) / 4);
      // Each region gets allocate()'s slack: edge tiles may read a few floats past an operand's end.
      const sizes = [A.length, B.length, C.length, scratch, s.M * s.N];
      const offs = sizes.map((n) => k.allocate(n));
      k.heap.set(A, offs[0] >> 2);
      k.heap.set(B, offs[1] >> 2);
      placed = { s, sizes, offs };
    }
    const [offA, offB, offC, offS, offT] = placed.offs;
    const [sA, sB, sC] = (s.strides ?? [0, 0, 0]).map((x) => 4 * x);
    k.exports.gemmBatched(s.batch ?? 1, s.M, s.N, s.K, offA, sA, s.transA ? 1 : 0, offB, sB, s.transB ? 1 : 0, offC, sC, offS, offT);
  };
}

/** GFLOPS of one shape: 2*batch*M*N*K over the best CPU time per call. */
function timeGflops(fn: GemmFn, s: GemmShape, A: Float32Array, B: Float32Array, C: Float32Array, minMs: number, rounds: number): number {
  return (2 * (s.batch ?? 1) * s.M * s.N * s.K) / (bestMs(() => fn(s, A, B, C), minMs, rounds) * 1e6);
}

export interface GemmBenchOptions {
  shapes?: GemmShape[];
  /** Minimum time per timing round (ms). */
  minMs?: number;
  rounds?: number;
  /** Also time the TypeScript reference (slow). */
  reference?: boolean;
}

export function benchGemm(options: GemmBenchOptions = {}): GemmFigure[] {
  const { shapes = GEMM_SHAPES, minMs = 20, rounds = 15, reference = true } = options;
  const variants: KernelVariant[] = relaxedSimdSupported() ? ['simd', 'relaxed'] : ['simd'];
  const backend = defaultBackend();
  const impls: [string, GemmFn][] = [['gemm', runner(backend.gemm.bind(backend), backend.gemmBatched.bind(backend))]];
  for (const v of variants) {
    const k = new WasmBackend(v);
    impls.push([`wasm-${v}`, runner((...a) => gemmWasm(k, ...a), (...a) => gemmBatchedWasm(k, ...a))]);
  }
  if (relaxedSimdSupported()) impls.push(['resident', residentRunner(new WasmBackend('relaxed'))]);
  // The native addon's kernels where it is built (each instruction set this CPU has): operands used in place.
  const native = nativeStatus();
  const isas: NativeIsa[] = !native.available ? [] : native.isa === 'avx512' ? ['avx512', 'avx2'] : ['avx2'];
  for (const isa of isas) {
    const n = new NativeBackend('simd', isa);
    impls.push([`native-${isa}`, runner(n.gemm.bind(n), (...a) => n.gemmBatched(...a))]);
  }
  if (reference) impls.push(['reference', runner(gemmReference, gemmBatchedReference)]);
  return shapes.map((s) => {
    const batch = s.batch ?? 1;
    const span = (size: number, i: number) => (batch === 1 || s.strides?.[i] === 0 ? size : (batch - 1) * (s.strides?.[i] ?? 0) + size);
    const A = Float32Array.from({ length: span(s.M * s.K, 0) }, () => Math.random() - 0.5);
    const B = Float32Array.from({ length: span(s.K * s.N, 1) }, () => Math.random() - 0.5);
    const C = new Float32Array(span(s.M * s.N, 2));
    const gflops: Record<string, number> = {};
    for (const [name, fn] of impls) {
      gflops[name] = timeGflops(fn, s, A, B, C, name === 'reference' ? minMs / 2 : minMs, name === 'reference' ? 1 : rounds);
    }
    return { name: s.name, batch, M: s.M, N: s.N, K: s.K, transA: s.transA ?? false, transB: s.transB ?? false, gflops };
  });
}

export function formatGemmTable(figures: GemmFigure[]): string {
  const cols = [...new Set(figures.flatMap((f) => Object.keys(f.gflops)))];
  const head = ['shape', 'batch', 'M', 'N', 'K', 'op', ...cols.map((c) => `${c} GF/s`)];
  const rows = figures.map((f) => [
    f.name, String(f.batch), String(f.M), String(f.N), String(f.K),
    `${f.transA ? 'At' : 'A'}${f.transB ? 'Bt' : 'B'}`,
    ...cols.map((c) => (f.gflops[c] === undefined ? '-' : f.gflops[c].toFixed(1))),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}
