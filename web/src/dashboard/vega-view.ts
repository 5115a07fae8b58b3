/** Renders a vega-lite spec into an element as SVG (vega and vega-lite load with the dashboard, not the pads). */
import { compile, type TopLevelSpec } from 'vega-lite';
import { parse, View } from 'vega';
import type { VegaLiteSpec } from '../../../src/reports/chart-specs.js';

const views = new WeakMap<HTMLElement, View>();

export async function renderSpec(el: HTMLElement, spec: VegaLiteSpec): Promise<void> {
  views.get(el)?.finalize();
  const view = new View(parse(compile(spec as unknown as TopLevelSpec).spec), { renderer: 'svg', container: el, hover: true });
  views.set(el, view);
  await view.runAsync();
}

export function clearSpec(el: HTMLElement): void {
  views.get(el)?.finalize();
  views.delete(el);
  el.replaceChildren();
}
