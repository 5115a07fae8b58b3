/**
 * A study's statistics from its stored records: per variant (and per sweep value) summaries of test, digit and
 * train accuracy and training time, the configured comparisons (paired tests with Holm's correction), and our numbers
 * beside the report's published ones. Accuracies are fractions here; reports print percent.
 */
import type { RunFailure, RunRecord } from '../training/record.js';
import type { FieldValue, StudyConfig } from './config.js';
import type { GridScore, RunSpec, StudyPlan } from './plan.js';
import { holmAdjust } from './holm.js';
import { pairedTTest, summarize, welchFromSummary, welchTTest, type MeanDifferenceTest, type Summary, type WelchResult } from './statistics.js';
import { wilcoxonSignedRank, type WilcoxonResult } from './wilcoxon.js';

export interface VariantStats {
  variant: string;
  model: string;
  /** Grid choice or sweep value behind these runs. */
  point: Record<string, FieldValue>;
  runs: number;
  parameterCount: number;
  testAccuracy: Summary;
  /** Null when the model has no digit outputs. */
  digitAccuracy: Summary | null;
  trainAccuracy: Summary;
  trainingSeconds: Summary;
}

export interface Comparison {
  a: string;
  b: string;
  /** Rounds stored for A and for B. */
  rounds: [number, number];
  /** Null when A's and B's rounds pair one to one (same round, same seed); otherwise why not, and the tests are unpaired. */
  unpaired: string | null;
  /**
   * On the rounds' final test accuracies, difference = mean(a) - mean(b): the paired t-test (Welch's when unpaired),
   * with its p adjusted by Holm over the study's comparisons; null with fewer than 2 rounds each.
   */
  test: (MeanDifferenceTest & { kind: 'paired t' | 'Welch'; pHolm: number }) | null;
  /** The Wilcoxon signed-rank test on the same pairs, Holm-adjusted likewise; null when unpaired or fewer than 2 pairs. */
  wilcoxon: (WilcoxonResult & { pHolm: number }) | null;
  /** Welch's test on the report's published means and sigmas (percent), when it gives both rows: unpaired, as we only have summaries. */
  publishedWelch: WelchResult | null;
}

export interface PublishedCheck {
  variant: string;
  metric: 'testAccuracy' | 'digitAccuracy' | 'trainAccuracy';
  /** [mean, sigma] in percent, as printed in the report. */
  published: [number, number];
  /** Our mean and sample std in percent. */
  ours: [number, number];
  /** |ours - published mean| <= 2 * published sigma (sigma over rounds, as the report gives it). */
  within2Sigma: boolean;
  /** Welch's t-test of our rounds against the published mean/sigma/rounds. */
  welch: WelchResult | null;
}

export interface FailedRun {
  key: string;
  variant: string;
  failure: RunFailure;
}

export interface StudyStats {
  /** The multi-round (or final, after grid search) results, one row per variant; empty for sweeps. */
  variants: VariantStats[];
  /** Sweep results: one row per (variant, value). */
  sweep: VariantStats[];
  comparisons: Comparison[];
  published: PublishedCheck[];
  gridScores: GridScore[];
  choices: Record<string, Record<string, FieldValue>>;
  /** Runs whose loss diverged: stored as failed, counted in runsDone, in no accuracy. */
  failedRuns: FailedRun[];
  /** Runs found (failed ones included) / runs planned. */
  runsDone: number;
  runsPlanned: number;
}

export interface RunResult {
  spec: RunSpec;
  record: RunRecord;
}

function stats(variant: string, results: RunResult[]): VariantStats {
  const recs = results.map((r) => r.record);
  // Digit heads trained without auxiliary loss are at chance level: report their accuracy only when trained.
  const digits = recs.map((r) => (r.config.loss.aux > 0 ? r.final.testDigitAccuracy : null)).filter((x): x is number => x !== null);
  return {
    variant,
    model: recs[0].config.model,
    point: results[0].spec.point,
    runs: recs.length,
    parameterCount: recs[0].parameterCount,
    testAccuracy: summarize(recs.map((r) => r.final.testAccuracy)),
    digitAccuracy: digits.length === recs.length ? summarize(digits) : null,
    trainAccuracy: summarize(recs.map((r) => r.final.trainAccuracy)),
    trainingSeconds: summarize(recs.map((r) => r.trainingSeconds)),
  };
}

/** The finished runs of the plan, paired with their specs. */
export function collectResults(plan: StudyPlan, lookup: (s: RunSpec) => RunRecord | undefined): RunResult[] {
  const out: RunResult[] = [];
  for (const spec of plan.runs) {
    const record = lookup(spec);
    if (record) out.push({ spec, record });
  }
  return out;
}

/** The plan's runs stored as failed. */
export function collectFailures(plan: StudyPlan, lookup: (s: RunSpec) => RunFailure | undefined): FailedRun[] {
  return plan.runs.flatMap((spec) => {
    const failure = lookup(spec);
    return failure ? [{ key: spec.key, variant: spec.variant, failure }] : [];
  });
}

