/**
 * Study progress: on a terminal, a live block (overall bar with ETA, one line per worker) redrawn in place;
 * otherwise one plain line per finished run. The ETA is remaining epochs over the epoch rate measured so far.
 */
import type { EpochMetrics, RunRecord } from '../training/record.js';
import type { RunSpec } from './plan.js';
import type { ProgressSink } from './runner.js';

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

const pct = (x: number | null): string => (x === null ? '-' : `${(100 * x).toFixed(2)}%`);

interface Lane {
  spec: RunSpec;
  epoch: number;
  last: EpochMetrics | null;
}

export class StudyProgress implements ProgressSink {
  private totalRuns = 0;
  private doneRuns = 0;
  private epochsPerRun = 1;
  private readonly started = Date.now();
  private epochsDone = 0;
  private lanes: (Lane | null)[] = [];
  private drawnLines = 0;
  private lastDraw = 0;

  constructor(
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly live: boolean = out.isTTY === true,
  ) {}

  begin(info: { totalRuns: number; doneRuns: number; slots: number; epochsPerRun: number }): void {
    this.totalRuns = info.totalRuns;
    this.doneRuns = info.doneRuns;
    this.epochsPerRun = info.epochsPerRun;
    this.lanes = new Array<Lane | null>(info.slots).fill(null);
    const resumed = info.doneRuns > 0 ? ` (${info.doneRuns} already stored, skipped)` : '';
    this.out.write(`${info.totalRuns} runs on ${info.slots} worker${info.slots === 1 ? '' : 's'}${resumed}\n`);
  }

  runStarted(slot: number, spec: RunSpec): void {
    this.lanes[slot] = { spec, epoch: 0, last: null };
    this.draw(false);
  }

  epoch(slot: number, spec: RunSpec, metrics: EpochMetrics): void {
    this.lanes[slot] = { spec, epoch: metrics.epoch, last: metrics };
    this.epochsDone++;
    this.draw(false);
  }

  runFinished(slot: number, spec: RunSpec, record: RunRecord): void {
    this.doneRuns++;
    this.lanes[slot] = null;
    if (this.live) this.draw(true);
    else
      this.out.write(
        `[${this.doneRuns}/${this.totalRuns}] ${spec.key}: test ${pct(record.final.testAccuracy)}` +
          ` (${record.trainingSeconds.toFixed(1)} s)  ETA ${formatDuration(this.eta())}\n`,
      );
  }

  end(): void {
    if (this.live) this.draw(true);
  }

  /** Seconds left: remaining epochs at the epoch rate seen so far (in-flight runs' finished epochs count as done). */
  eta(): number {
    const elapsed = (Date.now() - this.started) / 1000;
    if (this.epochsDone === 0) return Infinity;
    const inFlight = this.lanes.reduce((a, l) => a + (l ? l.epoch : 0), 0);
    const remaining = (this.totalRuns - this.doneRuns) * this.epochsPerRun - inFlight;
    return (Math.max(0, remaining) * elapsed) / this.epochsDone;
  }

  private draw(force: boolean): void {
    if (!this.live) return;
    const now = Date.now();
    if (!force && now - this.lastDraw < 200) return;
    this.lastDraw = now;
    const width = 30;
    const frac = this.totalRuns === 0 ? 1 : this.doneRuns / this.totalRuns;
    const filled = Math.round(frac * width);
    const lines = [
      `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${this.doneRuns}/${this.totalRuns} runs ` +
        `${(100 * frac).toFixed(0)}%  elapsed ${formatDuration((now - this.started) / 1000)}  ETA ${formatDuration(this.eta())}`,
      ...this.lanes.map((l, i) =>
        l === null
          ? `  worker ${i}: idle`
          : `  worker ${i}: ${l.spec.key}  epoch ${l.epoch}/${l.spec.config.epochs}` +
            (l.last ? `  train ${pct(l.last.trainAccuracy)}  test ${pct(l.last.testAccuracy)}` : ''),
      ),
    ];
    const cols = this.out.columns > 0 ? this.out.columns : 120;
    let text = this.drawnLines > 0 ? `\x1b[${this.drawnLines}F` : '';
    for (const line of lines) text += `\x1b[2K${line.slice(0, cols - 1)}\n`;
    this.out.write(text);
    this.drawnLines = lines.length;
  }
}
