/**
 * Writes a study's report from its stored records: report.md (plots as plots/*.svg), a self-contained report.html
 * (SVG inline) and stats.json. Every file is written to a temp file and renamed, so a report is never half-written.
 */
import { mkdirSync } from 'node:fs';
import { writeFileAtomic } from '../io/atomic-write.js';
import { join } from 'node:path';
import type { StudyConfig } from '../studies/config.js';
import type { RunSpec, StudyPlan } from '../studies/plan.js';
import type { RunResult, StudyStats } from '../studies/study-stats.js';
import type { RunConfig } from '../training/config.js';
import { buildCharts, type VegaLiteSpec } from './charts.js';
import { renderSvg } from './render-svg.js';
import { comparisonsTable, failedRunsTable, gridTables, publishedCostTable, publishedTable, resultsTable, sweepTable, type Table } from './tables.js';

export interface ReportFiles {
  markdown: string;
  html: string;
  svgs: Record<string, string>;
  /** Each plot's vega-lite spec (with its data), for Altair or the vega editor. */
  specs: Record<string, VegaLiteSpec>;
}

function describeLoss(c: RunConfig): string {
  const aux = c.loss.aux === 0 ? '' : ` + ${+c.loss.aux.toFixed(4)} × (aux1 + aux2)${c.loss.auxSchedule === 'constant' ? '' : ` (${c.loss.auxSchedule} schedule)`}`;
  return `${+c.loss.main.toFixed(4)} × main${aux}`;
}

function describeSchedule(c: RunConfig): string {
  const s = c.schedule;
  if (s.kind === 'constant') return 'constant';
  if (s.kind === 'step') return `×${s.gamma} every ${s.stepSize} epochs`;
  if (s.kind === 'multistep') return `×${s.gamma} at epochs ${s.milestones.join(', ')}`;
  if (s.kind === 'cosine') return `cosine to ${s.etaMin} over the epochs`;
  return `×${s.gamma} per epoch`;
}

function describeOptimizer(c: RunConfig): string {
  const o = c.optimizer;
  if (o.name === 'sgd') return `SGD (momentum ${o.momentum}${o.nesterov ? ', nesterov' : ''}${o.weightDecay ? `, wd ${o.weightDecay}` : ''})`;
  if (o.name === 'adam') return `Adam${o.weightDecay ? ` (wd ${o.weightDecay})` : ''}`;
  return `Adadelta (rho ${o.rho})`;
}

/** Protocol table: one row per variant, from the configs of its runs (the final phase for grid searches). */
export function protocolTable(study: StudyConfig, plan: StudyPlan): Table {
  const final = (variant: string): RunSpec | undefined => plan.runs.find((s) => s.variant === variant && (s.phase === 'rounds' || s.phase === 'sweep'));
  const firstOf = (variant: string): RunSpec | undefined => final(variant) ?? plan.runs.find((s) => s.variant === variant);
  // Until a grid search finishes, its final rounds are not planned: say so rather than pass a grid point off as the protocol.
  const searching = study.variants.filter((v) => !final(v.name)).map((v) => v.name);
  return {
    title: 'Protocol per variant',
    note: searching.length ? `Grid search unfinished for ${searching.join(', ')}: their rows show the first grid point, not the chosen values (or '-' where the search plans no run of theirs yet).` : undefined,
    header: ['Variant', 'Model', 'Options', 'Epochs', 'Optimizer', 'lr', 'Schedule', 'Batch', 'Loss', 'Train/test pairs', 'Input'],
    rows: study.variants.map((v) => {
      const spec = firstOf(v.name);
      // A variant the grid steps leave out has no run planned until the search ends.
      if (!spec) return [v.name, v.model, ...Array<string>(9).fill('-')];
      const c = spec.config;
      const aug = [c.data.augment.translate ? `translate ±${c.data.augment.translate}` : '', c.data.augment.swap ? 'swap' : '', c.data.augment.repair ? 're-pair' : ''].filter(Boolean);
      return [
        v.name,
        c.model,
        Object.entries(c.modelOptions).map(([k, x]) => `${k}=${x}`).join(' ') || '-',
        String(c.epochs),
        describeOptimizer(c),
        String(c.optimizer.lr),
        describeSchedule(c),
        String(c.batchSize),
        describeLoss(c),
        `${c.data.trainPairs}/${c.data.testPairs}`,
        [c.data.standardize ? 'standardized' : '0..255', ...aug].join(', '),
      ];
    }),
  };
}

