/** Small DOM helpers of the dashboard. */
export function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`page is missing #${id}`);
  return el as T;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (className !== undefined) e.className = className;
  return e;
}

export async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  const body = (await res.json().catch(() => ({}))) as T & { error?: string };
  if (!res.ok) throw new Error(body.error ?? `${url}: HTTP ${res.status}`);
  return body;
}

export function setStatus(target: HTMLElement, text: string, error = false): void {
  target.textContent = text;
  target.classList.toggle('error', error);
}

/** A table from a header and rows of cells. */
export function fillTable(table: HTMLTableElement, header: string[], rows: (string | number)[][]): void {
  const head = el('tr');
  for (const h of header) head.append(el('th', h));
  table.replaceChildren(head, ...rows.map((r) => {
    const tr = el('tr');
    for (const c of r) tr.append(el('td', String(c)));
    return tr;
  }));
}

export const pct = (x: number | null | undefined): string => (x === null || x === undefined ? '-' : `${(100 * x).toFixed(2)}%`);
