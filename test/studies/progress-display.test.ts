// The progress display's exact output and ETA arithmetic, on a fake clock.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { planStudy } from '../../src/studies/plan.js';
import { formatDuration, StudyProgress } from '../../src/studies/progress.js';
import { studyDefaults } from '../../src/studies/run-defaults.js';
import type { EpochMetrics, RunFailure, RunRecord } from '../../src/training/record.js';
import { tinyStudy } from './tiny-study.js';

function sink(isTTY: boolean, columns = 200): NodeJS.WriteStream & { text: string } {
  const s = { text: '', isTTY, columns, write(chunk: string) { s.text += chunk; return true; } };
  return s as unknown as NodeJS.WriteStream & { text: string };
}

// runs[0] FC round 0, runs[1] FC + AL round 0, runs[2] FC round 1, runs[3] FC + AL round 1; 2 epochs each.
const runs = planStudy(tinyStudy(), studyDefaults(), () => undefined).runs;
const metrics = (epoch: number, testAccuracy: number | null = 0.8): EpochMetrics => ({
  epoch, lr: 1e-3, auxWeight: 0, trainLoss: 0.5, trainAccuracy: 0.9, testLoss: 0.6, testAccuracy, testDigitAccuracy: null, seconds: 0.1,
});
// 2.25 s prints as 2.3 (toFixed rounds this exact half up).
const record = { final: { testAccuracy: 0.5 }, trainingSeconds: 2.25 } as RunRecord;
const failure = { message: 'boom' } as RunFailure;
const at = (ms: number): void => {
  vi.setSystemTime(ms);
};
afterEach(() => {
  vi.useRealTimers();
});

describe('durations', () => {
  it('rounds to seconds, then shows minutes and seconds, then hours and minutes', () => {
    expect([0, 0.4, 59.4, 59.6, 60, 605, 3599, 3600, 3659, 36000].map(formatDuration)).toEqual(['0s', '0s', '59s', '1m00s', '1m00s', '10m05s', '59m59s', '1h00m', '1h00m', '10h00m']);
    expect([Infinity, NaN, -Infinity].map(formatDuration)).toEqual(['?', '?', '?']);
  });
});

describe('the ETA', () => {
  it('prices each remaining epoch at its variant measured rate, over the workers', () => {
    vi.useFakeTimers({ now: 0 });
    const p = new StudyProgress(sink(false));
    p.begin({ totalRuns: 4, doneRuns: 0, slots: 2 });
    p.queued(runs);
    p.runStarted(0, runs[0]);
    at(1000);
    p.epoch(0, runs[0], metrics(1));
    // FC at 1 s an epoch, FC + AL unmeasured (the overall 1 s): 3 queued runs x 2 epochs + 1 epoch left, over 2.
    expect(p.eta()).toBe(3.5);
    p.runStarted(1, runs[1]);
    at(4000);
    p.epoch(1, runs[1], metrics(1));
    // FC + AL now 3 s an epoch: queued FC 2 x 1 + FC + AL 2 x 3, in flight 1 x 1 + 1 x 3, over 2.
    expect(p.eta()).toBe(6);
  });

  it('prices runs of phases not planned yet like the queued ones', () => {
    vi.useFakeTimers({ now: 0 });
    const p = new StudyProgress(sink(false));
    p.begin({ totalRuns: 6, doneRuns: 0, slots: 2 });
    p.queued(runs);
    p.runStarted(0, runs[0]);
    at(1000);
    p.epoch(0, runs[0], metrics(1));
    // Queued 6 epochs + 1 in flight + 2 unplanned runs at the queued runs' mean 2 epochs, at 1 s, over 2 workers.
    expect(p.eta()).toBe(5.5);
    // Nothing queued: the unplanned runs cannot be priced and only the run in flight counts.
    p.queued([]);
    expect(p.eta()).toBe(0.5);
  });

  it('an epoch heard before its run started counts no time, and its lane is named after the slot', () => {
    vi.useFakeTimers({ now: 0 });
    const out = sink(true);
    const p = new StudyProgress(out);
    p.begin({ totalRuns: 1, doneRuns: 0, slots: 2 });
    p.queued([runs[0]]);
    at(5000);
    p.epoch(1, runs[0], metrics(1, null));
    expect(p.eta()).toBe(0);
    expect(out.text).toContain(`  worker 1: ${runs[0].key}  epoch 1/2  train 90.00%  test -\n`);
  });
});

