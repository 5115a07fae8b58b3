// How a process picks its kernels (src/engine/kernels/default.ts): PAIRNET_KERNELS and pinKernelVariant for the
// WebAssembly build, PAIRNET_BACKEND and pinBackend for the backend. Each test imports a fresh copy of the module (its
// choices are per process).
import { setFlagsFromString } from 'node:v8';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';

type Choice = typeof import('../../src/engine/kernels/default.js');
const fresh = async (env: Record<string, string | undefined> = {}): Promise<Choice> => {
  vi.stubEnv('PAIRNET_KERNELS', undefined);
  vi.stubEnv('PAIRNET_BACKEND', undefined);
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  vi.resetModules();
  return import('../../src/engine/kernels/default.js');
};

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});
afterAll(() => setFlagsFromString('--no-experimental-wasm-relaxed-simd'));

describe('the WebAssembly build', () => {
  it('is relaxed SIMD (Node 20 behind a flag this sets) unless PAIRNET_KERNELS asks for plain SIMD', async () => {
    for (const v of [undefined, '', 'auto', 'relaxed']) expect((await fresh({ PAIRNET_KERNELS: v })).kernelVariant(), String(v)).toBe('relaxed');
    expect((await fresh({ PAIRNET_KERNELS: 'simd' })).kernelVariant()).toBe('simd');
    const bad = await fresh({ PAIRNET_KERNELS: 'SIMD' });
    expect(() => bad.kernelVariant()).toThrow('PAIRNET_KERNELS must be relaxed, simd or auto, got "SIMD"');
  });

  it('can be pinned before the first kernel call, over PAIRNET_KERNELS, and is then fixed', async () => {
    const k = await fresh({ PAIRNET_KERNELS: 'relaxed' });
    k.pinKernelVariant('simd');
    expect(k.kernelVariant()).toBe('simd');
    expect(k.wasmKernels().variant).toBe('simd');
    expect(k.wasmKernels()).toBe(k.wasmKernels());
    k.pinKernelVariant('simd');
    expect(() => k.pinKernelVariant('relaxed')).toThrow('kernels: the simd build is already in use; pin the variant before the first kernel call');
    const r = await fresh({ PAIRNET_KERNELS: 'simd' });
    r.pinKernelVariant('relaxed');
    expect(r.wasmKernels().variant).toBe('relaxed');
    vi.stubEnv('PAIRNET_KERNELS', 'simd');
    expect(r.kernelVariant()).toBe('relaxed');
  });
});

describe('the backend', () => {
  it('choices are wasm, native or auto, named in the error', async () => {
    const k = await fresh();
    for (const v of ['wasm', 'native', 'auto']) expect(k.backendChoice(v, '--backend')).toBe(v);
    for (const v of ['', 'Native', 'gpu']) expect(() => k.backendChoice(v, '--backend')).toThrow(`--backend must be wasm, native or auto, got "${v}"`);
    const bad = await fresh({ PAIRNET_BACKEND: 'gpu' });
    expect(() => bad.defaultBackend()).toThrow('PAIRNET_BACKEND must be wasm, native or auto, got "gpu"');
  });

  it('is the shared WebAssembly one by default; pinned or from PAIRNET_BACKEND, one with native kernels', async () => {
    const k = await fresh({ PAIRNET_KERNELS: 'simd' });
    expect(k.defaultNativeKernels()).toBeUndefined();
    expect(k.defaultBackend()).toBe(k.wasmKernels());
    expect(() => k.pinBackend('native')).toThrow('kernels: the default backend is already chosen; pin it before the first kernel call');
    const { nativeStatus } = await import('../../src/engine/kernels/native.js');
    const status = nativeStatus();
    if (!status.available) return;
    for (const pin of [true, false]) {
      const n = await fresh({ PAIRNET_KERNELS: 'simd', PAIRNET_BACKEND: pin ? undefined : 'native' });
      if (pin) n.pinBackend('native');
      expect(n.defaultNativeKernels()).toBe(`native-${status.isa}`);
      expect(n.defaultBackend().name).toBe(`native-${status.isa}+wasm-simd`);
      expect(n.defaultBackend()).toBe(n.defaultBackend());
    }
  });

  it('without the addon: native fails, auto warns and falls back to WebAssembly', async () => {
    const off = await fresh({ PAIRNET_NATIVE: 'off', PAIRNET_BACKEND: 'native' });
    expect(() => off.defaultNativeKernels()).toThrow('native backend: hidden by PAIRNET_NATIVE=off');
    const auto = await fresh({ PAIRNET_NATIVE: 'off', PAIRNET_BACKEND: 'auto' });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(auto.defaultNativeKernels()).toBeUndefined();
    expect(auto.defaultNativeKernels()).toBeUndefined();
    expect(warn.mock.calls).toEqual([['pairnet: native backend unavailable (hidden by PAIRNET_NATIVE=off); using WebAssembly']]);
    expect(auto.defaultBackend().name).toMatch(/^wasm-/);
  });
});
