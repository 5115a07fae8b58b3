import { describe, expect, it } from 'vitest';
import {
  AdamMoments, addReluReference, dropoutForwardReference, gemmBatchedReference, gemmReference, leakyReluBackwardReference, leakyReluReference,
  maxPool2dReference, multiplyReference, NativeBackend, nativeStatus, reluBackwardReference, reluReference, WasmBackend, type AdamStepOptions,
  type NativeIsa,
} from '../../src/engine/kernels/index.js';
import { Rng } from '../../src/engine/rng.js';
import { expectClose } from './kernel-checks.js';

/**
 * The native backend's GEMM (native/src/gemm.c, both instruction sets this CPU has) against the same TypeScript
 * reference as the WebAssembly GEMM (test/engine/kernels.test.ts), its Adam step against the WebAssembly one and its
 * elementwise ops against their references, bit for bit. Where the addon is not built the suite says why
 * and skips; PAIRNET_REQUIRE_NATIVE=1 turns that into a failure (CI on machines that must build it).
 */
const status = nativeStatus();
const isas: NativeIsa[] = !status.available ? [] : status.isa === 'avx512' ? ['avx512', 'avx2'] : ['avx2'];

const rng = new Rng(2026);
const rand = (n: number): Float32Array => Float32Array.from({ length: n }, () => rng.uniform() - 0.5);
const bools = [false, true];

describe('native addon', () => {
  it('loads, or says in one line why not', () => {
    if (process.env.PAIRNET_REQUIRE_NATIVE === '1') expect(status).toMatchObject({ available: true });
    if (status.available) expect(['avx512', 'avx2']).toContain(status.isa);
    else expect(status.reason).toMatch(/^[^\n]+$/);
  });
});

describe.skipIf(isas.length === 0).each(isas)('NativeBackend(%s).gemm vs gemmReference', (isa) => {
  const backend = new NativeBackend('simd', isa);

  function check(M: number, N: number, K: number, transA: boolean, transB: boolean, accumulate: boolean): void {
    const A = rand(M * K), B = rand(K * N), C0 = rand(M * N);
    const want = C0.slice(), got = C0.slice();
    const opts = { transA, transB, accumulate };
    gemmReference(M, N, K, A, B, want, opts);
    backend.gemm(M, N, K, A, B, got, opts);
    expectClose(got, want, K, `${isa} M=${M} N=${N} K=${K} transA=${transA} transB=${transB} accumulate=${accumulate}`);
  }

  it('names its kernels', () => expect(backend.name).toBe(`native-${isa}+wasm-simd`));

  it('matches on edge shapes: 1, odd sizes, partial tiles, K = 0 and 1', () => {
    for (const M of [1, 2, 5, 6, 7, 12, 13, 30]) {
      for (const N of [1, 3, 16, 17, 32, 33]) {
        for (const K of [0, 1, 2, 7, 64]) {
          for (const transA of bools) for (const transB of bools) for (const acc of bools) check(M, N, K, transA, transB, acc);
        }
      }
    }
  });

  it('matches on the engine shapes and across cache blocks (long K, many rows, wide N), all transposes', () => {
    for (const [M, N, K] of [[2500, 32, 108], [25, 100, 800], [50, 800, 100], [31, 200, 600], [150, 40, 300], [9, 2100, 20]]) {
      for (const transA of bools) for (const transB of bools) check(M, N, K, transA, transB, transA !== transB);
    }
  });

  it('reads and writes only the first M*K, K*N, M*N elements of subarray views with offsets', () => {
    const M = 13, N = 11, K = 9;
    const bigA = rand(M * K + 20), bigB = rand(K * N + 20), bigC = rand(M * N + 20);
    const A = bigA.subarray(7, 7 + M * K + 5), B = bigB.subarray(3, 3 + K * N), C = bigC.subarray(5, 5 + M * N);
    const before = bigC.slice(), want = C.slice();
    gemmReference(M, N, K, A.slice(0, M * K), B.slice(), want, { accumulate: true });
    backend.gemm(M, N, K, A, B, C, { accumulate: true });
    expectClose(C.slice(), want, K, 'views');
    expect(Array.from(bigC.subarray(0, 5))).toEqual(Array.from(before.subarray(0, 5)));
    expect(Array.from(bigC.subarray(5 + M * N))).toEqual(Array.from(before.subarray(5 + M * N)));
  });

  it('gemmBatched: separate, shared (stride 0) and summed (strideC 0) operands, gaps between C_i', () => {
    const cases: [number, number, number, number, number, number, number][] = [
      [4, 7, 10, 9, 63, 90, 70], [3, 6, 9, 5, 0, 50, 60], [5, 11, 3, 8, 88, 0, 0], [4, 32, 100, 108, 0, 10800, 3200],
    ];
    for (const [batch, M, N, K, sA, sB, sC] of cases) {
      for (const transA of bools) {
        for (const accumulate of bools) {
          const span = (size: number, stride: number) => (stride === 0 ? size : (batch - 1) * stride + size);
          const A = rand(span(M * K, sA)), B = rand(span(K * N, sB)), C0 = rand(span(M * N, sC) + 3);
          const want = C0.slice(), got = C0.slice();
          gemmBatchedReference(batch, M, N, K, A, sA, B, sB, want, sC, { transA, accumulate });
          backend.gemmBatched(batch, M, N, K, A, sA, B, sB, got, sC, { transA, accumulate });
          expectClose(got, want, batch * K, `${isa} batch=${batch} M=${M} N=${N} K=${K} strides ${sA},${sB},${sC}`);
        }
      }
    }
  });

  it('rejects overlapping outputs and short operands before the addon touches them', () => {
    expect(() => backend.gemmBatched(2, 2, 2, 2, rand(8), 4, rand(8), 4, rand(8), 3)).toThrow(/strideC 3 would overlap outputs/);
    expect(() => backend.gemm(3, 3, 3, rand(8), rand(9), rand(9))).toThrow(/gemm\(M=3, N=3, K=3\): A has 8 elements, needs 9/);
  });
});

