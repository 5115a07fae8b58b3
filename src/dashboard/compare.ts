/**
 * The dashboard's comparison of chosen groups of runs from any studies: a group is a study's variant (its final
 * rounds) or, in a sweep, a variant at one value. Gives the curves with std bands and the box plot (the reports'
 * own vega-lite specs) and tests between every two groups: paired (paired t and Wilcoxon signed-rank) when both come
 * from one study's rounds with the same seeds (its variants see the same pairs and weight stream per round), otherwise
 * Welch's t; p-values also Holm-adjusted over all the pairs compared.
 */
import { boxplotSpec, curveSpec, type VegaLiteSpec } from '../reports/chart-specs.js';
import type { FieldValue } from '../studies/config.js';
import { pointLabel } from '../studies/plan.js';
import { holmAdjust } from '../studies/holm.js';
import { pairedTTest, welchTTest, type MeanDifferenceTest } from '../studies/statistics.js';
import { wilcoxonSignedRank } from '../studies/wilcoxon.js';
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
  /** Null when the two groups pair run to run (same study, same round seeds); otherwise why not. */
  unpaired: string | null;
  /** On final test accuracy in percent: mean(a) - mean(b), the paired t-test (Welch's when unpaired), Holm-adjusted p. */
  test: MeanDifferenceTest & { kind: 'paired t' | 'Welch'; pHolm: number };
  /** The Wilcoxon signed-rank test on the same pairs; null when unpaired. */
  wilcoxon: { w: number; p: number; pHolm: number } | null;
}

export interface Comparison {
  groups: { label: string; runs: number; meanTestAccuracy: number }[];
  curves: { testAccuracy: VegaLiteSpec | null; testLoss: VegaLiteSpec | null; trainLoss: VegaLiteSpec };
  boxplot: VegaLiteSpec;
  tests: PairTest[];
}

const accuracy = (r: StudyRun): number => 100 * r.stored.record.final.testAccuracy;

/** The groups' accuracies paired by round seed, or why they do not pair (then the tests are unpaired). */
function pairBySeed(a: ComparedGroup, b: ComparedGroup): [number[], number[]] | string {
  if (a.study !== b.study) return 'different studies';
  if (a.runs[0].fields.phase !== 'rounds' || b.runs[0].fields.phase !== 'rounds') return 'not final rounds';
  if (a.runs.length !== b.runs.length) return `${a.runs.length} vs ${b.runs.length} runs`;
  const bySeed = new Map(b.runs.map((r) => [r.fields.seed, r]));
  const xa: number[] = [];
  const xb: number[] = [];
  for (const r of a.runs) {
    const other = bySeed.get(r.fields.seed);
    if (other === undefined) return `seed ${r.fields.seed} of A has no counterpart in B`;
    xa.push(accuracy(r));
    xb.push(accuracy(other));
  }
  return [xa, xb];
}

function pairTest(a: ComparedGroup, b: ComparedGroup): PairTest | null {
  const pairs = pairBySeed(a, b);
  const base = { a: a.label, b: b.label, n: [a.runs.length, b.runs.length] as [number, number] };
  if (typeof pairs === 'string') {
    const t = welchTTest(a.runs.map(accuracy), b.runs.map(accuracy));
    return t && { ...base, unpaired: pairs, test: { kind: 'Welch', ...t, pHolm: t.p }, wilcoxon: null };
  }
  const t = pairedTTest(...pairs);
  const w = wilcoxonSignedRank(...pairs);
  return t && { ...base, unpaired: null, test: { kind: 'paired t', ...t, pHolm: t.p }, wilcoxon: w && { w: w.w, p: w.p, pHolm: w.p } };
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
  const finals = groups.flatMap((g) => g.runs.map((r) => ({ series: g.label, testAccuracy: accuracy(r) })));
  const tests: PairTest[] = [];
  for (let i = 0; i < groups.length; i++)
    for (let j = i + 1; j < groups.length; j++) {
      const t = pairTest(groups[i], groups[j]);
      if (t !== null) tests.push(t);
    }
  // Holm over the pairs compared, once for the t-tests and once for the signed-rank tests.
  holmAdjust(tests.map((t) => t.test.p)).forEach((p, i) => (tests[i].test.pHolm = p));
  const ranked = tests.map((t) => t.wilcoxon).filter((w): w is NonNullable<typeof w> => w !== null);
  holmAdjust(ranked.map((w) => w.p)).forEach((p, i) => (ranked[i].pHolm = p));
  return {
    groups: groups.map((g) => ({ label: g.label, runs: g.runs.length, meanTestAccuracy: g.runs.reduce((s, r) => s + accuracy(r), 0) / Math.max(1, g.runs.length) })),
    curves: {
      testAccuracy: withTest.length > 0 ? curveSpec(withTest, 'testAccuracy', 'test accuracy [%]', names, 'series') : null,
      testLoss: withTest.length > 0 ? curveSpec(withTest, 'testLoss', 'test loss', names, 'series') : null,
      trainLoss: curveSpec(epochRows, 'trainLoss', 'train loss', names, 'series'),
    },
    boxplot: boxplotSpec(finals, 'testAccuracy', 'final test accuracy [%]', names, 'series'),
    tests,
  };
}
