import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EpochMetrics, RunRecord } from '../../src/training/record.js';
import { EventLog, inFlight, parseEvents, teeProgress, watchStudy, type RunEvent, type RunWatcher } from '../../src/studies/events.js';
import type { RunSpec } from '../../src/studies/plan.js';
import type { ProgressSink } from '../../src/studies/progress-sink.js';
import type { RunFields } from '../../src/studies/results-store.js';
import { tempDirs } from './tiny-study.js';

const newDir = tempDirs();
const logFile = (): string => join(newDir(), 'events.jsonl');

const fields: RunFields = { study: 's', phase: 'final', variant: 'A', round: 1, fold: null, point: null, seed: 7 };
const metrics = (epoch: number): EpochMetrics => ({
  epoch, lr: 0.1, auxWeight: 0, trainLoss: 0.5, trainAccuracy: 0.7, testLoss: 0.6, testAccuracy: 0.65, testDigitAccuracy: null, seconds: 0.01,
});
const record = { final: { trainLoss: 0.4, trainAccuracy: 0.8, testLoss: 0.5, testAccuracy: 0.75, testDigitAccuracy: null }, trainingSeconds: 1.5 } as RunRecord;
const spec = (key: string, epochs = 3): RunSpec => ({ key, config: { epochs } }) as unknown as RunSpec;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('the event log', () => {
  it('appends one JSON line per event with its fields and an ISO time', () => {
    const file = logFile();
    const log = new EventLog(file);
    log.begin('s', { totalRuns: 4, doneRuns: 1, slots: 2 });
    log.start('k1', fields, 3);
    log.epoch('k1', metrics(1));
    log.done('k1', record);
    log.close();
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[5]).toBe('');
    const events = lines.slice(0, 5).map((l) => JSON.parse(l));
    for (const e of events) expect(e.t).toMatch(ISO);
    const strip = events.map(({ t: _t, ...rest }) => rest);
    expect(strip).toEqual([
      { type: 'begin', study: 's', totalRuns: 4, doneRuns: 1, slots: 2 },
      { type: 'start', key: 'k1', fields, epochs: 3 },
      { type: 'epoch', key: 'k1', metrics: metrics(1) },
      { type: 'done', key: 'k1', final: record.final, trainingSeconds: 1.5 },
      { type: 'end' },
    ]);
  });

  it('reading skips blank lines, torn lines and JSON that is not an event', () => {
    const good = JSON.stringify({ type: 'end', t: 'x' });
    const text = ['', '  ', good, '{"type":"sta', '3', 'null', '"end"', '{"x":1}', '{"type":5}', good, ''].join('\n');
    expect(parseEvents(text)).toEqual([{ type: 'end', t: 'x' }, { type: 'end', t: 'x' }]);
    expect(parseEvents('')).toEqual([]);
  });

  it('runs in flight are those of the last session started and not done', () => {
    const t = 'x';
    const ev: RunEvent[] = [
      { type: 'begin', t, study: 's', totalRuns: 3, doneRuns: 0, slots: 1 },
      { type: 'start', t, key: 'old', fields, epochs: 2 },
      { type: 'begin', t, study: 's', totalRuns: 3, doneRuns: 0, slots: 2 },
      { type: 'start', t, key: 'a', fields, epochs: 2 },
      { type: 'start', t, key: 'b', fields, epochs: 5 },
      { type: 'epoch', t, key: 'a', metrics: metrics(1) },
      { type: 'epoch', t, key: 'ghost', metrics: metrics(1) },
      { type: 'epoch', t, key: 'b', metrics: metrics(1) },
      { type: 'epoch', t, key: 'b', metrics: metrics(2) },
      { type: 'done', t, key: 'a', final: record.final, trainingSeconds: 1 },
    ];
    expect(inFlight(ev)).toEqual([{ key: 'b', fields, epochs: 5, metrics: [metrics(1), metrics(2)] }]);
    // Without a begin the whole log is one session; an end closes every run of it.
    expect(inFlight(ev.slice(1, 2))).toEqual([{ key: 'old', fields, epochs: 2, metrics: [] }]);
    expect(inFlight([...ev, { type: 'end', t }])).toEqual([]);
    expect(inFlight([...ev, { type: 'end', t }, { type: 'start', t, key: 'c', fields, epochs: 1 }]).map((r) => r.key)).toEqual(['c']);
  });
});

