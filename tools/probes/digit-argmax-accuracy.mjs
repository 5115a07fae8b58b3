// Re-trains stored runs of a study variant (their exact configs) and scores each trained model two ways on its test
// pairs: the comparison output (what the study reports) and "compare the two digit heads' argmax" (what a report
// that read its digit predictions would get). Tests whether a report's figure is the latter.
//   node tools/probes/digit-argmax-accuracy.mjs results/004-batchnorm-dropout-ws-aux "W.S.+A.L.+B." 3
// Build first (npm run build:ts).
import { readFileSync } from 'node:fs';
import { Batch } from '../../dist/src/training/batches.js';
import { trainRun } from '../../dist/src/training/run.js';

const [dir, variant, roundsArg = '3'] = process.argv.slice(2);
const lines = readFileSync(`${dir}/results.jsonl`, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const argmax = (v, off) => {
  let best = 0;
  for (let k = 1; k < 10; k++) if (v[off + k] > v[off + best]) best = k;
  return best;
};
for (let r = 0; r < Number(roundsArg); r++) {
  const line = lines.find((l) => l.key === `rounds/${variant}/round ${r}`);
  if (!line) throw new Error(`${dir}: no run rounds/${variant}/round ${r}`);
  const { record, model, data } = trainRun(line.record.config);
  const set = data.test;
  const order = Int32Array.from({ length: set.count }, (_, i) => i);
  const out = model.forward(new Batch().fill(set, order, 0, set.count), false);
  let byDigits = 0;
  for (let i = 0; i < set.count; i++) {
    const a = argmax(out.digits[0].data, i * 10);
    const b = argmax(out.digits[1].data, i * 10);
    byDigits += Number((a <= b ? 1 : 0) === set.target[i]);
  }
  const same = record.final.testAccuracy === line.record.final.testAccuracy;
  console.log(JSON.stringify({ run: line.key, reported: record.final.testAccuracy, sameAsStored: same, digitArgmaxCompare: byDigits / set.count, digitAccuracy: record.final.testDigitAccuracy }));
}
