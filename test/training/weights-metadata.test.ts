// Reading a weights file's metadata and a stored run record back: each field's check, at its bounds, with the message
// naming the file and the field (these files come from users and other machines).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/rng.js';
import { buildModel } from '../../src/models/registry.js';
import { decodeWeightsMetadata, encodeCheckpoint, encodeWeightsMetadata, loadCheckpoint } from '../../src/training/checkpoint.js';
import { defaultRunConfig } from '../../src/training/defaults.js';
import { readRunRecord } from '../../src/training/record-file.js';

const config = { ...defaultRunConfig(), model: 'fcnet' };
const good = () => encodeWeightsMetadata(config, { mean: 33.3, std: 78.5 });
const decode = (patch: Record<string, string | undefined>) => {
  const m: Record<string, string> = { ...good() };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) delete m[k];
    else m[k] = v;
  }
  return decodeWeightsMetadata(m, 'w.safetensors');
};

describe('weights metadata', () => {
  it('reads back what it wrote: model, options, standardisation, digits trained, tta', () => {
    const meta = decode({});
    expect(meta).toEqual({ model: 'fcnet', modelOptions: {}, standardization: { mean: 33.3, std: 78.5 }, digitsTrained: config.loss.aux > 0, members: 1, tta: 0 });
    expect(decode({ standardize: 'false', mean: undefined, std: undefined }).standardization).toBeNull();
    expect(decode({ config: JSON.stringify({ ...config, loss: { ...config.loss, aux: 0 }, tta: 3 }) })).toMatchObject({ digitsTrained: false, tta: 3 });
    expect(decode({ config: JSON.stringify({ ...config, loss: { ...config.loss, aux: 0.5 } }) }).digitsTrained).toBe(true);
    expect(decode({ config: undefined }).digitsTrained).toBeNull();
    expect(decode({ modelOptions: '{"dropout":0.2}' }).modelOptions).toEqual({ dropout: 0.2 });
  });

  it.each([
    [{ modelOptions: 'not json' }, 'modelOptions', 'a JSON object'],
    [{ modelOptions: '[1]' }, 'modelOptions', 'a JSON object'],
    [{ modelOptions: 'null' }, 'modelOptions', 'a JSON object'],
    [{ modelOptions: '3' }, 'modelOptions', 'a JSON object'],
    [{ standardize: 'yes' }, 'standardize', '"true" or "false"'],
    [{ mean: ' ' }, 'mean', 'a finite number'],
    [{ mean: 'NaN' }, 'mean', 'a finite number'],
    [{ std: '0' }, 'std', 'a finite number > 0'],
    [{ std: 'Infinity' }, 'std', 'a finite number > 0'],
    [{ config: '{' }, 'config', 'the JSON of a run config'],
    [{ config: '{"tta":4}' }, 'config', 'a run config with tta an integer 0..3'],
    [{ config: '{"tta":-1}' }, 'config', 'a run config with tta an integer 0..3'],
    [{ config: '{"tta":1.5}' }, 'config', 'a run config with tta an integer 0..3'],
    [{ members: '1' }, 'members', 'an integer 2..32'],
    [{ members: '33' }, 'members', 'an integer 2..32'],
    [{ members: '2x' }, 'members', 'an integer 2..32'],
    [{ members: '12a' }, 'members', 'an integer 2..32'],
  ])('refuses %j, naming %s', (patch, field, want) => {
    expect(() => decode(patch)).toThrow(`w.safetensors: metadata "${field}" must be ${want}, got `);
  });

  it('says a field is missing rather than failing on it', () => {
    expect(() => decode({ mean: undefined })).toThrow('w.safetensors: metadata "mean" must be a finite number, got nothing');
    expect(() => decode({ std: undefined })).toThrow('w.safetensors: metadata "std" must be a finite number > 0, got nothing');
  });

  it('takes an ensemble of 2 to 32 members and a tta of 0 to 3', () => {
    expect(decode({ members: '2' }).members).toBe(2);
    expect(decode({ members: '32' }).members).toBe(32);
    expect(decode({ members: '10' }).members).toBe(10);
    expect(decode({ config: '{"tta":0}' }).tta).toBe(0);
  });

  it('loads a checkpoint for the model it names, and refuses another', () => {
    const model = buildModel('fcnet', {}, new Rng(1));
    const bytes = encodeCheckpoint([model], config, null);
    expect(loadCheckpoint(bytes, 'w', { model: 'fcnet' }).meta.model).toBe('fcnet');
    expect(loadCheckpoint(bytes, 'w').meta.model).toBe('fcnet');
    expect(() => loadCheckpoint(bytes, 'w', { model: 'convnet' })).toThrow("w: holds weights of 'fcnet', not 'convnet'");
  });
});

describe('stored run records', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pairnet-record-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  it('reads a record, or a results line holding one, and checks its config', () => {
    const record = { config, final: { testAccuracy: 0.9 } };
    expect(readRunRecord(file('r.json', JSON.stringify(record))).config).toEqual(config);
    expect(readRunRecord(file('line.json', JSON.stringify({ key: 'k', record }))).config).toEqual(config);
  });

  it('names the file and what is wrong: not JSON, no config, a bad config', () => {
    const bad = file('bad.json', '{"config": ');
    expect(() => readRunRecord(bad)).toThrow(new RegExp(`^${bad}: not valid JSON \\(`));
    const none = file('none.json', '{"record": {"final": {}}}');
    expect(() => readRunRecord(none)).toThrow(`${none}: expected a run record with its "config" (pairnet train --json, a run cache file or a results.jsonl line)`);
    const list = file('list.json', '[1]');
    expect(() => readRunRecord(list)).toThrow(`${list}: expected a run record with its "config"`);
    const wrong = file('wrong.json', JSON.stringify({ config: { ...config, epochs: 0 } }));
    expect(() => readRunRecord(wrong)).toThrow(new RegExp(`^${wrong}: .*epochs`));
  });
});
