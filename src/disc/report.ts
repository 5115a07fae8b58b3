/**
 * The disc report: report.md (tables + links to the SVG figures beside it) and a self-contained report.html
 * (same tables, figures inlined). Figures are Vega-Lite specs rendered to SVG. Every file is written to a temp
 * name and renamed, so a failed run never leaves a half-written report.
 */
import { mkdirSync } from 'node:fs';
import { writeFileAtomic } from '../io/atomic-write.js';
import { join } from 'node:path';
import type { VegaLiteSpec } from '../reports/charts.js';
import { renderSvg } from '../reports/render-svg.js';
import { accuracyCurveSpec, decisionMapSpec, lossCurveSpec, lrSweepSpec } from './charts.js';
import type { DiscMultiRun, SweepCell } from './experiment.js';
import type { TorchDiscResult } from './torch.js';

export interface DiscReportInput {
  /** The command line that produced the report (to re-run it). */
  command: string;
  main: DiscMultiRun;
  sweep: SweepCell[];
  torch: TorchDiscResult | null;
  generatedAt: string;
}

const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;
const secs = (wall: number, cpu: number): string => `${wall.toFixed(3)} / ${cpu.toFixed(3)}`;

function configLine(m: DiscMultiRun): string {
  const c = m.config;
  return (
    `network 2 -> 25 -> 25 -> 25 -> ${c.outputs} (${c.activation}), MSE, SGD lr ${c.lr}` +
    (c.decayEpoch > 0 ? ` (x${c.decayFactor} after epoch ${c.decayEpoch})` : ' (constant)') +
    `, batch ${c.batchSize}, ${c.standardize ? 'standardised' : 'raw'} inputs, ` +
    `${c.epochs} epochs, ${c.trainPoints} train / ${c.testPoints} test points, seeds ${c.seed}..${c.seed + m.runs.length - 1}`
  );
}

/** Tables shared by the markdown and the HTML report, as [header, rows]. */
function tables(input: DiscReportInput): { title: string; header: string[]; rows: string[][]; note?: string }[] {
  const m = input.main;
  const out = [
    {
      title: 'Main configuration',
      header: ['runs', 'test error (mean +- std)', 'train error (mean +- std)', 'min..max test error', 'training s/run (wall / CPU)'],
      rows: [
        [
          String(m.test.n),
          `${pct(m.test.mean)} +- ${pct(m.test.std)}`,
          `${pct(m.train.mean)} +- ${pct(m.train.std)}`,
          `${pct(m.test.min)}..${pct(m.test.max)}`,
          secs(m.meanTrainingSeconds, m.meanTrainingCpuSeconds),
        ],
      ],
    },
    {
      title: 'Learning-rate sweep',
      note:
        'Each cell changes only the activation and the (initial) lr of the main configuration: same epochs, batch, ' +
        'inputs, lr drop and seeds.',
      header: ['activation', 'lr', 'runs', 'test error (mean +- std)', 'train error (mean +- std)', 'training s/run (wall / CPU)'],
      rows: input.sweep.map((c) => [
        c.activation,
        String(c.lr),
        String(c.test.n),
        `${pct(c.test.mean)} +- ${pct(c.test.std)}`,
        `${pct(c.train.mean)} +- ${pct(c.train.std)}`,
        secs(c.meanTrainingSeconds, c.meanTrainingCpuSeconds),
      ]),
    },
  ];
  if (input.torch) {
    const t = input.torch;
    out.push({
      title: `Side by side with PyTorch ${t.torch} (${t.threads} thread, same data sets and hyper-parameters)`,
      header: ['framework', 'runs', 'test error (mean +- std)', 'training s/run (wall / CPU)'],
      rows: [
        ['pairnet', String(m.test.n), `${pct(m.test.mean)} +- ${pct(m.test.std)}`, secs(m.meanTrainingSeconds, m.meanTrainingCpuSeconds)],
        ['PyTorch', String(t.runs.length), `${pct(t.meanTestError)} +- ${pct(t.stdTestError)}`, secs(t.meanSeconds, t.meanCpuSeconds)],
      ],
    });
  }
  return out;
}

const FIGURES = [
  { file: 'lr-sweep.svg', caption: 'Test error vs learning rate, error bars = +- one std over the runs' },
  { file: 'loss.svg', caption: 'Training loss per epoch of the main configuration' },
  { file: 'accuracy.svg', caption: 'Train and test accuracy per epoch of the main configuration' },
  { file: 'decision-map.svg', caption: 'Decision map of the first run, true circle in black, test points on top' },
] as const;

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export async function writeDiscReport(dir: string, input: DiscReportInput): Promise<string[]> {
  const specs = [
    lrSweepSpec(input.sweep),
    lossCurveSpec(input.main),
    accuracyCurveSpec(input.main),
    decisionMapSpec(input.main),
  ];
  const svgs: string[] = [];
  for (const spec of specs) svgs.push(await renderSvg(spec as unknown as VegaLiteSpec));
  const tbls = tables(input);

  const md: string[] = [
    '# Disc task: the no-autograd framework on its own',
    '',
    `Points uniform in [0,1]^2, class 1 inside the disc of centre (0.5, 0.5) and radius 1/sqrt(2 pi).`,
    `Main configuration: ${configLine(input.main)}.`,
    '',
    `Re-run: \`${input.command}\` (generated ${input.generatedAt}).`,
    '',
  ];
  for (const t of tbls) {
    md.push(`## ${t.title}`, '', `| ${t.header.join(' | ')} |`, `|${t.header.map(() => '---').join('|')}|`);
    for (const r of t.rows) md.push(`| ${r.join(' | ')} |`);
    md.push('');
    if (t.note) md.push(t.note, '');
  }
  md.push('## Figures', '');
  for (const f of FIGURES) md.push(`![${f.caption}](${f.file})`, '', `*${f.caption}*`, '');

  const html: string[] = [
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>pairnet disc report</title>',
    '<style>body{font-family:sans-serif;max-width:960px;margin:2em auto;padding:0 1em}table{border-collapse:collapse}',
    'td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}figure{margin:1.5em 0}code{background:#eee}</style>',
    '</head><body><h1>Disc task: the no-autograd framework on its own</h1>',
    `<p>Points uniform in [0,1]<sup>2</sup>, class 1 inside the disc of centre (0.5, 0.5) and radius 1/&radic;(2&pi;).</p>`,
    `<p>Main configuration: ${escapeHtml(configLine(input.main))}.</p>`,
    `<p>Re-run: <code>${escapeHtml(input.command)}</code> (generated ${escapeHtml(input.generatedAt)}).</p>`,
  ];
  for (const t of tbls) {
    html.push(`<h2>${escapeHtml(t.title)}</h2><table><tr>${t.header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>`);
    for (const r of t.rows) html.push(`<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`);
    html.push('</table>');
    if (t.note) html.push(`<p>${escapeHtml(t.note)}</p>`);
  }
  html.push('<h2>Figures</h2>');
  FIGURES.forEach((f, i) => html.push(`<figure>${svgs[i]}<figcaption>${escapeHtml(f.caption)}</figcaption></figure>`));
  html.push('</body></html>');

  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  FIGURES.forEach((f, i) => {
    writeFileAtomic(join(dir, f.file), svgs[i]);
    written.push(join(dir, f.file));
  });
  writeFileAtomic(join(dir, 'report.md'), md.join('\n'));
  writeFileAtomic(join(dir, 'report.html'), html.join('\n'));
  written.push(join(dir, 'report.md'), join(dir, 'report.html'));
  return written;
}
