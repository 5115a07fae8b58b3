import { describe, expect, it } from 'vitest';
import {
  conv2dForwardReference, convReluBackwardReference, convReluForwardReference, convReluPlane, maxPool2dReference, NativeBackend,
  nativeStatus, reluReference, type ConvShape, type NativeIsa, type PoolShape,
} from '../../src/engine/kernels/index.js';
import { Rng } from '../../src/engine/rng.js';

/**
 * The native fused conv -> ReLU (-> max pool) (native/src/conv-relu.c; both instruction sets this CPU has) against the
 * TypeScript reference, on the caller's arrays and on resident operands in the backend's heap (the At ops a plan's
 * conv chain calls). Small integers make every sum exact in float32 (Winograd's transforms too: halves and quarters),
 * so results must agree bit for bit and ties are common. Geometries it does not take (stride 2) go to WebAssembly and
 * must match too. Skips where the addon is not built.
 */
const status = nativeStatus();
const isas: NativeIsa[] = !status.available ? [] : status.isa === 'avx512' ? ['avx512', 'avx2'] : ['avx2'];

const rng = new Rng(2031);
const ints = (n: number): Float32Array => Float32Array.from({ length: n }, () => rng.int(5) - 2);

function expectSame(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    if (!Object.is(actual[i], expected[i])) throw new Error(`${what}: element ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
}

const cases: [ConvShape, PoolShape | undefined][] = [
  [{ N: 3, C: 1, H: 14, W: 14, Cout: 12, k: 3, stride: 1, pad: 0 }, undefined], // ConvSepNet's conv1
  [{ N: 4, C: 12, H: 12, W: 12, Cout: 32, k: 3, stride: 1, pad: 0 }, { k: 2, stride: 2 }], // its conv2 (Winograd on AVX-512)
  [{ N: 45, C: 12, H: 12, W: 12, Cout: 32, k: 3, stride: 1, pad: 0 }, { k: 2, stride: 2 }], // chunks of 20 images, a partial last
  [{ N: 2, C: 9, H: 7, W: 9, Cout: 8, k: 3, stride: 1, pad: 1 }, { k: 2, stride: 2 }], // odd planes, floor mode, padding
  [{ N: 3, C: 2, H: 11, W: 10, Cout: 7, k: 5, stride: 1, pad: 2 }, { k: 2, stride: 2 }],
  [{ N: 2, C: 3, H: 9, W: 7, Cout: 5, k: 3, stride: 1, pad: 1 }, { k: 3, stride: 1 }], // overlapping windows
  [{ N: 1, C: 5, H: 6, W: 6, Cout: 13, k: 1, stride: 1, pad: 0 }, { k: 3, stride: 3 }],
  [{ N: 2, C: 2, H: 7, W: 9, Cout: 3, k: 3, stride: 1, pad: 0 }, undefined],
  [{ N: 1, C: 1, H: 3, W: 3, Cout: 1, k: 3, stride: 1, pad: 0 }, undefined], // 1x1 output
  [{ N: 2, C: 8, H: 5, W: 5, Cout: 4, k: 3, stride: 1, pad: 0 }, { k: 3, stride: 1 }], // the whole plane one window
  [{ N: 2, C: 4, H: 11, W: 9, Cout: 3, k: 3, stride: 2, pad: 0 }, { k: 2, stride: 1 }], // WebAssembly: stride 2
];

describe.skipIf(isas.length === 0).each(isas.length > 0 ? isas : ['none'])('NativeBackend(%s) convRelu vs the reference', (isa) => {
  let made: NativeBackend | undefined;
  const native = (): NativeBackend => (made ??= new NativeBackend('simd', isa as NativeIsa));

  it.each(cases)('forward and backward on arrays for %o, pool %o, with and without bias / input gradient', (s, pool) => {
    const ckk = s.C * s.k * s.k;
    const x = ints(s.N * s.C * s.H * s.W), w = ints(s.Cout * ckk), b = ints(s.Cout);
    const n = s.N * s.Cout * convReluPlane(s, pool);
    for (const bias of [undefined, b]) {
      const want = new Float32Array(n), got = ints(n);
      const argWant = new Int32Array(n), argGot = new Int32Array(n).fill(-1);
      convReluForwardReference(s, pool, x, w, bias, want, argWant);
      native().convReluForward(s, pool, x, w, bias, got, pool ? argGot : undefined);
      expectSame(got, want, `${isa} forward bias=${!!bias}`);
      if (pool) expectSame(argGot, argWant, `${isa} argmax`);
      const gy = ints(n), dw0 = ints(w.length), db0 = ints(s.Cout);
      for (const withDx of [false, true]) {
        const [dwWant, dbWant, dwGot, dbGot] = [dw0.slice(), db0.slice(), dw0.slice(), db0.slice()];
        const dxWant = new Float32Array(x.length), dxGot = ints(x.length);
        convReluBackwardReference(s, pool, x, gy, want, argWant, w, dwWant, bias && dbWant, withDx ? dxWant : undefined);
        native().convReluBackward(s, pool, x, gy, want, pool ? argWant : undefined, w, dwGot, bias && dbGot, withDx ? dxGot : undefined);
        expectSame(dwGot, dwWant, `${isa} gradWeight bias=${!!bias} dx=${withDx}`);
        expectSame(dbGot, dbWant, `${isa} gradBias`);
        if (withDx) expectSame(dxGot, dxWant, `${isa} gradInput`);
      }
    }
  });

  it.each(cases)('the At ops on resident operands for %o, pool %o, leave the rest of the heap alone', (s, pool) => {
    const ckk = s.C * s.k * s.k;
    const [nx, ny] = [s.N * s.C * s.H * s.W, s.N * s.Cout * convReluPlane(s, pool)];
    // x, out, arg, gy, dx resident, with guard floats around each.
    const sizes = [nx, ny, pool ? ny : 1, ny, nx];
    const [offX, offOut, offArg, offGy, offDx] = sizes.map((m) => native().allocate(m + 8) + 16);
    const x = ints(nx), gy = ints(ny), w = ints(s.Cout * ckk), b = ints(s.Cout);
    native().heap.set(x, offX >> 2);
    native().heap.set(gy, offGy >> 2);
    native().heap.set(ints(nx), offDx >> 2);
    const before = native().heap.slice();
    const arg = pool ? offArg : 0;
    native().convReluForwardAt(s, pool, { x: offX, out: offOut, arg }, w, b);
    const want = new Float32Array(ny), argWant = new Int32Array(ny);
    convReluForwardReference(s, pool, x, w, b, want, argWant);
    expectSame(native().heap.slice(offOut >> 2, (offOut >> 2) + ny), want, `${isa} convReluForwardAt`);
    if (pool) expectSame(new Int32Array(native().heap.buffer, offArg, ny), argWant, `${isa} convReluForwardAt argmax`);
    for (const dx of [0, offDx]) {
      const [dwWant, dwGot, dbWant, dbGot] = [new Float32Array(w.length), new Float32Array(w.length), new Float32Array(s.Cout), new Float32Array(s.Cout)];
      const dxWant = new Float32Array(nx);
      convReluBackwardReference(s, pool, x, gy, want, argWant, w, dwWant, dbWant, dx ? dxWant : undefined);
      native().convReluBackwardAt(s, pool, { x: offX, gy: offGy, y: offOut, arg, dx }, w, dwGot, dbGot);
      expectSame(dwGot, dwWant, `${isa} convReluBackwardAt gradWeight dx=${dx !== 0}`);
      expectSame(dbGot, dbWant, `${isa} convReluBackwardAt gradBias`);
      if (dx) expectSame(native().heap.slice(dx >> 2, (dx >> 2) + nx), dxWant, `${isa} convReluBackwardAt gradInput`);
    }
    // Only out, arg and dx were written; x, gy and the guards are as they were (the WebAssembly fallback uses scratch).
    const heap = native().heap;
    const same = (from: number, to: number, what: string): void => expectSame(heap.slice(from, to), before.slice(from, to), what);
    for (const [off, m] of [[offX, nx], [offGy, ny]]) same(off >> 2, (off >> 2) + m, `${isa} an input moved`);
    for (const [off, m] of [[offOut, ny], [offArg, pool ? ny : 1], [offDx, nx]]) {
      same((off >> 2) - 4, off >> 2, `${isa} the guard before an output`);
      same((off >> 2) + m, (off >> 2) + m + 4, `${isa} the guard after an output`);
    }
    if (!pool) same(offArg >> 2, (offArg >> 2) + 1, `${isa} argmax written without a pool`);
    sizes.forEach((m, i) => native().release([offX, offOut, offArg, offGy, offDx][i] - 16, m + 8));
  });

  it('rounds as the unfused native conv, ReLU and pool on real-valued data (Winograd, direct)', () => {
    for (const C of [12, 2]) {
      const s: ConvShape = { N: 6, C, H: 12, W: 12, Cout: 32, k: 3, stride: 1, pad: 0 };
      const pool = { k: 2, stride: 2 };
      const x = Float32Array.from({ length: s.N * C * 144 }, () => rng.normal());
      const w = Float32Array.from({ length: 32 * C * 9 }, () => rng.normal()), b = Float32Array.from({ length: 32 }, () => rng.normal());
      const conv = new Float32Array(s.N * 32 * 100);
      native().conv2dForward(s, x, w, b, conv);
      reluReference(conv, conv);
      const n = s.N * 32 * 25;
      const [want, got, argWant, argGot] = [new Float32Array(n), new Float32Array(n), new Int32Array(n), new Int32Array(n)];
      maxPool2dReference(s.N * 32, 10, 10, 2, 2, conv, want, argWant);
      for (let i = 0; i < n; i++) argWant[i] -= Math.floor(i / 25) * 100;
      native().convReluForward(s, pool, x, w, b, got, argGot);
      expectSame(got, want, `${isa} C=${C} forward`);
      expectSame(argGot, argWant, `${isa} C=${C} argmax`);
      // And within float32 rounding of the reference's direct sums.
      const ref = new Float32Array(s.N * 32 * 100);
      conv2dForwardReference(s, x, w, b, ref);
      for (let i = 0; i < ref.length; i++) expect(Math.abs(Math.max(ref[i], 0) - conv[i])).toBeLessThan(1e-4 * (1 + Math.abs(ref[i])));
    }
  });

  it('keeps NaNs: a NaN conv output wins its window and passes its gradient', () => {
    const s: ConvShape = { N: 1, C: 1, H: 4, W: 4, Cout: 1, k: 1, stride: 1, pad: 0 };
    const x = ints(16);
    x[5] = NaN;
    const out = new Float32Array(4), arg = new Int32Array(4);
    native().convReluForward(s, { k: 2, stride: 2 }, x, new Float32Array([1]), undefined, out, arg);
    expect(out[0]).toBeNaN();
    expect(arg[0]).toBe(5);
    const dw = new Float32Array(1);
    native().convReluBackward(s, { k: 2, stride: 2 }, x, new Float32Array([1, 0, 0, 0]), out, arg, new Float32Array([1]), dw, undefined, undefined);
    expect(dw[0]).toBeNaN();
  });

  it('rejects short operands, argmax outside its plane and spans past the heap, naming them', () => {
    const s: ConvShape = { N: 1, C: 1, H: 4, W: 4, Cout: 2, k: 3, stride: 1, pad: 0 };
    const pool = { k: 2, stride: 2 };
    const w = ints(18);
    expect(() => native().convReluForward(s, undefined, ints(16), w, undefined, ints(7), undefined)).toThrow(/convReluForward: out has 7 elements, needs 8/);
    expect(() => native().convReluForward(s, pool, ints(16), w, undefined, ints(2), new Int32Array(1))).toThrow(/argmax has 1 elements, needs 2/);
    expect(() => native().convReluBackward(s, undefined, ints(16), ints(8), ints(8), undefined, w, ints(17), undefined, undefined)).toThrow(/gradWeight has 17 elements, needs 18/);
    const dw = new Float32Array(18);
    const outside = () => native().convReluBackward(s, pool, ints(16), ints(2), new Float32Array([1, 1]), new Int32Array([0, 4]), w, dw, undefined, undefined);
    expect(outside).toThrow(/argmax lies outside its plane/);
    expect(dw.every((v) => v === 0)).toBe(true);
    const end = native().heap.length * 4;
    expect(() => native().convReluForwardAt(s, pool, { x: end - 4 * 10, out: 0, arg: 64 }, w, undefined)).toThrow(/convReluForward: x has 10 elements from \d+, needs 16/);
    expect(() => native().convReluBackwardAt(s, pool, { x: 0, gy: 0, y: 0, arg: 6, dx: 0 }, w, dw, undefined)).toThrow(/arg must be a non-negative multiple of 4 bytes, got 6/);
  });
});
