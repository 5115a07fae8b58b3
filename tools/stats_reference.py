"""Writes test/fixtures/stats/scipy.json, SciPy's values for the tests of src/studies/ (Debian's python3-scipy):

    /usr/bin/python3 tools/stats_reference.py

Paired t-test (stats.ttest_rel, its 95% CI and Cohen's d_z), Welch's t-test (stats.ttest_ind(equal_var=False), its
CI from stats.t.ppf and Cohen's d with the pooled sd), the Wilcoxon signed-rank test (stats.wilcoxon with its default
zero_method "wilcox" and no continuity correction, the method chosen by pairnet's rule: exact for up to 50 differences
without zeros or ties, else the normal approximation) and the normal CDF. The inputs are in the fixture too, so the
tests never need SciPy. It also prints each case. SciPy 1.10's t.ppf is good to about 1e-10 relative (1.17's to
1e-15, as pairnet's), so the tests compare confidence intervals to 1e-9 of their width and everything else to 1e-12.
"""
import json
import os

import numpy as np
import scipy
from scipy import stats

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "stats", "scipy.json")
EXACT_MAX_N = 50


def accuracies(rng, n, level, spread, pairs=1000):
    """Accuracies as a study stores them: correct counts over `pairs` test pairs."""
    return [int(k) / pairs for k in np.clip(np.round(rng.normal(level, spread, n) * pairs), 0, pairs)]


def rounded_differences(a, b):
    # As pairedDifferences: 12 significant digits, so equal differences of counts / pairs tie exactly.
    return [float("%.12g" % (x - y)) for x, y in zip(a, b)]


def paired_case(name, a, b):
    r = stats.ttest_rel(a, b)
    d = np.array(a) - np.array(b)
    n = len(d)
    se = d.std(ddof=1) / np.sqrt(n)
    half = stats.t.ppf(0.975, n - 1) * se
    return {"name": name, "a": a, "b": b, "t": float(r.statistic), "df": n - 1, "p": float(r.pvalue),
            "difference": float(d.mean()), "ci95": [float(d.mean() - half), float(d.mean() + half)],
            "dz": float(d.mean() / d.std(ddof=1))}


def welch_case(name, a, b):
    r = stats.ttest_ind(a, b, equal_var=False)
    a, b = np.array(a), np.array(b)
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    df = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
    diff = a.mean() - b.mean()
    half = stats.t.ppf(0.975, df) * np.sqrt(va + vb)
    pooled = np.sqrt(((len(a) - 1) * a.var(ddof=1) + (len(b) - 1) * b.var(ddof=1)) / (len(a) + len(b) - 2))
    return {"name": name, "a": a.tolist(), "b": b.tolist(), "t": float(r.statistic), "df": float(df), "p": float(r.pvalue),
            "difference": float(diff), "ci95": [float(diff - half), float(diff + half)], "d": float(diff / pooled)}


def wilcoxon_case(name, a, b):
    d = rounded_differences(a, b)
    nonzero = [x for x in d if x != 0]
    ties = len(set(abs(x) for x in nonzero)) < len(nonzero)
    method = "exact" if len(nonzero) == len(d) and not ties and len(d) <= EXACT_MAX_N else "approx"
    r = stats.wilcoxon(d, method=method)
    return {"name": name, "a": a, "b": b, "method": "exact" if method == "exact" else "normal",
            "zeros": len(d) - len(nonzero), "ties": ties, "w": float(r.statistic), "p": float(r.pvalue)}


def main():
    rng = np.random.default_rng(13)
    base = accuracies(rng, 10, 0.85, 0.012)
    # A better variant on the same rounds: correlated with the base, as a shared seed makes it.
    better = [min(1.0, x + int(k) / 1000) for x, k in zip(base, rng.integers(-4, 25, 10))]
    ties = [x + k / 1000 for x, k in zip(base, [3, 3, 5, -3, 0, 8, 5, 3, 0, 12])]
    small = [0.81, 0.83, 0.8, 0.84, 0.82]
    small_b = [0.86, 0.85, 0.88, 0.845, 0.865]
    mixed = [0.871, 0.866, 0.893, 0.877, 0.85, 0.902, 0.861, 0.889]
    mixed_b = [x - k / 1000 for x, k in zip(mixed, [11, -4, 23, 7, -15, 31, 2, 19])]
    wide = accuracies(rng, 60, 0.9, 0.01)
    wide_b = accuracies(rng, 60, 0.897, 0.01)
    twenty = accuracies(rng, 20, 0.9, 0.015)
    distinct = [-9, -6, -2, 1, 3, 4, 5, 7, 8, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]
    twenty_b = [x - int(k) / 1000 for x, k in zip(twenty, rng.permutation(distinct))]
    cases = {
        "scipy": scipy.__version__,
        "paired": [
            paired_case("ten rounds, B better", base, better),
            paired_case("five rounds", small, small_b),
            paired_case("ties and zeros", base, ties),
            paired_case("sixty rounds", wide, wide_b),
        ],
        "welch": [
            welch_case("ten vs nine rounds", base, better[:9]),
            welch_case("five rounds", small, small_b),
        ],
        "wilcoxon": [
            wilcoxon_case("five rounds, exact", small, small_b),
            wilcoxon_case("eight rounds, mixed signs, exact", mixed, mixed_b),
            wilcoxon_case("twenty rounds, distinct differences, exact", twenty, twenty_b),
            wilcoxon_case("ten rounds with ties and zeros, normal", base, ties),
            wilcoxon_case("ten rounds, B better", base, better),
            wilcoxon_case("sixty rounds, normal", wide, wide_b),
        ],
        "normalCdf": [[z, float(stats.norm.cdf(z))] for z in [-9.0, -5.0, -3.3, -1.96, -0.5, 0.0, 0.25, 1.0, 2.5, 6.0]],
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(cases, f, indent=1)
        f.write("\n")
    for family in ("paired", "welch", "wilcoxon"):
        for c in cases[family]:
            shown = {k: v for k, v in c.items() if k not in ("a", "b")}
            print(family, json.dumps(shown))
    print("normalCdf", json.dumps(cases["normalCdf"]))
    print("written", os.path.relpath(OUT))


if __name__ == "__main__":
    main()
