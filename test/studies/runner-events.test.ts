// What the runner tells its progress sinks, watchers and the event log, with a scripted executor: real records of the
// tiny study (trained once), handed back on any slot, with retries, remote flags and failures on demand.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EVENTS_FILE, parseEvents, type RunWatcher } from '../../src/studies/events.js';
import { InProcessExecutor, RunFailedError, type Executor, type RunHooks, type RunJob } from '../../src/studies/executor.js';
import type { ProgressSink } from '../../src/studies/progress-sink.js';
import { ResultsStore } from '../../src/studies/results-store.js';
import { runStudy, specFields } from '../../src/studies/runner.js';
import { studyDefaults } from '../../src/studies/run-defaults.js';
import type { RunFailure, RunRecord } from '../../src/training/record.js';
import { tempDirs, tinyStudy } from './tiny-study.js';

const defaults = studyDefaults();
const study = tinyStudy();
const newDir = tempDirs();

let trained: ResultsStore;
beforeAll(async () => {
  const dir = newDir();
  await runStudy(study, { executor: new InProcessExecutor(), store: ResultsStore.open(dir), defaults });
  trained = ResultsStore.open(dir);
});

/** Hands back the trained record of each job's key, reporting its start `starts` times and each epoch. */
class ScriptedExecutor implements Executor {
  readonly jobs: { key: string; slot: number }[] = [];
  constructor(
    readonly slots = 1,
    readonly remote?: boolean,
    private readonly script: { starts?: number; fail?: (key: string) => unknown } = {},
  ) {}
  async run(job: RunJob, slot: number, hooks: RunHooks = {}): Promise<RunRecord> {
    this.jobs.push({ key: job.key, slot });
    for (let i = 0; i < (this.script.starts ?? 1); i++) hooks.onStart?.(`host ${i}`);
    await new Promise((r) => setTimeout(r, 1));
    const failure = this.script.fail?.(job.key);
    if (failure !== undefined) throw failure;
    const record = trained.all().find((r) => r.key === job.key)!.record;
    for (const m of record.epochs) hooks.onEpoch?.(m);
    return record;
  }
  async close(): Promise<void> {}
}

/** A progress sink that writes down its calls. */
function recordingSink(calls: string[]): ProgressSink {
  return {
    begin: (info) => calls.push(`begin ${JSON.stringify(info)}`),
    queued: (pending) => calls.push(`queued ${pending.length}`),
    runStarted: (slot, spec, where) => calls.push(`started ${slot} ${spec.key} ${where}`),
    epoch: (_slot, spec, m) => calls.push(`epoch ${spec.key} ${m.epoch}`),
    runFinished: (_slot, spec) => calls.push(`finished ${spec.key}`),
    runFailed: (_slot, spec, f) => calls.push(`failed ${spec.key} ${f.message}`),
    end: () => calls.push('end'),
  };
}

