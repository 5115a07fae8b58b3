/** The report's tables as plain cells, shared by report.md, report.html and the CLI's text output. */
import type { StudyConfig } from '../studies/config.js';
import { pointLabel } from '../studies/plan.js';
import type { Summary } from '../studies/statistics.js';
import type { Comparison, StudyStats, VariantStats } from '../studies/study-stats.js';
import { WILCOXON_EXACT_MAX_N } from '../studies/wilcoxon.js';

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

const finite = (x: number, digits: number): string => (Number.isFinite(x) ? x.toFixed(digits) : x > 0 ? '∞' : '−∞');

function wilcoxonCells(c: Comparison): string[] {
  const w = c.wilcoxon;
  if (!w) return ['-', '-', '-'];
  const why = [w.zeros ? `${w.zeros} zero${w.zeros > 1 ? 's' : ''}` : '', w.ties ? 'ties' : ''].filter(Boolean).join(', ');
  return [`${w.w}, ${w.method}${why ? ` (${why})` : ''}`, formatP(w.p), formatP(w.pHolm)];
}

function comparisonRow(c: Comparison): string[] {
  const pub = c.publishedWelch ? [signed(c.publishedWelch.difference), formatP(c.publishedWelch.p)] : ['-', '-'];
  const rounds = c.unpaired === null ? `${c.rounds[0]} pair${c.rounds[0] === 1 ? '' : 's'}` : `${c.rounds[0]} / ${c.rounds[1]}`;
  const t = c.test;
  if (!t) return [c.a, c.b, rounds, '-', '-', '-', '-', '-', '-', '-', '-', '-', '-', 'needs 2+ rounds each', ...pub];
  return [
    c.a,
    c.b,
    rounds,
    c.unpaired === null ? t.kind : `${t.kind} (unpaired: ${c.unpaired})`,
    signed(100 * t.difference),
    `[${signed(100 * t.ci95[0])}, ${signed(100 * t.ci95[1])}]`,
    `${t.kind === 'paired t' ? 'd_z' : 'd'} = ${finite(t.effectSize, 2)}`,
    `${finite(t.t, 2)} (${+t.df.toFixed(1)})`,
    formatP(t.p),
    formatP(t.pHolm),
    ...wilcoxonCells(c),
    t.pHolm < 0.05 ? 'yes' : 'no',
    ...pub,
  ];
}

export function comparisonsTable(stats: StudyStats): Table | null {
  if (stats.comparisons.length === 0) return null;
  return {
    title: 'Pairwise comparisons (test accuracy)',
    header: [
      'A', 'B', 'Rounds', 'Test', 'μA − μB [pp]', '95% CI [pp]', 'Effect size', 't (df)', 'p', 'Holm p',
      'Wilcoxon W, method', 'Wilcoxon p', 'Wilcoxon Holm p', 'Significant at 5% (Holm, t)', 'Published μA − μB [pp]', 'Published p (Welch)',
    ],
    rows: stats.comparisons.map(comparisonRow),
    note:
      'Round r of every variant uses the same seed (same pairs, same weight stream), so A and B are compared round by round: ' +
      "the paired t-test on the per-round differences of final test accuracy (95% CI of the mean difference; effect size Cohen's d_z = " +
      'mean / sd of the differences) and the Wilcoxon signed-rank test (two-sided; W = min(R+, R−); exact null distribution for up to ' +
      `${WILCOXON_EXACT_MAX_N} differences without zeros or ties, else the normal approximation with tie-corrected variance; zero differences are dropped). ` +
      "When the two variants' rounds do not pair up (an unfinished study), the row says why and uses Welch's unequal-variance t-test " +
      "(effect size Cohen's d, pooled sd) and no Wilcoxon test. p values are two-sided; Holm p is adjusted by Holm's step-down method over " +
      "this table's comparisons (t-tests and Wilcoxon tests as two families); \"significant\" means the t-test's Holm p < 0.05. " +
      "The published columns apply Welch's test to the report's own means, sigmas and round count (only summaries are published, so " +
      'they cannot be paired): whether the report\'s claim was significant by its own numbers (raw p).',
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

/** Runs whose loss diverged: listed, never averaged (they have no accuracy). */
export function failedRunsTable(stats: StudyStats): Table {
  return {
    title: 'Failed runs',
    header: ['run', 'epoch', 'batch', 'why'],
    rows: stats.failedRuns.map((f) => [f.key, String(f.failure.epoch), String(f.failure.batch), f.failure.message]),
    note: 'These runs stopped when their loss became NaN or infinite; they count as done but are left out of every accuracy above.',
  };
}
