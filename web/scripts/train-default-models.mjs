// Trains the page's default models with `pairnet train --save` and writes web/public/models/manifest.json with,
// for each, the exact command, its measured test and digit accuracy, and the standardisation read back from the
// saved weights' metadata. Run from the repository root after `npx tsc -p tsconfig.json` (builds dist/):
//   node web/scripts/train-default-models.mjs [id...]
// With ids, only those models are trained again; the manifest keeps the others' entries. PAIRNET_BACKEND (e.g.
// native) is passed on to `pairnet train` and written into the entry's command.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../dist/src/io/atomic-write.js';
import { readCheckpoint } from '../../dist/src/training/checkpoint.js';

const dir = 'web/public/models';
const models = [
  {
    id: 'pairnet-best',
    label: 'pairnet-best: 5 FinalNets, probabilistic comparison (studies/best.json\'s champion)',
    args: ['--model', 'finalnet', '--option', 'comparator=probabilistic', '--aux-weight', '1', '--cosine', '--augment', 'translate=2,swap,repair,scale=0.1', '--epochs', '400', '--ensemble', '5', '--seed', '1'],
  },
  {
    id: 'convsepnet-probabilistic',
    label: 'ConvSepNet, probabilistic comparison (digits -> P(a ≤ b))',
    args: ['--model', 'convsepnet', '--option', 'comparator=probabilistic', '--aux-weight', '1', '--epochs', '25', '--seed', '1'],
  },
  {
    id: 'convsepnet-aux',
    label: 'ConvSepNet + auxiliary digit losses, f = 0.5 (report 000)',
    args: ['--model', 'convsepnet', '--aux-fraction', '0.5', '--epochs', '25', '--seed', '1'],
  },
];

const manifestFile = `${dir}/manifest.json`;
const only = process.argv.slice(2);
for (const id of only) if (!models.some((m) => m.id === id)) throw new Error(`train-default-models: no model "${id}" (${models.map((m) => m.id).join(', ')})`);
const kept = only.length > 0 && existsSync(manifestFile) ? JSON.parse(readFileSync(manifestFile, 'utf8')).models : [];
const backend = process.env.PAIRNET_BACKEND;

const entries = [];
for (const m of models) {
  if (only.length > 0 && !only.includes(m.id)) {
    const old = kept.find((e) => e.id === m.id);
    if (old === undefined) throw new Error(`train-default-models: ${manifestFile} has no entry "${m.id}" to keep: train it too`);
    entries.push(old);
    continue;
  }
  const weights = `${m.id}.safetensors`;
  const argv = ['dist/src/cli/main.js', 'train', ...m.args, '--save', `${dir}/${weights}`, '--json'];
  const command = `${backend ? `PAIRNET_BACKEND=${backend} ` : ''}node ${argv.join(' ')}`;
  console.log(`train-default-models: ${command}`);
  const record = JSON.parse(execFileSync('node', argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
  const meta = readCheckpoint(new Uint8Array(readFileSync(`${dir}/${weights}`)), weights);
  entries.push({
    id: m.id,
    label: m.label,
    model: meta.model,
    options: meta.modelOptions,
    weights,
    standardization: meta.standardization,
    testAccuracy: record.final.testAccuracy,
    digitAccuracy: record.final.testDigitAccuracy ?? undefined,
    testPairs: record.config.data.testPairs,
    trainPairs: record.config.data.trainPairs,
    parameters: record.parameterCount,
    trainingSeconds: Math.round(record.trainingSeconds),
    dataSource: record.dataSource,
    pairnetVersion: record.pairnetVersion,
    command,
  });
  console.log(`train-default-models: ${m.id}: test accuracy ${record.final.testAccuracy}, digits ${record.final.testDigitAccuracy}`);
}
writeFileAtomic(manifestFile, JSON.stringify({ generatedBy: 'node web/scripts/train-default-models.mjs', models: entries }, null, 2) + '\n');
console.log(`train-default-models: wrote ${manifestFile}`);
