import { setFlagsFromString } from 'node:v8';
import { afterAll, describe, expect, it } from 'vitest';
import {
  convReluBackwardReference, convReluBackwardWasm, convReluForwardReference, convReluForwardWasm, convReluPlane,
  type ConvShape, defaultBackend, type PoolShape, relaxedSimdSupported, WasmBackend,
} from '../../src/engine/kernels/index.js';
import { Rng } from '../../src/engine/rng.js';

// Both kernel builds are tested: relaxed SIMD needs the flag on Node 20 (switched off again for later files).
setFlagsFromString('--experimental-wasm-relaxed-simd');
afterAll(() => setFlagsFromString('--no-experimental-wasm-relaxed-simd'));

const rng = new Rng(77);
/** Small integers: every sum is exact in float32, so fused and reference must agree bit for bit, and ties are common. */
const ints = (n: number): Float32Array => Float32Array.from({ length: n }, () => rng.int(5) - 2);

type Fwd = typeof convReluForwardReference;
type Bwd = typeof convReluBackwardReference;

const implementations = (): [string, Fwd, Bwd][] => {
  const out: [string, Fwd, Bwd][] = [['engine', (...a) => defaultBackend().convReluForward(...a), (...a) => defaultBackend().convReluBackward(...a)]];
  for (const variant of ['simd', 'relaxed'] as const) {
    if (variant === 'relaxed' && !relaxedSimdSupported()) continue;
    const k = new WasmBackend(variant);
    out.push([
      variant,
      (...a) => convReluForwardWasm(k, ...a),
      (...a) => convReluBackwardWasm(k, ...a),
    ]);
  }
  return out;
};

