/**
 * Loading the N-API addon built from native/ at install (tools/build-native.mjs): its calls' typings, and why it is
 * unavailable when it is (not built, not Node, no AVX2, PAIRNET_NATIVE=off). Loading never throws; callers fall back
 * to WebAssembly. The browser never has it.
 */

/** The native kernels' instruction sets, best first. */
export type NativeIsa = 'avx512' | 'avx2';

export interface NativeAddon {
  isa(): NativeIsa | 'none';
  gemmBatched(
    isa: NativeIsa, batch: number, M: number, N: number, K: number, A: Float32Array, strideA: number, transA: number,
    B: Float32Array, strideB: number, transB: number, C: Float32Array, strideC: number, accumulate: number,
  ): void;
  adamStep(
    isa: NativeIsa, w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, beta1: number, oneMinusBeta1: number,
    beta2: number, oneMinusBeta2: number, stepSize: number, invC2: number, eps: number, weightDecay: number,
  ): void;
  elementwise(op: number, n: number, a: Float32Array, b: Float32Array, out: Float32Array, slope: number): void;
  maxPool2d(planes: number, H: number, W: number, k: number, stride: number, input: Float32Array, out: Float32Array, argmax: Int32Array): void;
  dropoutForward(seed: Int32Array, threshold: number, scale: number, x: Float32Array, y: Float32Array, mask: Float32Array): void;
  /** Stride 1, pad <= k-1; activations as (array, element offset): the caller's arrays, or the wasm heap. */
  conv2dForward(
    isa: NativeIsa, N: number, C: number, H: number, W: number, Cout: number, k: number, pad: number, x: Float32Array, xAt: number,
    weight: Float32Array, bias: Float32Array | null, out: Float32Array, outAt: number,
  ): void;
  conv2dBackward(
    isa: NativeIsa, N: number, C: number, H: number, W: number, Cout: number, k: number, pad: number, x: Float32Array, xAt: number,
    gy: Float32Array, gyAt: number, weight: Float32Array, gradWeight: Float32Array, gradBias: Float32Array | null,
    dx: Float32Array | null, dxAt: number,
  ): void;
  /** Stride 1, pad <= k-1, as conv2dForward's; poolK 0: not pooled (arg null), else arg is an Int32Array. */
  convReluForward(
    isa: NativeIsa, N: number, C: number, H: number, W: number, Cout: number, k: number, pad: number, poolK: number, poolStride: number,
    x: Float32Array, xAt: number, weight: Float32Array, bias: Float32Array | null, out: Float32Array, outAt: number,
    arg: Int32Array | null, argAt: number,
  ): void;
  convReluBackward(
    isa: NativeIsa, N: number, C: number, H: number, W: number, Cout: number, k: number, pad: number, poolK: number, poolStride: number,
    x: Float32Array, xAt: number, gy: Float32Array, gyAt: number, y: Float32Array, yAt: number, arg: Int32Array | null, argAt: number,
    weight: Float32Array, gradWeight: Float32Array, gradBias: Float32Array | null, dx: Float32Array | null, dxAt: number,
  ): void;
  /** Activations as (array, element offset), as conv2dForward's; res (added before the ReLU) may be null. */
  batchnormForward(
    N: number, C: number, S: number, training: number, relu: number, momentum: number, eps: number, x: Float32Array, xAt: number,
    gamma: Float32Array, beta: Float32Array, runningMean: Float32Array, runningVar: Float32Array, xhat: Float32Array, xhatAt: number,
    res: Float32Array | null, resAt: number, y: Float32Array, yAt: number, invStd: Float32Array,
  ): void;
  batchnormBackward(
    N: number, C: number, S: number, training: number, relu: number, gy: Float32Array, gyAt: number, xhat: Float32Array,
    xhatAt: number, gamma: Float32Array, beta: Float32Array, invStd: Float32Array, dgamma: Float32Array, dbeta: Float32Array,
    dx: Float32Array, dxAt: number,
  ): void;
}

export type NativeStatus = { available: true; isa: NativeIsa } | { available: false; reason: string };

let loaded: { addon: NativeAddon; isa: NativeIsa } | { reason: string } | undefined;

// From src/engine/kernels (tests, tsx) or dist/src/engine/kernels (the CLI) to native/build.
const CANDIDATES = ['../../../native/build/Release/pairnet_native.node', '../../../../native/build/Release/pairnet_native.node'];

function load(): { addon: NativeAddon; isa: NativeIsa } | { reason: string } {
  const node = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown; env?: Record<string, string | undefined> } }).process;
  // As if the addon were not built (the fallback's test, and a way round a broken build).
  if (node?.env?.PAIRNET_NATIVE === 'off') return { reason: 'hidden by PAIRNET_NATIVE=off' };
  const module = node?.getBuiltinModule?.('module') as { createRequire(from: string): (id: string) => unknown } | undefined;
  if (!module) return { reason: 'not running in Node (>= 20.16)' };
  const require = module.createRequire(import.meta.url);
  const errors: string[] = [];
  for (const path of CANDIDATES) {
    try {
      const addon = require(path) as NativeAddon;
      const isa = addon.isa();
      return isa === 'none' ? { reason: 'this CPU has neither AVX-512 nor AVX2+FMA' } : { addon, isa };
    } catch (e) {
      errors.push((e as Error).message.split('\n')[0]);
    }
  }
  const missing = errors.every((m) => /Cannot find module/.test(m));
  return { reason: missing ? 'the addon was not built (npm ci builds it; see its one-line message)' : errors.join('; ') };
}

export function loadAddon(): { addon: NativeAddon; isa: NativeIsa } | { reason: string } {
  loaded ??= load();
  return loaded;
}

/** Whether the native kernels load here, with the best instruction set, or why not. */
export function nativeStatus(): NativeStatus {
  const a = loadAddon();
  return 'reason' in a ? { available: false, reason: a.reason } : { available: true, isa: a.isa };
}

/** The element index of a byte offset into the heap (offsets from layout()/allocate() are 4-byte aligned). */
export function heapElement(fn: string, name: string, byteOffset: number): number {
  if (!Number.isInteger(byteOffset) || byteOffset < 0 || byteOffset % 4 !== 0) {
    throw new Error(`${fn}: ${name} must be a non-negative multiple of 4 bytes, got ${byteOffset}`);
  }
  return byteOffset >> 2;
}
