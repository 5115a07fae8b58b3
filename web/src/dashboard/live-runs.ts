/**
 * The chosen study's runs in flight, live: an EventSource on /api/events feeds per-run epoch metrics, drawn as one
 * line per run (test accuracy, or the training loss for runs that evaluate only at the end) and a table. The chart
 * container's data-runs / data-points say what is drawn (the e2e test reads them).
 */
import { linesSpec } from '../../../src/reports/chart-specs.js';
import type { RunEvent } from '../../../src/studies/events.js';
import type { RunFields } from '../../../src/studies/results-store.js';
import type { EpochMetrics } from '../../../src/training/record.js';
import { fillTable, pct, setStatus } from './dom.js';
import { clearSpec, renderSpec } from './vega-view.js';

interface LiveRun {
  key: string;
  fields: RunFields;
  epochs: number;
  metrics: EpochMetrics[];
}

export interface LiveView {
  chart: HTMLElement;
  table: HTMLTableElement;
  status: HTMLElement;
}

const REDRAW_MS = 400;

export class LiveRuns {
  private source: EventSource | null = null;
  private runs = new Map<string, LiveRun>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly view: LiveView,
    /** Called when a run finishes (the stored runs changed). */
    private readonly onRunDone: () => void,
  ) {}

  follow(studyId: string): void {
    this.stop();
    this.runs.clear();
    this.draw();
    const source = new EventSource(`./api/events?study=${encodeURIComponent(studyId)}`);
    this.source = source;
    source.onmessage = (m) => this.apply(JSON.parse(m.data as string) as RunEvent);
    source.onerror = () => setStatus(this.view.status, 'live updates interrupted; reconnecting ...', true);
    source.onopen = () => setStatus(this.view.status, 'following the study live');
  }

  stop(): void {
    this.source?.close();
    this.source = null;
  }

  private apply(e: RunEvent): void {
    if (e.type === 'begin') this.runs.clear();
    else if (e.type === 'start') this.runs.set(e.key, { key: e.key, fields: e.fields, epochs: e.epochs, metrics: [] });
    else if (e.type === 'epoch') this.runs.get(e.key)?.metrics.push(e.metrics);
    else if (e.type === 'done') {
      this.runs.delete(e.key);
      this.onRunDone();
    } else if (e.type === 'end') this.runs.clear();
    this.schedule();
  }

  private schedule(): void {
    if (this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.draw();
    }, REDRAW_MS);
  }

  private draw(): void {
    const runs = [...this.runs.values()];
    const points = runs.reduce((n, r) => n + r.metrics.length, 0);
    const { chart, table, status } = this.view;
    chart.dataset.runs = String(runs.length);
    chart.dataset.points = String(points);
    fillTable(
      table,
      ['run', 'epoch', 'train loss', 'train acc', 'test acc'],
      runs.map((r) => {
        const m = r.metrics.at(-1);
        return [r.key, `${m?.epoch ?? 0}/${r.epochs}`, m === undefined ? '-' : m.trainLoss.toFixed(4), pct(m?.trainAccuracy), pct(m?.testAccuracy)];
      }),
    );
    if (runs.length === 0) {
      clearSpec(chart);
      if (this.source !== null) setStatus(status, 'no run in flight (start or resume the study to watch it here)');
      return;
    }
    setStatus(status, `${runs.length} run(s) in flight`);
    const anyTest = runs.some((r) => r.metrics.some((m) => m.testAccuracy !== null));
    const rows = runs.flatMap((r) =>
      r.metrics.map((m) => ({ run: r.key, epoch: m.epoch, value: anyTest ? (m.testAccuracy === null ? null : 100 * m.testAccuracy) : m.trainLoss })),
    );
    void renderSpec(chart, linesSpec(rows, 'value', anyTest ? 'test accuracy [%]' : 'train loss', 'run')).catch((err: unknown) =>
      setStatus(status, `cannot draw the curves: ${(err as Error).message}`, true),
    );
  }
}
