/**
 * The vega-lite specs shared by the reports and the dashboard (browser-safe: no Node imports), so a curve or a box
 * plot reads the same in report.html and in `pairnet serve`. Rows carry raw per-run values; vega-lite aggregates.
 */
export type VegaLiteSpec = Record<string, unknown>;

export const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

export const variantColor = (names: string[], field = 'variant'): Record<string, unknown> => ({ field, type: 'nominal', title: field, sort: names });

/** Mean curve over runs per series with a +-one-sample-std band: rows {<series>, epoch, <field>}. */
export function curveSpec(rows: Record<string, unknown>[], field: string, yTitle: string, names: string[], series = 'variant'): VegaLiteSpec {
  const x = { field: 'epoch', type: 'quantitative', title: 'epoch' };
  return {
    $schema: SCHEMA,
    width: 520,
    height: 280,
    data: { values: rows },
    layer: [
      { mark: { type: 'errorband', extent: 'stdev', opacity: 0.25 }, encoding: { x, y: { field, type: 'quantitative', title: yTitle, scale: { zero: false } }, color: variantColor(names, series) } },
      { mark: { type: 'line', strokeWidth: 1.5 }, encoding: { x, y: { aggregate: 'mean', field, type: 'quantitative', title: yTitle }, color: variantColor(names, series) } },
    ],
  };
}

/** One box (quartiles, min-max whiskers) and the points per group: rows {<group>, <field>}. */
export function boxplotSpec(rows: Record<string, unknown>[], field: string, yTitle: string, names: string[], group = 'variant'): VegaLiteSpec {
  const x = { field: group, type: 'nominal', sort: names, axis: { labelAngle: -30 } };
  return {
    $schema: SCHEMA,
    width: { step: 60 },
    height: 280,
    data: { values: rows },
    layer: [
      { mark: { type: 'boxplot', extent: 'min-max', opacity: 0.6 }, encoding: { x, y: { field, type: 'quantitative', title: yTitle, scale: { zero: false } }, color: { ...variantColor(names, group), legend: null } } },
      { mark: { type: 'point', filled: true, size: 18, color: 'black', opacity: 0.6 }, encoding: { x: { ...x, axis: undefined }, y: { field, type: 'quantitative' } } },
    ],
  };
}

/** One line per series, points marked (live runs, where each series is a single run): rows {<series>, epoch, <field>}. */
export function linesSpec(rows: Record<string, unknown>[], field: string, yTitle: string, series: string): VegaLiteSpec {
  return {
    $schema: SCHEMA,
    width: 520,
    height: 240,
    data: { values: rows },
    mark: { type: 'line', point: { size: 16 }, strokeWidth: 1.5 },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch' },
      y: { field, type: 'quantitative', title: yTitle, scale: { zero: false } },
      color: { field: series, type: 'nominal', title: series },
    },
  };
}
