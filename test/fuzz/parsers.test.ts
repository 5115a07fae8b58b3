// Property-based fuzzing of the file parsers: random and mutated valid inputs give a result or a short error that
// names the input, never a crash of another kind, a hang or an oversized allocation.
import fc from 'fast-check';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from '../../src/data/errors.js';
import { encodeIdx, parseIdx, parseIdxHeader } from '../../src/data/idx.js';
import { decodeIdxFileBytes } from '../../src/data/mnist-idx.js';
import { Linear } from '../../src/engine/modules/linear.js';
import { BatchNorm1d } from '../../src/engine/modules/batchnorm.js';
import { Sequential } from '../../src/engine/modules/containers.js';
import { Rng } from '../../src/engine/rng.js';
import { encodeSafetensors, loadSafetensors, readSafetensors } from '../../src/engine/safetensors.js';
import { withHeader } from '../engine/safetensors-bytes.js';
import { check, mutatedBytes, reportCases } from './fuzz-runs.js';

afterAll(() => reportCases('parsers'));

const shortError = (e: unknown, start: string): void => {
  expect(e).toBeInstanceOf(Error);
  const m = (e as Error).message;
  expect(m.startsWith(start), m).toBe(true);
  expect(m.length, m).toBeLessThan(1024);
};

const validIdx = encodeIdx([3, 28, 28], new Uint8Array(3 * 784).map((_, i) => i % 251));
const validLabels = encodeIdx([5], new Uint8Array([0, 1, 2, 3, 9]));

function idxProperty(bytes: Uint8Array): void {
  let decoded: Uint8Array;
  try {
    decoded = decodeIdxFileBytes(bytes, 'fuzz.idx');
    const parsed = parseIdx(decoded, 'fuzz.idx');
    // Whatever parses is self-consistent: the data fills the header's dims exactly.
    expect(parsed.data.length).toBe(parsed.dims.reduce((a, b) => a * b, 1));
    expect(parseIdxHeader(decoded, 'fuzz.idx').dims).toEqual(parsed.dims);
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    shortError(e, 'fuzz.idx: ');
  }
}

describe('fuzz: IDX parser', () => {
  it('random bytes', () => check('idx random', fc.uint8Array({ maxLength: 200 }), idxProperty));
  it('mutated valid images and labels files', () => check('idx mutated', fc.oneof(mutatedBytes(validIdx, 20), mutatedBytes(validLabels, 12)), idxProperty));
  it('mutated gzip files', () => check('idx gzip', mutatedBytes(gzipSync(validIdx), 40), idxProperty));
});

const net = (): Sequential => new Sequential(new Linear(3, 4, new Rng(1)), new BatchNorm1d(4), new Linear(4, 2, new Rng(2)));
const validWeights = encodeSafetensors(net(), { model: 'x', note: 'fuzz' });

function weightsProperty(bytes: Uint8Array): void {
  const target = net();
  const before = target.params().map((p) => p.value.data.slice());
  try {
    readSafetensors(bytes, 'fuzz.safetensors');
    loadSafetensors(target, bytes, 'fuzz.safetensors');
    // Loaded: every value finite.
    for (const p of target.params()) expect(p.value.data.every(Number.isFinite)).toBe(true);
  } catch (e) {
    shortError(e, 'fuzz.safetensors: ');
    // All or nothing: a failed load leaves the module as it was.
    target.params().forEach((p, i) => expect(p.value.data).toEqual(before[i]));
  }
}

/** A header of random entries, valid-looking or not, in front of random data. */
const randomHeader = fc
  .tuple(
    fc.dictionary(
      fc.oneof(fc.constantFrom('0.weight', '0.bias', '2.weight', '__metadata__', '1.running_mean'), fc.string({ maxLength: 300 })),
      fc.oneof(
        fc.record({ dtype: fc.constantFrom('F32', 'F64', 'I64', 'BF16', 'x'), shape: fc.array(fc.oneof(fc.nat(8), fc.integer()), { maxLength: 5 }), data_offsets: fc.array(fc.oneof(fc.nat(200), fc.double()), { maxLength: 3 }) }),
        fc.jsonValue({ maxDepth: 2 }),
      ),
      { maxKeys: 8 },
    ),
    fc.uint8Array({ maxLength: 200 }),
  )
  .map(([header, data]) => withHeader(header, data));

describe('fuzz: safetensors reader', () => {
  it('random bytes', () => check('safetensors random', fc.uint8Array({ maxLength: 300 }), weightsProperty));
  it('random headers', () => check('safetensors headers', randomHeader, weightsProperty));
  it('mutated valid files', () => check('safetensors mutated', mutatedBytes(validWeights, 400), weightsProperty));
});
