// The special functions of distributions.ts against closed forms (and mpmath 1.2.1 for log Gamma below 1/2), on both
// sides of every branch: reflection, the beta symmetry, the gamma series and continued fraction, the far tails.
import { describe, expect, it } from 'vitest';
import { logGamma, normalCdf, regularizedGammaQ, regularizedIncompleteBeta, studentTCdf, studentTQuantile } from '../../src/studies/distributions.js';
import { welchFromSummary, welchTTest } from '../../src/studies/statistics.js';

const close = (got: number, want: number, rel: number, abs = 1e-300) => expect(Math.abs(got - want)).toBeLessThanOrEqual(rel * Math.abs(want) + abs);

describe('special functions against closed forms', () => {
  it('log Gamma below 1/2 by reflection (mpmath), and Gamma(n) = (n - 1)! above', () => {
    close(logGamma(0.25), 1.2880225246980774, 1e-13);
    close(logGamma(0.1), 2.252712651734206, 1e-13);
    close(logGamma(0.4999), 0.5725613186041184, 1e-13);
    close(logGamma(5), Math.log(24), 1e-14);
    close(logGamma(0.5), 0.5 * Math.log(Math.PI), 1e-14);
  });

  it('incomplete beta: I_x(a, 1) = x^a, I_x(1, b) = 1 - (1 - x)^b, I_x(2, 2) = 3x^2 - 2x^3, on both sides of the symmetry', () => {
    for (const x of [0.05, 0.3, 0.6, 0.95]) {
      close(regularizedIncompleteBeta(x, 3.5, 1), x ** 3.5, 1e-12);
      close(regularizedIncompleteBeta(x, 1, 4.5), 1 - (1 - x) ** 4.5, 1e-12);
      close(regularizedIncompleteBeta(x, 2, 2), 3 * x * x - 2 * x ** 3, 1e-12);
    }
    expect(regularizedIncompleteBeta(0, 2, 3)).toBe(0);
    expect(regularizedIncompleteBeta(1, 2, 3)).toBe(1);
  });

  it('upper incomplete gamma: Q(1, x) = e^-x and Q(2, x) = (1 + x) e^-x, by the series (x < a + 1) and the continued fraction', () => {
    for (const x of [0.01, 0.5, 1.9, 2.1, 5, 30]) {
      close(regularizedGammaQ(1, x), Math.exp(-x), 1e-12);
      close(regularizedGammaQ(2, x), (1 + x) * Math.exp(-x), 1e-12);
    }
    expect(regularizedGammaQ(1, 0)).toBe(1);
  });

  it("Student's t with 1 and 2 degrees of freedom: the Cauchy quantile tan(pi (p - 1/2)) and F(t) = 1/2 + t / (2 sqrt(2 + t^2))", () => {
    // Near t = 0 the CDF is flat to double precision (df / (df + t^2) rounds to 1 for |t| < 1e-8), hence the abs bound.
    for (const p of [1e-6, 0.01, 0.3, 0.5, 0.9, 1 - 1e-6]) close(studentTQuantile(p, 1), Math.tan(Math.PI * (p - 0.5)), 1e-9, 1e-7);
    for (const t of [-300, -2, -0.1, 0, 0.7, 50]) close(studentTCdf(t, 2), 0.5 + t / (2 * Math.sqrt(2 + t * t)), 1e-12, 1e-16); // the closed form cancels in the far left tail
    expect(studentTCdf(Infinity, 3)).toBe(1);
    expect(studentTCdf(-Infinity, 3)).toBe(0);
    expect(() => studentTCdf(1, 0)).toThrow('studentTCdf: degrees of freedom must be > 0, got 0');
    for (const p of [0, 1]) expect(() => studentTQuantile(p, 5)).toThrow(`studentTQuantile: p must be in (0, 1), got ${p}`);
  });

  it('the normal CDF: 1/2 at 0, symmetric, and NaN for NaN', () => {
    expect(normalCdf(0)).toBe(0.5);
    for (const z of [0.3, 1.5, 4]) close(normalCdf(z) + normalCdf(-z), 1, 1e-15);
    expect(normalCdf(Number.NaN)).toBeNaN();
  });
});

describe("Welch's test at its edges", () => {
  it('needs two values on each side', () => {
    expect(welchTTest([0.5], [0.5, 0.6])).toBeNull();
    expect(welchTTest([0.5, 0.6], [0.5])).toBeNull();
    expect(welchTTest([0.5, 0.6], [0.5, 0.7])).not.toBeNull();
  });

  it('two constant samples have n_a + n_b - 2 degrees of freedom', () => {
    expect(welchFromSummary({ mean: 0.8, std: 0, n: 4 }, { mean: 0.8, std: 0, n: 3 })!.df).toBe(5);
  });
});
