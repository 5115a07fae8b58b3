/**
 * Descriptive statistics and the t-tests for study results: paired (rounds of two variants share their seed) and
 * Welch's (unpaired). Standard deviations are SAMPLE standard deviations (divisor n - 1), as the reports' sigma over
 * rounds; confidence intervals use Student's t.
 */
import { studentTCdf, studentTQuantile } from './distributions.js';

export interface Summary {
  n: number;
  mean: number;
  /** Sample standard deviation (n - 1 divisor); 0 when n < 2. */
  std: number;
  median: number;
  min: number;
  max: number;
  /** 95% confidence interval of the mean (Student's t with n - 1 degrees of freedom); the mean itself when n < 2. */
  ci95: [number, number];
}

export function mean(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error('mean of an empty list');
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Sample variance (divisor n - 1); 0 for a single value, and exactly 0 for equal values (the mean's rounding would leave ~1e-34). */
export function sampleVariance(xs: readonly number[]): number {
  if (xs.length < 2 || xs.every((x) => x === xs[0])) return 0;
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) * (x - m);
  return s / (xs.length - 1);
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error('median of an empty list');
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 === 1 ? s[h] : (s[h - 1] + s[h]) / 2;
}

export function summarize(xs: readonly number[]): Summary {
  const n = xs.length;
  const m = mean(xs);
  const std = Math.sqrt(sampleVariance(xs));
  const half = n >= 2 ? studentTQuantile(0.975, n - 1) * (std / Math.sqrt(n)) : 0;
  return { n, mean: m, std, median: median(xs), min: Math.min(...xs), max: Math.max(...xs), ci95: [m - half, m + half] };
}

/** A t-test on a difference of means, with what a reader needs besides p. */
export interface MeanDifferenceTest {
  /** mean(a) - mean(b), which for paired samples is also the mean of the differences a_i - b_i. */
  difference: number;
  /** 95% confidence interval of the difference (Student's t with `df` degrees of freedom). */
  ci95: [number, number];
  t: number;
  df: number;
  /** Two-sided p-value. */
  p: number;
  /** Cohen's d_z (mean / sample sd of the differences) when paired; Cohen's d (difference / pooled sample sd) for Welch. */
  effectSize: number;
}

/** Welch's test: df is the Welch-Satterthwaite degrees of freedom. */
export type WelchResult = MeanDifferenceTest;

/** The paired t-test: df = n - 1 over n pairs. */
export interface PairedTResult extends MeanDifferenceTest {
  n: number;
}

// A zero spread makes t and the effect size infinite (or 0 / 0 when the difference is 0 too, read as 0: no effect).
const unbounded = (x: number): number => (x === 0 ? 0 : Math.sign(x) * Infinity);

function tTest(difference: number, se: number, df: number, sd: number): MeanDifferenceTest {
  const effectSize = sd > 0 ? difference / sd : unbounded(difference);
  if (se === 0) return { difference, ci95: [difference, difference], t: unbounded(difference), df, p: difference === 0 ? 1 : 0, effectSize };
  const t = difference / se;
  const half = studentTQuantile(0.975, df) * se;
  return { difference, ci95: [difference - half, difference + half], t, df, p: Math.min(1, 2 * studentTCdf(-Math.abs(t), df)), effectSize };
}

/** Welch's unequal-variance t-test from summary statistics (sample std, n - 1 divisor); null when either n < 2. */
export function welchFromSummary(
  a: { mean: number; std: number; n: number },
  b: { mean: number; std: number; n: number },
): WelchResult | null {
  if (a.n < 2 || b.n < 2) return null;
  const va = (a.std * a.std) / a.n;
  const vb = (b.std * b.std) / b.n;
  const se2 = va + vb;
  const df = se2 === 0 ? a.n + b.n - 2 : (se2 * se2) / ((va * va) / (a.n - 1) + (vb * vb) / (b.n - 1));
  const pooled = Math.sqrt(((a.n - 1) * a.std * a.std + (b.n - 1) * b.std * b.std) / (a.n + b.n - 2));
  return tTest(a.mean - b.mean, Math.sqrt(se2), df, pooled);
}

/** Welch's t-test on two samples; null when either has fewer than 2 values. */
export function welchTTest(a: readonly number[], b: readonly number[]): WelchResult | null {
  if (a.length < 2 || b.length < 2) return null;
  return welchFromSummary(
    { mean: mean(a), std: Math.sqrt(sampleVariance(a)), n: a.length },
    { mean: mean(b), std: Math.sqrt(sampleVariance(b)), n: b.length },
  );
}

/**
 * a_i - b_i, rounded to 12 significant digits: differences of accuracies (counts / test pairs) that are equal on paper
 * then tie exactly, as the signed-rank test needs, instead of differing in their last bits.
 */
export function pairedDifferences(a: readonly number[], b: readonly number[]): number[] {
  if (a.length !== b.length) throw new Error(`paired samples must have the same length, got ${a.length} and ${b.length}`);
  return a.map((x, i) => Number((x - b[i]).toPrecision(12)));
}

/** The paired t-test on a_i - b_i (one-sample t-test of the differences against 0); null with fewer than 2 pairs. */
export function pairedTTest(a: readonly number[], b: readonly number[]): PairedTResult | null {
  const d = pairedDifferences(a, b);
  const n = d.length;
  if (n < 2) return null;
  const sd = Math.sqrt(sampleVariance(d));
  return { n, ...tTest(mean(d), sd / Math.sqrt(n), n - 1, sd) };
}
