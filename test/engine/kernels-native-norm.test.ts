import { describe, expect, it } from 'vitest';
import {
  addReluReference, batchnormBackwardReference, batchnormForwardReference, NativeBackend, nativeStatus, type NormShape,
} from '../../src/engine/kernels/index.js';
import { Rng } from '../../src/engine/rng.js';
import { expectWithin } from './kernel-checks.js';

/**
 * The native BatchNorm (native/src/batchnorm.c) against the same TypeScript references and tolerances as the
 * WebAssembly kernel (kernels-batchnorm.test.ts), on the caller's arrays (x_hat in its own array or resident) and on
 * resident operands (the At ops, with and without the residual sum). Skips where the addon is not built.
 */
const available = nativeStatus().available;
const rng = new Rng(43);
const rand = (n: number, scale = 1, shift = 0): Float32Array => Float32Array.from({ length: n }, () => shift + scale * rng.normal());

function operands(s: NormShape) {
  const n = s.N * s.C * s.S;
  const base = {
    x: rand(n, 2, 0.5), gamma: rand(s.C, 0.5, 1), beta: rand(s.C, 0.5), runningMean: rand(s.C), runningVar: rand(s.C, 0.2, 1),
    gy: rand(n), dgamma: rand(s.C), dbeta: rand(s.C), res: rand(n),
  };
  return () => ({
    ...Object.fromEntries(Object.entries(base).map(([k, v]) => [k, v.slice()])) as typeof base,
    xhat: new Float32Array(n), y: new Float32Array(n), invStd: new Float32Array(s.C), dx: new Float32Array(n),
  });
}

const shapes: NormShape[] = [{ N: 4, C: 3, S: 196 }, { N: 5, C: 2, S: 1 }, { N: 3, C: 4, S: 7 }, { N: 1, C: 1, S: 6 }, { N: 2, C: 5, S: 33 }];

