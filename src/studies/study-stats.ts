/**
 * A study's statistics from its stored records: per variant (and per sweep value) summaries of test, digit and
 * train accuracy and training time, Welch's t-tests for the configured comparisons, and our numbers beside the
 * report's published ones. Accuracies are fractions here; reports print percent.
 */
import type { RunRecord } from '../training/record.js';
import type { FieldValue, StudyConfig } from './config.js';
import type { GridScore, RunSpec, StudyPlan } from './plan.js';
import { summarize, welchFromSummary, welchTTest, type Summary, type WelchResult } from './statistics.js';

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
  /** Welch's t-test on the rounds' test accuracies; difference = mean(a) - mean(b). */
  welch: WelchResult | null;
  /** The same test on the report's published means and sigmas (percent), when it gives both rows. */
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

export interface StudyStats {
  /** The multi-round (or final, after grid search) results, one row per variant; empty for sweeps. */
  variants: VariantStats[];
  /** Sweep results: one row per (variant, value). */
  sweep: VariantStats[];
  comparisons: Comparison[];
  published: PublishedCheck[];
  gridScores: GridScore[];
  choices: Record<string, Record<string, FieldValue>>;
  /** Runs found / runs planned. */
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

export function studyStats(study: StudyConfig, plan: StudyPlan, results: RunResult[]): StudyStats {
  const variants: VariantStats[] = [];
  const sweep: VariantStats[] = [];
  const accuracies = new Map<string, number[]>();
  for (const v of study.variants) {
    const rounds = results.filter((r) => r.spec.phase === 'rounds' && r.spec.variant === v.name);
    if (rounds.length > 0) {
      variants.push(stats(v.name, rounds));
      accuracies.set(v.name, rounds.map((r) => r.record.final.testAccuracy));
    }
    if (study.protocol.kind === 'sweep') {
      const field = study.protocol.field;
      for (const value of study.protocol.values) {
        const at = results.filter((r) => r.spec.phase === 'sweep' && r.spec.variant === v.name && r.spec.point[field] === value);
        if (at.length > 0) sweep.push(stats(v.name, at));
      }
    }
  }
  const comparisons = study.comparisons.map(([a, b]) => {
    const xa = accuracies.get(a);
    const xb = accuracies.get(b);
    const pa = study.published?.rows[a]?.testAccuracy;
    const pb = study.published?.rows[b]?.testAccuracy;
    const n = study.published?.rounds ?? 0;
    const publishedWelch = pa && pb ? welchFromSummary({ mean: pa[0], std: pa[1], n }, { mean: pb[0], std: pb[1], n }) : null;
    return { a, b, welch: xa && xb ? welchTTest(xa, xb) : null, publishedWelch };
  });
  return {
    variants,
    sweep,
    comparisons,
    published: publishedChecks(study, variants),
    gridScores: plan.gridScores,
    choices: plan.choices,
    runsDone: results.length,
    runsPlanned: plan.totalRuns,
  };
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
