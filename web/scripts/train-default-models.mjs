// Trains the page's default models with `pairnet train --save` and writes web/public/models/manifest.json with,
// for each, the exact command, its measured test and digit accuracy, and the standardisation read back from the
// saved weights' metadata. Run from the repository root after `npx tsc -p tsconfig.json` (builds dist/):
//   node web/scripts/train-default-models.mjs
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../dist/src/io/atomic-write.js';
import { readCheckpoint } from '../../dist/src/training/checkpoint.js';

const dir = 'web/public/models';
const models = [
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

const entries = [];
for (const m of models) {
  const weights = `${m.id}.safetensors`;
  const argv = ['dist/src/cli/main.js', 'train', ...m.args, '--save', `${dir}/${weights}`, '--json'];
  const command = `node ${argv.join(' ')}`;
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
const out = `${dir}/manifest.json`;
writeFileAtomic(out, JSON.stringify({ generatedBy: 'node web/scripts/train-default-models.mjs', models: entries }, null, 2) + '\n');
console.log(`train-default-models: wrote ${out}`);
