/** The comparison across studies: checkboxes per study group, then /api/compare's box plot, curves and tests. */
import type { Comparison } from '../../../src/dashboard/compare.js';
import { byId, el, fillTable, getJson, setStatus } from './dom.js';
import type { StudySummary } from './study-summary.js';
import { clearSpec, renderSpec } from './vega-view.js';

export function showGroups(studies: readonly StudySummary[]): void {
  const box = byId('dash-groups');
  const checked = new Set([...box.querySelectorAll<HTMLInputElement>('input:checked')].map((i) => i.value));
  box.replaceChildren(
    ...studies
      .filter((s) => s.groups.length > 0)
      .map((s) => {
        const d = el('details');
        d.open = studies.length <= 2;
        d.append(el('summary', `${s.name} (${s.id})`));
        for (const g of s.groups) {
          const label = el('label');
          const input = el('input');
          input.type = 'checkbox';
          input.value = JSON.stringify([s.id, g.group]);
          input.checked = checked.has(input.value);
          label.append(input, ` ${g.group} (${g.runs})`);
          d.append(label);
        }
        return d;
      }),
  );
}

const fmtP = (p: number): string => (p < 1e-4 ? p.toExponential(1) : p.toFixed(4));

export function setupCompare(): void {
  const status = byId('dash-compare-status');
  const box = byId('dash-compare-box');
  const curves = byId('dash-compare-curves');
  const tests = byId<HTMLTableElement>('dash-compare-tests');
  byId('dash-compare-go').addEventListener('click', () => {
    const sel = [...byId('dash-groups').querySelectorAll<HTMLInputElement>('input:checked')].map((i) => JSON.parse(i.value) as [string, string]);
    if (sel.length === 0) return setStatus(status, 'pick at least one variant', true);
    setStatus(status, 'comparing ...');
    void getJson<Comparison>(`./api/compare?sel=${encodeURIComponent(JSON.stringify(sel))}`)
      .then(async (c) => {
        await renderSpec(box, c.boxplot);
        const curve = c.curves.testAccuracy ?? c.curves.trainLoss;
        await renderSpec(curves, curve);
        fillTable(
          tests,
          ['a', 'b', 'runs', 'difference a - b [% points] (95% CI)', 'design', 'test', 't', 'df', 'p', 'p Holm', 'Wilcoxon p', 'Wilcoxon p Holm'],
          c.tests.map(({ a, b, n, unpaired, test: t, wilcoxon: w }) => [
            a, b, `${n[0]} / ${n[1]}`, `${t.difference.toFixed(2)} (${t.ci95[0].toFixed(2)} .. ${t.ci95[1].toFixed(2)})`,
            unpaired === null ? 'paired (same seeds)' : `unpaired: ${unpaired}`, t.kind, t.t.toFixed(3), t.df.toFixed(1), fmtP(t.p), fmtP(t.pHolm),
            w === null ? '-' : fmtP(w.p), w === null ? '-' : fmtP(w.pHolm),
          ]),
        );
        tests.dataset.tests = String(c.tests.length);
        setStatus(status, c.groups.map((g) => `${g.label}: ${g.meanTestAccuracy.toFixed(2)}% over ${g.runs} runs`).join('; '));
      })
      .catch((e: unknown) => {
        clearSpec(box);
        clearSpec(curves);
        setStatus(status, (e as Error).message, true);
      });
  });
}
