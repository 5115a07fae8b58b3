/**
 * The HTTP server of `pairnet serve`: the built page, the study reports under /reports/ and the dashboard's API
 * (src/dashboard/api.ts). GET and HEAD only, only files inside its folders (no `..`, no symlink out), each bounded
 * in size. Node only.
 */
import { createServer, type Server } from 'node:http';
import { createReadStream, existsSync, promises as fsp } from 'node:fs';
import { LIMITS, limitText } from '../io/limits.js';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { handleApi } from '../dashboard/api.js';
import { StudyIndex } from '../dashboard/study-index.js';

/** The built page: `npm run build:web` writes it here (relative to the package root). */
export const WEB_DIST = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.jsonl': 'application/x-ndjson; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.safetensors': 'application/octet-stream',
  '.bin': 'application/octet-stream',
  '.map': 'application/json; charset=utf-8',
};

export interface ServeOptions {
  /** Directory of the built page. */
  root: string;
  /** Study output directory whose report.html files the page's report viewer lists under /reports/. */
  reportsDir?: string;
  /** Folders whose study directories the dashboard lists (default: the reports folder). */
  studyRoots?: string[];
  port: number;
  host?: string;
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/** `root` joined with the URL path, or null when the path escapes `root` (`..`, encoded or not). */
function safeJoin(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const full = resolve(root, '.' + (decoded.startsWith('/') ? decoded : '/' + decoded));
  const rel = relative(root, full);
  if (rel === '..' || rel.startsWith('..' + sep) || isAbsolute(rel)) return null;
  return full;
}

/** Study folders (up to 3 levels deep) holding a report.html, as paths relative to `dir`. */
async function findReports(dir: string, depth = 3): Promise<string[]> {
  const found: string[] = [];
  async function walk(d: string, level: number): Promise<void> {
    let entries;
    try {
      entries = await fsp.readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    if (entries.some((e) => e.isFile() && e.name === 'report.html')) found.push(relative(dir, d).split(sep).join('/'));
    if (level >= depth) return;
    for (const e of entries) if (e.isDirectory() && !e.name.startsWith('.')) await walk(join(d, e.name), level + 1);
  }
  await walk(dir, 0);
  return found.sort();
}

/**
 * The real path of `file` (symlinks resolved) when it is inside the real path of `base`, else null: a symlink in a
 * served folder never serves what lies outside it.
 */
async function realInside(base: string, file: string): Promise<string | null> {
  try {
    const [realBase, real] = await Promise.all([fsp.realpath(base), fsp.realpath(file)]);
    const rel = relative(realBase, real);
    return rel === '' || !(rel === '..' || rel.startsWith('..' + sep) || isAbsolute(rel)) ? real : null;
  } catch {
    return null;
  }
}

type SendResult = 'sent' | 'missing' | 'too large';

/** Streams a regular file (or a folder's index.html) found inside `base`, up to LIMITS.servedFileBytes. */
async function sendFile(res: import('node:http').ServerResponse, base: string, file: string, head: boolean): Promise<SendResult> {
  let target = await realInside(base, file);
  if (target !== null && (await fsp.stat(target)).isDirectory()) target = await realInside(base, join(target, 'index.html'));
  if (target === null) return 'missing';
  const st = await fsp.stat(target);
  if (!st.isFile()) return 'missing';
  if (st.size > LIMITS.servedFileBytes.max) return 'too large';
  res.writeHead(200, {
    'content-type': MIME[extname(target).toLowerCase()] ?? 'application/octet-stream',
    'content-length': st.size,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-cache',
  });
  if (head) {
    res.end();
    return 'sent';
  }
  // Streamed, and never more than the size announced (a file growing meanwhile is cut at it).
  const stream = createReadStream(target, { start: 0, end: Math.max(0, st.size - 1) });
  await new Promise<void>((done) => {
    stream.on('error', () => res.destroy());
    res.on('close', () => {
      stream.destroy();
      done();
    });
    if (st.size === 0) {
      stream.destroy();
      res.end();
    } else stream.pipe(res);
  });
  return 'sent';
}

/** Starts the static server; port 0 picks a free port (tests). Only serves GET/HEAD, only inside its folders. */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const root = resolve(options.root);
  if (!existsSync(join(root, 'index.html'))) {
    throw new Error(`serve: the page is not built (no ${join(root, 'index.html')}); run \`npm run build:web\` first`);
  }
  const reportsDir = options.reportsDir === undefined ? undefined : resolve(options.reportsDir);
  const studies = new StudyIndex(options.studyRoots ?? (reportsDir === undefined ? [] : [reportsDir]));
  const server: Server = createServer((req, res) => {
    const fail = (code: number, text: string): void => {
      res.writeHead(code, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(text);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(405, 'method not allowed\n');
    const head = req.method === 'HEAD';
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    void (async () => {
      if (await handleApi(new URL(req.url ?? '/', 'http://localhost'), req, res, studies)) return;
      if (path === '/reports/index.json') {
        const list = reportsDir === undefined ? [] : await findReports(reportsDir);
        const body = JSON.stringify({ reports: list });
        res.writeHead(200, { 'content-type': MIME['.json'], 'cache-control': 'no-cache' });
        return res.end(head ? undefined : body);
      }
      const underReports = path.startsWith('/reports/');
      const base = underReports ? reportsDir : root;
      const file = base === undefined ? null : safeJoin(base, underReports ? path.slice('/reports'.length) : path);
      if (file === null) return fail(underReports && base === undefined ? 404 : 403, 'forbidden\n');
      const sent = await sendFile(res, base!, file, head);
      if (sent === 'missing') fail(404, `not found: ${path.slice(0, 200)}\n`);
      else if (sent === 'too large') fail(413, `too large to serve: ${path.slice(0, 200)} (${limitText('servedFileBytes')})\n`);
    })().catch((err: unknown) => fail(500, `${err instanceof Error ? err.message : String(err)}\n`));
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new Error(`serve: cannot listen on port ${options.port}: ${err.code ?? err.message}`)),
    );
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : options.port;
      resolvePromise({
        url: `http://${options.host ?? '127.0.0.1'}:${port}/`,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

