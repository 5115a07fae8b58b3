import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkWritable, writeFileAtomic } from '../../src/io/atomic-write.js';

const cli = join('dist', 'src', 'cli', 'main.js');
const dir = mkdtempSync(join(tmpdir(), 'pairnet-write-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomic: the one whole-file writer', () => {
  it('replaces a file whole and leaves no temporary file', () => {
    const file = join(dir, 'w.txt');
    writeFileSync(file, 'old');
    writeFileAtomic(file, 'new');
    writeFileAtomic(file, new Uint8Array([65, 66]), { durable: true });
    expect(readFileSync(file, 'utf8')).toBe('AB');
    expect(readdirSync(dir)).toEqual(['w.txt']);
  });

  it('names the requested file, not the temporary one, and removes the temporary file on failure', () => {
    const target = join(dir, 'is-a-dir');
    mkdirSync(target);
    expect(() => writeFileAtomic(target, 'x')).toThrow(new RegExp(`^cannot write ${target}: EISDIR \\(it is a directory\\)$`));
    expect(() => writeFileAtomic(join(dir, 'nope', 'x.bin'), 'x')).toThrow(`cannot write ${join(dir, 'nope', 'x.bin')}: ENOENT (no such directory)`);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  // A real full disk: a 64 KB tmpfs in a private mount namespace (needs root or user namespaces; skipped without).
  const canMount = spawnSync('unshare', ['-m', 'sh', '-c', 'mount -t tmpfs -o size=64k tmpfs /mnt'], { encoding: 'utf8' }).status === 0;
  it.skipIf(!canMount)('out of disk: train --save names the requested file and leaves no temporary file', () => {
    const mnt = join(dir, 'small');
    mkdirSync(mnt);
    const script = `mount -t tmpfs -o size=64k tmpfs ${mnt} && node ${cli} train --model fcnet --epochs 1 --option dropout=0 --save ${mnt}/w.safetensors; echo "exit $?"; ls -A ${mnt}`;
    const r = spawnSync('unshare', ['-m', 'sh', '-c', script], { encoding: 'utf8' });
    expect(r.stderr).toContain(`pairnet: cannot write ${mnt}/w.safetensors: ENOSPC (no space left on device)`);
    expect(r.stdout).toMatch(/^fcnet: test accuracy [\d.]+%/);
    expect(r.stdout.trim().split('\n').slice(-1)).toEqual(['exit 1']);
  });

  it.skipIf(!canMount)('out of disk during a study: the error names the file, no temporary file or lock is left', () => {
    const mnt = join(dir, 'small-study');
    mkdirSync(mnt);
    const config = join(dir, 'disk.json');
    writeFileSync(config, JSON.stringify({ name: 'tiny-disk', description: 'd', seed: 1, rounds: 3, epochs: 1, base: { data: { trainPairs: 60, testPairs: 60 } }, variants: [{ name: 'FC', model: 'fcnet' }], protocol: { kind: 'multi-round' } }));
    const script = `mount -t tmpfs -o size=48k tmpfs ${mnt} && node ${cli} study ${config} --workers 1 --out ${mnt}/out; echo "exit $?"; find ${mnt} -name '*.tmp-*' -o -name study.lock`;
    const r = spawnSync('unshare', ['-m', 'sh', '-c', script], { encoding: 'utf8' });
    expect(r.stderr).toMatch(new RegExp(`pairnet: cannot (write|append to) ${mnt}/out/\\S+: ENOSPC \\(no space left on device\\)`));
    expect(r.stdout.trim().split('\n').slice(-1)).toEqual(['exit 1']);
  });

  it('a write cut short (file size limit) removes the temporary file', () => {
    const file = join(dir, 'big.bin');
    const js = `import('./dist/src/io/atomic-write.js').then((m) => { try { m.writeFileAtomic(${JSON.stringify(file)}, new Uint8Array(1 << 20)); } catch (e) { console.log(e.message); } })`;
    const r = spawnSync('sh', ['-c', `ulimit -f 64; node -e ${JSON.stringify(js)}`], { encoding: 'utf8' });
    expect(r.stdout.trim()).toBe(`cannot write ${file}: EFBIG`);
    expect(readdirSync(dir).filter((f) => f.startsWith('big.bin'))).toEqual([]);
  });

  it('checkWritable fails fast on a missing directory, a file in the way, or a directory target', () => {
    expect(() => checkWritable('/nonexistent/dir/x.safetensors', '--save')).toThrow('--save /nonexistent/dir/x.safetensors: cannot write there: directory /nonexistent/dir does not exist');
    writeFileSync(join(dir, 'afile'), '');
    expect(() => checkWritable(join(dir, 'afile', 'x'), '--save')).toThrow(/is not a directory/);
    expect(() => checkWritable(dir, '--save')).toThrow(/EISDIR/);
    checkWritable(join(dir, 'ok.bin'));
    expect(existsSync(join(dir, 'ok.bin'))).toBe(false);
  });

  it('train --save to a missing directory fails before training, in about a second', () => {
    const t0 = Date.now();
    const r = spawnSync('node', [cli, 'train', '--model', 'fcnet', '--epochs', '200', '--save', '/nonexistent/dir/x.safetensors'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('pairnet: --save /nonexistent/dir/x.safetensors: cannot write there: directory /nonexistent/dir does not exist\n');
    expect(Date.now() - t0).toBeLessThan(20_000);
  });
});