export function studyStats(study: StudyConfig, plan: StudyPlan, results: RunResult[], failedRuns: FailedRun[] = []): StudyStats {
  const variants: VariantStats[] = [];
  const sweep: VariantStats[] = [];
  const rounds = new Map<string, RunResult[]>();
  for (const v of study.variants) {
    const done = results.filter((r) => r.spec.phase === 'rounds' && r.spec.variant === v.name);
    if (done.length > 0) {
      variants.push(stats(v.name, done));
      rounds.set(v.name, done);
    }
    if (study.protocol.kind === 'sweep') {
      const field = study.protocol.field;
      for (const value of study.protocol.values) {
        const at = results.filter((r) => r.spec.phase === 'sweep' && r.spec.variant === v.name && r.spec.point[field] === value);
        if (at.length > 0) sweep.push(stats(v.name, at));
      }
    }
  }
  return {
    variants,
    sweep,
    comparisons: compare(study, rounds),
    published: publishedChecks(study, variants),
    gridScores: plan.gridScores,
    choices: plan.choices,
    failedRuns,
    runsDone: results.length + failedRuns.length,
    runsPlanned: plan.totalRuns,
  };
}

const testAccuracy = (r: RunResult): number => r.record.final.testAccuracy;

/** Pairs A's and B's rounds by round index, checking the seeds; a string says why they do not pair. */
function pairRounds(a: RunResult[], b: RunResult[]): [number[], number[]] | string {
  if (a.length !== b.length) return `${a.length} vs ${b.length} rounds`;
  const byRound = new Map(b.map((r) => [r.spec.round, r.record]));
  const xa: number[] = [];
  const xb: number[] = [];
  for (const r of [...a].sort((p, q) => p.spec.round - q.spec.round)) {
    const other = byRound.get(r.spec.round);
    if (!other) return `round ${r.spec.round} of A has no counterpart in B`;
    if (other.config.seed !== r.record.config.seed) return `round ${r.spec.round}: different seeds`;
    xa.push(testAccuracy(r));
    xb.push(other.final.testAccuracy);
  }
  return [xa, xb];
}

function compare(study: StudyConfig, rounds: Map<string, RunResult[]>): Comparison[] {
  const out = study.comparisons.map(([a, b]): Comparison => {
    const ra = rounds.get(a) ?? [];
    const rb = rounds.get(b) ?? [];
    const base = { a, b, rounds: [ra.length, rb.length] as [number, number], publishedWelch: publishedComparison(study, a, b) };
    const pairs = pairRounds(ra, rb);
    if (typeof pairs === 'string') {
      const t = welchTTest(ra.map(testAccuracy), rb.map(testAccuracy));
      return { ...base, unpaired: pairs, test: t && { kind: 'Welch', ...t, pHolm: t.p }, wilcoxon: null };
    }
    const t = pairedTTest(...pairs);
    const w = wilcoxonSignedRank(...pairs);
    return { ...base, unpaired: null, test: t && { kind: 'paired t', ...t, pHolm: t.p }, wilcoxon: t && w && { ...w, pHolm: w.p } };
  });
  // Holm over the study's comparisons, once for the t-tests and once for the signed-rank tests.
  for (const family of [out.map((c) => c.test), out.map((c) => c.wilcoxon)]) {
    const tested = family.filter((x): x is NonNullable<typeof x> => x !== null);
    holmAdjust(tested.map((x) => x.p)).forEach((p, i) => (tested[i].pHolm = p));
  }
  return out;
}

function publishedComparison(study: StudyConfig, a: string, b: string): WelchResult | null {
  const pa = study.published?.rows[a]?.testAccuracy;
  const pb = study.published?.rows[b]?.testAccuracy;
  const n = study.published?.rounds ?? 0;
  return pa && pb ? welchFromSummary({ mean: pa[0], std: pa[1], n }, { mean: pb[0], std: pb[1], n }) : null;
}

function publishedChecks(study: StudyConfig, variants: VariantStats[]): PublishedCheck[] {
  const pub = study.published;
  if (!pub) return [];
  const out: PublishedCheck[] = [];
  for (const v of variants) {
    const row = pub.rows[v.variant];
    if (!row) continue;
    for (const metric of ['testAccuracy', 'digitAccuracy', 'trainAccuracy'] as const) {
      const p = row[metric];
      const s = v[metric];
      if (!p || !s) continue;
      const ours: [number, number] = [100 * s.mean, 100 * s.std];
      out.push({
        variant: v.variant,
        metric,
        published: p,
        ours,
        within2Sigma: Math.abs(ours[0] - p[0]) <= 2 * p[1],
        welch: welchFromSummary({ mean: ours[0], std: ours[1], n: s.n }, { mean: p[0], std: p[1], n: pub.rounds }),
      });
    }
  }
  return out;
}
