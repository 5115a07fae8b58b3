/**
 * The dashboard's read-only API on a real server: studies with progress, tidy runs, the live event stream (a
 * snapshot of the runs in flight, then appended events), the comparison, and errors for unknown ids and bad input.
 */
import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/http-server.js';
import { EVENTS_FILE, EventLog, parseEvents, type RunEvent } from '../../src/studies/events.js';
import { InProcessExecutor } from '../../src/studies/executor.js';
import { encodeLine, RESULTS_FILE, ResultsStore } from '../../src/studies/results-store.js';
import { StudyIndex } from '../../src/dashboard/study-index.js';
import { runStudy } from '../../src/studies/runner.js';
import { studyDefaults } from '../../src/studies/run-defaults.js';
import { saveStudyCopy } from '../../src/studies/study-file.js';
import { tempDir, tinyStudy } from '../studies/tiny-study.js';

const dir = tempDir();
const site = join(dir, 'site');
const studies = join(dir, 'studies');
let server: RunningServer;

const getJson = async (path: string): Promise<{ status: number; body: any }> => {
  const res = await fetch(new URL(path, server.url));
  return { status: res.status, body: await res.json() };
};

/** Reads server-sent events until `until` says enough (or the timeout), then closes the stream. */
function readEvents(path: string, until: (events: RunEvent[]) => boolean, onReady: () => void): Promise<RunEvent[]> {
  return new Promise((resolve, reject) => {
    const events: RunEvent[] = [];
    const req = request(new URL(path, server.url), (res) => {
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let at;
        while ((at = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, at);
          buf = buf.slice(at + 2);
          if (block.startsWith('data: ')) events.push(JSON.parse(block.slice(6)));
          if (block === ': ready') onReady();
        }
        if (until(events)) {
          req.destroy();
          resolve(events);
        }
      });
    });
    req.on('error', (e) => (e.message.includes('aborted') || e.message.includes('socket hang up') ? undefined : reject(e)));
    setTimeout(() => {
      req.destroy();
      reject(new Error(`timeout; got ${JSON.stringify(events)}`));
    }, 10_000);
    req.end();
  });
}

