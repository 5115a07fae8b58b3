// Writes web/public/digits/mnist-test-sample.json: a seeded sample of real MNIST digits from the t10k TEST
// images (never the training images), 28x28 bytes base64-encoded, for the page's "random test pair" button and
// the e2e test. Run from the repository root after `npx tsc -p tsconfig.json`:
//   node web/scripts/make-test-digits.mjs [count=200] [seed=7]
import { writeFileAtomic } from '../../dist/src/io/atomic-write.js';
import { loadMnist } from '../../dist/src/data/mnist.js';
import { Rng, deriveSeed } from '../../dist/src/engine/rng.js';

const count = Number(process.argv[2] ?? 200);
const seed = Number(process.argv[3] ?? 7);
const out = 'web/public/digits/mnist-test-sample.json';

const source = loadMnist('mnist');
const test = source.test;
if (!Number.isInteger(count) || count < 2 || count > test.count) {
  throw new Error(`make-test-digits: count must be an integer 2..${test.count}, got ${process.argv[2]}`);
}
const perm = new Rng(deriveSeed(seed, 'web-test-digits')).permutation(test.count);
const indices = Array.from(perm.subarray(0, count));
const images = new Uint8Array(count * 784);
indices.forEach((idx, i) => images.set(test.images.subarray(idx * 784, (idx + 1) * 784), i * 784));

const sample = {
  description: `${count} digits drawn without replacement (seed ${seed}) from the TEST pool of ${source.description}`,
  command: `node web/scripts/make-test-digits.mjs ${count} ${seed}`,
  side: 28,
  count,
  testPoolIndices: indices,
  labels: indices.map((idx) => test.labels[idx]),
  imagesBase64: Buffer.from(images).toString('base64'),
};
writeFileAtomic(out, JSON.stringify(sample) + '\n');
console.log(`make-test-digits: wrote ${count} test digits to ${out}`);
