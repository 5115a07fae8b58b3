/**
 * The Wilcoxon signed-rank test on paired samples, two-sided, as SciPy's `wilcoxon(x, y)` with its defaults
 * (zero_method "wilcox", no continuity correction): zero differences are dropped, the others ranked by |d| (ties get
 * their mean rank). The p-value is exact (the null distribution of R+ over all 2^n sign patterns) for up to
 * WILCOXON_EXACT_MAX_N differences without zeros or ties; otherwise it is the normal approximation with the variance
 * corrected for ties, on the nonzero differences.
 */
import { normalCdf } from './distributions.js';
import { pairedDifferences } from './statistics.js';

/** SciPy's 'auto' rule: exact up to 50 differences. The counts (at most 2^50) stay exact in doubles. */
export const WILCOXON_EXACT_MAX_N = 50;

export interface WilcoxonResult {
  /** Pairs compared, zero differences included. */
  pairs: number;
  /** Zero differences (dropped before ranking). */
  zeros: number;
  /** Whether some nonzero |differences| are equal (they share their mean rank). */
  ties: boolean;
  /** Sum of the ranks of the positive differences. */
  rPlus: number;
  /** The two-sided statistic W = min(R+, R-), as SciPy reports it. */
  w: number;
  method: 'exact' | 'normal';
  /** z of the normal approximation; null when exact. */
  z: number | null;
  /** Two-sided p-value. */
  p: number;
}

/** Ranks 1..n of the values, ties sharing their mean rank (SciPy's rankdata 'average'). */
export function averageRanks(xs: readonly number[]): number[] {
  const order = xs.map((_, i) => i).sort((i, j) => xs[i] - xs[j]);
  const ranks = new Array<number>(xs.length);
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && xs[order[end]] === xs[order[start]]) end++;
    // Positions start..end-1 hold equal values: ranks start+1..end, mean (start + 1 + end) / 2.
    for (let k = start; k < end; k++) ranks[order[k]] = (start + 1 + end) / 2;
    start = end;
  }
  return ranks;
}

/** Counts of R+ = 0..n(n+1)/2 over the 2^n sign patterns of ranks 1..n (no ties). */
export function signedRankCounts(n: number): number[] {
  const counts = new Array<number>((n * (n + 1)) / 2 + 1).fill(0);
  counts[0] = 1;
  let top = 0;
  for (let k = 1; k <= n; k++) {
    top += k;
    for (let s = top; s >= k; s--) counts[s] += counts[s - k];
  }
  return counts;
}

function exactP(rPlus: number, n: number): number {
  const counts = signedRankCounts(n);
  const total = 2 ** n;
  let less = 0;
  for (let s = 0; s <= rPlus; s++) less += counts[s];
  let greater = 0;
  for (let s = rPlus; s < counts.length; s++) greater += counts[s];
  return Math.min(1, (2 * Math.min(less, greater)) / total);
}

/** Two-sided Wilcoxon signed-rank test of a_i - b_i; null for no pairs. All differences zero gives W = 0, p = 1. */
export function wilcoxonSignedRank(a: readonly number[], b: readonly number[]): WilcoxonResult | null {
  const all = pairedDifferences(a, b);
  if (all.length === 0) return null;
  const d = all.filter((x) => x !== 0);
  const n = d.length;
  const zeros = all.length - n;
  const ranks = averageRanks(d.map(Math.abs));
  let rPlus = 0;
  for (let i = 0; i < n; i++) if (d[i] > 0) rPlus += ranks[i];
  const w = Math.min(rPlus, (n * (n + 1)) / 2 - rPlus);
  const ties = new Set(ranks).size < n;
  const base = { pairs: all.length, zeros, ties, rPlus, w };
  if (n === 0) return { ...base, method: 'exact', z: null, p: 1 };
  if (zeros === 0 && !ties && n <= WILCOXON_EXACT_MAX_N) return { ...base, method: 'exact', z: null, p: exactP(rPlus, n) };
  // Tie correction: each group of t equal |d| lowers the variance by (t^3 - t) / 48.
  let tieTerm = 0;
  const groups = new Map<number, number>();
  for (const r of ranks) groups.set(r, (groups.get(r) ?? 0) + 1);
  for (const t of groups.values()) tieTerm += t * t * t - t;
  const variance = (n * (n + 1) * (2 * n + 1)) / 24 - tieTerm / 48;
  const z = variance > 0 ? (w - (n * (n + 1)) / 4) / Math.sqrt(variance) : 0;
  return { ...base, method: 'normal', z, p: Math.min(1, 2 * normalCdf(-Math.abs(z))) };
}
