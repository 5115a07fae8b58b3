/**
 * The studies dashboard (#dashboard): the studies `pairnet serve` found with their progress, the chosen study's
 * runs in flight (live) and stored runs, and the comparison across studies. Everything comes from the server's
 * read-only /api/ (src/dashboard/api.ts).
 */
import type { Row } from '../../../src/reports/tidy.js';
import { setupCompare, showGroups } from './compare-view.js';
import { byId, el, getJson, setStatus } from './dom.js';
import { LiveRuns } from './live-runs.js';
import { RunsTable } from './runs-table.js';
import type { StudySummary } from './study-summary.js';


let current: string | null = null;

async function loadStudies(list: HTMLUListElement, status: HTMLElement, choose: (s: StudySummary) => void): Promise<StudySummary[]> {
  const { studies } = await getJson<{ studies: StudySummary[] }>('./api/studies');
  setStatus(status, studies.length === 0 ? 'no studies found (run `pairnet serve --results DIR` with a folder of studies)' : `${studies.length} studies`);
  list.replaceChildren(
    ...studies.map((s) => {
      const li = el('li');
      const b = el('button');
      b.type = 'button';
      b.dataset.study = s.id;
      b.classList.toggle('current', s.id === current);
      const planned = s.runsPlanned ?? s.runsDone;
      const bar = el('div', undefined, 'dash-progress');
      const fill = el('div');
      fill.style.width = `${planned === 0 ? 0 : (100 * s.runsDone) / planned}%`;
      bar.append(fill);
      const title = el('span');
      title.append(el('strong', s.name), ` ${s.id}`);
      const count = el('span', `${s.runsDone} / ${s.runsPlanned ?? '?'} runs`);
      if (s.live.inFlight > 0) count.append(' ', el('span', `${s.live.inFlight} in flight`, 'dash-live-badge'));
      b.append(title, bar, count);
      b.title = [s.description, ...s.problems].filter(Boolean).join('\n');
      b.addEventListener('click', () => choose(s));
      li.append(b);
      return li;
    }),
  );
  return studies;
}

export async function startDashboard(): Promise<void> {
  const list = byId<HTMLUListElement>('dash-studies');
  const status = byId('dash-status');
  const table = new RunsTable({ table: byId('dash-runs'), filter: byId('dash-filter'), addColumn: byId('dash-add-column'), count: byId('dash-runs-count') });
  const refresh = async (): Promise<void> => {
    showGroups(await loadStudies(list, status, choose));
    if (current !== null) {
      const { columns, rows } = await getJson<{ columns: string[]; rows: Row[] }>(`./api/runs?study=${encodeURIComponent(current)}`);
      table.show(columns, rows);
    }
  };
  let pending: ReturnType<typeof setTimeout> | null = null;
  // Finished runs arrive in bursts: one refresh per second at most.
  const refreshSoon = (): void => {
    if (pending !== null) return;
    pending = setTimeout(() => {
      pending = null;
      void refresh().catch((e: unknown) => setStatus(status, (e as Error).message, true));
    }, 1000);
  };
  const live = new LiveRuns({ chart: byId('dash-live-chart'), table: byId('dash-live-table'), status: byId('dash-live-status') }, refreshSoon);
  function choose(s: StudySummary): void {
    current = s.id;
    byId('dash-study').hidden = false;
    byId('dash-study-title').textContent = `${s.name} (${s.id})`;
    for (const b of list.querySelectorAll<HTMLButtonElement>('button')) b.classList.toggle('current', b.dataset.study === s.id);
    live.follow(s.id);
    void refresh().catch((e: unknown) => setStatus(status, (e as Error).message, true));
  }
  setupCompare();
  await refresh();
}
