/**
 * Vega-Lite specs of the disc report: error vs learning rate, loss and accuracy curves, decision map.
 * Pure data -> spec functions; rendering to SVG happens in the report writer.
 */
import type { TopLevelSpec } from 'vega-lite';
import { DISC_CENTER, DISC_RADIUS } from '../data/disc.js';
import type { DiscMultiRun, SweepCell } from './experiment.js';
import { predictDisc, type DiscEpoch } from './train.js';

const WIDTH = 420;
const HEIGHT = 280;

export function lrSweepSpec(cells: readonly SweepCell[]): TopLevelSpec {
  const values = cells.map((c) => ({
    activation: c.activation,
    lr: c.lr,
    mean: 100 * c.test.mean,
    lo: 100 * Math.max(0, c.test.mean - c.test.std),
    hi: 100 * (c.test.mean + c.test.std),
  }));
  const x = { field: 'lr', type: 'quantitative', scale: { type: 'log' }, title: 'learning rate' } as const;
  const color = { field: 'activation', type: 'nominal', title: 'activation' } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `Test error vs learning rate (mean +- std over ${cells[0]?.test.n ?? 0} runs)`,
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    layer: [
      { mark: { type: 'line', point: true }, encoding: { x, y: { field: 'mean', type: 'quantitative', title: 'test error (%)' }, color } },
      { mark: { type: 'errorbar', ticks: true }, encoding: { x, y: { field: 'lo', type: 'quantitative', title: 'test error (%)' }, y2: { field: 'hi' }, color } },
    ],
  };
}

/** Mean over runs of each epoch's value, with +- std. */
function epochBands(m: DiscMultiRun, pick: (e: DiscEpoch) => number | null) {
  const epochs = m.runs[0].epochs.length;
  const out: { epoch: number; mean: number; lo: number; hi: number }[] = [];
  for (let e = 0; e < epochs; e++) {
    const v = m.runs.map((r) => pick(r.epochs[e])).filter((x): x is number => x !== null);
    if (v.length === 0) continue;
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const std = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1)) : 0;
    out.push({ epoch: e + 1, mean, lo: mean - std, hi: mean + std });
  }
  return out;
}

export function lossCurveSpec(m: DiscMultiRun): TopLevelSpec {
  const values = epochBands(m, (e) => e.loss).map((b) => ({ ...b, lo: Math.max(b.lo, b.mean / 10) }));
  const x = { field: 'epoch', type: 'quantitative', title: 'epoch' } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `Training MSE per epoch (mean +- std over ${m.runs.length} runs)`,
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    layer: [
      { mark: { type: 'area', opacity: 0.25 }, encoding: { x, y: { field: 'lo', type: 'quantitative', scale: { type: 'log' } }, y2: { field: 'hi' } } },
      { mark: 'line', encoding: { x, y: { field: 'mean', type: 'quantitative', title: 'training loss (MSE, log scale)' } } },
    ],
  };
}

export function accuracyCurveSpec(m: DiscMultiRun): TopLevelSpec {
  const values = [
    ...epochBands(m, (e) => (e.trainError === null ? null : 100 * (1 - e.trainError))).map((b) => ({ ...b, split: 'train' })),
    ...epochBands(m, (e) => (e.testError === null ? null : 100 * (1 - e.testError))).map((b) => ({ ...b, split: 'test' })),
  ].map((b) => ({ ...b, hi: Math.min(b.hi, 100) }));
  const x = { field: 'epoch', type: 'quantitative', title: 'epoch' } as const;
  const color = { field: 'split', type: 'nominal', title: 'set' } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `Accuracy per epoch (mean +- std over ${m.runs.length} runs)`,
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    layer: [
      { mark: { type: 'area', opacity: 0.2 }, encoding: { x, y: { field: 'lo', type: 'quantitative', scale: { zero: false } }, y2: { field: 'hi' }, color } },
      { mark: 'line', encoding: { x, y: { field: 'mean', type: 'quantitative', title: 'accuracy (%)' }, color } },
    ],
  };
}