function protocolText(study: StudyConfig, plan: StudyPlan, results: RunResult[], failed: number): string[] {
  const p = study.protocol;
  // A final round's data, not a cross-validation fold's (grid searches store their fold runs first).
  const described = results.find((r) => r.spec.fold === null) ?? results[0];
  const source = described?.record.dataSource ?? `${plan.runs[0]?.config.data.source} (no run finished yet)`;
  const lines = [`Data: ${source}.`];
  if (p.kind === 'multi-round') lines.push(`Protocol: multi-round, ${study.rounds} rounds per variant; every round draws fresh train/test pairs and fresh weights.`);
  if (p.kind === 'sweep') lines.push(`Protocol: sweep of ${p.field} over ${p.values.length} values (${p.values.join(', ')}), ${study.rounds} rounds each.`);
  if (p.kind === 'grid-search')
    lines.push(
      `Protocol: grid search in ${p.steps.length} step(s) (${p.steps.map((s) => `"${s.name}": ${Object.keys(s.grid).join(' × ')}`).join('; then ')}), ` +
        `each point scored by ${p.folds}-fold cross-validation on the training pairs only (the test set is never used to choose); ` +
        `each step keeps the earlier steps' choices. Then ${study.rounds} rounds per variant with the chosen values.`,
    );
  if (p.kind === 'sweep' && p.field === 'auxFraction') lines.push('auxFraction f sets the loss to (1 − f) × main + f/2 × (aux1 + aux2), as in report 000.');
  lines.push(
    `Seeds: every seed derives from the study seed ${study.seed}: round r uses one seed for all variants (same pairs and same weight stream in a round, a paired design), so the study is reproducible bit for bit.`,
    `Runs: ${results.length + failed} of ${plan.totalRuns} planned runs are stored${failed > 0 ? `, ${failed} of them failed (loss diverged; listed under "Failed runs", in no accuracy)` : ''}${results.length + failed < plan.totalRuns ? ' (incomplete study: the tables cover the finished runs only)' : ''}.`,
  );
  return lines;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const mdCell = (s: string): string => s.replace(/\|/g, '\\|');

function mdTable(t: Table): string {
  const out = [`### ${t.title}`, '', `| ${t.header.map(mdCell).join(' | ')} |`, `|${t.header.map(() => '---').join('|')}|`, ...t.rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`)];
  if (t.note) out.push('', t.note);
  return out.join('\n');
}

function htmlTable(t: Table): string {
  const head = `<tr>${t.header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>`;
  const body = t.rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('\n');
  // Wide tables (the comparisons have 16 columns) scroll inside the page instead of running past it.
  return `<h3>${esc(t.title)}</h3>\n<div class="wide"><table>\n${head}\n${body}\n</table></div>${t.note ? `\n<p class="note">${esc(t.note)}</p>` : ''}`;
}

export async function buildReport(study: StudyConfig, plan: StudyPlan, stats: StudyStats, results: RunResult[]): Promise<ReportFiles> {
  const tables = [
    resultsTable(stats),
    sweepTable(study, stats),
    publishedTable(study, stats),
    publishedCostTable(study, stats),
    comparisonsTable(stats),
    failedRunsTable(stats),
    ...gridTables(study, stats),
  ].filter((t): t is Table => t !== null && t.rows.length > 0);
  const protocol = protocolTable(study, plan);
  const charts = buildCharts(study, stats, results);
  const svgs: Record<string, string> = {};
  const specs: Record<string, VegaLiteSpec> = {};
  for (const c of charts) {
    svgs[c.id] = await renderSvg(c.spec);
    specs[c.id] = c.spec;
  }
  const text = protocolText(study, plan, results, stats.failedRuns.length);
  const generated = `Generated by pairnet from ${results.length} stored run records; rebuild with \`pairnet report <dir>\`.`;

  const markdown = [
    `# ${study.name}`,
    '',
    study.description,
    '',
    '## Data and protocol',
    '',
    ...text.map((l) => `- ${l}`),
    '',
    mdTable(protocol),
    '',
    '## Results',
    '',
    ...tables.flatMap((t) => [mdTable(t), '']),
    '## Plots',
    '',
    ...charts.flatMap((c) => [`### ${c.title}`, '', `![${c.title}](plots/${c.id}.svg)`, '', `${c.caption} Vega-lite spec: [plots/${c.id}.vl.json](plots/${c.id}.vl.json).`, '']),
    generated,
    '',
  ].join('\n');

  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(study.name)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:.5em 0;font-size:13px}th,td{border:1px solid #ccc;padding:3px 7px;text-align:left}td{white-space:nowrap}
th{background:#f3f3f3}div.wide{overflow-x:auto}p.note{font-size:12px;color:#555}figure{margin:1em 0}figcaption{font-size:12px;color:#555}
</style></head><body>
<h1>${esc(study.name)}</h1>
<p>${esc(study.description)}</p>
<h2>Data and protocol</h2>
<ul>${text.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>
${htmlTable(protocol)}
<h2>Results</h2>
${tables.map(htmlTable).join('\n')}
<h2>Plots</h2>
${charts.map((c) => `<figure><h3>${esc(c.title)}</h3>${svgs[c.id]}<figcaption>${esc(c.caption)}</figcaption></figure>`).join('\n')}
<p class="note">${esc(generated)}</p>
</body></html>
`;
  return { markdown, html, svgs, specs };
}


/** Writes report.md, report.html, plots/*.svg with each plot's vega-lite spec as plots/*.vl.json, and stats.json into `dir`. */
export async function writeReport(dir: string, study: StudyConfig, plan: StudyPlan, stats: StudyStats, results: RunResult[]): Promise<ReportFiles> {
  const files = await buildReport(study, plan, stats, results);
  mkdirSync(join(dir, 'plots'), { recursive: true });
  for (const [id, svg] of Object.entries(files.svgs)) writeFileAtomic(join(dir, 'plots', `${id}.svg`), svg);
  for (const [id, spec] of Object.entries(files.specs)) writeFileAtomic(join(dir, 'plots', `${id}.vl.json`), `${JSON.stringify(spec, null, 2)}\n`);
  writeFileAtomic(join(dir, 'stats.json'), `${JSON.stringify({ study: study.name, ...stats }, null, 2)}\n`);
  writeFileAtomic(join(dir, 'report.md'), files.markdown);
  writeFileAtomic(join(dir, 'report.html'), files.html);
  return files;
}
