import { describe, expect, it } from 'vitest';
import { studentTCdf, studentTQuantile } from '../../src/studies/distributions.js';
import { median, sampleVariance, summarize, welchFromSummary, welchTTest } from '../../src/studies/statistics.js';

// Reference values: scipy 1.17 (stats.ttest_ind(..., equal_var=False), stats.t.cdf, stats.t.ppf, stats.t.interval)
// and closed forms of the t CDF for 1 and 2 degrees of freedom.
describe('statistics', () => {
  it('summarizes known numbers like a hand computation (sample std, n - 1)', () => {
    const s = summarize([3, 1, 4, 1, 5, 9, 2, 6]);
    expect(s.n).toBe(8);
    expect(s.mean).toBe(3.875);
    // sum of squared deviations = 52.875; / 7
    expect(s.std).toBeCloseTo(Math.sqrt(52.875 / 7), 14);
    expect(s.std).toBeCloseTo(2.748376143938713, 12);
    expect(s.median).toBe(3.5);
    expect(s.min).toBe(1);
    expect(s.max).toBe(9);
    expect(s.ci95[0]).toBeCloseTo(1.5773000431592457, 10);
    expect(s.ci95[1]).toBeCloseTo(6.172699956840754, 10);
    expect(median([5, 1, 3])).toBe(3);
    expect(sampleVariance([7])).toBe(0);
  });

  it('matches the closed-form t CDF for 1 and 2 degrees of freedom', () => {
    for (const t of [-3.2, -0.7, 0, 0.4, 1, 2.5, 10]) {
      expect(studentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 13);
      expect(studentTCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), 13);
    }
  });

  it('matches scipy on fractional degrees of freedom and quantiles', () => {
    expect(studentTCdf(1.3, 3.7)).toBeCloseTo(0.8656666379136863, 12);
    expect(studentTCdf(-2.5, 17.25)).toBeCloseTo(0.0113901816813728, 12);
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.228138851986274, 10);
    expect(studentTQuantile(0.975, 14)).toBeCloseTo(2.144786687917804, 10);
  });

  it("computes Welch's t-test like scipy", () => {
    const r = welchTTest([0.81, 0.83, 0.8, 0.84, 0.82, 0.79], [0.86, 0.85, 0.88, 0.84, 0.87]);
    expect(r).not.toBeNull();
    expect(r!.t).toBeCloseTo(-4.323460152737349, 10);
    expect(r!.df).toBeCloseTo(8.989361702127656, 10);
    expect(r!.p).toBeCloseTo(0.0019287343508296933, 12);
  });

  it("gives Welch's p by hand for two samples of two (df = 2)", () => {
    // means 1 and 2, variances 2 and 2: t = -1/sqrt(2), df = 2, p = 2 * (1 - F2(|t|)).
    const r = welchTTest([0, 2], [1, 3])!;
    const t = -1 / Math.sqrt(2);
    expect(r.t).toBeCloseTo(t, 14);
    expect(r.df).toBeCloseTo(2, 14);
    expect(r.p).toBeCloseTo(1 - Math.abs(t) / Math.sqrt(2 + t * t), 13);
    expect(welchFromSummary({ mean: 1, std: 0, n: 3 }, { mean: 1, std: 0, n: 3 })!.p).toBe(1);
    expect(welchTTest([1], [2, 3])).toBeNull();
  });
});
