// Writes web/public/digits/mnist-train-2000.bin.gz: a seeded sample of real MNIST digits from the 60,000
// TRAINING images, for training a model inside the page. Format (gzip of): "PNDIGITS", count (u32 LE), side (u32 LE), count label bytes, count*side*side pixel bytes (0..255). Run from the repository root after
// `npx tsc -p tsconfig.json`:  node web/scripts/make-train-digits.mjs [count=2000] [seed=7]
import { writeFileAtomic } from '../../dist/src/io/atomic-write.js';
import { gzipSync } from 'node:zlib';
import { loadMnist } from '../../dist/src/data/mnist.js';
import { Rng, deriveSeed } from '../../dist/src/engine/rng.js';

const count = Number(process.argv[2] ?? 2000);
const seed = Number(process.argv[3] ?? 7);
const out = `web/public/digits/mnist-train-${count}.bin.gz`;

const train = loadMnist('mnist').train;
if (!Number.isInteger(count) || count < 2 || count > train.count) {
  throw new Error(`make-train-digits: count must be an integer 2..${train.count}, got ${process.argv[2]}`);
}
const perm = new Rng(deriveSeed(seed, 'web-train-digits')).permutation(train.count);
const header = Buffer.alloc(16);
header.write('PNDIGITS', 0, 'latin1');
header.writeUInt32LE(count, 8);
header.writeUInt32LE(28, 12);
const labels = Buffer.alloc(count);
const images = Buffer.alloc(count * 784);
for (let i = 0; i < count; i++) {
  labels[i] = train.labels[perm[i]];
  images.set(train.images.subarray(perm[i] * 784, (perm[i] + 1) * 784), i * 784);
}
writeFileAtomic(out, gzipSync(Buffer.concat([header, labels, images]), { level: 9 }));
console.log(`make-train-digits: wrote ${count} train digits to ${out}`);