/** A watcher that writes down each call. */
function recorder(calls: string[], name: string): RunWatcher {
  return {
    start: (key, f, epochs) => calls.push(`${name} start ${key} ${f.variant} ${epochs}`),
    epoch: (key, m) => calls.push(`${name} epoch ${key} ${m.epoch}`),
    done: (key, r) => calls.push(`${name} done ${key} ${r.trainingSeconds}`),
    close: () => calls.push(`${name} close`),
  };
}

describe('watching a study', () => {
  it('tells every watcher of each run by key with its fields and epochs, and the log of the session', () => {
    const calls: string[] = [];
    const file = logFile();
    const log = new EventLog(file);
    const sink = watchStudy('study-x', (s) => ({ ...fields, variant: `v-${s.key}` }), [recorder(calls, 'w1'), recorder(calls, 'w2')], log);
    sink.begin({ totalRuns: 2, doneRuns: 0, slots: 1 });
    sink.queued([spec('a')]);
    sink.runStarted(0, spec('a', 4), 'here');
    sink.epoch(0, spec('a'), metrics(1));
    sink.runFinished(0, spec('a'), record);
    sink.end();
    expect(calls).toEqual(['w1 start a v-a 4', 'w2 start a v-a 4', 'w1 epoch a 1', 'w2 epoch a 1', 'w1 done a 1.5', 'w2 done a 1.5', 'w1 close', 'w2 close']);
    const events = parseEvents(readFileSync(file, 'utf8'));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'begin', study: 'study-x', totalRuns: 2, doneRuns: 0, slots: 1 });
  });

  it('without a log, beginning writes nothing and throws nothing', () => {
    const calls: string[] = [];
    const sink = watchStudy('s', () => fields, [recorder(calls, 'w')], null);
    expect(() => sink.begin({ totalRuns: 1, doneRuns: 0, slots: 1 })).not.toThrow();
    sink.end();
    expect(calls).toEqual(['w close']);
  });

  it('a tee hands every call with its arguments to each sink, skipping missing ones', () => {
    const calls: unknown[][] = [];
    const sink = (name: string): ProgressSink => ({
      begin: (info) => calls.push([name, 'begin', info]),
      queued: (pending) => calls.push([name, 'queued', pending.length]),
      runStarted: (slot, s, where) => calls.push([name, 'runStarted', slot, s.key, where]),
      epoch: (slot, s, m) => calls.push([name, 'epoch', slot, s.key, m.epoch]),
      runFinished: (slot, s, r) => calls.push([name, 'runFinished', slot, s.key, r.trainingSeconds]),
      end: () => calls.push([name, 'end']),
    });
    const tee = teeProgress(undefined, sink('a'), undefined, sink('b'));
    const info = { totalRuns: 3, doneRuns: 1, slots: 2 };
    tee.begin(info);
    tee.queued([spec('x'), spec('y')]);
    tee.runStarted(1, spec('x'), 'thread 1');
    tee.epoch(1, spec('x'), metrics(2));
    tee.runFinished(1, spec('x'), record);
    tee.end();
    const both = (...call: unknown[]): unknown[][] => [['a', ...call], ['b', ...call]];
    expect(calls).toEqual([
      ...both('begin', info), ...both('queued', 2), ...both('runStarted', 1, 'x', 'thread 1'),
      ...both('epoch', 1, 'x', 2), ...both('runFinished', 1, 'x', 1.5), ...both('end'),
    ]);
  });
});
