import { setFlagsFromString } from 'node:v8';
import { afterAll, describe, expect, it } from 'vitest';
import {
  addReluReference, addReluWasm, batchnormBackwardReference, batchnormBackwardWasm, batchnormForwardReference, batchnormForwardWasm, relaxedSimdSupported,
  ResidentRegion, WasmBackend, type NormShape,
} from '../../src/engine/kernels/index.js';
import { Rng } from '../../src/engine/rng.js';
import { expectWithin } from './kernel-checks.js';

setFlagsFromString('--experimental-wasm-relaxed-simd');
afterAll(() => setFlagsFromString('--no-experimental-wasm-relaxed-simd'));

const rng = new Rng(41);
const rand = (n: number, scale = 1, shift = 0): Float32Array => Float32Array.from({ length: n }, () => shift + scale * rng.normal());

const variants = (): [string, WasmBackend][] =>
  (['simd', 'relaxed'] as const).filter((v) => v === 'simd' || relaxedSimdSupported()).map((v) => [v, new WasmBackend(v)]);

/** The forward and backward operands of one case; `copy` gives independent arrays for a second implementation. */
function operands(s: NormShape) {
  const n = s.N * s.C * s.S;
  const base = {
    x: rand(n, 2, 0.5), gamma: rand(s.C, 0.5, 1), beta: rand(s.C, 0.5), runningMean: rand(s.C), runningVar: rand(s.C, 0.2, 1),
    gy: rand(n), dgamma: rand(s.C), dbeta: rand(s.C),
  };
  return () => ({
    ...Object.fromEntries(Object.entries(base).map(([k, v]) => [k, v.slice()])) as typeof base,
    xhat: new Float32Array(n), y: new Float32Array(n), invStd: new Float32Array(s.C), dx: new Float32Array(n),
  });
}