beforeAll(async () => {
  mkdirSync(site);
  writeFileSync(join(site, 'index.html'), '<!doctype html><title>page</title>');
  const done = join(studies, 'done');
  mkdirSync(done, { recursive: true });
  const study = tinyStudy();
  saveStudyCopy(done, study);
  await runStudy(study, { executor: new InProcessExecutor(), store: ResultsStore.open(done), defaults: studyDefaults() });
  mkdirSync(join(studies, 'running'));
  server = await startServer({ root: site, port: 0, studyRoots: [studies] });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('StudyIndex', () => {
  it("reads only the lines appended to a study's results.jsonl; a partial line waits for its end", () => {
    const d = join(dir, 'growing');
    mkdirSync(d);
    const source = ResultsStore.open(join(studies, 'done'), { readOnly: true }).all();
    // Lines as stored before they carried fields: the fields come from the key.
    const line = (i: number): string => encodeLine({ ...source[i], fields: undefined, key: `rounds/FC/round ${10 + i}` });
    writeFileSync(join(d, RESULTS_FILE), line(0));
    const index = new StudyIndex([dir]);
    expect(index.read(d).runs.length).toBe(1);
    appendFileSync(join(d, RESULTS_FILE), line(1).slice(0, 50));
    expect(index.read(d).runs.length).toBe(1);
    appendFileSync(join(d, RESULTS_FILE), `${line(1).slice(50)}${line(2)}${line(2)}`);
    const s = index.read(d);
    expect(s.problems).toEqual([]);
    expect(s.runs.map((r) => [r.stored.key, r.fields.round, r.fields.study])).toEqual([10, 11, 12].map((n) => [`rounds/FC/round ${n}`, n, 'growing']));
    appendFileSync(join(d, RESULTS_FILE), 'garbage\n');
    expect(index.read(d).problems).toEqual([`${d}: results.jsonl: appended line: not valid JSON (truncated?)`]);
  });
});

describe('dashboard API', () => {
  it('lists the studies with their progress and groups; the finished study wrote its events too', async () => {
    writeFileSync(join(studies, 'running', EVENTS_FILE), '');
    const { body } = await getJson('/api/studies');
    const byId = Object.fromEntries(body.studies.map((s: any) => [s.id, s]));
    expect(Object.keys(byId).sort()).toEqual(['studies/done', 'studies/running']);
    expect(byId['studies/done']).toMatchObject({ name: 'tiny', runsDone: 4, runsPlanned: 4, live: { inFlight: 0 } });
    // A folder with only an events log (a study starting, or `pairnet train --events DIR/events.jsonl`) is listed too.
    expect(byId['studies/running']).toMatchObject({ name: 'running', runsDone: 0, runsPlanned: null, problems: [] });
    expect(byId['studies/done'].groups).toEqual([{ group: 'FC', runs: 2 }, { group: 'FC + AL', runs: 2 }]);
    // The runner logged every run: begin, then start, 2 epochs and done per run, then end.
    const events = parseEvents(readFileSync(join(studies, 'done', EVENTS_FILE), 'utf8'));
    expect(events.map((e) => e.type)).toEqual(['begin', ...Array(4).fill(['start', 'epoch', 'epoch', 'done']).flat(), 'end']);
    expect(events[1]).toMatchObject({ type: 'start', key: 'rounds/FC/round 0', epochs: 2, fields: { study: 'tiny', variant: 'FC', round: 0 } });
  });

  it('gives the runs as the tidy rows of pairnet export', async () => {
    const { body } = await getJson('/api/runs?study=studies%2Fdone');
    expect(body.rows.length).toBe(4);
    expect(body.columns.slice(0, 3)).toEqual(['study', 'key', 'phase']);
    expect(body.rows[3]).toMatchObject({ study: 'tiny', variant: 'FC + AL', round: 1, 'config.loss.aux': 0.25 });
  });

  it('streams the runs in flight, then the events appended while connected', async () => {
    const log = new EventLog(join(studies, 'running', EVENTS_FILE));
    const fields = { study: 's', phase: 'rounds', variant: 'V', round: 0, fold: null, point: {}, seed: 1 };
    const metrics = (epoch: number) => ({ epoch, lr: 0.1, auxWeight: 0, trainLoss: 1 / epoch, trainAccuracy: 0.5, testLoss: null, testAccuracy: null, testDigitAccuracy: null, seconds: 0.1 });
    log.begin('s', { totalRuns: 2, doneRuns: 0, slots: 2 });
    log.start('rounds/V/round 0', fields, 5);
    log.start('rounds/V/round 1', { ...fields, round: 1 }, 5);
    log.epoch('rounds/V/round 0', metrics(1));
    log.write({ type: 'done', t: '', key: 'rounds/V/round 1', final: { trainLoss: 1, trainAccuracy: 1, testLoss: 1, testAccuracy: 1, testDigitAccuracy: null }, trainingSeconds: 1 });
    expect((await getJson('/api/studies')).body.studies.find((s: any) => s.id === 'studies/running').live.inFlight).toBe(1);
    const events = await readEvents(
      '/api/events?study=studies%2Frunning',
      (es) => es.some((e) => e.type === 'epoch' && e.metrics.epoch === 3),
      () => {
        log.epoch('rounds/V/round 0', metrics(2));
        // A line arriving in two writes is sent once whole.
        const line = JSON.stringify({ type: 'epoch', t: '', key: 'rounds/V/round 0', metrics: metrics(3) });
        appendFileSync(log.file, line.slice(0, 20));
        setTimeout(() => appendFileSync(log.file, `${line.slice(20)}\n`), 400);
      },
    );
    // The snapshot leaves out the finished run.
    expect(events.map((e) => `${e.type} ${'key' in e ? e.key : ''} ${e.type === 'epoch' ? e.metrics.epoch : ''}`.trim())).toEqual([
      'begin',
      'start rounds/V/round 0',
      'epoch rounds/V/round 0 1',
      'epoch rounds/V/round 0 2',
      'epoch rounds/V/round 0 3',
    ]);
  });

  it('compares groups with curves, a box plot and paired tests when the runs pair by seed', async () => {
    const sel = encodeURIComponent(JSON.stringify([['studies/done', 'FC'], ['studies/done', 'FC + AL']]));
    const { status, body } = await getJson(`/api/compare?sel=${sel}`);
    expect(status).toBe(200);
    expect(body.groups.map((g: any) => [g.label, g.runs])).toEqual([['tiny: FC', 2], ['tiny: FC + AL', 2]]);
    expect(body.tests).toHaveLength(1);
    expect(body.tests[0]).toMatchObject({ a: 'tiny: FC', b: 'tiny: FC + AL', unpaired: null, test: { kind: 'paired t', df: 1 } });
    // One pair compared: Holm leaves p as it is.
    expect(body.tests[0].test.pHolm).toBe(body.tests[0].test.p);
    expect(body.tests[0].wilcoxon.p).toBeGreaterThan(0);
    expect(body.boxplot.data.values).toHaveLength(4);
    expect(body.curves.testAccuracy.data.values.length).toBe(8);
  });

  it('answers unknown studies, paths and bad selections with clear errors', async () => {
    expect(await getJson('/api/runs?study=..%2F..%2Fetc')).toEqual({ status: 404, body: { error: 'no study "../../etc"' } });
    expect((await getJson('/api/runs')).status).toBe(400);
    expect((await getJson('/api/compare?sel=nope')).body.error).toMatch(/sel: expected a JSON array/);
    expect((await getJson(`/api/compare?sel=${encodeURIComponent('[["studies/done","X"]]')}`)).body.error).toBe('study "studies/done" has no finished runs of "X"');
    expect((await getJson('/api/nothing')).status).toBe(404);
    const post = await fetch(new URL('/api/studies', server.url), { method: 'POST' });
    expect(post.status).toBe(405);
  });
});