/** The first run's trained net over a grid of [0,1]^2, the true circle and the test points (wrong ones as crosses). */
export function decisionMapSpec(m: DiscMultiRun, grid = 200): TopLevelSpec {
  const { model, test, config, inputTransform } = m.first;
  const cell = 1 / grid;
  const points = new Float32Array(grid * grid * 2);
  for (let i = 0; i < grid; i++) {
    for (let j = 0; j < grid; j++) {
      points[2 * (i * grid + j)] = (i + 0.5) * cell;
      points[2 * (i * grid + j) + 1] = (j + 0.5) * cell;
    }
  }
  const gridClass = predictDisc(model, points, config.outputs, inputTransform);
  // One rect per run of equal predictions down each column (a few per column instead of `grid`): keeps the SVG small.
  const cells: { x: number; x2: number; y: number; y2: number; kind: string }[] = [];
  for (let i = 0; i < grid; i++) {
    let start = 0;
    for (let j = 1; j <= grid; j++) {
      if (j < grid && gridClass[i * grid + j] === gridClass[i * grid + start]) continue;
      const kind = gridClass[i * grid + start] === 1 ? 'predicted inside' : 'predicted outside';
      // Each column overlaps the next by half a cell: closes the anti-aliasing seams between neighbouring rects.
      cells.push({ x: i * cell, x2: Math.min(1, (i + 1.5) * cell), y: start * cell, y2: j * cell, kind });
      start = j;
    }
  }
  const testClass = predictDisc(model, test.input, config.outputs, inputTransform);
  const testPoints = Array.from({ length: test.count }, (_, k) => ({
    x: test.input[2 * k],
    y: test.input[2 * k + 1],
    kind: testClass[k] !== test.target[k] ? 'misclassified test point' : test.target[k] === 1 ? 'test point inside' : 'test point outside',
  }));
  const circle = Array.from({ length: 121 }, (_, k) => ({
    order: k,
    x: DISC_CENTER + DISC_RADIUS * Math.cos((2 * Math.PI * k) / 120),
    y: DISC_CENTER + DISC_RADIUS * Math.sin((2 * Math.PI * k) / 120),
  }));
  const unit = { type: 'quantitative' as const, scale: { domain: [0, 1], nice: false } };
  // One colour scale (and legend) for the regions and the points; misclassified points are drawn last, as crosses.
  const color = {
    field: 'kind',
    type: 'nominal' as const,
    title: null,
    legend: { labelLimit: 220 },
    scale: {
      domain: ['predicted inside', 'predicted outside', 'test point inside', 'test point outside', 'misclassified test point'],
      range: ['#fdd9b5', '#cfe3f3', '#c2410c', '#1d4ed8', '#000000'],
    },
  };
  const right = testPoints.filter((p) => p.kind !== 'misclassified test point');
  const wrong = testPoints.filter((p) => p.kind === 'misclassified test point');
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `Decision map of one trained net (${config.activation}, lr ${config.lr}, seed ${config.seed}), test error ${(100 * m.first.testError).toFixed(1)}%`,
    width: 420,
    height: 420,
    layer: [
      {
        data: { values: cells },
        mark: { type: 'rect', strokeWidth: 0 },
        encoding: {
          x: { field: 'x', ...unit, title: 'x' },
          x2: { field: 'x2' },
          y: { field: 'y', ...unit, title: 'y' },
          y2: { field: 'y2' },
          color,
        },
      },
      {
        data: { values: right },
        mark: { type: 'circle', size: 10, opacity: 0.9 },
        encoding: { x: { field: 'x', ...unit }, y: { field: 'y', ...unit }, color },
      },
      {
        data: { values: wrong },
        mark: { type: 'point', shape: 'cross', filled: true, size: 70 },
        encoding: { x: { field: 'x', ...unit }, y: { field: 'y', ...unit }, color },
      },
      {
        data: { values: circle },
        mark: { type: 'line', color: 'black', strokeWidth: 1.5 },
        encoding: { x: { field: 'x', ...unit }, y: { field: 'y', ...unit }, order: { field: 'order', type: 'quantitative' } },
      },
    ],
  };
}