describe('plain output (not a terminal)', () => {
  it('names the workers, the runs stored already, each finished or failed run, and the host through a queue', () => {
    vi.useFakeTimers({ now: 0 });
    const out = sink(false);
    const p = new StudyProgress(out);
    p.begin({ totalRuns: 2, doneRuns: 0, slots: 1 });
    p.queued(runs.slice(0, 2));
    p.runStarted(0, runs[0]);
    p.runFinished(0, runs[0], record);
    p.runFailed(0, runs[1], failure);
    p.end();
    expect(out.text).toBe(`2 runs on 1 worker\n[1/2] ${runs[0].key}: test 50.00% (2.3 s)  ETA ?\n[2/2] ${runs[1].key}: FAILED: boom\n`);

    const remote = sink(false);
    const q = new StudyProgress(remote);
    q.begin({ totalRuns: 3, doneRuns: 2, slots: 9, remote: true });
    q.queued([runs[0]]);
    q.runStarted(4, runs[0], 'host-a:1/0');
    q.runFinished(4, runs[0], record);
    q.runFinished(4, runs[0], record);
    expect(remote.text).toBe(`3 runs through the queue (2 already stored, skipped)\n[3/3] ${runs[0].key}: test 50.00% (2.3 s on host-a:1/0)  ETA ?\n[4/3] ${runs[0].key}: test 50.00% (2.3 s)  ETA ?\n`);
  });
});

describe('the live block (a terminal)', () => {
  const bar = (done: number, total: number, pctDone: string, elapsed: string, eta: string): string => {
    const filled = Math.round((total === 0 ? 1 : done / total) * 30);
    return `\x1b[2K[${'#'.repeat(filled)}${'-'.repeat(30 - filled)}] ${done}/${total} runs ${pctDone}%  elapsed ${elapsed}  ETA ${eta}\n`;
  };

  it('draws at most every 200 ms unless a run ends, moving up over the lines it drew', () => {
    vi.useFakeTimers({ now: 1000 });
    const out = sink(true);
    const p = new StudyProgress(out);
    p.begin({ totalRuns: 2, doneRuns: 0, slots: 1 });
    p.queued(runs.slice(0, 2));
    out.text = '';
    p.runStarted(0, runs[0]);
    const lane = `\x1b[2K  worker 0: ${runs[0].key}  epoch 0/2\n`;
    expect(out.text).toBe(bar(0, 2, '0', '0s', '?') + lane);
    out.text = '';
    at(1100);
    p.epoch(0, runs[0], metrics(1));
    expect(out.text).toBe('');
    at(1300);
    p.epoch(0, runs[0], metrics(2));
    // FC + AL queued, unmeasured: 2 epochs at the overall 0.15 s.
    expect(out.text).toBe(`\x1b[2F${bar(0, 2, '0', '0s', '0s')}\x1b[2K  worker 0: ${runs[0].key}  epoch 2/2  train 90.00%  test 80.00%\n`);
    out.text = '';
    at(1400);
    p.runFinished(0, runs[0], record);
    expect(out.text).toBe(`\x1b[2F${bar(1, 2, '50', '0s', '0s')}\x1b[2K  worker 0: idle\n`);
    out.text = '';
    at(3500);
    p.runFailed(0, runs[1], failure);
    expect(out.text).toBe(`\x1b[2F${bar(2, 2, '100', '3s', '0s')}\x1b[2K  worker 0: idle\n\r\x1b[K[2/2] ${runs[1].key}: FAILED: boom\n`);
    out.text = '';
    p.end();
    expect(out.text).toBe(`\x1b[2F${bar(2, 2, '100', '3s', '0s')}\x1b[2K  worker 0: idle\n`);
  });

  it('cuts lines to the terminal width (120 when unknown) and counts an empty study as done', () => {
    vi.useFakeTimers({ now: 1000 });
    const narrow = sink(true, 12);
    const p = new StudyProgress(narrow);
    p.begin({ totalRuns: 0, doneRuns: 0, slots: 1 });
    narrow.text = '';
    p.end();
    expect(narrow.text).toBe(`\x1b[2K[##########\n\x1b[2K  worker 0:\n`);
    const unknown = sink(true, 0);
    const q = new StudyProgress(unknown);
    q.begin({ totalRuns: 0, doneRuns: 0, slots: 1 });
    unknown.text = '';
    q.end();
    expect(unknown.text).toBe(bar(0, 0, '100', '0s', '?') + '\x1b[2K  worker 0: idle\n');
    const long = sink(true, 0);
    const r = new StudyProgress(long);
    r.begin({ totalRuns: 1, doneRuns: 0, slots: 1 });
    r.runStarted(0, { ...runs[0], key: 'k'.repeat(200) });
    expect(long.text.split('\n')[2]).toBe(`\x1b[2K  worker 0: ${'k'.repeat(119 - 12)}`);
  });

  it('through a queue: a line of hosts (none, one), then each run in training', () => {
    vi.useFakeTimers({ now: 1000 });
    const out = sink(true);
    const p = new StudyProgress(out);
    p.begin({ totalRuns: 2, doneRuns: 0, slots: 50, remote: true });
    p.queued(runs.slice(0, 2));
    out.text = '';
    p.end();
    expect(out.text).toBe(bar(0, 2, '0', '0s', '?') + '\x1b[2K  2 waiting in the queue; training on 0 hosts: -\n');
    out.text = '';
    at(1300);
    p.runStarted(7, runs[0], 'h1/0');
    expect(out.text).toBe(`\x1b[2F${bar(0, 2, '0', '0s', '?')}\x1b[2K  1 waiting in the queue; training on 1 host: h1 (1)\n\x1b[2K  h1/0: ${runs[0].key}  epoch 0/2\n`);
  });
});
