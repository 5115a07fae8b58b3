import { setFlagsFromString } from 'node:v8';
import { afterAll, describe, expect, it } from 'vitest';
import {
  defaultBackend, dropoutForwardReference, dropoutForwardWasm, multiplyReference, multiplyWasm, relaxedSimdSupported,
  WasmBackend,
} from '../../src/engine/kernels/index.js';
import { Rng } from '../../src/engine/rng.js';

setFlagsFromString('--experimental-wasm-relaxed-simd');
afterAll(() => setFlagsFromString('--no-experimental-wasm-relaxed-simd'));

const rng = new Rng(31);
const rand = (n: number): Float32Array => Float32Array.from({ length: n }, () => rng.normal());

function expectSame(actual: Float32Array, expected: Float32Array, what: string): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    if (!Object.is(actual[i], expected[i])) throw new Error(`${what}: element ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
}

const kernels = (): [string, typeof dropoutForwardReference, typeof multiplyReference][] => [
  ['engine', (...a) => defaultBackend().dropoutForward(...a), (...a) => defaultBackend().multiply(...a)],
  ...(['simd', 'relaxed'] as const)
    .filter((v) => v === 'simd' || relaxedSimdSupported())
    .map((v): [string, typeof dropoutForwardReference, typeof multiplyReference] => {
      const k = new WasmBackend(v);
      return [v, (...a) => dropoutForwardWasm(k, ...a), (...a) => multiplyWasm(k, ...a)];
    }),
];

describe('dropoutForward / multiply vs their references', () => {
  it.each([0, 1, 3, 4, 5, 17, 1000])('match bit for bit for n=%i and several keep probabilities', (n) => {
    for (const [name, fwd, mul] of kernels()) {
      for (const keep of [0.5, 0.3, 0.9999999, 1e-9, 0]) {
        const seed = Array.from({ length: 16 }, (_, i) => rng.nextUint32() | (i < 4 ? 1 : 0));
        const x = rand(n);
        x[0] = n > 0 ? -1.5 : x[0]; // a negative input dropped gives -0, as in the reference
        const scale = keep > 0 ? 1 / keep : 0;
        const [yWant, mWant, yGot, mGot] = [new Float32Array(n), new Float32Array(n), rand(n), rand(n)];
        dropoutForwardReference(seed, keep * 4294967296, scale, x, yWant, mWant);
        fwd(seed, keep * 4294967296, scale, x, yGot, mGot);
        expectSame(yGot, yWant, `${name} y keep=${keep}`);
        expectSame(mGot, mWant, `${name} mask keep=${keep}`);
        const g = rand(n);
        const [dWant, dGot] = [new Float32Array(n), rand(n)];
        multiplyReference(g, mWant, dWant);
        mul(g, mWant, dGot);
        expectSame(dGot, dWant, `${name} multiply`);
      }
    }
  });

  it('keeps each element with the keep probability, independently of its lane', () => {
    const n = 40000;
    for (const keep of [0.5, 0.3]) {
      const seed = Array.from({ length: 16 }, (_, i) => rng.nextUint32() | (i < 4 ? 1 : 0));
      const mask = new Float32Array(n);
      defaultBackend().dropoutForward(seed, keep * 4294967296, 1 / keep, new Float32Array(n).fill(1), new Float32Array(n), mask);
      const lanes = [0, 0, 0, 0];
      for (let i = 0; i < n; i++) if (mask[i] !== 0) lanes[i & 3]++;
      for (const kept of lanes) expect(Math.abs(kept / (n / 4) - keep)).toBeLessThan(0.02);
    }
  });

  it('rejects short outputs', () => {
    const seed = new Array<number>(16).fill(1);
    expect(() => defaultBackend().dropoutForward(seed, 1, 2, rand(5), rand(4), rand(5))).toThrow(/dropoutForward: y has 4 elements, needs 5/);
    expect(() => defaultBackend().dropoutForward([1, 2, 3, 4], 1, 2, rand(5), rand(5), rand(5))).toThrow(/seed has 4 words, needs 16/);
    expect(() => defaultBackend().multiply(rand(5), rand(5), rand(4))).toThrow(/multiply: out has 4 elements, needs 5/);
  });
});