describe.skipIf(isas.length === 0).each(isas)('NativeBackend(%s) Adam: the WebAssembly kernel\'s bits', (isa) => {
  const options = (t: number, weightDecay: number): AdamStepOptions => ({
    beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay, stepSize: 1e-3 / (1 - 0.9 ** t), invC2: 1 / Math.sqrt(1 - 0.999 ** t),
  });
  const same = (got: Float32Array, want: Float32Array, what: string): void => {
    for (let i = 0; i < want.length; i++) if (!Object.is(got[i], want[i])) throw new Error(`${what}[${i}]: ${got[i]}, wasm ${want[i]}`);
  };

  it('adamStep over 5 steps, lengths around the 8- and 16-lane widths, with and without weight decay', () => {
    const [native, wasm] = [new NativeBackend('simd', isa), new WasmBackend('simd')];
    for (const n of [1, 3, 7, 8, 9, 15, 16, 17, 33, 1000]) {
      for (const weightDecay of [0, 0.01]) {
        const w = rand(n), [w2, m, v, m2, v2] = [w.slice(), new Float32Array(n), new Float32Array(n), new Float32Array(n), new Float32Array(n)];
        for (let t = 1; t <= 5; t++) {
          const g = rand(n);
          native.adamStep(w, g, m, v, options(t, weightDecay));
          wasm.adamStep(w2, g, m2, v2, options(t, weightDecay));
        }
        for (const [got, want, what] of [[w, w2, 'w'], [m, m2, 'm'], [v, v2, 'v']] as const) same(got, want, `${isa} n=${n} wd=${weightDecay} ${what}`);
      }
    }
    expect(() => native.adamStep(rand(5), rand(5), new Float32Array(4), new Float32Array(5), options(1, 0))).toThrow(/adamStep: m has 4 elements, needs 5/);
  });

  it('adamMoments steps each parameter as AdamMoments does in WebAssembly memory', () => {
    const sizes = [1, 5, 1000, 3];
    const native = new NativeBackend('simd', isa).adamMoments(sizes);
    const wasm = new AdamMoments(new WasmBackend('simd'), sizes);
    const ws = sizes.map((n) => rand(n)), ws2 = ws.map((w) => w.slice());
    for (let t = 1; t <= 4; t++) {
      sizes.forEach((n, p) => {
        const g = rand(n);
        native.step(p, ws[p], g, options(t, 0.01));
        wasm.step(p, ws2[p], g, options(t, 0.01));
      });
    }
    sizes.forEach((_, p) => same(ws[p], ws2[p], `${isa} parameter ${p}`));
    expect(() => native.step(1, rand(4), rand(5), options(5, 0))).toThrow(/adamStep: parameter 1 has 5 elements, got w 4, g 5/);
  });
});