describe('the runner reports', () => {
  it('writes the event log beside the results: the session, each run start, epoch and finish, then its end', async () => {
    const dir = newDir();
    await runStudy(study, { executor: new ScriptedExecutor(), store: ResultsStore.open(dir), defaults });
    const events = parseEvents(readFileSync(join(dir, EVENTS_FILE), 'utf8'));
    const plan = trained.all();
    expect(events.map((e) => e.type)).toEqual(['begin', ...plan.flatMap(() => ['start', 'epoch', 'epoch', 'done']), 'end']);
    expect(events[0]).toMatchObject({ type: 'begin', study: 'tiny', totalRuns: 4, doneRuns: 0, slots: 1 });
    const outcome = await runStudy(study, { executor: new ScriptedExecutor(), store: ResultsStore.open(dir), defaults });
    const first = outcome.plan.runs[0];
    expect(events[1]).toMatchObject({ type: 'start', key: first.key, fields: specFields(study, first), epochs: 2 });
    expect(events[2]).toMatchObject({ type: 'epoch', key: first.key, metrics: trained.get(first.key, first.configHash)!.epochs[0] });
    expect(events[4]).toMatchObject({ type: 'done', key: first.key, final: trained.get(first.key, first.configHash)!.final });
    // The second call found everything stored: one more session, begun with every run done, and ended.
    const again = parseEvents(readFileSync(join(dir, EVENTS_FILE), 'utf8')).slice(events.length);
    expect(again).toMatchObject([{ type: 'begin', totalRuns: 4, doneRuns: 4 }, { type: 'end' }]);
  });

  it('writes the event log where asked, or nowhere, and tells further watchers too', async () => {
    const dir = newDir();
    const elsewhere = join(newDir(), 'live.jsonl');
    const calls: string[] = [];
    const watcher: RunWatcher = {
      start: (key, fields, epochs) => calls.push(`start ${key} ${fields.variant} ${epochs}`),
      epoch: (key, m) => calls.push(`epoch ${key} ${m.epoch}`),
      done: (key) => calls.push(`done ${key}`),
      close: () => calls.push('close'),
    };
    await runStudy(study, { executor: new ScriptedExecutor(), store: ResultsStore.open(dir), defaults, eventsFile: elsewhere, watchers: [watcher], onlyVariants: ['FC'] });
    expect(existsSync(join(dir, EVENTS_FILE))).toBe(false);
    expect(parseEvents(readFileSync(elsewhere, 'utf8')).map((e) => e.type)).toEqual(['begin', 'start', 'epoch', 'epoch', 'done', 'start', 'epoch', 'epoch', 'done', 'end']);
    const k = (round: number): string => `rounds/FC/round ${round}`;
    expect(calls).toEqual([`start ${k(0)} FC 2`, `epoch ${k(0)} 1`, `epoch ${k(0)} 2`, `done ${k(0)}`, `start ${k(1)} FC 2`, `epoch ${k(1)} 1`, `epoch ${k(1)} 2`, `done ${k(1)}`, 'close']);

    const none = newDir();
    await runStudy(study, { executor: new ScriptedExecutor(), store: ResultsStore.open(none), defaults, eventsFile: null, onlyVariants: ['FC'] });
    expect(existsSync(join(none, EVENTS_FILE))).toBe(false);
    expect(ResultsStore.open(none).all()).toHaveLength(2);
  });

  it('counts only the chosen variants, says whether runs go through a queue, and tells of a retried run once', async () => {
    const dir = newDir();
    const calls: string[] = [];
    const progress = recordingSink(calls);
    const run = (executor: Executor, onlyVariants?: string[]) => runStudy(study, { executor, store: ResultsStore.open(dir), defaults, progress, onlyVariants });
    await run(new ScriptedExecutor(1, true, { starts: 3 }), ['FC']);
    expect(calls).toEqual([
      'begin {"totalRuns":2,"doneRuns":0,"slots":1,"remote":true}', 'queued 2',
      'started 0 rounds/FC/round 0 host 0', 'epoch rounds/FC/round 0 1', 'epoch rounds/FC/round 0 2', 'finished rounds/FC/round 0',
      'started 0 rounds/FC/round 1 host 0', 'epoch rounds/FC/round 1 1', 'epoch rounds/FC/round 1 2', 'finished rounds/FC/round 1',
      'end',
    ]);
    calls.length = 0;
    await run(new ScriptedExecutor(2), ['FC']);
    expect(calls).toEqual(['begin {"totalRuns":2,"doneRuns":2,"slots":2,"remote":false}', 'end']);
    calls.length = 0;
    const executor = new ScriptedExecutor(3);
    await run(executor);
    expect(calls[0]).toBe('begin {"totalRuns":4,"doneRuns":2,"slots":3,"remote":false}');
    // Two runs left for three slots: two lanes, each on its own slot.
    expect(executor.jobs.map((j) => j.slot).sort()).toEqual([0, 1]);
    expect(calls.filter((c) => c.startsWith('started')).sort()).toEqual(['started 0 rounds/FC + AL/round 0 host 0', 'started 1 rounds/FC + AL/round 1 host 0']);
  });

  it('stores a diverged run as failed and goes on; stops on any other error, after telling the sinks the study ended', async () => {
    const failure: RunFailure = { message: 'fcnet: loss is NaN at epoch 1, batch 1 of 5', epoch: 1, batch: 1 } as RunFailure;
    const dir = newDir();
    const calls: string[] = [];
    const diverging = new ScriptedExecutor(1, false, { fail: (key) => (key === 'rounds/FC/round 1' ? new RunFailedError(failure) : undefined) });
    const outcome = await runStudy(study, { executor: diverging, store: ResultsStore.open(dir), defaults, progress: recordingSink(calls) });
    expect(outcome).toMatchObject({ finished: true, ranNow: 4, skipped: 0 });
    expect(calls).toContain(`failed rounds/FC/round 1 ${failure.message}`);
    const spec = outcome.plan.runs.find((s) => s.key === 'rounds/FC/round 1')!;
    expect(ResultsStore.open(dir).getFailure(spec.key, spec.configHash)).toMatchObject({ message: failure.message });

    for (const [thrown, message] of [[new Error('disk full'), 'disk full'], ['a string', 'a string']] as const) {
      const broken = newDir();
      const seen: string[] = [];
      const executor = new ScriptedExecutor(1, false, { fail: (key) => (key === 'rounds/FC/round 1' ? thrown : undefined) });
      await expect(runStudy(study, { executor, store: ResultsStore.open(broken), defaults, progress: recordingSink(seen) })).rejects.toThrow(message);
      expect(seen.at(-1)).toBe('end');
      // The run before the error is stored; nothing is scheduled after it.
      expect(ResultsStore.open(broken).all().map((r) => r.key)).toEqual(['rounds/FC/round 0', 'rounds/FC + AL/round 0']);
      expect(executor.jobs.map((j) => j.key)).toEqual(['rounds/FC/round 0', 'rounds/FC + AL/round 0', 'rounds/FC/round 1']);
    }
  });
});
