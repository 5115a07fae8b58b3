import { describe, it } from 'vitest';
import { ZOO } from '../../src/models/registry.js';
import { checkZooPlan } from './zoo-plan-check.js';

/** Every zoo model's plan against its modules, both on the default backend (WebAssembly). zoo-plan-native.test.ts: on NativeBackend. */
describe('zoo models: the execution plan on the default backend against the modules', () => {
  it.each(ZOO.map((e) => e.name))('%s: training steps and evaluation', (name) => checkZooPlan(name));
});
