import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../../src/server/http-server.js';
import { serveUrl } from '../serve-url.js';

/** Raw GET (fetch would normalise `..` away before sending, hiding traversal attempts). */
function get(url: string, path: string): Promise<{ status: number; type: string; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('pairnet serve', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pairnet-serve-'));
  const root = join(dir, 'site');
  const reports = join(dir, 'out');
  let server: RunningServer;

  beforeAll(async () => {
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>page</title>');
    writeFileSync(join(root, 'assets', 'k.wasm'), new Uint8Array([0, 97, 115, 109]));
    writeFileSync(join(root, 'assets', 'a.js'), 'export {};');
    writeFileSync(join(dir, 'secret.txt'), 'not for the browser');
    mkdirSync(join(reports, 'quick'), { recursive: true });
    writeFileSync(join(reports, 'quick', 'report.html'), '<p>report</p>');
    server = await startServer({ root, reportsDir: reports, port: 0 });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the page and assets with their MIME types', async () => {
    const index = await get(server.url, '/');
    expect(index.status).toBe(200);
    expect(index.type).toMatch(/^text\/html/);
    expect((await get(server.url, '/assets/k.wasm')).type).toBe('application/wasm');
    expect((await get(server.url, '/assets/a.js')).type).toMatch(/^text\/javascript/);
    expect((await get(server.url, '/nope.js')).status).toBe(404);
  });

  it('refuses paths that leave the served folder', async () => {
    for (const path of ['/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/reports/../../secret.txt']) {
      const res = await get(server.url, path);
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.body).not.toContain('not for the browser');
    }
  });

  it('lists and serves study reports', async () => {
    const list = await get(server.url, '/reports/index.json');
    expect(JSON.parse(list.body)).toEqual({ reports: ['quick'] });
    expect((await get(server.url, '/reports/quick/report.html')).body).toBe('<p>report</p>');
  });

  it('says which port it cannot listen on', async () => {
    const port = Number(new URL(server.url).port);
    await expect(startServer({ root, port })).rejects.toThrow(`serve: cannot listen on port ${port}: EADDRINUSE`);
  });

  it('says how to build the page when it is missing', async () => {
    await expect(startServer({ root: join(dir, 'missing'), port: 0 })).rejects.toThrow(/npm run build:web/);
  });

  it('never follows a symlink out of its folders', async () => {
    symlinkSync('/etc', join(reports, 'evil'));
    symlinkSync(join(dir, 'secret.txt'), join(reports, 'quick', 'secret.txt'));
    symlinkSync(join(dir, 'secret.txt'), join(root, 'assets', 'secret.txt'));
    symlinkSync(join(root, 'assets', 'a.js'), join(root, 'inside.js'));
    for (const path of ['/reports/evil/passwd', '/reports/evil/', '/reports/quick/secret.txt', '/assets/secret.txt']) {
      const res = await get(server.url, path);
      expect(res.status, path).toBe(404);
      expect(res.body).not.toMatch(/root:|not for the browser/);
    }
    // A link that stays inside is fine.
    expect((await get(server.url, '/inside.js')).body).toBe('export {};');
  });

  it('streams files up to a size cap and refuses larger ones', async () => {
    const big = join(reports, 'quick', 'big.bin');
    writeFileSync(big, '');
    truncateSync(big, 65 * 1024 * 1024);
    const res = await get(server.url, '/reports/quick/big.bin');
    expect(res.status).toBe(413);
    expect(res.body).toMatch(/too large to serve: \/reports\/quick\/big\.bin \(at most 67,108,864/);
    truncateSync(big, 3 * 1024 * 1024);
    const ok = await get(server.url, '/reports/quick/big.bin');
    expect(ok.status).toBe(200);
    expect(ok.body.length).toBe(3 * 1024 * 1024);
  });

  it('pairnet serve lists the default out/ once it is created, after the server started', async () => {
    const cwd = join(dir, 'cwd');
    mkdirSync(cwd);
    const cli = join(process.cwd(), 'dist', 'src', 'cli', 'main.js');
    const child = spawn('node', [cli, 'serve', '--port', '0'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await serveUrl(child);
      expect(JSON.parse((await get(url, '/reports/index.json')).body)).toEqual({ reports: [] });
      mkdirSync(join(cwd, 'out', 'study-a'), { recursive: true });
      writeFileSync(join(cwd, 'out', 'study-a', 'report.html'), '<p>a</p>');
      expect(JSON.parse((await get(url, '/reports/index.json')).body)).toEqual({ reports: ['study-a'] });
      expect((await get(url, '/reports/study-a/report.html')).body).toBe('<p>a</p>');
    } finally {
      child.kill();
    }
  });

  it('pairnet serve --reports refuses a folder that does not exist or is a file', () => {
    const cli = join('dist', 'src', 'cli', 'main.js');
    const missing = spawnSync('node', [cli, 'serve', '--port', '0', '--reports', join(dir, 'nope')], { encoding: 'utf8', timeout: 30_000 });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe(`pairnet: serve: --reports ${join(dir, 'nope')}: no such directory\n`);
    const file = spawnSync('node', [cli, 'serve', '--port', '0', '--reports', join(dir, 'secret.txt')], { encoding: 'utf8', timeout: 30_000 });
    expect(file.status).toBe(1);
    expect(file.stderr).toBe(`pairnet: serve: --reports ${join(dir, 'secret.txt')}: not a directory\n`);
  });
});
