/** Renders a vega-lite spec to SVG in Node (vega's headless View, no canvas needed), and SVG to PNG with resvg. */
import { createRequire } from 'node:module';
import type { TopLevelSpec } from 'vega-lite';
import type { VegaLiteSpec } from './charts.js';

/** vega and vega-lite load at the first chart: importing them takes most of a second, which every CLI command paid. */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const [{ parse, View }, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const vg = compile(spec as unknown as TopLevelSpec).spec;
  const view = new View(parse(vg), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** resvg (a native module) is loaded only when a PNG is asked for: SVG reports and the rest of pairnet never need it. */
export function svgToPng(svg: string, width = 1000): Uint8Array {
  const { Resvg } = createRequire(import.meta.url)('@resvg/resvg-js') as typeof import('@resvg/resvg-js');
  return new Resvg(svg, { fitTo: { mode: 'width', value: width }, font: { loadSystemFonts: true } }).render().asPng();
}
