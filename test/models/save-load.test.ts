import { describe, expect, it } from 'vitest';
import { Rng, zeros } from '../../src/engine/index.js';
import { encodeSafetensors, loadSafetensors, readSafetensors } from '../../src/engine/safetensors.js';
import { buildModel } from '../../src/models/registry.js';

describe('saving and loading zoo weights', () => {
  for (const name of ['digitcnn-ws-bn-dropout', 'bce-resnet-aux', 'lrelu-cnn2-aux1']) {
    it(`${name}: save -> load into a fresh model -> identical eval predictions`, () => {
      const rng = new Rng(7);
      const x = zeros([5, 2, 14, 14]);
      for (let i = 0; i < x.data.length; i++) x.data[i] = rng.normal();
      const trained = buildModel(name, {}, new Rng(1));
      // Training-mode passes move the BatchNorm running statistics away from their initial values.
      for (let k = 0; k < 3; k++) trained.forward(x, true);
      const bytes = encodeSafetensors(trained.module, { model: name });
      const fresh = buildModel(name, {}, new Rng(2));
      const before = Array.from(fresh.forward(x, false).main.data);
      expect(readSafetensors(bytes).metadata.model).toBe(name);
      loadSafetensors(fresh.module, bytes);
      const want = Array.from(trained.forward(x, false).main.data);
      expect(Array.from(fresh.forward(x, false).main.data)).toEqual(want);
      expect(before).not.toEqual(want);
      const names = fresh.buffers().map((b) => b.name);
      if (name !== 'lrelu-cnn2-aux1') expect(names.some((n) => n.endsWith('running_mean'))).toBe(true);
    });
  }

  it('refuses weights of another architecture, naming the tensor', () => {
    const bytes = encodeSafetensors(buildModel('convsepnet', {}, new Rng(1)).module);
    expect(() => loadSafetensors(buildModel('finalnet', {}, new Rng(1)).module, bytes, 'w.safetensors')).toThrow(/w\.safetensors.*fc/);
  });
});