function expectSame(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    if (!Object.is(actual[i], expected[i])) throw new Error(`${what}: element ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
}

const cases: [ConvShape, PoolShape | undefined][] = [
  [{ N: 4, C: 12, H: 12, W: 12, Cout: 32, k: 3, stride: 1, pad: 0 }, { k: 2, stride: 2 }], // ConvSepNet's conv2
  [{ N: 3, C: 1, H: 14, W: 14, Cout: 12, k: 3, stride: 1, pad: 0 }, undefined], // conv1
  [{ N: 1, C: 1, H: 3, W: 3, Cout: 1, k: 3, stride: 1, pad: 0 }, undefined], // 1x1 output
  // Unpooled: rows not a multiple of 4, 27 and 5 taps.
  [{ N: 2, C: 2, H: 7, W: 9, Cout: 3, k: 3, stride: 1, pad: 0 }, undefined],
  [{ N: 3, C: 3, H: 5, W: 6, Cout: 5, k: 3, stride: 1, pad: 0 }, undefined],
  [{ N: 2, C: 5, H: 4, W: 5, Cout: 2, k: 1, stride: 1, pad: 0 }, undefined],
  [{ N: 2, C: 3, H: 9, W: 7, Cout: 5, k: 3, stride: 2, pad: 1 }, { k: 3, stride: 1 }], // overlapping windows
  [{ N: 3, C: 2, H: 11, W: 10, Cout: 7, k: 5, stride: 1, pad: 2 }, { k: 2, stride: 2 }], // odd plane, floor mode
  [{ N: 2, C: 4, H: 11, W: 9, Cout: 3, k: 3, stride: 2, pad: 0 }, { k: 2, stride: 1 }], // strided windows, 3 + 1 channels
  [{ N: 1, C: 5, H: 6, W: 6, Cout: 13, k: 1, stride: 1, pad: 0 }, { k: 3, stride: 3 }],
  // Winograd F(2x2, 3x3) path (k 3, stride 1, no padding, pool 2/2, Cout % 4 = 0): several tile blocks, odd planes.
  [{ N: 13, C: 12, H: 12, W: 12, Cout: 12, k: 3, stride: 1, pad: 0 }, { k: 2, stride: 2 }],
  [{ N: 3, C: 1, H: 11, W: 9, Cout: 4, k: 3, stride: 1, pad: 0 }, { k: 2, stride: 2 }],
  [{ N: 2, C: 3, H: 4, W: 5, Cout: 20, k: 3, stride: 1, pad: 0 }, { k: 2, stride: 2 }],
  [{ N: 2, C: 6, H: 6, W: 8, Cout: 8, k: 3, stride: 1, pad: 0 }, { k: 2, stride: 2 }], // channels by 4, then 2 alone
];

describe('convReluForward / convReluBackward vs their references', () => {
  it.each(cases)('match exactly for %o, pool %o, with and without bias / input gradient', (s, pool) => {
    const ckk = s.C * s.k * s.k;
    const x = ints(s.N * s.C * s.H * s.W), w = ints(s.Cout * ckk), b = ints(s.Cout);
    const n = s.N * s.Cout * convReluPlane(s, pool);
    for (const [name, fwd, bwd] of implementations()) {
      for (const withBias of [false, true]) {
        const bias = withBias ? b : undefined;
        const want = new Float32Array(n), got = ints(n);
        const argWant = new Int32Array(n), argGot = new Int32Array(n).fill(-1);
        convReluForwardReference(s, pool, x, w, bias, want, argWant);
        fwd(s, pool, x, w, bias, got, argGot);
        expectSame(got, want, `${name} forward bias=${withBias}`);
        if (pool) expectSame(argGot, argWant, `${name} argmax`);
        const gy = ints(n);
        const [dwWant, dbWant] = [ints(w.length), ints(s.Cout)];
        for (const withDx of [false, true]) {
          const [dw, db] = [dwWant.slice(), dbWant.slice()];
          const [dw2, db2] = [dwWant.slice(), dbWant.slice()];
          const dxWant = new Float32Array(x.length), dxGot = ints(x.length);
          convReluBackwardReference(s, pool, x, gy, want, argWant, w, dw, bias && db, withDx ? dxWant : undefined);
          bwd(s, pool, x, gy, want, argWant, w, dw2, bias && db2, withDx ? dxGot : undefined);
          expectSame(dw2, dw, `${name} gradWeight bias=${withBias} dx=${withDx}`);
          expectSame(db2, db, `${name} gradBias`);
          if (withDx) expectSame(dxGot, dxWant, `${name} gradInput`);
        }
      }
    }
  });

  it('Winograd stays within float32 rounding of the direct sum on real-valued data', () => {
    const s: ConvShape = { N: 8, C: 12, H: 12, W: 12, Cout: 32, k: 3, stride: 1, pad: 0 };
    const pool = { k: 2, stride: 2 };
    const rand = (n: number): Float32Array => Float32Array.from({ length: n }, () => rng.normal());
    const x = rand(s.N * 12 * 144), w = rand(32 * 108), b = rand(32);
    const n = s.N * 32 * 25;
    const [want, got] = [new Float32Array(n), new Float32Array(n)];
    const [argWant, argGot] = [new Int32Array(n), new Int32Array(n)];
    convReluForwardReference(s, pool, x, w, b, want, argWant);
    defaultBackend().convReluForward(s, pool, x, w, b, got, argGot);
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) / (1 + Math.abs(want[i])));
    expect(worst).toBeLessThan(1e-5);
  });

  it('keeps NaNs: a NaN conv output wins its window and passes its gradient', () => {
    const s: ConvShape = { N: 1, C: 1, H: 4, W: 4, Cout: 1, k: 1, stride: 1, pad: 0 };
    const x = ints(16);
    x[5] = NaN;
    const out = new Float32Array(4), arg = new Int32Array(4);
    defaultBackend().convReluForward(s, { k: 2, stride: 2 }, x, new Float32Array([1]), undefined, out, arg);
    expect(out[0]).toBeNaN();
    expect(arg[0]).toBe(5);
    const dw = new Float32Array(1);
    defaultBackend().convReluBackward(s, { k: 2, stride: 2 }, x, new Float32Array([1, 0, 0, 0]), out, arg, new Float32Array([1]), dw, undefined, undefined);
    expect(dw[0]).toBeNaN();
  });

  it('rejects short buffers, naming them', () => {
    const s: ConvShape = { N: 1, C: 1, H: 4, W: 4, Cout: 2, k: 3, stride: 1, pad: 0 };
    const w = ints(18);
    expect(() => defaultBackend().convReluForward(s, undefined, ints(16), w, undefined, ints(7), undefined)).toThrow(/convReluForward: out has 7 elements, needs 8/);
    expect(() => defaultBackend().convReluForward(s, { k: 2, stride: 2 }, ints(16), w, undefined, ints(2), new Int32Array(1))).toThrow(/argmax has 1 elements, needs 2/);
    expect(() => defaultBackend().convReluBackward(s, undefined, ints(16), ints(8), ints(8), undefined, w, ints(17), undefined, undefined)).toThrow(/gradWeight has 17 elements, needs 18/);
  });
});
