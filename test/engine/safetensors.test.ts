import { describe, expect, it } from 'vitest';
import { Linear } from '../../src/engine/modules/linear.js';
import { ReLU } from '../../src/engine/modules/activations.js';
import { Sequential } from '../../src/engine/modules/containers.js';
import { BatchNorm1d } from '../../src/engine/modules/batchnorm.js';
import { fromArray } from '../../src/engine/tensor.js';
import { Rng } from '../../src/engine/rng.js';
import { encodeSafetensors, loadSafetensors, readSafetensors } from '../../src/engine/safetensors.js';
import { withHeader } from './safetensors-bytes.js';

const mlp = (seed: number, hidden = 4): Sequential =>
  new Sequential(new Linear(3, hidden, new Rng(seed)), new ReLU(), new Linear(hidden, 2, new Rng(seed + 1)));

function headerOf(bytes: Uint8Array): { length: number; json: Record<string, unknown> } {
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
  return { length, json: JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length))) };
}

describe('safetensors', () => {
  it('round-trips every parameter with PyTorch names, sorted, 8-byte aligned header and metadata', () => {
    const a = mlp(1);
    const bytes = encodeSafetensors(a, { format: 'pt', seed: '1' });
    const { length, json } = headerOf(bytes);
    expect(length % 8).toBe(0);
    expect(Object.keys(json)).toEqual(['__metadata__', '0.bias', '0.weight', '2.bias', '2.weight']);
    expect(json['0.weight']).toEqual({ dtype: 'F32', shape: [4, 3], data_offsets: [16, 64] });
    expect(bytes.length).toBe(8 + length + 4 * (4 + 12 + 2 + 8));

    const b = mlp(99);
    expect(b.params()[0].value.data).not.toEqual(a.params()[0].value.data);
    expect(loadSafetensors(b, bytes)).toEqual({ format: 'pt', seed: '1' });
    a.params().forEach((p, i) => expect(b.params()[i].value.data).toEqual(p.value.data));
  });

  it('saves BatchNorm running statistics, num_batches_tracked as an I64 scalar like PyTorch', () => {
    const bn = new BatchNorm1d(2);
    bn.forward(fromArray([3, 2], [1, 2, 3, 5, 8, 13]), true);
    bn.forward(fromArray([3, 2], [0, 1, 0, 1, 0, 1]), true);
    const bytes = encodeSafetensors(bn);
    const { json } = headerOf(bytes);
    expect(json.num_batches_tracked).toEqual({ dtype: 'I64', shape: [], data_offsets: [8, 16] });
    const copy = new BatchNorm1d(2);
    loadSafetensors(copy, bytes);
    expect(copy.buffers().map((b) => Array.from(b.value.data))).toEqual(bn.buffers().map((b) => Array.from(b.value.data)));
    expect(copy.buffers().find((b) => b.name === 'num_batches_tracked')?.value.data[0]).toBe(2);
  });

  it('names every missing, unexpected and mis-shaped tensor in one error and loads nothing', () => {
    const bytes = encodeSafetensors(mlp(1));
    const bigger = new Sequential(mlp(2), new Linear(2, 2, new Rng(3)));
    expect(() => loadSafetensors(bigger, bytes, 'w.safetensors')).toThrow(
      /w\.safetensors: does not match Sequential.*missing: 0\.0\.weight, 0\.0\.bias.*unexpected: 0\.bias, 0\.weight/,
    );
    const wider = mlp(5, 6);
    const before = wider.params().map((p) => Float32Array.from(p.value.data));
    expect(() => loadSafetensors(wider, bytes, 'w.safetensors')).toThrow(
      /'0\.weight' has shape \[4, 3\] in the file, the model expects \[6, 3\]/,
    );
    wider.params().forEach((p, i) => expect(p.value.data).toEqual(before[i]));
  });

  it('rejects corrupt files with a reason', () => {
    const good = encodeSafetensors(mlp(1));
    const { length, json } = headerOf(good);
    const data = good.subarray(8 + length);
    const bad = (bytes: Uint8Array, why: RegExp): void => {
      expect(() => readSafetensors(bytes, 'x.safetensors')).toThrow(why);
    };
    bad(good.subarray(0, 5), /x\.safetensors: not a valid safetensors file: 5 bytes/);
    bad(good.subarray(0, 8 + length - 3), /header length \d+ exceeds/);
    bad(good.subarray(0, good.length - 4), /outside the \d+ data bytes|cover/);
    const notJson = Uint8Array.from(good);
    notJson[8] = 0x7b + 1;
    bad(notJson, /header is not UTF-8 JSON/);
    bad(withHeader([1, 2], new Uint8Array(0)), /header is not a JSON object/);
    bad(withHeader({ ...json, '0.bias': { dtype: 'BF16', shape: [4], data_offsets: [0, 16] } }, data), /dtype "BF16"/);
    bad(withHeader({ ...json, '0.bias': { dtype: 'F32', shape: [5], data_offsets: [0, 16] } }, data), /needs 20 bytes/);
    bad(withHeader({ ...json, '0.bias': { dtype: 'F32', shape: [-4], data_offsets: [0, 16] } }, data), /invalid shape/);
    bad(withHeader({ ...json, __metadata__: { n: 1 } }, data), /__metadata__ 'n' is not a string/);
    bad(withHeader(json, new Uint8Array([...data, 0, 0, 0, 0])), /cover \d+ of \d+ data bytes/);
    const overlap = { ...json, '0.weight': { dtype: 'F32', shape: [4], data_offsets: [0, 16] } };
    bad(withHeader(overlap, data), /gap or overlap/);
  });

  it('reads F64, I32 and I64 tensors as float32', () => {
    const data = new Uint8Array(8 + 4 + 8);
    const view = new DataView(data.buffer);
    view.setFloat64(0, 0.5, true);
    view.setInt32(8, -3, true);
    view.setBigInt64(12, 7n, true);
    const { tensors } = readSafetensors(
      withHeader(
        {
          a: { dtype: 'F64', shape: [1], data_offsets: [0, 8] },
          b: { dtype: 'I32', shape: [], data_offsets: [8, 12] },
          c: { dtype: 'I64', shape: [1, 1], data_offsets: [12, 20] },
        },
        data,
      ),
    );
    expect([...tensors.values()].map((t) => t.data[0])).toEqual([0.5, -3, 7]);
  });
});
