/**
 * Opens a study's self-contained report.html (tables and plots, written by `pairnet study` / `pairnet report`)
 * in a sandboxed frame: either one the server lists (`pairnet serve --reports DIR` -> /reports/index.json) or a
 * file the user picks. Served statically without `pairnet serve`, the list is simply empty.
 */
export function setupReportViewer(
  select: HTMLSelectElement,
  fileInput: HTMLInputElement,
  frame: HTMLIFrameElement,
  status: HTMLElement,
): void {
  let blobUrl: string | null = null;
  const show = (src: string, what: string): void => {
    if (blobUrl !== null && src !== blobUrl) URL.revokeObjectURL(blobUrl);
    frame.hidden = false;
    frame.src = src;
    status.classList.remove('error');
    status.textContent = `showing ${what}`;
  };
  const fail = (message: string): void => {
    status.classList.add('error');
    status.textContent = message;
  };

  void fetch('./reports/index.json')
    .then(async (res) => {
      if (!res.ok) return;
      const { reports } = (await res.json()) as { reports?: unknown };
      if (!Array.isArray(reports)) return;
      for (const dir of reports) {
        if (typeof dir !== 'string') continue;
        const opt = document.createElement('option');
        opt.value = dir;
        opt.textContent = dir === '' ? '(reports folder)' : dir;
        select.append(opt);
      }
      status.textContent = reports.length === 0 ? 'the server lists no study reports' : `${reports.length} study report(s) found`;
    })
    .catch(() => undefined); // No server listing (static hosting): the file picker still works.

  select.addEventListener('change', () => {
    if (select.value === '' && select.selectedIndex === 0) return;
    const path = select.value === '' ? '' : `${select.value.split('/').map(encodeURIComponent).join('/')}/`;
    show(`./reports/${path}report.html`, `${select.value || 'the reports folder'}/report.html`);
  });

  fileInput.addEventListener('change', () => {
    const file = fileInput.files?.[0];
    if (file === undefined) return;
    if (!/\.html?$/i.test(file.name)) {
      fail(`${file.name}: not an HTML report; pick the report.html that pairnet study wrote`);
      return;
    }
    blobUrl = URL.createObjectURL(file);
    show(blobUrl, file.name);
  });
}
