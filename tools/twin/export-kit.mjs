// Exports a "twin kit" for one stored run, so PyTorch 1.13 can train the identical configuration
// (tools/twin/twin.py): the run's pairs exactly as pairnet built them (after standardisation), the model's initial
// weights (safetensors, PyTorch names), every epoch's minibatch order, the resolved config, pairnet's initial test
// loss (the twin must reproduce it, which checks its model definition) and the stored record's final metrics.
// Only dropout masks differ (each side draws its own). Run from the repository root after `npx tsc -p tsconfig.json`:
//   node tools/twin/export-kit.mjs RESULTS_DIR KEY OUT_DIR
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadMnist } from '../../dist/src/data/mnist.js';
import { prepareRunData } from '../../dist/src/data/run-data.js';
import { Rng } from '../../dist/src/engine/rng.js';
import { writeFileAtomic } from '../../dist/src/io/atomic-write.js';
import { encodeSafetensors } from '../../dist/src/engine/safetensors.js';
import { buildModel, resolveModelOptions } from '../../dist/src/models/registry.js';
import { evaluate } from '../../dist/src/training/evaluate.js';

const [dir, key, out] = process.argv.slice(2);
if (!dir || !key || !out) {
  console.error('usage: node tools/twin/export-kit.mjs RESULTS_DIR KEY OUT_DIR');
  process.exit(2);
}
const line = readFileSync(join(dir, 'results.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)).findLast((e) => e.key === key);
if (!line) throw new Error(`${dir}/results.jsonl: no run with key "${key}"`);
const { config, final, epochs } = line.record;
const a = config.data.augment;
if (a.translate || a.swap || a.repair) throw new Error(`${key}: augmented runs have no twin (augmentation draws differ per engine)`);

// The trainer's order of random streams (src/training/trainer.ts): data from the seed, then init, then shuffle.
const data = prepareRunData(loadMnist(config.data.source), config.data, config.seed);
const root = new Rng(config.seed);
const model = buildModel(config.model, config.modelOptions, root.fork('init'));
const shuffle = root.fork('shuffle');
const n = data.train.count;
const orders = new Int32Array(config.epochs * n);
for (let e = 0; e < config.epochs; e++) orders.set(shuffle.permutation(n), e * n);
const initial = evaluate(model, data.test);

/** A safetensors file of raw typed arrays (F32 / I32), sorted by name as pairnet and tools/golden write them. */
function encodeArrays(arrays) {
  const names = Object.keys(arrays).sort();
  const header = {};
  let offset = 0;
  for (const name of names) {
    const { data: d, shape } = arrays[name];
    header[name] = { dtype: d instanceof Int32Array ? 'I32' : 'F32', shape, data_offsets: [offset, offset + d.byteLength] };
    offset += d.byteLength;
  }
  let text = JSON.stringify(header);
  text += ' '.repeat((8 - (text.length % 8)) % 8);
  const head = Buffer.alloc(8);
  head.writeBigUInt64LE(BigInt(text.length));
  return Buffer.concat([head, Buffer.from(text), ...names.map((k) => Buffer.from(arrays[k].data.buffer, arrays[k].data.byteOffset, arrays[k].data.byteLength))]);
}

const pairs = (set, name) => ({
  [`${name}_input`]: { data: set.input, shape: [set.count, 2, 14, 14] },
  [`${name}_classes`]: { data: set.classes, shape: [set.count, 2] },
  [`${name}_target`]: { data: set.target, shape: [set.count] },
});

mkdirSync(out, { recursive: true });
writeFileAtomic(join(out, 'initial.safetensors'), encodeSafetensors(model.module, { model: config.model }));
writeFileAtomic(join(out, 'data.safetensors'), encodeArrays({ ...pairs(data.train, 'train'), ...pairs(data.test, 'test'), orders: { data: orders, shape: [config.epochs, n] } }));
const kit = {
  study: dir,
  key,
  config,
  options: resolveModelOptions(config.model, config.modelOptions),
  mainLoss: model.mainLoss,
  hasDigits: model.hasDigits,
  hasAuxMain: model.hasAuxMain,
  evaluatedOn: data.evaluatedOn,
  pairnet: { initialTestLoss: initial.loss, initialTestAccuracy: initial.accuracy, final, trainLoss: epochs.map((e) => e.trainLoss) },
};
writeFileAtomic(join(out, 'kit.json'), JSON.stringify(kit, null, 1) + '\n');
console.error(`export-kit: ${key} -> ${out} (${config.model}, ${n} train pairs, ${config.epochs} epochs, initial test loss ${initial.loss.toFixed(6)})`);
