import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalCdf, studentTQuantile } from '../../src/studies/distributions.js';
import { holmAdjust } from '../../src/studies/holm.js';
import { pairedDifferences, pairedTTest, welchTTest } from '../../src/studies/statistics.js';
import { averageRanks, signedRankCounts, wilcoxonSignedRank } from '../../src/studies/wilcoxon.js';

interface Case {
  name: string;
  a: number[];
  b: number[];
  [k: string]: unknown;
}
// Written by tools/stats_reference.py (SciPy); the inputs are in the file, so no SciPy is needed here.
const scipy = JSON.parse(readFileSync(new URL('../fixtures/stats/scipy.json', import.meta.url), 'utf8')) as {
  paired: (Case & { t: number; df: number; p: number; difference: number; ci95: [number, number]; dz: number })[];
  welch: (Case & { t: number; df: number; p: number; difference: number; ci95: [number, number]; d: number })[];
  wilcoxon: (Case & { method: string; zeros: number; ties: boolean; w: number; p: number })[];
  normalCdf: [number, number][];
};

const close = (actual: number, expected: number, rel = 1e-12): void => {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.max(1e-300, Math.abs(expected)));
};
// A CI bound near 0 has no relative precision: compare both bounds to the interval's width.
const closeCi = (actual: [number, number], expected: [number, number]): void => {
  const width = expected[1] - expected[0];
  for (const i of [0, 1]) expect(Math.abs(actual[i] - expected[i])).toBeLessThanOrEqual(1e-9 * width);
};

describe('normal CDF', () => {
  it('matches scipy.stats.norm.cdf, far tails included (relative 1e-12)', () => {
    for (const [z, p] of scipy.normalCdf) close(normalCdf(z), p, 1e-12);
  });
});

describe('paired t-test', () => {
  it('gives t, df, p, the 95% CI of the mean difference and d_z by hand', () => {
    // d = 1, 2, 3: mean 2, sd 1, t = 2 / (1 / sqrt 3), df 2; two-sided p from the closed-form t CDF with 2 df.
    const r = pairedTTest([1, 2, 3], [0, 0, 0])!;
    const t = 2 * Math.sqrt(3);
    expect(r.n).toBe(3);
    expect(r.difference).toBe(2);
    close(r.t, t, 1e-14);
    expect(r.df).toBe(2);
    close(r.p, 1 - t / Math.sqrt(2 + t * t), 1e-12);
    const half = studentTQuantile(0.975, 2) / Math.sqrt(3);
    close(r.ci95[0], 2 - half, 1e-14);
    close(r.ci95[1], 2 + half, 1e-14);
    // t(0.975, 2) in closed form, (2p - 1) / sqrt(2p(1 - p)) = 4.302652729749462 (also scipy.stats.t.ppf).
    close(half * Math.sqrt(3), 0.95 / Math.sqrt(2 * 0.975 * 0.025), 1e-13);
    expect(r.effectSize).toBe(2);
    expect(pairedTTest([1], [2])).toBeNull();
    expect(() => pairedTTest([1, 2], [1])).toThrow(/same length, got 2 and 1/);
  });

  it('matches scipy.stats.ttest_rel', () => {
    for (const c of scipy.paired) {
      const r = pairedTTest(c.a, c.b)!;
      close(r.t, c.t);
      expect(r.df).toBe(c.df);
      close(r.p, c.p);
      close(r.difference, c.difference);
      closeCi(r.ci95, c.ci95);
      close(r.effectSize, c.dz);
    }
  });

  it('reads a constant difference as certain and no difference as none', () => {
    const r = pairedTTest([0.9, 0.8, 0.7], [0.85, 0.75, 0.65])!;
    expect([r.t, r.p, r.effectSize]).toEqual([Infinity, 0, Infinity]);
    expect(r.ci95[0]).toBe(r.ci95[1]);
    expect(r.ci95[0]).toBeCloseTo(0.05, 15);
    expect(pairedTTest([0.9, 0.8], [0.9, 0.8])).toMatchObject({ t: 0, p: 1, effectSize: 0 });
  });

  it('rounds differences so that equal ones tie exactly', () => {
    expect(0.8 - 0.788 === 0.813 - 0.801).toBe(false);
    const [x, y] = pairedDifferences([0.8, 0.813], [0.788, 0.801]);
    expect(x).toBe(0.012);
    expect(x).toBe(y);
  });
});

