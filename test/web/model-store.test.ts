import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { Rng } from '../../src/engine/rng.js';
import { encodeSafetensors } from '../../src/engine/safetensors.js';
import { buildModel } from '../../src/models/registry.js';
import { loadOwnWeights, modelFromWeights, parseManifest } from '../../web/src/model-store.js';
import { comparisonProbability, predictPair } from '../../web/src/pair-predict.js';
import { parseDigitFile } from '../../web/src/train-digits.js';

const root = new URL('../../', import.meta.url);
const read = (path: string): Uint8Array => new Uint8Array(readFileSync(new URL(path, root)));
const manifest = parseManifest(JSON.parse(readFileSync(new URL('web/public/models/manifest.json', root), 'utf8')), 'manifest.json');

describe('the page model manifest and weights', () => {
  it('lists weights that load into their model, with the command that made them and a measured accuracy', () => {
    for (const entry of manifest) {
      const model = modelFromWeights(entry, read(`web/public/models/${entry.weights}`), entry.weights);
      expect(model.name).toBe(entry.model);
      expect(entry.command).toMatch(/^node dist\/src\/cli\/main\.js train .*--save web\/public\/models\//);
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

describe('reading the comparison from each kind of main output', () => {
  it('turns logits, log-probabilities and sigmoid outputs into P(first <= second)', () => {
    expect(comparisonProbability('ce', new Float32Array([0, Math.log(3)]))).toBeCloseTo(0.75, 6);
    expect(comparisonProbability('nll', new Float32Array([Math.log(0.2), Math.log(0.8)]))).toBeCloseTo(0.8, 6);
    expect(comparisonProbability('bce', new Float32Array([0]))).toBeCloseTo(0.5, 6);
    expect(comparisonProbability('bce-onehot', new Float32Array([-10, 10]))).toBeGreaterThan(0.99);
  });

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
