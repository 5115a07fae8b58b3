// The safetensors reader and writer at their edges, with the whole message: header-length bounds, each field's check,
// long names cut, ensembles' member prefixes, and the problem list of a load that does not fit (bounded at 10).
import { describe, expect, it } from 'vitest';
import { Linear } from '../../src/engine/modules/linear.js';
import { Sequential } from '../../src/engine/modules/containers.js';
import { Rng } from '../../src/engine/rng.js';
import { SAFETENSORS_LIMITS, encodeSafetensors, loadSafetensors, readSafetensors, safetensorsHeaderLength } from '../../src/engine/safetensors.js';
import { withHeader } from './safetensors-bytes.js';

const lin = (seed: number, inputs = 3, outputs = 2) => new Linear(inputs, outputs, new Rng(seed));
const first8 = (lo: number, hi = 0) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setUint32(0, lo, true);
  new DataView(b.buffer).setUint32(4, hi, true);
  return b;
};
const f32 = (...xs: number[]) => new Uint8Array(Float32Array.from(xs).buffer);
const bad = (header: unknown, data: Uint8Array, why: string) => expect(() => readSafetensors(withHeader(header, data), 'w')).toThrow(`w: not a valid safetensors file: ${why}`);

describe('safetensors header length', () => {
  it('fits the file and the 1 MB bound exactly, and counts the high word', () => {
    expect(safetensorsHeaderLength(first8(100), 108)).toBe(100);
    expect(() => safetensorsHeaderLength(first8(101), 108, 'w')).toThrow('w: not a valid safetensors file: header length 101 exceeds the 100 bytes after it');
    expect(() => safetensorsHeaderLength(first8(0, 1), 1e12, 'w')).toThrow('w: not a valid safetensors file: header length 4294967296 is over 1048576 bytes');
    expect(safetensorsHeaderLength(first8(SAFETENSORS_LIMITS.headerBytes), 1e12)).toBe(1048576);
    expect(() => safetensorsHeaderLength(first8(SAFETENSORS_LIMITS.headerBytes + 1), 1e12, 'w')).toThrow('header length 1048577 is over 1048576 bytes (a zoo model\'s is under 10 KB)');
    expect(() => safetensorsHeaderLength(first8(0).subarray(0, 7), 100, 'w')).toThrow('w: not a valid safetensors file: 100 bytes is shorter than the 8-byte header length');
    expect(() => safetensorsHeaderLength(first8(0), 7, 'w')).toThrow('w: not a valid safetensors file: 7 bytes is shorter than the 8-byte header length');
  });
});

describe('safetensors fields', () => {
  const t = (dtype: string, shape: unknown, offsets: unknown) => ({ x: { dtype, shape, data_offsets: offsets } });

  it('refuses each bad field with its reason, names cut to 100 characters', () => {
    bad(null, new Uint8Array(0), 'header is not a JSON object');
    bad({ __metadata__: [] }, new Uint8Array(0), '__metadata__ is not an object');
    bad({ __metadata__: null }, new Uint8Array(0), '__metadata__ is not an object');
    bad({ x: null }, new Uint8Array(0), 'tensor \'x\' has dtype undefined; supported: F32, F64, I32, I64');
    bad(t('F16', [1], [0, 2]), new Uint8Array(2), 'tensor \'x\' has dtype "F16"; supported: F32, F64, I32, I64');
    bad(t('F32', [1.5], [0, 4]), f32(1), 'tensor \'x\' has an invalid shape [1.5]');
    bad(t('F32', 'x', [0, 4]), f32(1), 'tensor \'x\' has an invalid shape "x"');
    bad(t('F32', [1], [0, 4, 8]), f32(1), 'tensor \'x\' has data_offsets [0,4,8] outside the 4 data bytes');
    bad(t('F32', [1], [4, 0]), f32(1), 'tensor \'x\' has data_offsets [4,0] outside the 4 data bytes');
    bad(t('F32', [1], [0, 8]), f32(1), 'tensor \'x\' has data_offsets [0,8] outside the 4 data bytes');
    bad(t('F32', [1], [-4, 0]), f32(1), 'tensor \'x\' has data_offsets [-4,0] outside the 4 data bytes');
    bad(t('F32', [2], [0, 4]), f32(1), 'tensor \'x\' F32 [2] needs 8 bytes, data_offsets give 4');
    bad(t('F32', [1], [4, 8]), f32(1, 2), 'tensor \'x\' starts at data byte 4, expected 0 (gap or overlap)');
    bad({ ['n'.repeat(150)]: { dtype: 'F16', shape: [], data_offsets: [0, 2] } }, new Uint8Array(2), `tensor '${'n'.repeat(97)}...' has dtype "F16"`);
    bad({ __metadata__: { ['k'.repeat(150)]: 1 } }, new Uint8Array(0), `__metadata__ '${'k'.repeat(97)}...' is not a string`);
    const many = Object.fromEntries(Array.from({ length: SAFETENSORS_LIMITS.tensors + 2 }, (_, i) => [`t${i}`, {}]));
    bad(many, new Uint8Array(0), 'header lists 10002 tensors, more than 10000');
    expect(() => readSafetensors(new Uint8Array([...first8(4), 0xff, 0xfe, 0x20, 0x20]), 'w')).toThrow('w: not a valid safetensors file: header is not UTF-8 JSON (');
  });

  it('reads an empty file of metadata alone, and a scalar', () => {
    expect(readSafetensors(withHeader({ __metadata__: { a: 'b' } }, new Uint8Array(0))).metadata).toEqual({ a: 'b' });
    const s = readSafetensors(withHeader(t('F32', [], [0, 4]), f32(2.5)));
    expect(s.tensors.get('x')).toEqual({ dtype: 'F32', shape: [], data: Float32Array.from([2.5]) });
  });
});

