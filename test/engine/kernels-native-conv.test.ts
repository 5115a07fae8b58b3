import { describe, expect, it } from 'vitest';
import {
  conv2dBackwardReference, conv2dForwardReference, convDims, NativeBackend, nativeStatus, type ConvShape, type NativeIsa,
} from '../../src/engine/kernels/index.js';
import { Rng } from '../../src/engine/rng.js';
import { expectClose } from './kernel-checks.js';

/**
 * The native conv (native/src/conv.c, conv-winograd.c; both instruction sets this CPU has) against the same TypeScript references as
 * the WebAssembly methods (kernels-conv.test.ts, same tolerances), on the caller's arrays and on resident operands in
 * the backend's heap (the At ops a plan's conv chain calls); geometries it does not take (stride 2, too much padding)
 * go to WebAssembly and must match too. Skips where the addon is not built.
 */
const status = nativeStatus();
const isas: NativeIsa[] = !status.available ? [] : status.isa === 'avx512' ? ['avx512', 'avx2'] : ['avx2'];

const rng = new Rng(2027);
const rand = (n: number): Float32Array => Float32Array.from({ length: n }, () => rng.uniform() - 0.5);
const bools = [false, true];

const shapes: ConvShape[] = [
  { N: 3, C: 32, H: 14, W: 14, Cout: 32, k: 3, stride: 1, pad: 1 }, // the ResNets' block conv
  { N: 2, C: 32, H: 7, W: 7, Cout: 32, k: 3, stride: 1, pad: 1 },
  { N: 2, C: 2, H: 14, W: 14, Cout: 32, k: 3, stride: 1, pad: 1 }, // their first conv
  { N: 3, C: 1, H: 14, W: 14, Cout: 40, k: 3, stride: 1, pad: 1 }, // Cout not a multiple of 32
  { N: 6, C: 12, H: 12, W: 12, Cout: 32, k: 3, stride: 1, pad: 0 },
  // Winograd (AVX-512, C >= 8): the most padding, odd output sizes, blocks of images with a partial last one.
  { N: 2, C: 8, H: 6, W: 9, Cout: 8, k: 3, stride: 1, pad: 2 },
  { N: 27, C: 8, H: 5, W: 5, Cout: 4, k: 3, stride: 1, pad: 0 },
  { N: 3, C: 17, H: 9, W: 4, Cout: 33, k: 3, stride: 1, pad: 1 },
  { N: 3, C: 2, H: 7, W: 6, Cout: 5, k: 3, stride: 1, pad: 1 },
  { N: 2, C: 2, H: 8, W: 8, Cout: 3, k: 5, stride: 1, pad: 2 }, // 25 taps: weight-gradient tiles of 9, 9, 7
  { N: 2, C: 9, H: 5, W: 11, Cout: 13, k: 1, stride: 1, pad: 0 },
  { N: 1, C: 5, H: 4, W: 7, Cout: 11, k: 4, stride: 1, pad: 3 }, // the most padding it takes
  { N: 2, C: 3, H: 3, W: 3, Cout: 4, k: 3, stride: 1, pad: 0 }, // 1x1 output
  { N: 1, C: 3, H: 1, W: 17, Cout: 9, k: 1, stride: 1, pad: 0 },
  { N: 2, C: 3, H: 9, W: 9, Cout: 7, k: 3, stride: 2, pad: 1 }, // WebAssembly: stride 2
  { N: 2, C: 2, H: 5, W: 6, Cout: 3, k: 3, stride: 1, pad: 3 }, // WebAssembly: too much padding
  { N: 0, C: 3, H: 5, W: 5, Cout: 4, k: 3, stride: 1, pad: 1 }, // WebAssembly: no images
];

