/**
 * The chosen study's stored runs (the rows of `pairnet export`): filter by terms "column=value", "column<number",
 * "column>number" or free text matched anywhere, sort by clicking a column (again to reverse), add any column
 * (the whole resolved config is there).
 */
import type { Row } from '../../../src/reports/tidy.js';
import { el } from './dom.js';

const DEFAULT_COLUMNS = ['variant', 'phase', 'round', 'fold', 'seed', 'final.testAccuracy', 'final.testDigitAccuracy', 'final.trainAccuracy', 'trainingSeconds'];
const MAX_ROWS = 500;

export interface RunsTableView {
  table: HTMLTableElement;
  filter: HTMLInputElement;
  addColumn: HTMLSelectElement;
  count: HTMLElement;
}

type Test = (row: Row) => boolean;

/** One filter term as a row test; unknown columns match nothing. */
export function termTest(term: string): Test {
  const m = /^([^=<>]+)(=|<|>)(.*)$/.exec(term);
  if (m === null) {
    const t = term.toLowerCase();
    return (row) => Object.values(row).some((v) => String(v ?? '').toLowerCase().includes(t));
  }
  const [, col, op, value] = m;
  if (op === '=') return (row) => String(row[col] ?? '') === value;
  const n = Number(value);
  return (row) => typeof row[col] === 'number' && (op === '<' ? (row[col] as number) < n : (row[col] as number) > n);
}

export class RunsTable {
  private rows: Row[] = [];
  private columns: string[] = [];
  private sortBy: { column: string; descending: boolean } | null = null;

  constructor(private readonly view: RunsTableView) {
    view.filter.addEventListener('input', () => this.draw());
    view.addColumn.addEventListener('change', () => {
      const c = view.addColumn.value;
      if (c !== '' && !this.columns.includes(c)) this.columns.push(c);
      view.addColumn.value = '';
      this.draw();
    });
  }

  show(columns: string[], rows: Row[]): void {
    this.rows = rows;
    const points = columns.filter((c) => c.startsWith('point.'));
    this.columns = [...DEFAULT_COLUMNS.slice(0, 5), ...points, ...DEFAULT_COLUMNS.slice(5)].filter((c) => columns.includes(c));
    this.view.addColumn.replaceChildren(new Option('—', ''), ...columns.map((c) => new Option(c, c)));
    this.draw();
  }

  private draw(): void {
    const tests = this.view.filter.value.trim().split(/\s+/).filter(Boolean).map(termTest);
    let rows = this.rows.filter((r) => tests.every((t) => t(r)));
    if (this.sortBy !== null) {
      const { column, descending } = this.sortBy;
      const key = (r: Row): number | string => (typeof r[column] === 'number' ? (r[column] as number) : String(r[column] ?? ''));
      rows = [...rows].sort((a, b) => {
        const x = key(a);
        const y = key(b);
        const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
        return descending ? -c : c;
      });
    }
    this.view.count.textContent = `${rows.length} of ${this.rows.length} runs${rows.length > MAX_ROWS ? ` (first ${MAX_ROWS} shown)` : ''}`;
    const head = el('tr');
    for (const c of this.columns) {
      const th = el('th', c + (this.sortBy?.column === c ? (this.sortBy.descending ? ' ▼' : ' ▲') : ''));
      th.dataset.column = c;
      th.addEventListener('click', () => {
        this.sortBy = { column: c, descending: this.sortBy?.column === c ? !this.sortBy.descending : false };
        this.draw();
      });
      head.append(th);
    }
    const body = rows.slice(0, MAX_ROWS).map((r) => {
      const tr = el('tr');
      for (const c of this.columns) {
        const v = r[c];
        tr.append(el('td', typeof v === 'number' && !Number.isInteger(v) ? v.toPrecision(4) : String(v ?? '')));
      }
      return tr;
    });
    this.view.table.replaceChildren(head, ...body);
  }
}