describe.skipIf(isas.length === 0)('NativeBackend elementwise ops: the references\' bits', () => {
  const backend = isas.length > 0 ? new NativeBackend('simd') : undefined;
  const special = [NaN, -0, 0, Infinity, -Infinity, 1e-45, -1e-45, 3.5, -2.25];
  /** Lengths around the 8- and 16-lane widths, with NaN, signed zeros and infinities among the values. */
  const operand = (n: number): Float32Array => Float32Array.from({ length: n }, (_, i) => (i % 5 === 0 ? special[i % special.length] : rng.uniform() - 0.5));
  const same = (got: Float32Array, want: Float32Array, what: string): void => {
    for (let i = 0; i < want.length; i++) if (!Object.is(got[i], want[i])) throw new Error(`${what}[${i}]: ${got[i]}, reference ${want[i]}`);
  };

  it('relu, reluBackward, addRelu (with and without the ReLU), leakyRelu, leakyReluBackward, multiply', () => {
    const k = backend as NativeBackend;
    for (const n of [0, 1, 7, 8, 9, 16, 17, 100]) {
      const [a, b] = [operand(n), operand(n)];
      const two = (): [Float32Array, Float32Array] => [new Float32Array(n), new Float32Array(n)];
      let [got, want] = two();
      k.relu(a, got), reluReference(a, want), same(got, want, `relu n=${n}`);
      [got, want] = two();
      k.reluBackward(a, b, got), reluBackwardReference(a, b, want), same(got, want, `reluBackward n=${n}`);
      for (const relu of [false, true]) {
        [got, want] = two();
        k.addRelu(relu, a, b, got), addReluReference(relu, a, b, want), same(got, want, `addRelu(${relu}) n=${n}`);
      }
      [got, want] = two();
      k.leakyRelu(0.01, a, got), leakyReluReference(0.01, a, want), same(got, want, `leakyRelu n=${n}`);
      [got, want] = two();
      k.leakyReluBackward(0.2, a, b, got), leakyReluBackwardReference(0.2, a, b, want), same(got, want, `leakyReluBackward n=${n}`);
      [got, want] = two();
      k.multiply(a, b, got), multiplyReference(a, b, want), same(got, want, `multiply n=${n}`);
    }
    // In place (y = x), as the modules' buffers may be.
    const x = operand(33), want = new Float32Array(33);
    reluReference(x, want);
    k.relu(x, x);
    same(x, want, 'relu in place');
    expect(() => k.addRelu(true, operand(5), operand(4), new Float32Array(5))).toThrow(/addRelu: b has 4 elements, needs 5/);
    expect(() => k.reluBackward(operand(3), operand(5), new Float32Array(5))).toThrow(/reluBackward: y has 3 elements, needs 5/);
  });

  it('reluBackwardAt and addReluAt on resident operands, in place too, and only their n elements', () => {
    const k = backend as NativeBackend;
    for (const n of [1, 17, 100]) {
      const [a, b] = [operand(n), operand(n)];
      const [offA, offB, offY] = [k.allocate(n + 4), k.allocate(n + 4), k.allocate(n + 4)];
      const load = () => (k.heap.set(a, offA >> 2), k.heap.set(b, offB >> 2));
      const at = (off: number) => k.heap.slice(off >> 2, (off >> 2) + n);
      const want = new Float32Array(n);
      load();
      k.reluBackwardAt(n, offA, offB, offY);
      reluBackwardReference(a, b, want), same(at(offY), want, `reluBackwardAt n=${n}`);
      expect(k.heap[(offY >> 2) + n]).toBe(0);
      for (const relu of [false, true]) {
        load();
        k.addReluAt(relu, n, offA, offB, offA);
        addReluReference(relu, a, b, want), same(at(offA), want, `addReluAt(${relu}) in place n=${n}`);
      }
      for (const off of [offA, offB, offY]) k.release(off, n + 4);
    }
    expect(() => k.addReluAt(true, 8, 0, 6, 0)).toThrow(/addReluAt: b must be a non-negative multiple of 4 bytes, got 6/);
    expect(() => k.reluBackwardAt(16, 0, k.heap.length * 4 - 8, 0)).toThrow(/shorter than n/);
  });

  it('maxPool2d: values and argmax, ties to the first maximum, a NaN wins its window', () => {
    const k = backend as NativeBackend;
    // Rows of more than 16 windows too (the AVX-512 kernel takes 16 at a time, with a masked tail): 20, 16, 19.
    for (const [planes, H, W, size, stride] of [[3, 6, 6, 2, 2], [2, 7, 5, 3, 2], [4, 5, 5, 2, 1], [1, 3, 3, 3, 3], [2, 5, 40, 2, 2], [3, 4, 33, 2, 2], [2, 6, 21, 3, 1]]) {
      // Few distinct values: many ties; NaN and infinities among them.
      const x = Float32Array.from({ length: planes * H * W }, (_, i) => [0, 1, -1, NaN, Infinity, -Infinity, 1, 0][(i * 7 + (i >> 3)) % 8]);
      const n = planes * Math.floor((H - size) / stride + 1) * Math.floor((W - size) / stride + 1);
      const [got, want, argGot, argWant] = [new Float32Array(n), new Float32Array(n), new Int32Array(n), new Int32Array(n)];
      k.maxPool2d(planes, H, W, size, stride, x, got, argGot);
      maxPool2dReference(planes, H, W, size, stride, x, want, argWant);
      same(got, want, `maxPool2d ${planes}x${H}x${W} k${size} s${stride}`);
      expect(Array.from(argGot)).toEqual(Array.from(argWant));
    }
    expect(() => k.maxPool2d(1, 4, 4, 2, 2, operand(16), new Float32Array(4), new Int32Array(3))).toThrow(/maxPool2d: argmax has 3 elements, needs 4/);
  });

  it('dropoutForward: the reference streams\' mask and product, keep probabilities 0 to 1', () => {
    const k = backend as NativeBackend;
    const seed = Int32Array.from({ length: 16 }, (_, i) => Math.imul(i + 1, 0x9e3779b9) | (i < 4 ? 1 : 0));
    for (const n of [0, 1, 5, 17, 1000]) {
      for (const keep of [0, 0.3, 0.5, 1]) {
        const x = operand(n);
        const [y, mask, y2, mask2] = [new Float32Array(n), new Float32Array(n), new Float32Array(n), new Float32Array(n)];
        k.dropoutForward(Array.from(seed), keep * 4294967296, keep > 0 ? 1 / keep : 0, x, y, mask);
        dropoutForwardReference(seed, keep * 4294967296, keep > 0 ? 1 / keep : 0, x, y2, mask2);
        same(mask, mask2, `mask n=${n} keep=${keep}`);
        same(y, y2, `y n=${n} keep=${keep}`);
      }
      // Thresholds at the edges of the kept draws: integers, just below 2^32, 2^32 - 1 (the draw 2^32 - 1 dropped),
      // beyond 2^32, and none kept (negative, NaN).
      for (const threshold of [1, 2 ** 31, 2 ** 31 + 0.5, 2 ** 32 - 0.5, 2 ** 32 - 1, 2 ** 33, 0.5, -3, Number.NaN]) {
        const x = operand(n);
        const [y, mask, y2, mask2] = [new Float32Array(n), new Float32Array(n), new Float32Array(n), new Float32Array(n)];
        k.dropoutForward(seed, threshold, 2, x, y, mask);
        dropoutForwardReference(seed, threshold, 2, x, y2, mask2);
        same(mask, mask2, `mask n=${n} threshold=${threshold}`);
        same(y, y2, `y n=${n} threshold=${threshold}`);
      }
    }
    expect(() => k.dropoutForward([1, 2], 1, 1, operand(3), new Float32Array(3), new Float32Array(3))).toThrow(/dropoutForward: seed has 2 words, needs 16/);
  });
});
