/**
 * The study directories the dashboard shows: every directory up to 3 levels under its roots holding results.jsonl,
 * study.json or events.jsonl. Each gets an id ("<root name>/<path>") that the API takes instead of a path, so a
 * request can only ever name a directory found here. Reading a study is cached until its results.jsonl changes.
 */
import { promises as fsp, statSync } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import { EVENTS_FILE } from '../studies/events.js';
import { RESULTS_FILE } from '../studies/results-store.js';
import { readStudyDir, type StudyDir } from '../studies/study-dir.js';
import { STUDY_COPY } from '../studies/study-file.js';

const MARKERS = [RESULTS_FILE, STUDY_COPY, EVENTS_FILE];

async function walk(dir: string, depth: number, found: string[]): Promise<void> {
  let entries;
  try {
    entries = await fsp.readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  if (entries.some((e) => e.isFile() && MARKERS.includes(e.name))) found.push(dir);
  if (depth === 0) return;
  for (const e of entries) if (e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules') await walk(join(dir, e.name), depth - 1, found);
}

export class StudyIndex {
  private readonly roots: string[];
  private readonly cache = new Map<string, { stamp: string; study: StudyDir }>();

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

  /** The study read from disk, or from the cache when its results.jsonl and study.json have not changed. */
  read(dir: string): StudyDir {
    const stamp = [RESULTS_FILE, STUDY_COPY]
      .map((f) => {
        try {
          const s = statSync(join(dir, f));
          return `${s.size}:${s.mtimeMs}`;
        } catch {
          return '-';
        }
      })
      .join(' ');
    const hit = this.cache.get(dir);
    if (hit !== undefined && hit.stamp === stamp) return hit.study;
    const study = readStudyDir(dir);
    this.cache.set(dir, { stamp, study });
    return study;
  }
}
