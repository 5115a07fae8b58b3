import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, crc32, deflateRawSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeIdx } from '../../src/data/idx.js';
import { IDX_FILES } from '../../src/data/mnist-idx.js';
import { Rng } from '../../src/engine/rng.js';
import { encodeSafetensors } from '../../src/engine/safetensors.js';
import { buildModel } from '../../src/models/registry.js';

// Each bad file goes to the built CLI in a child process that reports its peak RSS on exit (a preload script), so
// the bound is measured on the real entry point: every one must fail with a short message, in bounded memory.
const cli = join('dist', 'src', 'cli', 'main.js');
const dir = mkdtempSync(join(tmpdir(), 'pairnet-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const preload = join(dir, 'rss.cjs');
writeFileSync(preload, "process.on('exit', () => process.stderr.write(`\\nmaxrss ${process.resourceUsage().maxRSS}\\n`));\n");

const GB = 1024 ** 3;

interface Ran {
  status: number | null;
  message: string;
  rssMB: number;
  stdout: string;
}

/** The CLI in a child process (async, so a test's independent checks run side by side). */
function run(args: string[]): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn('node', ['--require', preload, cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (status) => {
      const rss = /maxrss (\d+)/.exec(stderr);
      resolve({ status, message: stderr.replace(/\nmaxrss \d+\n$/, ''), rssMB: rss ? Number(rss[1]) / 1024 : NaN, stdout });
    });
  });
}

/** One gzip member inflating to `mb` MB of zeros, built from one compressed MB repeated (fast to make), true trailer. */
function gzipOfZeros(mb: number): Buffer {
  const zeros = Buffer.alloc(1 << 20);
  const block = deflateRawSync(zeros, { level: 9, finishFlush: constants.Z_SYNC_FLUSH });
  let crc = 0;
  for (let i = 0; i < mb; i++) crc = crc32(zeros, crc);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE((mb * (1 << 20)) >>> 0, 4);
  return Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]), ...Array<Buffer>(mb).fill(block), Buffer.from([3, 0]), trailer]);
}

function sparse(file: string, head: Uint8Array, size: number): void {
  writeFileSync(file, head);
  truncateSync(file, size);
}

/** An MNIST directory whose train images file is `images`; the other three files are small and valid. */
function mnistDir(name: string, images: (file: string) => void): string {
  const d = join(dir, name);
  mkdirSync(d);
  images(join(d, IDX_FILES.trainImages));
  writeFileSync(join(d, IDX_FILES.trainLabels), encodeIdx([4], new Uint8Array(4)));
  writeFileSync(join(d, IDX_FILES.testImages), encodeIdx([4, 28, 28], new Uint8Array(4 * 784)));
  writeFileSync(join(d, IDX_FILES.testLabels), encodeIdx([4], new Uint8Array(4)));
  return d;
}

const bounded = (r: Ran): void => {
  expect(r.status).toBe(1);
  expect(r.message.length).toBeLessThan(1024);
  expect(r.rssMB).toBeLessThan(200);
};