describe.skipIf(!available)('NativeBackend batchnorm vs the references', () => {
  const backend = available ? new NativeBackend('simd') : (undefined as unknown as NativeBackend);

  it.each(shapes)('%o on arrays: training and eval, with and without ReLU, x_hat copied or resident', (s) => {
    const fresh = operands(s);
    const n = s.N * s.C * s.S;
    for (const training of [true, false]) {
      for (const relu of [false, true]) {
        for (const resident of [false, true]) {
          const o = { training, relu, momentum: 0.1, eps: 1e-5 };
          const want = fresh();
          batchnormForwardReference(s, o, want.x, want.gamma, want.beta, want.runningMean, want.runningVar, want.xhat, want.y, want.invStd);
          batchnormBackwardReference(s, o, want.gy, want.xhat, want.gamma, want.beta, want.invStd, want.dgamma, want.dbeta, want.dx);
          const got = fresh();
          const at = resident ? backend.allocate(n) : got.xhat;
          backend.batchnormForward(s, o, got.x, got.gamma, got.beta, got.runningMean, got.runningVar, at, got.y, got.invStd);
          backend.batchnormBackward(s, o, got.gy, at, got.gamma, got.beta, got.invStd, got.dgamma, got.dbeta, got.dx);
          const what = `${JSON.stringify(s)} training=${training} relu=${relu} resident=${resident}`;
          expectWithin(got.y, want.y, 1e-5, `${what} y`);
          if (!resident) expectWithin(got.xhat, want.xhat, 1e-5, `${what} xhat`);
          expectWithin(got.invStd, want.invStd, 1e-6, `${what} invStd`);
          expectWithin(got.runningMean, want.runningMean, 1e-6, `${what} runningMean`);
          expectWithin(got.runningVar, want.runningVar, 1e-6, `${what} runningVar`);
          expectWithin(got.dx, want.dx, 1e-4, `${what} dx`);
          expectWithin(got.dgamma, want.dgamma, 1e-4, `${what} dgamma`);
          expectWithin(got.dbeta, want.dbeta, 1e-4, `${what} dbeta`);
          if (resident) backend.release(at as number, n);
        }
      }
    }
  });

  it.each([{ N: 4, C: 3, S: 196 }, { N: 2, C: 5, S: 9 }])('%o resident (the At ops): with a residual, batchnorm then addRelu', (s) => {
    const n = s.N * s.C * s.S;
    const fresh = operands(s);
    for (const relu of [false, true]) {
      for (const withRes of [false, true]) {
        const o = { training: true, relu, momentum: 0.1, eps: 1e-5 };
        const want = fresh();
        batchnormForwardReference(s, { ...o, relu: relu && !withRes }, want.x, want.gamma, want.beta, want.runningMean, want.runningVar, want.xhat, want.y, want.invStd);
        if (withRes) addReluReference(relu, want.y, want.res, want.y);
        const got = fresh();
        const [x, xhat, y, res, gy, dx] = [0, 1, 2, 3, 4, 5].map(() => backend.allocate(n));
        const heap = () => backend.heap;
        heap().set(got.x, x >> 2);
        heap().set(got.res, res >> 2);
        heap().set(got.gy, gy >> 2);
        backend.batchnormForwardAt(s, o, { x, xhat, y, res: withRes ? res : undefined }, got.gamma, got.beta, got.runningMean, got.runningVar, got.invStd);
        const what = `${JSON.stringify(s)} relu=${relu} res=${withRes}`;
        expectWithin(heap().slice(y >> 2, (y >> 2) + n), want.y, 1e-5, `${what} y`);
        expectWithin(heap().slice(xhat >> 2, (xhat >> 2) + n), want.xhat, 1e-5, `${what} xhat`);
        expectWithin(got.runningVar, want.runningVar, 1e-6, `${what} runningVar`);
        if (!withRes) {
          batchnormBackwardReference(s, o, want.gy, want.xhat, want.gamma, want.beta, want.invStd, want.dgamma, want.dbeta, want.dx);
          backend.batchnormBackwardAt(s, o, { gy, xhat, dx }, got.gamma, got.beta, got.invStd, got.dgamma, got.dbeta);
          expectWithin(heap().slice(dx >> 2, (dx >> 2) + n), want.dx, 1e-4, `${what} dx`);
          expectWithin(got.dgamma, want.dgamma, 1e-4, `${what} dgamma`);
        }
        for (const off of [x, xhat, y, res, gy, dx]) backend.release(off, n);
      }
    }
  });

  it('the fused ReLU keeps NaN, turns -0 into +0 and passes gradient exactly where its output is not 0', () => {
    const s = { N: 1, C: 1, S: 6 };
    const o = { training: false, relu: true, momentum: 0.1, eps: 0 };
    const x = Float32Array.from([NaN, -0, 0, 1, -1, 2]);
    const [y, xhat, inv] = [new Float32Array(6), new Float32Array(6), new Float32Array(1)];
    backend.batchnormForward(s, o, x, Float32Array.of(1), Float32Array.of(0), Float32Array.of(0), Float32Array.of(1), xhat, y, inv);
    expect(Array.from(y).map((v) => (Object.is(v, -0) ? '-0' : v))).toEqual([NaN, 0, 0, 1, 0, 2]);
    const dx = new Float32Array(6);
    backend.batchnormBackward(s, o, Float32Array.from([1, 2, 3, 4, 5, 6]), xhat, Float32Array.of(1), Float32Array.of(0), inv, new Float32Array(1), new Float32Array(1), dx);
    expect(Array.from(dx)).toEqual([1, 0, 0, 4, 0, 6]);
  });

  it('names a short operand and a span past the heap', () => {
    const s = { N: 2, C: 3, S: 4 };
    const a = (n: number) => new Float32Array(n);
    const o = { training: true, relu: false, momentum: 0.1, eps: 1e-5 };
    expect(() => backend.batchnormForward(s, o, a(24), a(3), a(2), a(3), a(3), a(24), a(24), a(3))).toThrow('batchnormForward: beta has 2 elements, needs 3');
    expect(() => backend.batchnormBackward(s, o, a(20), a(24), a(3), a(3), a(3), a(3), a(3), a(24))).toThrow('batchnormBackward: gy has 20 elements, needs 24');
    const end = backend.heap.length * 4;
    expect(() => backend.batchnormForwardAt(s, o, { x: end - 40, xhat: 0, y: 0 }, a(3), a(3), a(3), a(3), a(3))).toThrow(/batchnormForward: x has 10 elements from \d+, needs 24/);
  });
});
