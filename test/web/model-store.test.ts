import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { Rng } from '../../src/engine/rng.js';
import { encodeSafetensors } from '../../src/engine/safetensors.js';
import { buildModel } from '../../src/models/registry.js';
import { loadOwnWeights, loadWeights, parseManifest } from '../../web/src/model-store.js';
import { predictPair } from '../../web/src/pair-predict.js';
import { shiftPairs } from '../../src/data/augment.js';
import { encodeCheckpoint } from '../../src/training/checkpoint.js';
import { defaultRunConfig } from '../../src/training/defaults.js';
import { shifts } from '../../src/training/ensemble.js';
import { resolveRunConfig } from '../../src/training/validate.js';
import { parseDigitFile } from '../../web/src/train-digits.js';

const root = new URL('../../', import.meta.url);
const read = (path: string): Uint8Array => new Uint8Array(readFileSync(new URL(path, root)));
const manifest = parseManifest(JSON.parse(readFileSync(new URL('web/public/models/manifest.json', root), 'utf8')), 'manifest.json');

describe('the page model manifest and weights', () => {
  it('lists weights that load into their model, with the command that made them and a measured accuracy', () => {
    for (const entry of manifest) {
      const loaded = loadWeights(entry, read(`web/public/models/${entry.weights}`), entry.weights);
      for (const m of loaded.members) expect(m.name).toBe(entry.model);
      expect(loaded.members.length).toBe(Number(/--ensemble (\d+)/.exec(entry.command ?? '')?.[1] ?? 1));
      expect(entry.command).toMatch(/^(PAIRNET_BACKEND=\w+ )?node dist\/src\/cli\/main\.js train .*--save web\/public\/models\//);
      expect(entry.testAccuracy).toBeGreaterThan(0.85);
      expect(entry.standardization?.std).toBeGreaterThan(0);
    }
  });

  it('rejects a manifest with a bad entry, naming it', () => {
    expect(() => parseManifest({ models: [{ id: 'x', label: 'x', model: 'fcnet', weights: 'w', options: {}, standardization: { mean: 0, std: 0 } }] }, 'm.json'))
      .toThrow(/m\.json: models\[0\]: "standardization"/);
    expect(() => parseManifest({}, 'm.json')).toThrow(/m\.json: needs a non-empty "models" list/);
  });

  it('says which file is corrupt or of another model', () => {
    const entry = manifest[0];
    expect(() => loadOwnWeights(new TextEncoder().encode('garbage!garbage!'), 'bad.safetensors', entry))
      .toThrow(/^bad\.safetensors: not a valid safetensors file/);
    const other = encodeSafetensors(buildModel('fcnet', {}, new Rng(1)).module);
    expect(() => loadOwnWeights(other, 'fc.safetensors', entry)).toThrow(/fc\.safetensors: does not match .*\n\(the weights must fit the selected model/s);
  });

  it('takes the model and standardisation of own weights from their metadata', () => {
    const model = buildModel('fcnet', {}, new Rng(2));
    const bytes = encodeSafetensors(model.module, { model: 'fcnet', modelOptions: '{}', standardize: 'true', mean: '33', std: '71' });
    const loaded = loadOwnWeights(bytes, 'mine.safetensors', manifest[0]);
    expect(loaded.entry.model).toBe('fcnet');
    expect(loaded.entry.standardization).toEqual({ mean: 33, std: 71 });
    const bad = encodeSafetensors(model.module, { model: 'fcnet', standardize: 'true', mean: 'x', std: '71' });
    expect(() => loadOwnWeights(bad, 'bad-meta.safetensors', manifest[0])).toThrow('bad-meta.safetensors: metadata "mean" must be a finite number, got "x"');
  });
});

describe("an ensemble's weights in the page", () => {
  it('load as all their members with their test-time shifts, and predict the average of the members on every shift', () => {
    const config = resolveRunConfig(defaultRunConfig(), { model: 'convsepnet', ensemble: 2, tta: 1, loss: { aux: 1 } });
    const members = [buildModel('convsepnet', {}, new Rng(5)), buildModel('convsepnet', {}, new Rng(6))];
    const stats = { mean: 33, std: 78 };
    const loaded = loadOwnWeights(encodeCheckpoint(members, config, stats), 'ens.safetensors', manifest[0]);
    expect([loaded.members.length, loaded.tta, loaded.entry.model]).toEqual([2, 1, 'convsepnet']);
    const rng = new Rng(2);
    const a = Float32Array.from({ length: 196 }, () => rng.normal());
    const b = Float32Array.from({ length: 196 }, () => rng.normal());
    const fill = -stats.mean / stats.std;
    const p = predictPair(loaded.members, a, b, { tta: 1, fill });
    // By hand: each member on the 9 shifted views of the pair.
    let sum = 0;
    for (const m of members) {
      m.module.eval();
      for (const [dx, dy] of shifts(1)) {
        const view = shiftPairs({ input: Float32Array.from([...a, ...b]), classes: new Int32Array(2), target: new Int32Array(1), count: 1 }, dx, dy, fill);
        sum += predictPair(m, view.input.subarray(0, 196), view.input.subarray(196)).pLessEqual;
      }
    }
    expect(p.pLessEqual).toBeCloseTo(sum / 18, 12);
    expect(p.digits![0].reduce((x, y) => x + y, 0)).toBeCloseTo(1, 9);
  });
});

describe('reading the comparison from each kind of main output', () => {


  it('gives digit probabilities that sum to 1 for a model with digit heads', () => {
    const p = predictPair(buildModel('convsepnet', {}, new Rng(3)), new Float32Array(196), new Float32Array(196).fill(1));
    expect(p.digits).not.toBeNull();
    for (const d of p.digits!) expect(d.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(p.pLessEqual).toBeGreaterThan(0);
    expect(p.pLessEqual).toBeLessThan(1);
  });
});

describe('the page sample of train digits', () => {
  it('parses the shipped file and rejects a damaged one', () => {
    const bytes = gunzipSync(read('web/public/digits/mnist-train-2000.bin.gz'));
    const set = parseDigitFile(new Uint8Array(bytes), 'train.bin');
    expect(set.count).toBe(2000);
    expect(set.images.length).toBe(2000 * 784);
    expect(new Set(set.labels).size).toBe(10);
    expect(() => parseDigitFile(new Uint8Array(bytes.subarray(0, 5000)), 'cut.bin')).toThrow(/cut\.bin: 2000 digits need/);
    expect(() => parseDigitFile(new Uint8Array(100), 'zero.bin')).toThrow(/zero\.bin: not a pairnet digit file/);
  });
});
