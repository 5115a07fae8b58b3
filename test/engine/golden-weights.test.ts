// Weights saved by PyTorch 1.13 (state_dict with BatchNorm running stats, written in the safetensors format by
// tools/golden/safetensors_io.py) load into the matching pairnet model and give PyTorch's eval-mode output.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encodeSafetensors, loadSafetensors } from '../../src/engine/safetensors.js';
import { type FixtureTensor, expectClose, readFixture, toTensor } from './golden-fixture.js';
import { type ModuleSpec, buildModule } from './golden-spec.js';

const info = readFixture<{ spec: ModuleSpec; input: FixtureTensor; output: FixtureTensor }>('weights.json');
const file = new Uint8Array(readFileSync(new URL('../fixtures/golden/weights.safetensors', import.meta.url)));

describe('safetensors interoperate with PyTorch', () => {
  it('loads a PyTorch state_dict and reproduces its eval output', () => {
    const model = buildModule(info.spec);
    const metadata = loadSafetensors(model, file, 'weights.safetensors');
    expect(metadata.format).toBe('pt');
    const counters = model.buffers().filter((b) => b.name.endsWith('num_batches_tracked'));
    expect(counters.map((b) => b.value.data[0])).toEqual([3, 3]);
    expectClose('eval output', model.eval().forward(toTensor(info.input)), info.output);
  });

  it('writes the same bytes PyTorch wrote, so our files load into PyTorch (strict load_state_dict)', () => {
    const model = buildModule(info.spec);
    const metadata = loadSafetensors(model, file, 'weights.safetensors');
    expect(Buffer.from(encodeSafetensors(model, metadata)).equals(Buffer.from(file))).toBe(true);
  });
});
