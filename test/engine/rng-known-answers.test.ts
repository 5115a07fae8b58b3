// Known answers for the PRNG and the dropout mask streams, from tools/prng-known-answers.c (Blackman and Vigna's
// reference xoshiro128starstar.c and MurmurHash3's fmix32), stored in test/fixtures/prng/known-answers.json.
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { afterAll, describe, expect, it } from 'vitest';
import {
  defaultBackend, dropoutForwardReference, dropoutForwardWasm, relaxedSimdSupported, WasmBackend,
} from '../../src/engine/kernels/index.js';
import { Dropout } from '../../src/engine/modules/dropout.js';
import { Rng, splitmix32 } from '../../src/engine/rng.js';
import { fromArray } from '../../src/engine/tensor.js';

setFlagsFromString('--experimental-wasm-relaxed-simd');
afterAll(() => setFlagsFromString('--no-experimental-wasm-relaxed-simd'));

type Words = [number, number, number, number];
interface KnownAnswers {
  splitmix32: { seed: number; outputs: number[] }[];
  xoshiro128starstar: { state: Words; outputs: number[] }[];
  rng: { seed: number; state: Words; outputs: number[] }[];
  dropout: { rngSeed: number; words: number[]; draws: number[] }[];
}

const known = JSON.parse(
  readFileSync(new URL('../fixtures/prng/known-answers.json', import.meta.url), 'utf8'),
) as KnownAnswers;

const draws = (n: number, next: () => number): number[] => Array.from({ length: n }, next);

describe('PRNG known answers (reference C code)', () => {
  it('xoshiro128** from state {1, 2, 3, 4} gives the reference implementation\'s published outputs', () => {
    // The vector quoted with the reference code v1.1 (also rand_xoshiro's test); the C program must agree with it.
    const published = [11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849, 3729100597, 4258142804];
    const rng = Rng.fromState([1, 2, 3, 4]);
    expect(draws(published.length, () => rng.nextUint32())).toEqual(published);
    expect(known.xoshiro128starstar[0].outputs.slice(0, published.length)).toEqual(published);
  });

  it.each(known.xoshiro128starstar)('xoshiro128** from state $state', ({ state, outputs }) => {
    const rng = Rng.fromState(state);
    expect(draws(outputs.length, () => rng.nextUint32())).toEqual(outputs);
  });

  it.each(known.splitmix32)('splitmix32 from seed $seed', ({ seed, outputs }) => {
    expect(draws(outputs.length, splitmix32(seed))).toEqual(outputs);
  });

  it.each(known.rng)('Rng($seed): state from splitmix32, then xoshiro128**', ({ seed, state, outputs }) => {
    const rng = new Rng(seed);
    expect(rng.state()).toEqual(state);
    expect(draws(outputs.length, () => rng.nextUint32())).toEqual(outputs);
  });

  it('refuses the all-zero state', () => {
    expect(() => Rng.fromState([0, 0, 0, 0])).toThrow(/all-zero/);
  });
});

const kernels = (): [string, typeof dropoutForwardReference][] => [
  ['reference', dropoutForwardReference],
  ['engine', (...a) => defaultBackend().dropoutForward(...a)],
  ...(['simd', 'relaxed'] as const)
    .filter((v) => v === 'simd' || relaxedSimdSupported())
    .map((v): [string, typeof dropoutForwardReference] => {
      const k = new WasmBackend(v);
      return [v, (...a) => dropoutForwardWasm(k, ...a)];
    }),
];

describe('dropout mask stream known answers', () => {
  for (const { rngSeed, words, draws: want } of known.dropout) {
    const expectedMask = (keep: number): number[] =>
      want.map((d) => (d < keep * 4294967296 ? Math.fround(1 / keep) : 0));

    it(`draws its 16 seed words from the Rng (seed ${rngSeed})`, () => {
      const rng = new Rng(rngSeed);
      // The first word of each stream has bit 0 set, so no stream starts from the all-zero state.
      expect(draws(16, () => rng.nextUint32()).map((w, i) => (i < 4 ? (w | 1) >>> 0 : w))).toEqual(words);
    });

    it.each([0.5, 0.3, 0.9])(`every kernel's mask from the seed words of Rng(${rngSeed}), keep %f`, (keep) => {
      const n = want.length;
      for (const [name, fwd] of kernels()) {
        const [y, mask] = [new Float32Array(n), new Float32Array(n)];
        fwd(words, keep * 4294967296, 1 / keep, new Float32Array(n).fill(1), y, mask);
        expect([...mask], name).toEqual(expectedMask(keep));
        expect([...y], name).toEqual(expectedMask(keep));
      }
    });

    it(`Dropout(p) in training mode with Rng(${rngSeed}) uses those draws`, () => {
      const p = 0.25;
      const x = fromArray([2, want.length / 2], new Array<number>(want.length).fill(1));
      const y = new Dropout(p, new Rng(rngSeed)).forward(x, true);
      expect([...y.data]).toEqual(expectedMask(1 - p));
    });
  }
});
