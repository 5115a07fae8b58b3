/**
 * The dashboard's comparison of chosen groups of runs from any studies: a group is a study's variant (its final
 * rounds) or, in a sweep, a variant at one value. Gives the curves with std bands and the box plot (the reports'
 * own vega-lite specs) and a test between every two groups: paired when both come from one study's rounds with the
 * same seeds (its variants see the same pairs and initial weight stream per round), otherwise Welch's.
 */
import { boxplotSpec, curveSpec, type VegaLiteSpec } from '../reports/chart-specs.js';
import type { FieldValue } from '../studies/config.js';
import { pointLabel } from '../studies/plan.js';
import { welchTTest } from '../studies/statistics.js';
import type { StudyDir, StudyRun } from '../studies/study-dir.js';

/** Group name of a run shown in comparisons, or null for a cross-validation run. */
export function groupOf(run: StudyRun): string | null {
  const f = run.fields;
  if (f.phase === 'rounds') return f.variant;
  if (f.phase === 'sweep') return `${f.variant} @ ${pointLabel(f.point)}`;
  return null;
}

/** The study's groups with their run counts, in the study's variant order, then by point (numbers numerically). */
export function groupsOfStudy(study: StudyDir): { group: string; runs: number }[] {
  const groups = new Map<string, { group: string; runs: number; variant: number; point: FieldValue[] }>();
  const order = study.study?.variants.map((v) => v.name) ?? [];
  for (const r of study.runs) {
    const g = groupOf(r);
    if (g === null) continue;
    const entry = groups.get(g) ?? { group: g, runs: 0, variant: order.indexOf(r.fields.variant), point: Object.values(r.fields.point) };
    entry.runs++;
    groups.set(g, entry);
  }
  const cmp = (a: FieldValue, b: FieldValue): number => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b)));
  return [...groups.values()]
    .sort((a, b) => a.variant - b.variant || a.point.reduce<number>((c, x, i) => c || cmp(x, b.point[i]), 0))
    .map(({ group, runs }) => ({ group, runs }));
}

export interface ComparedGroup {
  /** "<study name>: <group>", the series name in the plots. */
  label: string;
  study: string;
  runs: StudyRun[];
}

export interface PairTest {
  a: string;
  b: string;
  n: [number, number];
  /** Mean test accuracy of a minus b, percent. */
  difference: number;
  /** Same study, same round seeds: the samples are paired by seed. */
  paired: boolean;
  test: 'welch';
  t: number;
  df: number;
  p: number;
}

export interface Comparison {
  groups: { label: string; runs: number; meanTestAccuracy: number }[];
  curves: { testAccuracy: VegaLiteSpec | null; testLoss: VegaLiteSpec | null; trainLoss: VegaLiteSpec };
  boxplot: VegaLiteSpec;
  tests: PairTest[];
}

const seedsOf = (g: ComparedGroup): string => g.runs.map((r) => r.fields.seed).sort((x, y) => x - y).join(',');

/**
 * The test between two groups. The seam for the paired tests (paired t, Wilcoxon signed-rank) and Holm's
 * correction over all pairs: until statistics.ts has them, every pair gets Welch's test, which ignores the pairing.
 */
function pairTest(a: ComparedGroup, b: ComparedGroup): PairTest | null {
  const acc = (g: ComparedGroup): number[] => [...g.runs].sort((x, y) => x.fields.seed - y.fields.seed).map((r) => 100 * r.stored.record.final.testAccuracy);
  const xa = acc(a);
  const xb = acc(b);
  const w = welchTTest(xa, xb);
  if (w === null) return null;
  const paired = a.study === b.study && a.runs[0]?.fields.phase === 'rounds' && seedsOf(a) === seedsOf(b);
  return { a: a.label, b: b.label, n: [xa.length, xb.length], difference: w.difference, paired, test: 'welch', t: w.t, df: w.df, p: w.p };
}

export function compareGroups(groups: readonly ComparedGroup[]): Comparison {
  const names = groups.map((g) => g.label);
  const epochRows = groups.flatMap((g) =>
    g.runs.flatMap((r) =>
      r.stored.record.epochs.map((e) => ({
        series: g.label,
        epoch: e.epoch,
        trainLoss: e.trainLoss,
        testLoss: e.testLoss,
        testAccuracy: e.testAccuracy === null ? null : 100 * e.testAccuracy,
      })),
    ),
  );
  const withTest = epochRows.filter((r) => r.testAccuracy !== null);
  const finals = groups.flatMap((g) => g.runs.map((r) => ({ series: g.label, testAccuracy: 100 * r.stored.record.final.testAccuracy })));
  const tests: PairTest[] = [];
  for (let i = 0; i < groups.length; i++)
    for (let j = i + 1; j < groups.length; j++) {
      const t = pairTest(groups[i], groups[j]);
      if (t !== null) tests.push(t);
    }
  return {
    groups: groups.map((g) => ({
      label: g.label,
      runs: g.runs.length,
      meanTestAccuracy: g.runs.reduce((s, r) => s + 100 * r.stored.record.final.testAccuracy, 0) / Math.max(1, g.runs.length),
    })),
    curves: {
      testAccuracy: withTest.length > 0 ? curveSpec(withTest, 'testAccuracy', 'test accuracy [%]', names, 'series') : null,
      testLoss: withTest.length > 0 ? curveSpec(withTest, 'testLoss', 'test loss', names, 'series') : null,
      trainLoss: curveSpec(epochRows, 'trainLoss', 'train loss', names, 'series'),
    },
    boxplot: boxplotSpec(finals, 'testAccuracy', 'final test accuracy [%]', names, 'series'),
    tests,
  };
}
