/** The report's tables as plain cells, shared by report.md, report.html and the CLI's text output. */
import type { StudyConfig } from '../studies/config.js';
import { pointLabel } from '../studies/plan.js';
import type { Summary } from '../studies/statistics.js';
import type { StudyStats, VariantStats } from '../studies/study-stats.js';

export interface Table {
  title: string;
  header: string[];
  rows: string[][];
  note?: string;
}

const pm = (s: Summary, scale = 100, digits = 2): string => `${(scale * s.mean).toFixed(digits)} ± ${(scale * s.std).toFixed(digits)}`;
const ci = (s: Summary): string => (s.n < 2 ? '-' : `[${(100 * s.ci95[0]).toFixed(2)}, ${(100 * s.ci95[1]).toFixed(2)}]`);
const signed = (x: number): string => `${x >= 0 ? '+' : ''}${x.toFixed(2)}`;
export const formatP = (p: number): string => (p < 0.001 ? '< 0.001' : p.toFixed(3));
const num = (n: number): string => n.toLocaleString('en-US');

function accuracyRow(v: VariantStats, first: string): string[] {
  return [
    first,
    v.model,
    num(v.parameterCount),
    String(v.runs),
    pm(v.testAccuracy),
    (100 * v.testAccuracy.median).toFixed(2),
    `${(100 * v.testAccuracy.min).toFixed(2)} – ${(100 * v.testAccuracy.max).toFixed(2)}`,
    ci(v.testAccuracy),
    v.digitAccuracy ? pm(v.digitAccuracy) : '-',
    pm(v.trainAccuracy),
    pm(v.trainingSeconds, 1, 1),
  ];
}

const ACC_HEADER = ['Model', 'Params', 'Runs', 'Test acc [%] μ ± σ', 'Median', 'Min – max', '95% CI of μ', 'Digit acc [%] μ ± σ', 'Train acc [%] μ ± σ', 'Time [s] μ ± σ'];

export function resultsTable(stats: StudyStats): Table {
  return {
    title: 'Results per variant',
    header: ['Variant', ...ACC_HEADER],
    rows: stats.variants.map((v) => accuracyRow(v, v.variant)),
    note: 'σ is the sample standard deviation over rounds (n - 1 divisor); the 95% CI of the mean uses Student\'s t with n - 1 degrees of freedom. Digit accuracy: the auxiliary digit heads on the test pairs (both digits).',
  };
}

export function sweepTable(study: StudyConfig, stats: StudyStats): Table | null {
  if (study.protocol.kind !== 'sweep' || stats.sweep.length === 0) return null;
  const field = study.protocol.field;
  return {
    title: `Sweep over ${field}`,
    header: ['Variant', field, ...ACC_HEADER],
    rows: stats.sweep.map((v) => {
      const [name, ...rest] = accuracyRow(v, v.variant);
      return [name, String(v.point[field]), ...rest];
    }),
  };
}

export function publishedTable(study: StudyConfig, stats: StudyStats): Table | null {
  if (!study.published || stats.published.length === 0) return null;
  const names: Record<string, string> = { testAccuracy: 'test accuracy', digitAccuracy: 'digit accuracy', trainAccuracy: 'train accuracy' };
  return {
    title: `Published (${study.published.source}) vs ours`,
    header: ['Variant', 'Metric', 'Published μ ± σ [%]', 'Ours μ ± σ [%]', 'Ours − published', 'Within 2σ', "Welch's p"],
    rows: stats.published.map((c) => [
      c.variant,
      names[c.metric],
      `${c.published[0].toFixed(2)} ± ${c.published[1].toFixed(2)}`,
      `${c.ours[0].toFixed(2)} ± ${c.ours[1].toFixed(2)}`,
      `${c.ours[0] - c.published[0] >= 0 ? '+' : ''}${(c.ours[0] - c.published[0]).toFixed(2)}`,
      c.within2Sigma ? 'yes' : 'no',
      c.welch ? formatP(c.welch.p) : '-',
    ]),
    note:
      `"Within 2σ": |our mean − published mean| ≤ 2 × the published σ (its spread over ${study.published.rounds} rounds). ` +
      `Welch's p tests our rounds against the published mean, σ and ${study.published.rounds} rounds. ${study.published.note}`.trim(),
  };
}

