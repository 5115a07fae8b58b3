/**
 * The study directories the dashboard shows: every directory up to 3 levels under its roots holding results.jsonl,
 * study.json or events.jsonl. Each gets an id ("<root name>/<path>") that the API takes instead of a path, so a
 * request can only ever name a directory found here. A study read is cached: while a study runs, only the lines
 * appended to its results.jsonl are read (a large study takes seconds to read whole, checksums included).
 */
import { closeSync, openSync, promises as fsp, readSync, statSync } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import { RESULTS_FILE } from '../studies/results-store.js';
import { readStudyDir, STUDY_DIR_FILES, withAppendedRuns, type StudyDir } from '../studies/study-dir.js';
import { STUDY_COPY } from '../studies/study-file.js';

async function walk(dir: string, depth: number, found: string[]): Promise<void> {
  let entries;
  try {
    entries = await fsp.readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  if (entries.some((e) => e.isFile() && STUDY_DIR_FILES.includes(e.name))) found.push(dir);
  if (depth === 0) return;
  for (const e of entries) if (e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules') await walk(join(dir, e.name), depth - 1, found);
}

export class StudyIndex {
  private readonly roots: string[];
  private readonly cache = new Map<string, { studyStamp: string; consumed: number; study: StudyDir }>();

  constructor(roots: readonly string[]) {
    this.roots = [...new Set(roots.map((r) => resolve(r)))];
  }

  /** id -> absolute directory, found afresh (studies appear while the server runs). */
  async list(): Promise<Map<string, string>> {
    const ids = new Map<string, string>();
    for (const [i, root] of this.roots.entries()) {
      const found: string[] = [];
      await walk(root, 3, found);
      const label = this.roots.findIndex((r) => basename(r) === basename(root)) === i ? basename(root) : `${basename(root)}~${i}`;
      for (const dir of found) {
        const rel = relative(root, dir).split(sep).join('/');
        ids.set(rel === '' ? label : `${label}/${rel}`, dir);
      }
    }
    return ids;
  }

  async dirOf(id: string): Promise<string | undefined> {
    return (await this.list()).get(id);
  }

  /** The study as on disk now: read whole, or from the cache plus the results lines appended since. */
  read(dir: string): StudyDir {
    const studyStamp = stamp(join(dir, STUDY_COPY));
    const results = join(dir, RESULTS_FILE);
    const size = sizeOf(results);
    const hit = this.cache.get(dir);
    if (hit !== undefined && hit.studyStamp === studyStamp && size >= hit.consumed) {
      if (size > hit.consumed) {
        const appended = readBytes(results, hit.consumed, size);
        const end = appended.lastIndexOf(10) + 1;
        if (end > 0) {
          hit.study = withAppendedRuns(hit.study, appended.subarray(0, end).toString('utf8'));
          hit.consumed += end;
        }
      }
      return hit.study;
    }
    // Lines past the last whole one now are read again next time (the read below may or may not see them).
    const consumed = lastLineEnd(results, size);
    const study = readStudyDir(dir);
    this.cache.set(dir, { studyStamp, consumed, study });
    return study;
  }
}

function stamp(file: string): string {
  try {
    const s = statSync(file);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return '-';
  }
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

function readBytes(file: string, from: number, to: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(to - from);
    return buf.subarray(0, readSync(fd, buf, 0, buf.length, from));
  } finally {
    closeSync(fd);
  }
}

/** Offset just past the file's last newline within its first `size` bytes (0 when none). */
function lastLineEnd(file: string, size: number): number {
  for (let to = size; to > 0; ) {
    const from = Math.max(0, to - (1 << 20));
    const nl = readBytes(file, from, to).lastIndexOf(10);
    if (nl >= 0) return from + nl + 1;
    to = from;
  }
  return 0;
}