describe('writing and loading', () => {
  it('refuses non-string metadata and no module', () => {
    expect(() => encodeSafetensors(lin(1), { a: 1 as unknown as string })).toThrow("safetensors: metadata 'a' must be a string, got number");
    expect(() => encodeSafetensors([])).toThrow('safetensors: no module to read or write');
  });

  it('writes an ensemble as members.<i>.<name>, and a list of one as the module itself', () => {
    const names = (bytes: Uint8Array) => [...readSafetensors(bytes).tensors.keys()];
    expect(names(encodeSafetensors([lin(1), lin(2)]))).toEqual(['members.0.bias', 'members.0.weight', 'members.1.bias', 'members.1.weight']);
    expect(names(encodeSafetensors([lin(1)]))).toEqual(['bias', 'weight']);
    const target = [lin(5), lin(6)];
    loadSafetensors(target, encodeSafetensors([lin(1), lin(2)]));
    expect(Array.from(target[1].weight.value.data)).toEqual(Array.from(lin(2).weight.value.data));
  });

  it('lists at most 10 names per problem and 10 problems, then how many more, and loads nothing', () => {
    const wide = new Sequential(...Array.from({ length: 12 }, (_, i) => lin(i)));
    const other = new Sequential(...Array.from({ length: 12 }, (_, i) => lin(i, 4)));
    const before = Array.from(other.params()[0].value.data);
    let message = '';
    try {
      loadSafetensors(other, encodeSafetensors(wide), 'w');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message.startsWith('w: does not match ')).toBe(true);
    expect(message).toContain("'0.weight' has shape [2, 3] in the file, the model expects [2, 4]");
    expect(message).toMatch(/; and 2 more problems$/);
    expect(Array.from(other.params()[0].value.data)).toEqual(before);
    const few = new Sequential(lin(1));
    expect(() => loadSafetensors(few, encodeSafetensors(wide), 'w')).toThrow(
      'w: does not match Sequential(0: Linear(3, 2)): unexpected: 1.bias, 1.weight, 10.bias, 10.weight, 11.bias, 11.weight, 2.bias, 2.weight, 3.bias, 3.weight and 12 more',
    );
  });

  it('counts NaN and infinite values of a tensor it would load', () => {
    const bytes = withHeader({ bias: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, weight: { dtype: 'F32', shape: [2, 3], data_offsets: [8, 32] } }, f32(NaN, Infinity, 1, 2, 3, 4, 5, 6));
    expect(() => loadSafetensors(lin(1), bytes, 'w')).toThrow("w: does not match Linear(3, 2): 'bias' has 2 of 2 values NaN or infinite");
  });
});
