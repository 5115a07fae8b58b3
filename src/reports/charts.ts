/**
 * The report's plots as vega-lite specs built from stored run records: curves over epochs with +-std bands, box
 * plots per variant, accuracy vs a swept field with a loess fit, grid-search heat maps, training time per variant.
 * Vega-lite does the aggregation (errorband extent "stdev", boxplot, loess), so the specs carry raw per-run data.
 */
import type { StudyConfig } from '../studies/config.js';
import { pointLabel } from '../studies/plan.js';
import type { RunResult, StudyStats } from '../studies/study-stats.js';
import { boxplotSpec, curveSpec, SCHEMA, variantColor, type VegaLiteSpec } from './chart-specs.js';

export type { VegaLiteSpec } from './chart-specs.js';

export interface Chart {
  /** File stem under plots/, e.g. "test-accuracy-curves". */
  id: string;
  title: string;
  caption: string;
  spec: VegaLiteSpec;
}

function curveChart(id: string, title: string, caption: string, field: string, yTitle: string, rows: Record<string, unknown>[], names: string[]): Chart {
  return { id, title, caption, spec: curveSpec(rows, field, yTitle, names) };
}

/** Every plot the study's results support, in report order. */
export function buildCharts(study: StudyConfig, stats: StudyStats, results: RunResult[]): Chart[] {
  const names = study.variants.map((v) => v.name);
  const rounds = results.filter((r) => r.spec.phase === 'rounds');
  return [
    ...curveCharts(rounds, names),
    ...boxplotChart(rounds, names),
    ...timeChart(rounds, names),
    ...sweepChart(study, results, names),
    ...gridCharts(study, stats, names),
  ];
}

const finalRows = (rounds: RunResult[]): Record<string, unknown>[] =>
  rounds.map((r) => ({ variant: r.spec.variant, testAccuracy: 100 * r.record.final.testAccuracy, seconds: r.record.trainingSeconds }));

/** Test loss and accuracy over epochs (rounds that evaluated per epoch). */
function curveCharts(rounds: RunResult[], names: string[]): Chart[] {
  const epochRows = rounds.flatMap((r) =>
    r.record.epochs
      .filter((e) => e.testAccuracy !== null)
      .map((e) => ({ variant: r.spec.variant, round: r.spec.round, epoch: e.epoch, testLoss: e.testLoss, testAccuracy: 100 * (e.testAccuracy as number) })),
  );
  if (epochRows.length === 0) return [];
  return [
    curveChart('test-loss-curves', 'Test loss over epochs', 'Main (comparison) test loss; line = mean over rounds, band = mean +- one sample std.', 'testLoss', 'test loss', epochRows, names),
    curveChart('test-accuracy-curves', 'Test accuracy over epochs', 'Line = mean over rounds, band = mean +- one sample std.', 'testAccuracy', 'test accuracy [%]', epochRows, names),
  ];
}

/** Final test accuracy per variant, one point per round. */
function boxplotChart(rounds: RunResult[], names: string[]): Chart[] {
  if (rounds.length === 0) return [];
  return [{
    id: 'test-accuracy-boxplot',
    title: 'Final test accuracy per variant',
    caption: 'One point per round; box = quartiles, whiskers = min and max.',
    spec: boxplotSpec(finalRows(rounds), 'testAccuracy', 'test accuracy [%]', names),
  }];
}

/** Mean training seconds per run and variant. */
function timeChart(rounds: RunResult[], names: string[]): Chart[] {
  if (rounds.length === 0) return [];
  return [{
    id: 'training-time',
    title: 'Training time per variant',
    caption: 'Bar = mean seconds per run on this machine (one run per worker thread), error bar = +- one sample std.',
    spec: {
      $schema: SCHEMA,
      width: { step: 60 },
      height: 220,
      data: { values: finalRows(rounds) },
      layer: [
        { mark: 'bar', encoding: { x: { field: 'variant', type: 'nominal', sort: names, axis: { labelAngle: -30 } }, y: { aggregate: 'mean', field: 'seconds', type: 'quantitative', title: 'training time [s]' }, color: { ...variantColor(names), legend: null } } },
        { mark: { type: 'errorbar', extent: 'stdev' }, encoding: { x: { field: 'variant', type: 'nominal', sort: names }, y: { field: 'seconds', type: 'quantitative' } } },
      ],
    },
  }];
}

