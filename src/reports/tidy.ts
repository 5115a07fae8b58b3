/**
 * Tidy tables of stored runs, for pandas, R or a spreadsheet: one row per run (its place in the study, seed, the
 * flattened resolved config, final metrics, time and provenance) or, the long form, one row per run and epoch.
 * Nested fields flatten to dotted columns ("config.optimizer.lr", "point.batchSize"); CSV cells hold arrays as JSON.
 */
import type { StudyRun } from '../studies/study-dir.js';

export type Cell = string | number | boolean | null;
export type Row = Record<string, Cell>;

/** Flattens nested objects into dotted keys; arrays stay whole (as JSON text). */
export function flatten(value: unknown, prefix: string, into: Row = {}): Row {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix === '' ? k : `${prefix}.${k}`, into);
  } else if (Array.isArray(value)) into[prefix] = JSON.stringify(value);
  else if (value === undefined) into[prefix] = null;
  else into[prefix] = value as Cell;
  return into;
}

/** The columns that say which run a row belongs to. */
function placeColumns({ fields, stored }: StudyRun): Row {
  const f = fields;
  return {
    study: f.study, key: stored.key, phase: f.phase, variant: f.variant, round: f.round, fold: f.fold, seed: f.seed,
    ...flatten(f.point, 'point'),
  };
}

export function runRow(run: StudyRun): Row {
  const r = run.stored.record;
  const { config, epochs, final, ...rest } = r;
  void epochs;
  const meta: Record<string, unknown> = { ...rest };
  const provenance = meta.provenance;
  delete meta.provenance;
  return {
    ...placeColumns(run),
    ...flatten(final, 'final'),
    ...flatten(meta, ''),
    ...(provenance === undefined ? {} : flatten(provenance, 'provenance')),
    configHash: run.stored.configHash,
    ...flatten(config, 'config'),
  };
}

export function epochRows(run: StudyRun): Row[] {
  const place = placeColumns(run);
  return run.stored.record.epochs.map((e) => ({ ...place, ...flatten(e, '') }));
}

const PLACE = ['study', 'key', 'phase', 'variant', 'round', 'fold', 'seed'];

/** Column groups in table order, so the studies of one export share a layout: place, point, metrics, ..., config. */
function group(column: string): number {
  if (PLACE.includes(column)) return 0;
  if (column.startsWith('point.')) return 1;
  if (column.startsWith('final.')) return 2;
  if (column.startsWith('provenance.')) return 4;
  if (column === 'configHash') return 5;
  if (column.startsWith('config.')) return 6;
  return 3;
}

/** Every column of any row, grouped (see group), in first-seen order within a group. */
export function columnsOf(rows: readonly Row[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) for (const k of Object.keys(row)) seen.add(k);
  return [...seen].map((c, i) => ({ c, i, g: group(c) })).sort((a, b) => a.g - b.g || a.i - b.i).map((x) => x.c);
}

function csvCell(v: Cell | undefined): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 CSV with a header row; a row lacking a column leaves its cell empty. */
export function toCsv(rows: readonly Row[]): string {
  const cols = columnsOf(rows);
  return [cols.map((c) => csvCell(c)).join(','), ...rows.map((r) => cols.map((c) => csvCell(r[c])).join(','))].map((l) => `${l}\r\n`).join('');
}

export function toJsonl(rows: readonly Row[]): string {
  return rows.map((r) => `${JSON.stringify(r)}\n`).join('');
}
