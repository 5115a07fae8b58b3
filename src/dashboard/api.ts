/**
 * The dashboard's read-only JSON API under /api/ (GET only, as the rest of `pairnet serve`):
 *   /api/studies                    the studies found, with progress and runs in flight
 *   /api/runs?study=ID              the study's runs as tidy rows (the columns of `pairnet export`)
 *   /api/events?study=ID            server-sent events: the study's live epochs (see live.ts)
 *   /api/compare?sel=[[ID,GROUP],..] curves, box plot and tests across groups of any studies (see compare.ts)
 * Studies are named by the ids StudyIndex hands out, never by paths.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { columnsOf, runRow } from '../reports/tidy.js';
import { EVENTS_FILE, inFlight, parseEvents } from '../studies/events.js';
import { compareGroups, groupOf, groupsOfStudy, type ComparedGroup } from './compare.js';
import { streamEvents } from './live.js';
import type { StudyIndex } from './study-index.js';

class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function sendJson(res: ServerResponse, value: unknown, head: boolean): void {
  const body = JSON.stringify(value);
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' });
  res.end(head ? undefined : body);
}

type LiveState = { inFlight: number; lastEvent: string | null };
/** Per events file: its size and mtime when last read, and what it said (the studies list is asked for often). */
const liveCache = new Map<string, { stamp: string; state: LiveState }>();

function liveState(dir: string): LiveState {
  const file = join(dir, EVENTS_FILE);
  if (!existsSync(file)) return { inFlight: 0, lastEvent: null };
  const st = statSync(file);
  const stamp = `${st.size}:${st.mtimeMs}`;
  const hit = liveCache.get(file);
  if (hit?.stamp === stamp) return hit.state;
  const events = parseEvents(readFileSync(file, 'utf8'));
  const state = { inFlight: inFlight(events).length, lastEvent: events.at(-1)?.t ?? null };
  liveCache.set(file, { stamp, state });
  return state;
}

async function studies(index: StudyIndex): Promise<unknown> {
  const out = [];
  for (const [id, dir] of await index.list()) {
    try {
      const s = index.read(dir);
      out.push({
        id,
        name: s.name,
        description: s.study?.description ?? '',
        runsDone: s.runs.length,
        runsPlanned: s.runsPlanned,
        groups: groupsOfStudy(s),
        problems: s.problems,
        live: liveState(dir),
      });
    } catch (e) {
      out.push({ id, name: id, description: '', runsDone: 0, runsPlanned: null, groups: [], problems: [(e as Error).message], live: liveState(dir) });
    }
  }
  return { studies: out };
}

async function studyDir(index: StudyIndex, id: string | null): Promise<string> {
  if (id === null || id === '') throw new ApiError(400, 'missing ?study=ID');
  const dir = await index.dirOf(id);
  if (dir === undefined) throw new ApiError(404, `no study "${id}"`);
  return dir;
}

function parseSelection(raw: string | null): [string, string][] {
  let sel: unknown;
  try {
    sel = JSON.parse(raw ?? '');
  } catch {
    throw new ApiError(400, 'sel: expected a JSON array of [study id, group] pairs');
  }
  if (!Array.isArray(sel) || sel.length === 0 || sel.length > 20 || !sel.every((p) => Array.isArray(p) && p.length === 2 && p.every((x) => typeof x === 'string')))
    throw new ApiError(400, 'sel: expected a JSON array of 1 to 20 [study id, group] pairs');
  return sel as [string, string][];
}

/** Handles /api/ requests; returns false for other paths. */
export async function handleApi(url: URL, req: IncomingMessage, res: ServerResponse, index: StudyIndex): Promise<boolean> {
  if (!url.pathname.startsWith('/api/')) return false;
  const head = req.method === 'HEAD';
  try {
    switch (url.pathname) {
      case '/api/studies':
        sendJson(res, await studies(index), head);
        break;
      case '/api/runs': {
        const s = index.read(await studyDir(index, url.searchParams.get('study')));
        const rows = s.runs.map(runRow);
        sendJson(res, { study: s.name, columns: columnsOf(rows), rows }, head);
        break;
      }
      case '/api/events':
        await streamEvents(join(await studyDir(index, url.searchParams.get('study')), EVENTS_FILE), req, res);
        break;
      case '/api/compare': {
        const groups: ComparedGroup[] = [];
        for (const [id, group] of parseSelection(url.searchParams.get('sel'))) {
          const s = index.read(await studyDir(index, id));
          const runs = s.runs.filter((r) => groupOf(r) === group);
          if (runs.length === 0) throw new ApiError(404, `study "${id}" has no finished runs of "${group}"`);
          groups.push({ label: `${s.name}: ${group}`, study: id, runs });
        }
        sendJson(res, compareGroups(groups), head);
        break;
      }
      default:
        throw new ApiError(404, `no such API: ${url.pathname}`);
    }
  } catch (e) {
    const status = e instanceof ApiError ? e.status : 500;
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify({ error: (e as Error).message }));
  }
  return true;
}
