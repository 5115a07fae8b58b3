// The one checkpoint format (src/training/checkpoint.ts): what `pairnet train --save` and the page's trainer write,
// and `pairnet eval`, the page's model store and web/scripts read.
import { describe, expect, it } from 'vitest';
import { Rng, zeros } from '../../src/engine/index.js';
import { encodeSafetensors } from '../../src/engine/safetensors.js';
import { buildModel } from '../../src/models/registry.js';
import { backgroundValue } from '../../src/data/standardize.js';
import { encodeCheckpoint, loadCheckpoint, modelFromCheckpoint, readCheckpoint } from '../../src/training/checkpoint.js';
import { evaluateEnsemble } from '../../src/training/ensemble.js';
import { trainRun } from '../../src/training/run.js';
import { defaultRunConfig } from '../../src/training/defaults.js';
import { resolveRunConfig } from '../../src/training/validate.js';

describe('checkpoints', () => {
  const config = resolveRunConfig(defaultRunConfig(), { model: 'fcnet', modelOptions: { dropout: 0.1 }, loss: { main: 0.5, aux: 0.25 } });
  const trained = buildModel('fcnet', config.modelOptions, new Rng(4));
  const bytes = encodeCheckpoint(trained, config, { mean: 33, std: 78 }, { pairnetVersion: '9.9.9' });

  it('round-trips the model, its options, the standardisation and whether the digit heads were trained', () => {
    expect(readCheckpoint(bytes, 'w.safetensors')).toEqual({ model: 'fcnet', modelOptions: { dropout: 0.1 }, standardization: { mean: 33, std: 78 }, digitsTrained: true, members: 1, tta: 0 });
    const plain = encodeCheckpoint(trained, { ...config, loss: { ...config.loss, aux: 0 } }, null);
    expect(readCheckpoint(plain, 'p.safetensors')).toMatchObject({ standardization: null, digitsTrained: false });
  });

  it('loads the weights into the model the file names: the same predictions', () => {
    const { model, meta } = loadCheckpoint(bytes, 'w.safetensors');
    expect(meta.model).toBe('fcnet');
    const x = zeros([3, 2, 14, 14]);
    const rng = new Rng(1);
    for (let i = 0; i < x.data.length; i++) x.data[i] = rng.normal();
    expect(Array.from(model.forward(x, false).main.data)).toEqual(Array.from(trained.forward(x, false).main.data));
  });

  it('refuses another model, names the missing one, and says which model an option does not fit', () => {
    expect(() => loadCheckpoint(bytes, 'w.safetensors', { model: 'convnet' })).toThrow("w.safetensors: holds weights of 'fcnet', not 'convnet'");
    const bare = encodeSafetensors(trained.module);
    expect(() => loadCheckpoint(bare, 'bare.safetensors')).toThrow('bare.safetensors: its metadata names no model: give --model');
    expect(loadCheckpoint(bare, 'bare.safetensors', { model: 'fcnet', options: { dropout: 0.1 } }).meta.model).toBeUndefined();
    expect(() => loadCheckpoint(bytes, 'w.safetensors', { options: { width: 3 } })).toThrow(/model "fcnet" \{"dropout":0.1,"width":3\}: model 'fcnet': unknown option 'width'/);
  });

  it("keeps an ensemble's members and test-time shifts: loaded back, they score the run's test pairs exactly as the run did", () => {
    const run = trainRun(resolveRunConfig(defaultRunConfig(), {
      model: 'fcnet', epochs: 1, ensemble: 3, tta: 1, data: { trainPairs: 100, testPairs: 100 },
    }));
    const file = encodeCheckpoint(run.members, run.record.config, run.data.stats);
    const { members, meta } = loadCheckpoint(file, 'e.safetensors');
    expect([members.length, meta.members, meta.tta]).toEqual([3, 3, 1]);
    const nets = members.map((m) => m.compile());
    const again = evaluateEnsemble(nets, run.data.test, { tta: meta.tta, fill: backgroundValue(meta.standardization) });
    for (const net of nets) net.dispose();
    expect([again.accuracy, again.loss]).toEqual([run.record.final.testAccuracy, run.record.final.testLoss]);
    // Read as one model, the file names what does not fit.
    expect(() => modelFromCheckpoint(file, 'e.safetensors', 'fcnet', {})).toThrow(/^e\.safetensors: does not match Sequential\(.*\): missing: fc1\.weight, .*; unexpected: members\.0\.fc1\.bias, /);
  });

  it('names a bad member count or test-time shift in the metadata', () => {
    const meta = (extra: Record<string, string>) => encodeSafetensors(trained.module, { model: 'fcnet', ...extra });
    for (const members of ['1', '2.5', 'many', '33']) {
      expect(() => readCheckpoint(meta({ members }), 'm.safetensors')).toThrow(`m.safetensors: metadata "members" must be an integer 2..32, got "${members}"`);
    }
    expect(() => readCheckpoint(meta({ config: JSON.stringify({ tta: 9 }) }), 't.safetensors')).toThrow('t.safetensors: metadata "config" must be a run config with tta an integer 0..3');
  });
});
