/**
 * RunConfig overrides in study files: partial objects ("base", a variant's "overrides") and single fields set by
 * dotted path ("optimizer.lr", "auxFraction") for grid searches and sweeps. Checked against the RunConfig schema
 * (src/training/run-schema.ts), which also holds the one merge they are applied with.
 */
import type { RunConfig } from '../training/config.js';
import { RUN_SCHEMA, SchemaIssue, checkNode, checkSetting, mergeConfig, setPath, type Issue, type Obj } from '../training/run-schema.js';

export type FieldValue = number | string | boolean;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  let s: string;
  try {
    s = JSON.stringify(v);
  } catch {
    return 'a value nested too deeply to print';
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** "x.json: base.optimizer.lr: expected a finite number > 0, got "fast"". */
function issueMessage(i: Issue, file: string, field: string): string {
  const at = [field, i.path].filter(Boolean).join('.');
  if (i.known) return `${file}: ${at}: unknown RunConfig field (known here: ${i.known.join(', ')}), got ${describeValue(i.value)}`;
  return `${file}: ${at}: ${i.reason ?? `expected ${i.want}`}, got ${describeValue(i.value)}`;
}

function asConfigError(e: unknown, file: string, field: string): unknown {
  return e instanceof SchemaIssue ? new ConfigError(issueMessage(e.issue, file, field)) : e;
}

/** Throws a ConfigError naming `field` when `partial` has a field the schema lacks or a value it does not allow. */
export function checkOverrides(partial: Obj, field: string, file: string): void {
  try {
    checkNode(RUN_SCHEMA, partial, '', true);
  } catch (e) {
    throw asConfigError(e, file, field);
  }
}

/** Checks that one grid/sweep value can be set at `path`. */
export function checkFieldPath(path: string, value: FieldValue, field: string, file: string): void {
  try {
    checkSetting(path, value);
  } catch (e) {
    if (!(e instanceof SchemaIssue)) throw e;
    const i = e.issue;
    const problem = i.known ? `unknown RunConfig field "${i.path}" (known here: ${i.known.join(', ')})` : `expected ${i.want}`;
    throw new ConfigError(`${file}: ${field}: cannot set field "${path}" to ${describeValue(value)} (${problem})`);
  }
}

/** The schema's one merge: objects key by key, model options too; unions, nullables and lists replaced. */
export function applyOverrides(base: RunConfig, partial: Obj): RunConfig {
  return mergeConfig(base, partial);
}

/** Returns a copy of `config` with one field set by dotted path (or the virtual auxFraction). */
export function setField(config: RunConfig, path: string, value: FieldValue): RunConfig {
  return setPath(config, path, value);
}
