import { describe, it } from 'vitest';
import { defaultBackend, nativeStatus, pinBackend } from '../../src/engine/kernels/index.js';
import { ZOO } from '../../src/models/registry.js';
import { checkZooPlan } from './zoo-plan-check.js';

/**
 * Every zoo model's plan against its modules with both on NativeBackend (this file's default backend, pinned before
 * any kernel call; vitest runs each file in its own worker): its GEMM, conv and the rest round as its own modules'
 * do, as the WebAssembly plan's do in zoo-plan.test.ts. Skips where the addon is not built.
 */
const native = nativeStatus().available;
if (native) pinBackend('native');

describe.skipIf(!native)('zoo models: the execution plan on NativeBackend against the modules', () => {
  it('runs the modules on NativeBackend', () => {
    if (!defaultBackend().name.startsWith('native-')) throw new Error(`default backend is ${defaultBackend().name}`);
  });
  it.each(ZOO.map((e) => e.name))('%s: training steps and evaluation', (name) => checkZooPlan(name));
});