// Where the addon is not built, one skipped suite (an empty .each would leave the file without one).
describe.skipIf(isas.length === 0).each(isas.length > 0 ? isas : ['none'])('NativeBackend(%s) conv2d vs the references', (isa) => {
  let made: NativeBackend | undefined;
  const native = (): NativeBackend => (made ??= new NativeBackend('simd', isa as NativeIsa));

  it.each(shapes)('forward and backward on arrays for %o, with and without bias / input gradient', (s) => {
    const [P, ckk] = convDims(s);
    const x = rand(s.N * s.C * s.H * s.W), w = rand(s.Cout * ckk), b = rand(s.Cout);
    for (const withBias of bools) {
      const want = new Float32Array(s.N * s.Cout * P), got = rand(want.length);
      conv2dForwardReference(s, x, w, withBias ? b : undefined, want);
      native().conv2dForward(s, x, w, withBias ? b : undefined, got);
      expectClose(got, want, ckk, `${isa} conv2dForward bias=${withBias}`);
      const gy = rand(want.length), dw0 = rand(w.length), db0 = rand(s.Cout);
      const [dwWant, dwGot, dbWant, dbGot] = [dw0.slice(), dw0.slice(), db0.slice(), db0.slice()];
      const dxWant = new Float32Array(x.length), dxGot = rand(x.length);
      conv2dBackwardReference(s, x, gy, w, dwWant, withBias ? dbWant : undefined, withBias ? dxWant : undefined);
      native().conv2dBackward(s, x, gy, w, dwGot, withBias ? dbGot : undefined, withBias ? dxGot : undefined);
      expectClose(dwGot, dwWant, s.N * P, `${isa} gradWeight`);
      expectClose(dbGot, dbWant, s.N * P, `${isa} gradBias`);
      if (withBias) expectClose(dxGot, dxWant, s.Cout * ckk, `${isa} gradInput`);
    }
  });

  it.each(shapes)('the At ops on resident operands for %o leave the rest of the heap alone', (s) => {
    const [P, ckk] = convDims(s);
    const [nx, ny] = [s.N * s.C * s.H * s.W, s.N * s.Cout * P];
    // x, out, gy, dx resident, with guard floats around each.
    const [offX, offOut, offGy, offDx] = [nx, ny, ny, nx].map((n) => native().allocate(n + 8) + 16);
    const x = rand(nx), gy = rand(ny), w = rand(s.Cout * ckk), b = rand(s.Cout);
    native().heap.set(x, offX >> 2);
    native().heap.set(gy, offGy >> 2);
    native().heap.set(rand(nx), offDx >> 2);
    const before = native().heap.slice();
    native().conv2dForwardAt(s, { x: offX, out: offOut }, w, b);
    const want = new Float32Array(ny);
    conv2dForwardReference(s, x, w, b, want);
    expectClose(native().heap.slice(offOut >> 2, (offOut >> 2) + ny), want, ckk, `${isa} conv2dForwardAt`);
    for (const dx of [0, offDx]) {
      const [dwWant, dwGot, dbWant, dbGot] = [new Float32Array(w.length), new Float32Array(w.length), new Float32Array(s.Cout), new Float32Array(s.Cout)];
      const dxWant = new Float32Array(nx);
      conv2dBackwardReference(s, x, gy, w, dwWant, dbWant, dx ? dxWant : undefined);
      native().conv2dBackwardAt(s, { x: offX, gy: offGy, dx }, w, dwGot, dbGot);
      expectClose(dwGot, dwWant, s.N * P, `${isa} conv2dBackwardAt gradWeight`);
      expectClose(dbGot, dbWant, s.N * P, `${isa} conv2dBackwardAt gradBias`);
      if (dx) expectClose(native().heap.slice(dx >> 2, (dx >> 2) + nx), dxWant, s.Cout * ckk, `${isa} conv2dBackwardAt gradInput`);
    }
    // Only out and dx were written; x, gy and the guards are as they were (the WebAssembly fallback uses scratch).
    const heap = native().heap;
    for (const [off, n] of [[offX, nx], [offGy, ny]]) expect(heap.slice(off >> 2, (off >> 2) + n)).toEqual(before.slice(off >> 2, (off >> 2) + n));
    for (const [off, n] of [[offOut, ny], [offDx, nx]]) {
      expect(heap.slice((off >> 2) - 4, off >> 2)).toEqual(before.slice((off >> 2) - 4, off >> 2));
      expect(heap.slice((off >> 2) + n, (off >> 2) + n + 4)).toEqual(before.slice((off >> 2) + n, (off >> 2) + n + 4));
    }
    for (const [off, n] of [[offX, nx], [offOut, ny], [offGy, ny], [offDx, nx]]) native().release(off - 16, n + 8);
  });

  it('rejects short operands and spans past the heap, naming them', () => {
    const s: ConvShape = { N: 2, C: 3, H: 5, W: 5, Cout: 4, k: 3, stride: 1, pad: 1 };
    expect(() => native().conv2dForward(s, rand(149), rand(108), undefined, rand(200))).toThrow(/conv2dForward: input has 149 elements, needs 150/);
    expect(() => native().conv2dBackward(s, rand(150), rand(200), rand(108), rand(107), undefined, undefined)).toThrow(/gradWeight has 107 elements, needs 108/);
    const end = native().heap.length * 4;
    expect(() => native().conv2dForwardAt(s, { x: end - 4 * 100, out: 0 }, rand(108), undefined)).toThrow(/conv2dForward: x has 100 elements from \d+, needs 150/);
    expect(() => native().conv2dBackwardAt(s, { x: 0, gy: 2, dx: 0 }, rand(108), rand(108), undefined)).toThrow(/gy must be a non-negative multiple of 4 bytes, got 2/);
  });
});