describe("Welch's t-test", () => {
  it("matches scipy.stats.ttest_ind(equal_var=False), with its CI and Cohen's d", () => {
    for (const c of scipy.welch) {
      const r = welchTTest(c.a, c.b)!;
      close(r.t, c.t);
      close(r.df, c.df);
      close(r.p, c.p);
      close(r.difference, c.difference);
      closeCi(r.ci95, c.ci95);
      close(r.effectSize, c.d);
    }
  });
});

describe('Wilcoxon signed-rank test', () => {
  it('counts the exact null distribution and ranks ties like a hand computation', () => {
    // R+ over the 16 sign patterns of ranks 1..4.
    expect(signedRankCounts(4)).toEqual([1, 1, 1, 2, 2, 2, 2, 2, 1, 1, 1]);
    expect(signedRankCounts(30).reduce((s, c) => s + c, 0)).toBe(2 ** 30);
    expect(averageRanks([0.3, 0.1, 0.3, 0.2, 0.3])).toEqual([4, 1, 4, 2, 4]);
    // Three positive differences: R+ = 6, W = 0; P(R+ = 6) = 1/8, two-sided 1/4.
    expect(wilcoxonSignedRank([3, 2, 1], [0, 0, 0])).toEqual({ pairs: 3, zeros: 0, ties: false, rPlus: 6, w: 0, method: 'exact', z: null, p: 0.25 });
  });

  it('uses the normal approximation with tie-corrected variance, zeros dropped, by hand', () => {
    // d = 1, 1, -2, 0: the zero is dropped; |d| = 1, 1, 2 rank 1.5, 1.5, 3; R+ = 3, R- = 3; W = 3 = n(n+1)/4: z = 0, p = 1.
    const r = wilcoxonSignedRank([1, 1, -2, 5], [0, 0, 0, 5])!;
    expect(r).toMatchObject({ pairs: 4, zeros: 1, ties: true, rPlus: 3, w: 3, method: 'normal', z: 0, p: 1 });
    // d = 1, 1, 2, 3: ranks 1.5, 1.5, 3, 4; W = 0; variance = 4*5*9/24 - (2^3 - 2)/48 = 7.375; z = -5 / sqrt(7.375).
    const s = wilcoxonSignedRank([1, 1, 2, 3], [0, 0, 0, 0])!;
    close(s.z!, -5 / Math.sqrt(7.375), 1e-14);
    close(s.p, 2 * normalCdf(-5 / Math.sqrt(7.375)), 1e-14);
    expect(wilcoxonSignedRank([0.9, 0.8], [0.9, 0.8])).toMatchObject({ zeros: 2, w: 0, p: 1 });
    expect(wilcoxonSignedRank([], [])).toBeNull();
  });

  it('matches scipy.stats.wilcoxon, exact and normal', () => {
    expect(new Set(scipy.wilcoxon.map((c) => c.method))).toEqual(new Set(['exact', 'normal']));
    for (const c of scipy.wilcoxon) {
      const r = wilcoxonSignedRank(c.a, c.b)!;
      expect([r.method, r.zeros, r.ties, r.w], c.name).toEqual([c.method, c.zeros, c.ties, c.w]);
      close(r.p, c.p);
    }
  });
});

describe("Holm's correction", () => {
  it('adjusts p-values step-down like a hand computation, in input order', () => {
    // Sorted: 0.005 x 4 = 0.02, 0.01 x 3 = 0.03, 0.03 x 2 = 0.06, 0.04 x 1 = 0.04 -> running max 0.06.
    const adjusted = holmAdjust([0.01, 0.04, 0.03, 0.005]);
    [0.03, 0.06, 0.06, 0.02].forEach((p, i) => close(adjusted[i], p, 1e-14));
    expect(holmAdjust([0.5, 0.6])).toEqual([1, 1]);
    expect(holmAdjust([0.2])).toEqual([0.2]);
    expect(holmAdjust([])).toEqual([]);
  });
});