/** Published parameter counts and training times beside ours (times: different hardware, shown for scale only). */
export function publishedCostTable(study: StudyConfig, stats: StudyStats): Table | null {
  const pub = study.published;
  if (!pub) return null;
  const rows = stats.variants
    .filter((v) => pub.rows[v.variant] && (pub.rows[v.variant].parameters !== null || pub.rows[v.variant].trainSeconds !== null))
    .map((v) => {
      const p = pub.rows[v.variant];
      return [
        v.variant,
        p.parameters === null ? '-' : num(p.parameters),
        num(v.parameterCount),
        p.parameters === null ? '-' : p.parameters === v.parameterCount ? 'yes' : 'no',
        p.trainSeconds === null ? '-' : p.trainSeconds.toFixed(1),
        v.trainingSeconds.mean.toFixed(1),
      ];
    });
  return {
    title: 'Parameters and training time: published vs ours',
    header: ['Variant', 'Published params', 'Our params', 'Same count', 'Published time [s]', 'Our mean time [s]'],
    rows,
    note: "Times come from different machines (the report's hardware vs this one's worker threads) and are not comparable beyond their order of magnitude.",
  };
}

export function comparisonsTable(stats: StudyStats): Table | null {
  if (stats.comparisons.length === 0) return null;
  return {
    title: 'Pairwise comparisons (test accuracy)',
    header: ['A', 'B', 'μA − μB [pp]', 't', 'df', "Welch's p (two-sided)", 'Significant at 5%', 'Published μA − μB [pp]', 'Published p'],
    rows: stats.comparisons.map((c) => {
      const pub = c.publishedWelch ? [signed(c.publishedWelch.difference), formatP(c.publishedWelch.p)] : ['-', '-'];
      return c.welch
        ? [c.a, c.b, signed(100 * c.welch.difference), c.welch.t.toFixed(2), c.welch.df.toFixed(1), formatP(c.welch.p), c.welch.p < 0.05 ? 'yes' : 'no', ...pub]
        : [c.a, c.b, '-', '-', '-', '-', 'needs 2+ rounds each', ...pub];
    }),
    note: "Welch's unequal-variance t-test on the per-round final test accuracies. The published columns apply the same test to the report's own means, sigmas and round count: whether the report's claim was significant by its own numbers.",
  };
}

export function gridTables(study: StudyConfig, stats: StudyStats): Table[] {
  if (study.protocol.kind !== 'grid-search') return [];
  const folds = study.protocol.folds;
  const tables: Table[] = study.protocol.steps.map((step) => ({
    title: `Grid search step "${step.name}" (${folds}-fold CV on the training pairs)`,
    header: ['Variant', 'Point', 'CV accuracy [%]', 'Per fold [%]', 'Chosen'],
    rows: stats.gridScores
      .filter((s) => s.step === step.name)
      .map((s) => {
        const chosen = Object.entries(s.point).every(([k, v]) => stats.choices[s.variant]?.[k] === v);
        return [s.variant, pointLabel(s.point), (100 * s.cvAccuracy).toFixed(2), s.foldAccuracies.map((a) => (100 * a).toFixed(1)).join(' '), chosen ? '✓' : ''];
      }),
  }));
  tables.push({
    title: 'Chosen hyper-parameters',
    header: ['Variant', 'Chosen values'],
    rows: study.variants.map((v) => [v.name, pointLabel(stats.choices[v.name] ?? {}) || '-']),
  });
  return tables;
}

/** Plain-text rendering for the terminal: aligned columns. */
export function textTable(t: Table): string {
  const widths = t.header.map((h, i) => Math.max(h.length, ...t.rows.map((r) => r[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [t.title, line(t.header), widths.map((w) => '-'.repeat(w)).join('  '), ...t.rows.map(line)].join('\n');
}
