// Runs in both vitest projects (vitest.config.ts): the goldens' second pass must really be on the native kernels.
import { describe, expect, it } from 'vitest';
import { defaultBackend } from '../../src/engine/kernels/default.js';
import { nativeStatus } from '../../src/engine/kernels/native.js';

describe('the default backend of this test process', () => {
  it('is the one PAIRNET_BACKEND asks for: native where the addon loads, else WebAssembly', () => {
    const name = defaultBackend().name;
    const wantsNative = process.env.PAIRNET_BACKEND === 'auto' || process.env.PAIRNET_BACKEND === 'native';
    if (wantsNative && nativeStatus().available) expect(name).toMatch(/^native-avx(512|2)\+wasm-/);
    else expect(name).toMatch(/^wasm-/);
    if (wantsNative && process.env.PAIRNET_REQUIRE_NATIVE === '1') expect(nativeStatus()).toMatchObject({ available: true });
  });
});
