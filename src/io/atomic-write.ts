/**
 * The one way pairnet writes a whole file: into a temporary file beside it, then a rename over the target, so a
 * crash, a full disk or a kill never leaves a partial file under the requested name. A failure removes the
 * temporary file and throws an error that names the requested file (not the temporary one) and the cause.
 * Node only: every layer that writes files (reports, studies, the CLI) uses it.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, resolve } from 'node:path';

const CAUSES: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOENT: 'no such directory',
  ENOTDIR: 'a parent is not a directory',
  EISDIR: 'it is a directory',
};

/** "ENOSPC (no space left on device)" for a Node fs error, else its message. */
export function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code !== undefined) return CAUSES[code] ? `${code} (${CAUSES[code]})` : code;
  return e instanceof Error ? e.message : String(e);
}

export class WriteError extends Error {
  override name = 'WriteError';
}

/** Writes all of `data` to `file` atomically; with `durable`, fsyncs before the rename (results that must survive a power cut). */
export function writeFileAtomic(file: string, data: Uint8Array | string, { durable = false }: { durable?: boolean } = {}): void {
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let fd: number | null = null;
  try {
    fd = openSync(tmp, 'wx');
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    if (durable) fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(tmp, file);
  } catch (e) {
    if (fd !== null) closeSync(fd);
    rmSync(tmp, { force: true });
    throw new WriteError(`cannot write ${file}: ${describeFsError(e)}`);
  }
}

/**
 * Throws unless `file` could be written now: its directory exists and takes a new file, and it is not a directory.
 * Called before long work whose result goes there, so a typo in an output path fails in a second, not after training.
 */
export function checkWritable(file: string, what = 'output'): void {
  const dir = dirname(resolve(file));
  try {
    if (statSync(file, { throwIfNoEntry: false })?.isDirectory()) throw Object.assign(new Error(), { code: 'EISDIR' });
    const st = statSync(dir, { throwIfNoEntry: false });
    if (st === undefined) throw Object.assign(new Error(), { code: 'ENOENT' });
    if (!st.isDirectory()) throw Object.assign(new Error(), { code: 'ENOTDIR' });
    const probe = `${file}.tmp-${process.pid}-probe`;
    closeSync(openSync(probe, 'wx'));
    rmSync(probe, { force: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const where = code === 'ENOENT' ? `directory ${dir} does not exist` : code === 'ENOTDIR' ? `${dir} is not a directory` : describeFsError(e);
    throw new WriteError(`${what} ${file}: cannot write there: ${where}`);
  }
}