describe('hostile input files: a clear short error in bounded memory', () => {
  it('a 1 GB sparse IDX file: refused from its header', async () => {
    const zeros = mnistDir('zeros', (f) => sparse(f, new Uint8Array(0), GB));
    const tail = mnistDir('tail', (f) => sparse(f, encodeIdx([60000, 28, 28], new Uint8Array(0)), GB));
    const [r, t] = await Promise.all([run(['data', '--mnist', zeros]), run(['data', '--mnist', tail])]);
    bounded(r);
    expect(r.message).toContain(`${join(zeros, IDX_FILES.trainImages)}: IDX data type 0x00 is not unsigned byte (0x08)`);
    bounded(t);
    expect(t.message).toContain(`IDX file has ${GB - 16 - 60000 * 784} bytes after the [60000, 28, 28] data`);
  });

  it('a 1 GB gzip bomb is called a gzip bomb', async () => {
    // gzip members concatenate: a valid MNIST header, then 1,023 more members of 1 MB of zeros (1 MB on disk).
    const mb = gzipSync(new Uint8Array(1 << 20), { level: 9 });
    const first = gzipSync(encodeIdx([60000, 28, 28], new Uint8Array(1 << 20)), { level: 9 });
    const bomb = mnistDir('bomb', (f) => {
      const fd = openSync(`${f}.gz`, 'w');
      writeSync(fd, first);
      for (let i = 1; i < 1024; i++) writeSync(fd, mb);
      closeSync(fd);
    });
    // One member of 1 GB: its trailer tells its size before anything is inflated.
    const single = mnistDir('bomb1', (f) => writeFileSync(`${f}.gz`, gzipOfZeros(1024 - 1)));
    const [r, s] = await Promise.all([run(['data', '--mnist', bomb]), run(['data', '--mnist', single])]);
    bounded(r);
    expect(r.message).toContain(`gzip data inflates to more than the ${16 + 60000 * 784} bytes its IDX header announces (a gzip bomb?)`);
    bounded(s);
    expect(s.message).toMatch(/gzip data inflates to 1072693248 bytes \(its trailer says\), at most 268,435,456 .*: a gzip bomb\?/);
  });

  it('a safetensors header of 10^6 entries: refused after 8 bytes, with a short message', async () => {
    const json = Buffer.from(`{${'"t":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},'.repeat(1e6)}"u":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}}`);
    const file = join(dir, 'many.safetensors');
    const head = Buffer.alloc(8);
    head.writeUInt32LE(json.length, 0);
    writeFileSync(file, Buffer.concat([head, json]));
    const r = await run(['eval', '--model', 'fcnet', '--weights', file]);
    bounded(r);
    expect(r.message).toBe(`pairnet: ${file}: not a valid safetensors file: header length ${json.length} is over 1048576 bytes (a zoo model's is under 10 KB)\n`);
  });

  it('a 1 GB sparse weights file and a 1 GB study file: refused from their size', async () => {
    const w = join(dir, 'huge.safetensors');
    sparse(w, new Uint8Array(0), GB);
    const s = join(dir, 'huge.json');
    sparse(s, new Uint8Array(0), GB);
    // Under the size bound but nested 200,000 deep: refused before the checks that recurse.
    const deep = join(dir, 'deep.json');
    writeFileSync(deep, `{"name":${'[1,'.repeat(200_000)}1${']'.repeat(200_000)}}`);
    const [r, q, d] = await Promise.all([run(['eval', '--weights', w]), run(['study', s]), run(['study', deep])]);
    bounded(r);
    expect(r.message).toContain(`weights ${w}: ${GB} bytes, at most 67,108,864`);
    bounded(q);
    expect(q.message).toContain(`study config ${s}: ${GB} bytes, at most 1,048,576`);
    bounded(d);
    expect(d.message).toBe(`pairnet: ${deep}: not valid JSON (nested more than 100 levels deep)\n`);
  });

  it('weights with NaN tensors, std 0 or mean NaN are refused; eval takes the model from the metadata', async () => {
    const model = buildModel('fcnet', {}, new Rng(1));
    const meta = { model: 'fcnet', modelOptions: '{}', standardize: 'true', mean: '33', std: '78' };
    const good = join(dir, 'good.safetensors');
    writeFileSync(good, encodeSafetensors(model.module, meta));
    const std0 = join(dir, 'std0.safetensors');
    writeFileSync(std0, encodeSafetensors(model.module, { ...meta, std: '0' }));
    const meanNaN = join(dir, 'mean-nan.safetensors');
    writeFileSync(meanNaN, encodeSafetensors(model.module, { ...meta, mean: 'NaN' }));
    for (const p of model.module.params()) p.value.data.fill(Number.NaN);
    const nan = join(dir, 'nan.safetensors');
    writeFileSync(nan, encodeSafetensors(model.module, meta));
    const [ok, s0, mn, r] = await Promise.all([run(['eval', '--weights', good, '--pairs', '50']), run(['eval', '--weights', std0]), run(['eval', '--weights', meanNaN]), run(['eval', '--weights', nan])]);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^fcnet \(.*good\.safetensors\): test accuracy [\d.]+%/);
    expect(s0.message).toBe(`pairnet: ${std0}: metadata "std" must be a finite number > 0, got "0"\n`);
    expect(mn.message).toBe(`pairnet: ${meanNaN}: metadata "mean" must be a finite number, got "NaN"\n`);
    bounded(r);
    expect(r.message).toMatch(/nan\.safetensors: does not match .*: 'fc1\.weight' has 78400 of 78400 values NaN or infinite; /);
  });
});
