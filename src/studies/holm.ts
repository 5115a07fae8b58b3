/**
 * Holm's step-down correction for a family of m tests: with the p-values sorted p(1) <= ... <= p(m), the adjusted
 * p(i) is max over j <= i of min(1, (m - j + 1) p(j)). It controls the family-wise error rate like Bonferroni
 * under any dependence between the tests, and rejects at least as much.
 */
export function holmAdjust(ps: readonly number[]): number[] {
  const m = ps.length;
  const order = ps.map((_, i) => i).sort((i, j) => ps[i] - ps[j]);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach((idx, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * ps[idx]));
    adjusted[idx] = running;
  });
  return adjusted;
}
