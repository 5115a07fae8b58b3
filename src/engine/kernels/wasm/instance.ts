/**
 * One instance of the WebAssembly SIMD kernels (asm/kernels.ts, embedded by tools/build-wasm.mjs) with its own
 * linear memory: the memory the kernel families' wasm bindings (../gemm.ts, ../conv.ts, ...) lay their operands out
 * in. Loading is synchronous (new WebAssembly.Module/Instance) so Node and browsers behave the same. Memory grows to
 * the largest call made and is kept (WebAssembly memory cannot shrink); dispose() drops it.
 */
import { kernelsRelaxedBase64, kernelsSimdBase64 } from './binary.js';
import type { KernelExports } from './exports.js';

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

/** Bytes after each region: im2col/col2im/relu touch up to 3 floats past their buffers, GEMM edge tiles read up to 7. */
const SLACK = 64;

export class WasmInstance {
  readonly variant: KernelVariant;
  private exported: KernelExports | undefined;
  /** Start of the scratch area: above the long-lived regions of allocate(). */
  private base: number;
  private f32: Float32Array;
  /** Released long-lived regions by size in bytes, for reuse. */
  private readonly released = new Map<number, number[]>();

  constructor(variant: KernelVariant) {
    if (variant === 'relaxed' && !relaxedSimdSupported()) {
      throw new Error('WasmInstance: relaxed SIMD is not enabled in this runtime (Node 20: --experimental-wasm-relaxed-simd)');
    }
    const instance = new WA.Instance(new WA.Module(binaries[variant]), {});
    this.variant = variant;
    this.exported = instance.exports as unknown as KernelExports;
    this.base = this.exported.scratchBase();
    this.f32 = new Float32Array(this.exported.memory.buffer);
  }

  /** The kernels' exports (pointers are byte offsets into the linear memory). */
  get exports(): KernelExports {
    if (!this.exported) throw new Error(`kernels (wasm-${this.variant}): used after dispose()`);
    return this.exported;
  }

  /** Drops the instance and its memory (for the garbage collector); any later call throws. */
  dispose(): void {
    this.exported = undefined;
    this.f32 = new Float32Array(0);
    this.released.clear();
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

  /** Floats of scratch the largest of these GEMMs needs. */
  gemmScratch(shapes: [number, number, number][]): number {
    return Math.max(...shapes.map(([M, N, K]) => this.exports.gemmScratchBytes(M, N, K))) / 4;
  }
}
