import { describe, expect, it, vi } from 'vitest';
import { planStudy } from '../../src/studies/plan.js';
import { formatDuration, StudyProgress } from '../../src/studies/progress.js';
import { studyDefaults } from '../../src/studies/run-defaults.js';
import type { EpochMetrics, RunRecord } from '../../src/training/record.js';
import { tinyStudy } from './tiny-study.js';

function sink(isTTY: boolean): NodeJS.WriteStream & { text: string } {
  const s = { text: '', isTTY, columns: 100, write(chunk: string) { s.text += chunk; return true; } };
  return s as unknown as NodeJS.WriteStream & { text: string };
}

const runs = planStudy(tinyStudy(), studyDefaults(), () => undefined).runs;
const metrics = (epoch: number): EpochMetrics => ({ epoch, lr: 1e-3, auxWeight: 0, trainLoss: 0.5, trainAccuracy: 0.9, testLoss: 0.6, testAccuracy: 0.8, testDigitAccuracy: null, seconds: 0.1 });
const record = { final: { testAccuracy: 0.812 }, trainingSeconds: 1.5 } as RunRecord;

describe('study progress', () => {
  it('prints one plain line per finished run with an ETA when not on a terminal', () => {
    const out = sink(false);
    const p = new StudyProgress(out);
    p.begin({ totalRuns: 4, doneRuns: 1, slots: 2 });
    p.queued(runs.slice(1));
    expect(p.eta()).toBe(Infinity);
    p.runStarted(0, runs[1]);
    p.epoch(0, runs[1], metrics(1));
    expect(Number.isFinite(p.eta())).toBe(true);
    p.runFinished(0, runs[1], record);
    p.end();
    expect(out.text).toBe(`4 runs on 2 workers (1 already stored, skipped)\n[2/4] ${runs[1].key}: test 81.20% (1.5 s)  ETA ${formatDuration(p.eta())}\n`);
  });

  it('redraws an overall bar and one line per worker on a terminal', () => {
    const out = sink(true);
    const p = new StudyProgress(out);
    p.begin({ totalRuns: 4, doneRuns: 0, slots: 2 });
    p.queued(runs);
    p.runStarted(1, runs[0]);
    p.end();
    expect(out.text).toContain('0/4 runs 0%');
    expect(out.text).toContain('  worker 0: idle');
    expect(out.text).toContain(`  worker 1: ${runs[0].key}  epoch 0/2`);
    expect(formatDuration(3725)).toBe('1h02m');
    expect(formatDuration(75)).toBe('1m15s');
  });

  it('through a queue shows the runs in training per worker host, and divides the ETA by the runs seen training at once', () => {
    vi.useFakeTimers({ now: 0 });
    const out = sink(true);
    const p = new StudyProgress(out);
    p.begin({ totalRuns: 4, doneRuns: 0, slots: 100_000, remote: true });
    p.queued(runs);
    p.runStarted(0, runs[0], 'host-a:11/0');
    p.runStarted(1, runs[1], 'host-a:11/1');
    p.runStarted(2, runs[2], 'host-b:12/0');
    vi.setSystemTime(1000);
    p.epoch(0, runs[0], metrics(1));
    const eta3 = p.eta();
    p.end();
    expect(out.text).toContain('4 runs through the queue');
    expect(out.text).toContain('1 waiting in the queue; training on 2 hosts: host-a:11 (2), host-b:12 (1)');
    expect(out.text).toContain(`  host-b:12/0: ${runs[2].key}  epoch 0/2`);
    expect(out.text).not.toContain('idle');
    // The same work over 3 runs in training, not over 100,000 slots.
    const local = new StudyProgress(sink(false));
    vi.setSystemTime(0);
    local.begin({ totalRuns: 4, doneRuns: 0, slots: 3 });
    local.queued(runs);
    for (let i = 0; i < 3; i++) local.runStarted(i, runs[i]);
    vi.setSystemTime(1000);
    local.epoch(0, runs[0], metrics(1));
    vi.useRealTimers();
    expect(eta3).toBeGreaterThan(0);
    expect(eta3).toBe(local.eta());
  });
});
