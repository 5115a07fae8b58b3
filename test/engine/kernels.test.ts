import { setFlagsFromString } from 'node:v8';
import { afterAll, describe, expect, it } from 'vitest';
import {
  addReluReference, col2imReference, convOutSize, defaultBackend, gemmBatchedReference, gemmReference, im2colReference,
  type KernelVariant, leakyReluBackwardReference, leakyReluReference, maxPool2dReference, relaxedSimdSupported,
  reluBackwardReference, reluReference, WasmBackend, gemmWasm, gemmBatchedWasm,
} from '../../src/engine/kernels/index.js';
import { Rng } from '../../src/engine/rng.js';
import { expectClose } from './kernel-checks.js';

// Node 20 keeps relaxed SIMD behind a flag; enabling it here lets both kernel builds be tested. The
// flag is process-wide, so it is switched off again for test files that run later in this process.
setFlagsFromString('--experimental-wasm-relaxed-simd');
afterAll(() => setFlagsFromString('--no-experimental-wasm-relaxed-simd'));

const rng = new Rng(2024);
const rand = (n: number): Float32Array => Float32Array.from({ length: n }, () => rng.uniform() - 0.5);

/** Bit-identical (a pure copy); a plain loop, since deep equality on big typed arrays is slow. */
function expectSame(actual: Float32Array, expected: Float32Array, what: string): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    if (!Object.is(actual[i], expected[i])) throw new Error(`${what}: element ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
}

type Gemm = typeof gemmReference;

/**
 * The product by plain loops written here: the oracle above 100,000 multiply-adds. A mutation run instruments src/,
 * so there gemmReference's loops over the big shapes took minutes for every mutant these tests cover.
 */
const plainGemm: Gemm = (M, N, K, A, B, C, { transA = false, transB = false, accumulate = false } = {}) => {
  const a = (i: number, k: number): number => (transA ? A[k * M + i] : A[i * K + k]);
  const b = (k: number, j: number): number => (transB ? B[j * K + k] : B[k * N + j]);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let sum = 0;
      for (let k = 0; k < K; k++) sum += a(i, k) * b(k, j);
      C[i * N + j] = (accumulate ? C[i * N + j] : 0) + sum;
    }
  }
};

function checkAgainstReference(fn: Gemm, M: number, N: number, K: number, transA: boolean, transB: boolean, accumulate: boolean, label: string): void {
  const A = rand(M * K);
  const B = rand(K * N);
  const C0 = rand(M * N);
  const want = C0.slice();
  const got = C0.slice();
  const opts = { transA, transB, accumulate };
  (M * N * K > 100_000 ? plainGemm : gemmReference)(M, N, K, A, B, want, opts);
  fn(M, N, K, A, B, got, opts);
  expectClose(got, want, K, `${label} M=${M} N=${N} K=${K} transA=${transA} transB=${transB} accumulate=${accumulate}`);
}

const variants: KernelVariant[] = ['simd', 'relaxed'];
const bools = [false, true];

describe('relaxed SIMD detection', () => {
  it('reports relaxed SIMD once the flag is set (so the relaxed build below is really tested)', () => {
    expect(relaxedSimdSupported()).toBe(true);
  });
});

describe.each(variants)('WasmBackend(%s).gemm vs gemmReference', (variant) => {
  const k = new WasmBackend(variant);
  const fn: Gemm = (M, N, K, A, B, C, o) => gemmWasm(k, M, N, K, A, B, C, o);

  it('matches on edge shapes: 1, odd sizes, N not a multiple of 8, M not a multiple of the tile, K = 0 and 1', () => {
    for (const M of [1, 2, 5, 6, 7, 11, 13, 30]) {
      for (const N of [1, 3, 8, 9, 12, 17, 33]) {
        for (const K of [0, 1, 2, 7, 64]) {
          for (const transA of bools) for (const transB of bools) for (const acc of bools) checkAgainstReference(fn, M, N, K, transA, transB, acc, variant);
        }
      }
    }
  });

  it('matches on the engine shapes and a large odd shape, all transposes', () => {
    const shapes: [number, number, number][] = [[2500, 32, 108], [25, 100, 800], [50, 800, 100], [97, 45, 301]];
    for (const [M, N, K] of shapes) {
      for (const transA of bools) for (const transB of bools) checkAgainstReference(fn, M, N, K, transA, transB, transA !== transB, variant);
    }
  });

  it('matches when K is split into blocks (long K) and with mixed 5- and 6-row tiles', () => {
    for (const [M, N, K] of [[31, 200, 3000], [25, 9, 17000]] as const) {
      checkAgainstReference(fn, M, N, K, true, false, true, variant);
      checkAgainstReference(fn, M, N, K, false, true, false, variant);
    }
  });

  it('reads and writes only the first M*K, K*N, M*N elements of subarray views with offsets', () => {
    const M = 13, N = 11, K = 9;
    for (const transA of bools) {
      for (const transB of bools) {
        const bigA = rand(M * K + 20), bigB = rand(K * N + 20), bigC = rand(M * N + 20);
        const A = bigA.subarray(7, 7 + M * K + 5); // longer than needed: the extra 5 must be ignored
        const B = bigB.subarray(3, 3 + K * N);
        const C = bigC.subarray(5, 5 + M * N);
        const before = bigC.slice();
        const want = C.slice();
        gemmReference(M, N, K, A.slice(0, M * K), B.slice(), want, { transA, transB, accumulate: true });
        gemmWasm(k, M, N, K, A, B, C, { transA, transB, accumulate: true });
        expectClose(C.slice(), want, K, `views transA=${transA} transB=${transB}`);
        expect(Array.from(bigC.subarray(0, 5))).toEqual(Array.from(before.subarray(0, 5)));
        expect(Array.from(bigC.subarray(5 + M * N))).toEqual(Array.from(before.subarray(5 + M * N)));
      }
    }
  });

  it('stays correct across growth of its linear memory (small, large, small)', () => {
    const kk = new WasmBackend(variant);
    const f: Gemm = (M, N, K, A, B, C, o) => gemmWasm(kk, M, N, K, A, B, C, o);
    checkAgainstReference(f, 3, 5, 4, false, false, false, `${variant} fresh`);
    checkAgainstReference(f, 700, 300, 40, true, false, true, `${variant} grown`);
    checkAgainstReference(f, 3, 5, 4, false, true, true, `${variant} after growth`);
  });
});

describe.each(variants)('WasmBackend(%s).gemmBatched vs gemmBatchedReference', (variant) => {
  const k = new WasmBackend(variant);

  function check(batch: number, M: number, N: number, K: number, sA: number, sB: number, sC: number, transA: boolean, transB: boolean, accumulate: boolean): void {
    const span = (size: number, stride: number) => (stride === 0 ? size : (batch - 1) * stride + size);
    const A = rand(span(M * K, sA));
    const B = rand(span(K * N, sB));
    const C0 = rand(span(M * N, sC) + 3);
    const want = C0.slice();
    const got = C0.slice();
    const opts = { transA, transB, accumulate };
    gemmBatchedReference(batch, M, N, K, A, sA, B, sB, want, sC, opts);
    gemmBatchedWasm(k, batch, M, N, K, A, sA, B, sB, got, sC, opts);
    expectClose(got, want, batch * K, `${variant} batch=${batch} M=${M} N=${N} K=${K} strides ${sA},${sB},${sC} ${transA},${transB},${accumulate}`);
  }

  it('matches for separate, shared (stride 0) and summed (strideC 0) operands, gaps between C_i, all transposes', () => {
    for (const transA of bools) {
      for (const transB of bools) {
        for (const accumulate of bools) {
          check(4, 7, 10, 9, 63, 90, 70, transA, transB, accumulate); // dense
          check(3, 6, 9, 5, 0, 50, 60, transA, transB, accumulate); // shared A, gaps in C
          check(5, 11, 3, 8, 88, 0, 0, transA, transB, accumulate); // shared B, products summed
          check(1, 13, 17, 4, 0, 0, 0, transA, transB, accumulate);
        }
      }
    }
  });

  it('computes a convolution straight into NCHW (forward, dW, dcols) like the per-image loop', () => {
    const [n, cout, p, ckk] = [4, 32, 100, 108];
    check(n, cout, p, ckk, 0, p * ckk, cout * p, false, true, false);
    check(n, cout, ckk, p, cout * p, p * ckk, 0, false, false, true);
    check(n, p, ckk, cout, cout * p, 0, p * ckk, true, false, false);
  });

  it('rejects overlapping outputs and short operands', () => {
    expect(() => gemmBatchedWasm(k, 2, 2, 2, 2, rand(8), 4, rand(8), 4, rand(8), 3)).toThrow(/strideC 3 would overlap outputs/);
    expect(() => gemmBatchedWasm(k, 2, 2, 2, 2, rand(7), 4, rand(8), 4, rand(8), 4)).toThrow(/A has 7 elements, needs 8/);
  });
});

describe('gemm (engine entry point)', () => {
  it('matches the reference on the conv and linear shapes of ConvSepNet', () => {
    const shapes: [number, number, number, boolean, boolean][] = [
      [7200, 12, 9, false, true], [12, 9, 7200, true, false], [5000, 32, 108, false, true],
      [32, 108, 500, true, false], [500, 108, 32, false, false], [50, 10, 100, false, true],
    ];
    for (const [M, N, K, ta, tb] of shapes) checkAgainstReference((...a) => defaultBackend().gemm(...a), M, N, K, ta, tb, ta, 'gemm');
  });

  it('gemmBatched (engine entry point) matches the reference', () => {
    const A = rand(3 * 20), B = rand(4 * 5), want = rand(3 * 25), got = want.slice();
    gemmBatchedReference(3, 5, 5, 4, A, 20, B, 0, want, 25, { transA: true, accumulate: true });
    defaultBackend().gemmBatched(3, 5, 5, 4, A, 20, B, 0, got, 25, { transA: true, accumulate: true });
    expectClose(got, want, 4, 'gemmBatched');
  });

  it('runs GEMMs under 200 multiply-adds on the reference loops (their bits), larger ones on the kernel', () => {
    const b = new WasmBackend('relaxed');
    const bits = (M: number, N: number, K: number, A: Float32Array, B: Float32Array, f: (C: Float32Array) => void): number[] => {
      const C = new Float32Array(M * N);
      f(C);
      return Array.from(C);
    };
    for (const [M, N, K, small] of [[5, 5, 7, true], [1, 1, 199, true], [5, 5, 8, false], [6, 6, 6, false]] as const) {
      const [A, B] = [rand(M * K), rand(K * N)];
      const got = bits(M, N, K, A, B, (C) => b.gemm(M, N, K, A, B, C));
      const reference = bits(M, N, K, A, B, (C) => gemmReference(M, N, K, A, B, C));
      const kernel = bits(M, N, K, A, B, (C) => gemmWasm(b, M, N, K, A, B, C));
      expect(got, `${M}x${N}x${K}`).toEqual(small ? reference : kernel);
    }
    // The relaxed kernel's fused multiply-adds round differently, so the two are told apart.
    const [A, B] = [rand(25 * 7), rand(7 * 5)];
    expect(bits(5, 5, 7, A, B, (C) => gemmWasm(b, 5, 5, 7, A, B, C))).not.toEqual(bits(5, 5, 7, A, B, (C) => gemmReference(5, 5, 7, A, B, C)));
    expect(() => b.gemm(2, 2, 2, rand(3), rand(4), rand(4))).toThrow(/^gemm\(M=2, N=2, K=2\): A has 3 elements/);
  });

  it('leaves C untouched for M = 0 or N = 0 and zeroes it for K = 0', () => {
    const C = Float32Array.of(1, 2, 3);
    defaultBackend().gemm(0, 3, 4, new Float32Array(0), rand(12), C);
    defaultBackend().gemm(3, 0, 4, rand(12), new Float32Array(0), C);
    expect(Array.from(C)).toEqual([1, 2, 3]);
    defaultBackend().gemm(1, 3, 0, new Float32Array(0), new Float32Array(0), C);
    expect(Array.from(C)).toEqual([0, 0, 0]);
  });

  it('rejects operands that are too short and bad dimensions, naming them', () => {
    expect(() => defaultBackend().gemm(2, 2, 2, rand(3), rand(4), rand(4))).toThrow(/A has 3 elements, needs 4/);
    expect(() => defaultBackend().gemm(2, 2, 2, rand(4), rand(4), rand(3))).toThrow(/C has 3 elements, needs 4/);
    expect(() => defaultBackend().gemm(2, -1, 2, rand(4), rand(4), rand(4))).toThrow(/N must be a non-negative integer/);
    expect(() => defaultBackend().gemm(2.5, 1, 2, rand(4), rand(4), rand(4))).toThrow(/M must be a non-negative integer/);
  });
});

describe('im2col / col2im vs their references', () => {
  // [N, C, H, W, k, stride, pad]: the ConvSepNet convs, padding, stride 2, k = 1, 2, 4, 5, 1x1 output.
  const geometries: [number, number, number, number, number, number, number][] = [
    [6, 1, 14, 14, 3, 1, 0], [5, 12, 12, 12, 3, 1, 0], [2, 3, 7, 6, 3, 1, 1], [1, 2, 9, 9, 3, 2, 1],
    [2, 1, 5, 5, 1, 1, 0], [1, 2, 6, 7, 2, 2, 0], [1, 2, 8, 8, 5, 1, 2], [2, 2, 6, 6, 4, 1, 1], [1, 1, 3, 3, 3, 1, 0],
  ];

  it.each(geometries)('matches for N=%i C=%i H=%i W=%i k=%i stride=%i pad=%i', (N, C, H, W, k, stride, pad) => {
    const rows = N * convOutSize(H, k, stride, pad) * convOutSize(W, k, stride, pad);
    const x = rand(N * C * H * W);
    const want = new Float32Array(rows * C * k * k);
    const got = rand(want.length); // stale content must be overwritten
    im2colReference(x, N, C, H, W, k, stride, pad, want);
    defaultBackend().im2col(x, N, C, H, W, k, stride, pad, got);
    expectSame(got, want, 'im2col');
    const cols = rand(want.length);
    const dxWant = new Float32Array(x.length);
    const dxGot = rand(x.length);
    col2imReference(cols, N, C, H, W, k, stride, pad, dxWant);
    defaultBackend().col2im(cols, N, C, H, W, k, stride, pad, dxGot);
    expectClose(dxGot, dxWant, 0, 'col2im');
  });

  it('works on subarray views and leaves the rest of the output buffer alone', () => {
    const [N, C, H, W, k] = [2, 3, 6, 6, 3];
    const bigX = rand(N * C * H * W + 8);
    const x = bigX.subarray(3, 3 + N * C * H * W);
    const big = rand(N * 16 * C * 9 + 8);
    const out = big.subarray(4, 4 + N * 16 * C * 9);
    const before = big.slice();
    const want = new Float32Array(out.length);
    im2colReference(x, N, C, H, W, k, 1, 0, want);
    defaultBackend().im2col(x, N, C, H, W, k, 1, 0, out);
    expectSame(out, want, 'im2col view');
    expect(Array.from(big.subarray(0, 4))).toEqual(Array.from(before.subarray(0, 4)));
    expect(Array.from(big.subarray(4 + out.length))).toEqual(Array.from(before.subarray(4 + out.length)));
    const dx = bigX.subarray(3, 3 + N * C * H * W);
    const dxWant = new Float32Array(dx.length);
    col2imReference(want, N, C, H, W, k, 1, 0, dxWant);
    const tail = Array.from(bigX.subarray(3 + dx.length));
    defaultBackend().col2im(want, N, C, H, W, k, 1, 0, dx);
    expectClose(dx.slice(), dxWant, 0, 'col2im view');
    expect(Array.from(bigX.subarray(3 + dx.length))).toEqual(tail);
  });

  it('rejects impossible geometry and short buffers, naming them', () => {
    expect(() => defaultBackend().im2col(rand(9), 1, 1, 3, 3, 5, 1, 0, rand(100))).toThrow(/kernel 5, stride 1, padding 0 does not fit input size 3/);
    expect(() => defaultBackend().im2col(rand(9), 1, 1, 3, 3, 3, 1, 0, rand(8))).toThrow(/im2col: out has 8 elements, needs 9/);
    expect(() => defaultBackend().col2im(rand(9), 1, 1, 3, 3, 3, 1, 0, rand(4))).toThrow(/col2im: gradInput has 4 elements, needs 9/);
    expect(() => defaultBackend().im2col(rand(9), 1, 1, 3, 3, 3, 0, 0, rand(9))).toThrow(/stride 0/);
  });
});

describe('relu / reluBackward / leakyRelu / leakyReluBackward vs their references', () => {
  it('match bit for bit on every length mod 4, with NaN, -0, +-Infinity and views', () => {
    const special = [NaN, -0, 0, Infinity, -Infinity, 1e-40, -1e-40];
    for (const n of [0, 1, 2, 3, 4, 5, 7, 8, 33, 1001]) {
      const big = rand(n + 6);
      for (let i = 0; i < Math.min(n, special.length); i++) big[3 + i] = special[i];
      const x = big.subarray(3, 3 + n);
      const want = new Float32Array(n);
      const got = rand(n + 2); // longer output: the tail must stay as it was
      const tail = Array.from(got.subarray(n));
      reluReference(x, want);
      defaultBackend().relu(x, got);
      expectSame(got.subarray(0, n), want, `relu n=${n}`);
      expect(Array.from(got.subarray(n))).toEqual(tail);
      const dy = rand(n);
      const dxWant = new Float32Array(n);
      const dxGot = rand(n);
      reluBackwardReference(want, dy, dxWant);
      defaultBackend().reluBackward(want, dy, dxGot);
      expectSame(dxGot, dxWant, `reluBackward n=${n}`);
    }
  });

  it('leakyRelu / leakyReluBackward match bit for bit for several slopes, with NaN, -0 and +-Infinity', () => {
    const special = [NaN, -0, 0, Infinity, -Infinity, 1e-40, -1e-40];
    for (const slope of [0.01, 0.2, -0.5, 0, 0.1 + 1e-12]) {
      for (const n of [0, 1, 3, 4, 5, 33, 1001]) {
        const x = rand(n);
        for (let i = 0; i < Math.min(n, special.length); i++) x[i] = special[i];
        const [want, got, dy, dxWant, dxGot] = [new Float32Array(n), rand(n), rand(n), new Float32Array(n), rand(n)];
        leakyReluReference(slope, x, want);
        defaultBackend().leakyRelu(slope, x, got);
        expectSame(got, want, `leakyRelu slope=${slope} n=${n}`);
        leakyReluBackwardReference(slope, x, dy, dxWant);
        defaultBackend().leakyReluBackward(slope, x, dy, dxGot);
        expectSame(dxGot, dxWant, `leakyReluBackward slope=${slope} n=${n}`);
      }
    }
    expect(() => defaultBackend().leakyReluBackward(0.1, rand(4), rand(5), rand(5))).toThrow(/leakyReluBackward: x has 4 elements, needs 5/);
  });

  it('addRelu matches bit for bit with and without the ReLU, with NaN, -0 and +-Infinity', () => {
    const special = [NaN, -0, 0, Infinity, -Infinity, 1e-40, -1e-40, 1];
    for (const n of [0, 1, 3, 4, 5, 33, 1001]) {
      const [a, b] = [rand(n), rand(n)];
      for (let i = 0; i < Math.min(n, special.length); i++) [a[i], b[i]] = [special[i], special[(i + 3) % special.length]];
      for (const withRelu of [false, true]) {
        const [want, got] = [new Float32Array(n), rand(n)];
        addReluReference(withRelu, a, b, want);
        defaultBackend().addRelu(withRelu, a, b, got);
        expectSame(got, want, `addRelu relu=${withRelu} n=${n}`);
      }
    }
    expect(() => defaultBackend().addRelu(true, rand(5), rand(4), rand(5))).toThrow(/addRelu: b has 4 elements, needs 5/);
  });

  it('rejects short outputs', () => {
    expect(() => defaultBackend().relu(rand(5), rand(4))).toThrow(/relu: y has 4 elements, needs 5/);
    expect(() => defaultBackend().reluBackward(rand(5), rand(5), rand(4))).toThrow(/reluBackward: dx has 4 elements, needs 5/);
  });
});

describe('maxPool2d vs its reference', () => {
  it.each([
    [3, 10, 10, 2, 2], [2, 7, 9, 3, 2], [2, 5, 5, 2, 1], [2, 4, 4, 4, 1], [1, 9, 6, 3, 3],
  ])('matches values and argmax for planes=%i H=%i W=%i k=%i stride=%i, with ties and NaNs', (planes, H, W, k, stride) => {
    // Small integers make ties common; NaNs must win their windows.
    const x = Float32Array.from({ length: planes * H * W }, () => Math.floor(rng.uniform() * 3));
    for (let i = 0; i < x.length; i += 17) x[i] = NaN;
    const n = planes * convOutSize(H, k, stride, 0) * convOutSize(W, k, stride, 0);
    const want = new Float32Array(n), got = rand(n);
    const argWant = new Int32Array(n), argGot = new Int32Array(n).fill(-1);
    maxPool2dReference(planes, H, W, k, stride, x, want, argWant);
    defaultBackend().maxPool2d(planes, H, W, k, stride, x, got, argGot);
    expectSame(got, want, 'maxPool2d');
    expect(Array.from(argGot)).toEqual(Array.from(argWant));
  });

  it('rejects short outputs', () => {
    expect(() => defaultBackend().maxPool2d(1, 4, 4, 2, 2, rand(16), rand(3), new Int32Array(4))).toThrow(/maxPool2d: out has 3 elements, needs 4/);
    expect(() => defaultBackend().maxPool2d(1, 4, 4, 2, 2, rand(16), rand(4), new Int32Array(3))).toThrow(/maxPool2d: argmax has 3 elements, needs 4/);
  });
});
