import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../../src/cli/commands/serve.js';

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
});
