import { setFlagsFromString } from 'node:v8';
import { afterAll, describe, expect, it } from 'vitest';
import {
  conv2dBackwardReference, conv2dBackwardWasm, conv2dForwardReference, conv2dForwardWasm, convDims, convMethod,
  convMethodFits, type ConvShape, defaultBackend, type KernelVariant, WasmBackend,
} from '../../src/engine/kernels/index.js';
import { Rng } from '../../src/engine/rng.js';
import { expectClose } from './kernel-checks.js';

// Both kernel builds are tested: relaxed SIMD needs the flag on Node 20 (switched off again for later files).
setFlagsFromString('--experimental-wasm-relaxed-simd');
afterAll(() => setFlagsFromString('--no-experimental-wasm-relaxed-simd'));

const rng = new Rng(2024);
const rand = (n: number): Float32Array => Float32Array.from({ length: n }, () => rng.uniform() - 0.5);
const variants: KernelVariant[] = ['simd', 'relaxed'];
const bools = [false, true];

describe('conv2dForward / conv2dBackward vs their references', () => {
  const shapes: ConvShape[] = [
    { N: 6, C: 12, H: 12, W: 12, Cout: 32, k: 3, stride: 1, pad: 0 }, // ConvSepNet's conv2 (fewer images)
    { N: 6, C: 1, H: 14, W: 14, Cout: 12, k: 3, stride: 1, pad: 0 }, // conv1
    { N: 2, C: 32, H: 14, W: 14, Cout: 32, k: 3, stride: 1, pad: 1 }, // the ResNets' block conv
    { N: 1, C: 2, H: 14, W: 14, Cout: 32, k: 3, stride: 1, pad: 1 }, // and their first conv, one image
    { N: 3, C: 2, H: 7, W: 6, Cout: 5, k: 3, stride: 1, pad: 1 },
    { N: 2, C: 3, H: 9, W: 9, Cout: 7, k: 3, stride: 2, pad: 1 },
    { N: 2, C: 2, H: 8, W: 8, Cout: 3, k: 5, stride: 1, pad: 2 },
    { N: 2, C: 9, H: 5, W: 11, Cout: 13, k: 1, stride: 1, pad: 0 },
    { N: 1, C: 5, H: 4, W: 7, Cout: 11, k: 4, stride: 1, pad: 3 }, // the most padding the direct method takes
    { N: 2, C: 3, H: 3, W: 3, Cout: 4, k: 3, stride: 1, pad: 0 }, // 1x1 output
    { N: 2, C: 2, H: 5, W: 6, Cout: 3, k: 3, stride: 1, pad: 3 }, // too much padding for it
    { N: 2, C: 4, H: 6, W: 8, Cout: 8, k: 3, stride: 1, pad: 2 }, // Winograd with the most padding
    { N: 3, C: 8, H: 10, W: 6, Cout: 4, k: 3, stride: 1, pad: 0 }, // and none
    { N: 7, C: 4, H: 14, W: 14, Cout: 8, k: 3, stride: 1, pad: 1 }, // Winograd in blocks of 3 images: 3, 3, 1
    { N: 2, C: 4, H: 6, W: 6, Cout: 6, k: 3, stride: 1, pad: 1 }, // Winograd backward only (6 = 4 + 2 output channels)
  ];

  /** Forward and backward of `forward`/`backward` against the references, with and without bias / input gradient. */
  function checkConv(s: ConvShape, forward: typeof conv2dForwardReference, backward: typeof conv2dBackwardReference, what: string): void {
    const [P, ckk] = convDims(s);
    const x = rand(s.N * s.C * s.H * s.W), w = rand(s.Cout * ckk), b = rand(s.Cout);
    for (const withBias of bools) {
      const want = new Float32Array(s.N * s.Cout * P), got = rand(want.length);
      conv2dForwardReference(s, x, w, withBias ? b : undefined, want);
      forward(s, x, w, withBias ? b : undefined, got);
      expectClose(got, want, ckk, `${what} conv2dForward bias=${withBias}`);
      const gy = rand(want.length);
      const dw0 = rand(w.length), db0 = rand(s.Cout);
      const [dwWant, dwGot, dbWant, dbGot] = [dw0.slice(), dw0.slice(), db0.slice(), db0.slice()];
      const dxWant = new Float32Array(x.length), dxGot = rand(x.length);
      conv2dBackwardReference(s, x, gy, w, dwWant, withBias ? dbWant : undefined, withBias ? dxWant : undefined);
      backward(s, x, gy, w, dwGot, withBias ? dbGot : undefined, withBias ? dxGot : undefined);
      expectClose(dwGot, dwWant, s.N * P, `${what} gradWeight`);
      expectClose(dbGot, dbWant, s.N * P, `${what} gradBias`);
      if (withBias) expectClose(dxGot, dxWant, s.Cout * ckk, `${what} gradInput`);
    }
  }

  it.each(shapes)('match for %o, with and without bias / input gradient', (s) => {
    checkConv(s, (...a) => defaultBackend().conv2dForward(...a), (...a) => defaultBackend().conv2dBackward(...a), `${convMethod(s, 'forward')}/${convMethod(s, 'backward')}`);
  });

  it.each(shapes)('match for %o by each method that applies, in both builds', (s) => {
    for (const variant of variants) {
      const kernels = new WasmBackend(variant);
      for (const method of ['winograd', 'direct', 'im2col'] as const) {
        // A pass the method does not fit goes by im2col.
        const [fwd, bwd] = (['forward', 'backward'] as const).map((p) => (convMethodFits(s, p, method) ? method : 'im2col'));
        if (fwd !== method && bwd !== method) continue;
        checkConv(
          s, (...a) => conv2dForwardWasm(kernels, ...a, fwd), (...a) => conv2dBackwardWasm(kernels, ...a, bwd), `${variant} ${fwd}/${bwd}`,
        );
      }
    }
  });

  it('rejects bad geometry and short buffers, naming them', () => {
    const s = { N: 1, C: 1, H: 4, W: 4, Cout: 2, k: 3, stride: 1, pad: 0 };
    expect(() => defaultBackend().conv2dForward(s, rand(16), rand(18), undefined, rand(7))).toThrow(/conv2dForward: out has 7 elements, needs 8/);
    expect(() => defaultBackend().conv2dForward({ ...s, k: 5 }, rand(16), rand(50), undefined, rand(8))).toThrow(/does not fit input size 4/);
    expect(() => defaultBackend().conv2dBackward(s, rand(16), rand(8), rand(18), rand(17), undefined, undefined)).toThrow(/gradWeight has 17 elements, needs 18/);
    const strided = { ...s, stride: 2 };
    expect(() => conv2dForwardWasm(new WasmBackend('simd'), strided, rand(16), rand(18), undefined, rand(2), 'direct')).toThrow(/the direct method does not fit/);
    expect(() => conv2dForwardWasm(new WasmBackend('simd'), s, rand(16), rand(18), undefined, rand(8), 'winograd')).toThrow(/the winograd method does not fit/);
  });
});