/** A sweep study's accuracy against the swept field, with loess fits. */
function sweepChart(study: StudyConfig, results: RunResult[], names: string[]): Chart[] {
  if (study.protocol.kind !== 'sweep') return [];
  const field = study.protocol.field;
  const rows = results
    .filter((r) => r.spec.phase === 'sweep')
    .map((r) => ({ variant: r.spec.variant, value: r.spec.point[field], testAccuracy: 100 * r.record.final.testAccuracy }));
  const x = { field: 'value', type: 'quantitative', title: field };
  return [{
    id: 'sweep',
    title: `Test accuracy vs ${field}`,
    caption: `One point per run (${study.rounds} rounds per value); lines are loess fits per variant.`,
    spec: {
      $schema: SCHEMA,
      width: 520,
      height: 300,
      data: { values: rows },
      layer: [
        { mark: { type: 'point', filled: true, size: 20, opacity: 0.5 }, encoding: { x, y: { field: 'testAccuracy', type: 'quantitative', title: 'test accuracy [%]', scale: { zero: false } }, color: variantColor(names) } },
        { transform: [{ loess: 'testAccuracy', on: 'value', groupby: ['variant'], bandwidth: 0.4 }], mark: { type: 'line', strokeDash: [6, 3] }, encoding: { x, y: { field: 'testAccuracy', type: 'quantitative' }, color: variantColor(names) } },
      ],
    },
  }];
}

/** One heat map of cross-validated accuracy per grid-search step. */
function gridCharts(study: StudyConfig, stats: StudyStats, names: string[]): Chart[] {
  if (study.protocol.kind !== 'grid-search') return [];
  const folds = study.protocol.folds;
  return study.protocol.steps.flatMap((step) => {
    const scores = stats.gridScores.filter((s) => s.step === step.name);
    return scores.length === 0 ? [] : [gridChart(step, scores, folds, names)];
  });
}

type GridStep = Extract<StudyConfig['protocol'], { kind: 'grid-search' }>['steps'][number];

function gridChart(step: GridStep, scores: StudyStats['gridScores'], folds: number, names: string[]): Chart {
  const [xField, ...rest] = Object.keys(step.grid);
  const rows = scores.map((s) => {
    const others: Record<string, unknown> = {};
    for (const f of rest) others[f] = s.point[f];
    return { variant: s.variant, x: String(s.point[xField]), y: rest.length > 0 ? pointLabel(others as Record<string, string>) : s.variant, cv: 100 * s.cvAccuracy };
  });
  const enc = {
    x: { field: 'x', type: 'ordinal', title: xField, sort: step.grid[xField].map(String) },
    y: { field: 'y', type: 'ordinal', title: rest.length > 0 ? rest.join(', ') : 'variant', sort: [...new Set(rows.map((r) => r.y))] },
  };
  const cvs = rows.map((r) => r.cv);
  const mid = (Math.min(...cvs) + Math.max(...cvs)) / 2;
  const inner = {
    width: { step: 44 },
    height: { step: 26 },
    layer: [
      { mark: 'rect', encoding: { ...enc, color: { field: 'cv', type: 'quantitative', title: 'CV acc [%]', scale: { scheme: 'viridis' } } } },
      { mark: { type: 'text', fontSize: 9 }, encoding: { ...enc, text: { field: 'cv', type: 'quantitative', format: '.1f' }, color: { condition: { test: `datum.cv < ${mid}`, value: 'white' }, value: 'black' } } },
    ],
  };
  return {
    id: `grid-${step.name}`,
    title: `Grid search "${step.name}": ${folds}-fold CV accuracy`,
    caption: 'Mean accuracy on the held-out fold of the training pairs (the test set is not used)' + (rest.length > 0 ? '; one panel per variant.' : '.'),
    spec:
      rest.length > 0
        ? { $schema: SCHEMA, data: { values: rows }, facet: { field: 'variant', type: 'nominal', title: null, sort: names }, columns: 3, spec: inner }
        : { $schema: SCHEMA, data: { values: rows }, ...inner },
  };
}
