// The package as people get it: `npm pack`, installed into an empty project from the tarball (dependencies from the
// npm cache or registry), then `pairnet train` and `pairnet serve` run from that project's node_modules.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serveUrl } from '../serve-url.js';

const built = existsSync('dist/src/cli/main.js') && existsSync('web/dist/index.html');
const dir = mkdtempSync(join(tmpdir(), 'pairnet-pack-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(cmd: string, args: string[], cwd: string, timeout = 240_000): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false' } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} (exit ${r.status}): ${(r.stderr || r.error?.message || '').slice(-2000)}`);
  return r.stdout;
}

function fetchText(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

describe('the packed tarball', () => {
  it.skipIf(!built)('installs into an empty project, whose pairnet trains a run and serves the page', async () => {
    // dist/ and web/dist/ are built already (pretest); packing must not build them again.
    run('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], process.cwd());
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    expect(tarball).toBeDefined();
    const project = join(dir, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'uses-pairnet', private: true, type: 'module' }));
    run('npm', ['install', '--prefer-offline', '--no-save', join(dir, tarball as string)], project);
    const bin = join(project, 'node_modules', '.bin', 'pairnet');
    expect(existsSync(bin)).toBe(true);

    const record = JSON.parse(run(bin, ['train', '--model', 'fcnet', '--epochs', '1', '--set', 'data.trainPairs=100', '--set', 'data.testPairs=100', '--json'], project, 120_000)) as {
      final: { testAccuracy: number };
      parameterCount: number;
      provenance: { commit: string | null };
    };
    expect(record.parameterCount).toBe(82662);
    expect(record.final.testAccuracy).toBeGreaterThan(0);
    // An installed package is not a git checkout.
    expect(record.provenance.commit).toBeNull();

    const child = spawn(bin, ['serve', '--port', '0'], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await serveUrl(child);
      const page = await fetchText(url);
      expect(page.status).toBe(200);
      expect(page.body).toMatch(/<html/i);
    } finally {
      child.kill();
    }
  }, 600_000);
});