describe('batchnormForward / batchnormBackward vs their references', () => {
  it.each([
    [{ N: 4, C: 3, S: 196 }], [{ N: 5, C: 2, S: 1 }], [{ N: 3, C: 4, S: 7 }], [{ N: 1, C: 1, S: 6 }], [{ N: 2, C: 5, S: 9 }],
  ])('agree for %o in training and eval, with and without ReLU, x_hat copied or resident', (s) => {
    const fresh = operands(s);
    const n = s.N * s.C * s.S;
    for (const [name, k] of variants()) {
      for (const training of [true, false]) {
        for (const relu of [false, true]) {
          for (const resident of [false, true]) {
            const o = { training, relu, momentum: 0.1, eps: 1e-5 };
            const want = fresh();
            batchnormForwardReference(s, o, want.x, want.gamma, want.beta, want.runningMean, want.runningVar, want.xhat, want.y, want.invStd);
            batchnormBackwardReference(s, o, want.gy, want.xhat, want.gamma, want.beta, want.invStd, want.dgamma, want.dbeta, want.dx);
            const got = fresh();
            const at = resident ? new ResidentRegion(k).ensure(n) : got.xhat;
            batchnormForwardWasm(k, s, o, got.x, got.gamma, got.beta, got.runningMean, got.runningVar, at, got.y, got.invStd);
            // Another call's operands in the scratch area must not disturb a resident x_hat.
            batchnormForwardWasm(k, s, o, rand(n), got.gamma, got.beta, got.runningMean.slice(), got.runningVar.slice(), new Float32Array(n), new Float32Array(n), new Float32Array(s.C));
            batchnormBackwardWasm(k, s, o, got.gy, at, got.gamma, got.beta, got.invStd, got.dgamma, got.dbeta, got.dx);
            const what = `${name} ${JSON.stringify(s)} training=${training} relu=${relu} resident=${resident}`;
            expectWithin(got.y, want.y, 1e-5, `${what} y`);
            if (!resident) expectWithin(got.xhat, want.xhat, 1e-5, `${what} xhat`);
            expectWithin(got.invStd, want.invStd, 1e-6, `${what} invStd`);
            expectWithin(got.runningMean, want.runningMean, 1e-6, `${what} runningMean`);
            expectWithin(got.runningVar, want.runningVar, 1e-6, `${what} runningVar`);
            expectWithin(got.dx, want.dx, 1e-4, `${what} dx`);
            expectWithin(got.dgamma, want.dgamma, 1e-4, `${what} dgamma`);
            expectWithin(got.dbeta, want.dbeta, 1e-4, `${what} dbeta`);
          }
        }
      }
    }
  });

  it('the fused ReLU keeps NaN, turns -0 into +0 and passes gradient exactly where its output is not 0', () => {
    const s = { N: 1, C: 1, S: 6 };
    const o = { training: false, relu: true, momentum: 0.1, eps: 0 };
    for (const [name, k] of [['reference', undefined], ...variants()] as [string, WasmBackend | undefined][]) {
      const x = Float32Array.from([NaN, -0, 0, 1, -1, 2]);
      const [y, xhat, inv] = [new Float32Array(6), new Float32Array(6), new Float32Array(1)];
      const args = [s, o, x, Float32Array.of(1), Float32Array.of(0), Float32Array.of(0), Float32Array.of(1)] as const;
      if (k) batchnormForwardWasm(k, ...args, xhat, y, inv);
      else batchnormForwardReference(...args, xhat, y, inv);
      expect(Array.from(y).map((v) => (Object.is(v, -0) ? '-0' : v)), name).toEqual([NaN, 0, 0, 1, 0, 2]);
      const dx = new Float32Array(6);
      const back = [s, o, Float32Array.from([1, 2, 3, 4, 5, 6]), xhat, Float32Array.of(1), Float32Array.of(0), inv, new Float32Array(1), new Float32Array(1), dx] as const;
      if (k) batchnormBackwardWasm(k, ...back);
      else batchnormBackwardReference(...back);
      expect(Array.from(dx), name).toEqual([1, 0, 0, 4, 0, 6]);
    }
  });

  it.each([[{ N: 4, C: 3, S: 196 }], [{ N: 2, C: 5, S: 9 }]])('with a residual %o: exactly batchnorm, then addRelu', (s) => {
    const n = s.N * s.C * s.S;
    const fresh = operands(s);
    const res = rand(n);
    for (const [name, k] of variants()) {
      for (const relu of [false, true]) {
        const o = { training: true, relu: false, momentum: 0.1, eps: 1e-5 };
        const want = fresh();
        batchnormForwardWasm(k, s, o, want.x, want.gamma, want.beta, want.runningMean, want.runningVar, want.xhat, want.y, want.invStd);
        addReluWasm(k, relu, want.y, res, want.y);
        const got = fresh();
        batchnormForwardWasm(k, s, { ...o, relu }, got.x, got.gamma, got.beta, got.runningMean, got.runningVar, got.xhat, got.y, got.invStd, res);
        expect(Array.from(got.y), `${name} relu=${relu}`).toEqual(Array.from(want.y));
        expect(Array.from(got.xhat), `${name} relu=${relu}`).toEqual(Array.from(want.xhat));
        const ref = fresh();
        batchnormForwardReference(s, o, ref.x, ref.gamma, ref.beta, ref.runningMean, ref.runningVar, ref.xhat, ref.y, ref.invStd);
        addReluReference(relu, ref.y, res, ref.y);
        expectWithin(got.y, ref.y, 1e-5, `${name} relu=${relu} vs reference`);
      }
    }
  });

  it('names a short operand', () => {
    const [, k] = variants()[0];
    const s = { N: 2, C: 3, S: 4 };
    const a = (n: number) => new Float32Array(n);
    const o = { training: true, relu: false, momentum: 0.1, eps: 1e-5 };
    expect(() => batchnormForwardWasm(k, s, o, a(24), a(3), a(2), a(3), a(3), a(24), a(24), a(3))).toThrow(
      'batchnormForward: beta has 2 elements, needs 3',
    );
    expect(() => batchnormBackwardWasm(k, s, o, a(20), a(24), a(3), a(3), a(3), a(3), a(3), a(24))).toThrow(
      'batchnormBackward: gy has 20 elements, needs 24',
    );
    expect(() => batchnormForwardWasm(k, s, o, a(24), a(3), a(3), a(3), a(3), a(24), a(24), a(3), a(23))).toThrow(
      'batchnormForward: res has 23 elements, needs 24',
    );
    expect(() => batchnormForwardWasm(k, { ...s, S: 0 }, o, a(24), a(3), a(3), a(3), a(3), a(24), a(24), a(3))).toThrow(
      'batchnormForward: S must be a positive integer, got 0',
    );
  });
});
