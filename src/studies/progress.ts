/**
 * Study progress: on a terminal, a live block (overall bar with ETA, one line per worker) redrawn in place;
 * otherwise one plain line per finished run. The ETA prices every remaining epoch at its variant's measured
 * seconds per epoch (variants differ a lot: a ResNet epoch costs many MLP epochs), over the worker count. Through a
 * queue (remote), the slots are the runs waiting in it: the display shows the runs in training with the worker host
 * training each and a count per host, and the ETA divides by the most runs seen training at once.
 */
import type { EpochMetrics, RunFailure, RunRecord } from '../training/record.js';
import type { RunSpec } from './plan.js';
import type { ProgressSink } from './progress-sink.js';

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
  where: string;
  epoch: number;
  last: EpochMetrics | null;
  /** When the lane's last epoch (or the run) started, ms. */
  since: number;
}

export class StudyProgress implements ProgressSink {
  private totalRuns = 0;
  private doneRuns = 0;
  private slots = 1;
  private remote = false;
  /** Most lanes seen training at once: the worker count through a queue. */
  private peakBusy = 0;
  private readonly started = Date.now();
  private lanes: (Lane | null)[] = [];
  /** Planned runs not started yet. */
  private queue = new Map<string, RunSpec>();
  /** Per variant: observed worker-seconds and epochs. */
  private readonly cost = new Map<string, { seconds: number; epochs: number }>();
  private drawnLines = 0;
  private lastDraw = 0;

  constructor(
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly live: boolean = out.isTTY === true,
  ) {}

  begin(info: { totalRuns: number; doneRuns: number; slots: number; remote?: boolean }): void {
    this.totalRuns = info.totalRuns;
    this.doneRuns = info.doneRuns;
    this.slots = info.slots;
    this.remote = info.remote === true;
    this.lanes = new Array<Lane | null>(info.slots).fill(null);
    const resumed = info.doneRuns > 0 ? ` (${info.doneRuns} already stored, skipped)` : '';
    const on = this.remote ? 'through the queue' : `on ${info.slots} worker${info.slots === 1 ? '' : 's'}`;
    this.out.write(`${info.totalRuns} runs ${on}${resumed}\n`);
  }

  queued(pending: readonly RunSpec[]): void {
    this.queue = new Map(pending.map((s) => [s.key, s]));
  }

  runStarted(slot: number, spec: RunSpec, where = `worker ${slot}`): void {
    this.queue.delete(spec.key);
    this.lanes[slot] = { spec, where, epoch: 0, last: null, since: Date.now() };
    this.peakBusy = Math.max(this.peakBusy, this.lanes.filter((l) => l !== null).length);
    this.draw(false);
  }

  epoch(slot: number, spec: RunSpec, metrics: EpochMetrics): void {
    const now = Date.now();
    const lane = this.lanes[slot];
    const c = this.cost.get(spec.variant) ?? { seconds: 0, epochs: 0 };
    c.seconds += (now - (lane?.since ?? now)) / 1000;
    c.epochs += 1;
    this.cost.set(spec.variant, c);
    this.lanes[slot] = { spec, where: lane?.where ?? `worker ${slot}`, epoch: metrics.epoch, last: metrics, since: now };
    this.draw(false);
  }

  runFinished(slot: number, spec: RunSpec, record: RunRecord): void {
    this.doneRuns++;
    const where = this.remote && this.lanes[slot] ? ` on ${this.lanes[slot].where}` : '';
    this.lanes[slot] = null;
    if (this.live) this.draw(true);
    else
      this.out.write(
        `[${this.doneRuns}/${this.totalRuns}] ${spec.key}: test ${pct(record.final.testAccuracy)}` +
          ` (${record.trainingSeconds.toFixed(1)} s${where})  ETA ${formatDuration(this.eta())}\n`,
      );
  }

  runFailed(slot: number, spec: RunSpec, failure: RunFailure): void {
    this.doneRuns++;
    this.lanes[slot] = null;
    if (this.live) this.draw(true);
    this.out.write(`${this.live ? '\r\x1b[K' : ''}[${this.doneRuns}/${this.totalRuns}] ${spec.key}: FAILED: ${failure.message}\n`);
  }

  end(): void {
    if (this.live) this.draw(true);
  }

  /** Seconds left: every remaining epoch at its variant's measured rate (or the overall rate), over the workers. */
  eta(): number {
    let seconds = 0;
    let epochs = 0;
    for (const c of this.cost.values()) {
      seconds += c.seconds;
      epochs += c.epochs;
    }
    if (epochs === 0) return Infinity;
    const rate = (variant: string): number => {
      const c = this.cost.get(variant);
      return c && c.epochs > 0 ? c.seconds / c.epochs : seconds / epochs;
    };
    let work = 0;
    let queuedEpochs = 0;
    for (const s of this.queue.values()) {
      work += s.config.epochs * rate(s.variant);
      queuedEpochs += s.config.epochs;
    }
    let inFlight = 0;
    for (const l of this.lanes)
      if (l) {
        work += (l.spec.config.epochs - l.epoch) * rate(l.spec.variant);
        inFlight++;
      }
    // Runs of later grid-search phases are not planned yet: price them like the queued ones.
    const unplanned = Math.max(0, this.totalRuns - this.doneRuns - inFlight - this.queue.size);
    if (unplanned > 0 && this.queue.size > 0) work += (unplanned * queuedEpochs * (seconds / epochs)) / this.queue.size;
    return work / (this.remote ? Math.max(1, this.peakBusy) : this.slots);
  }

  private laneLine(l: Lane): string {
    return `  ${l.where}: ${l.spec.key}  epoch ${l.epoch}/${l.spec.config.epochs}` + (l.last ? `  train ${pct(l.last.trainAccuracy)}  test ${pct(l.last.testAccuracy)}` : '');
  }

  /** Through a queue: one line per worker host (runs in training there), then each run in training. */
  private hostLines(): string[] {
    const busy = this.lanes.filter((l): l is Lane => l !== null);
    const hosts = new Map<string, number>();
    for (const l of busy) {
      const host = l.where.split('/')[0];
      hosts.set(host, (hosts.get(host) ?? 0) + 1);
    }
    return [
      `  ${this.queue.size} waiting in the queue; training on ${hosts.size} host${hosts.size === 1 ? '' : 's'}: ${[...hosts].map(([h, n]) => `${h} (${n})`).join(', ') || '-'}`,
      ...busy.map((l) => this.laneLine(l)),
    ];
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
      ...(this.remote ? this.hostLines() : this.lanes.map((l, i) => (l === null ? `  worker ${i}: idle` : this.laneLine(l)))),
    ];
    const cols = this.out.columns > 0 ? this.out.columns : 120;
    let text = this.drawnLines > 0 ? `\x1b[${this.drawnLines}F` : '';
    for (const line of lines) text += `\x1b[2K${line.slice(0, cols - 1)}\n`;
    this.out.write(text);
    this.drawnLines = lines.length;
  }
}
