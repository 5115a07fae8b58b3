import { canonicalSource } from '../data/sources.js';
import { quote } from '../io/limits.js';
import type { RunConfig } from './config.js';
import { RUN_SCHEMA, SchemaIssue, checkNode, mergeConfig, type Issue } from './run-schema.js';

export class RunConfigError extends Error {
  override name = 'RunConfigError';
}

/** "RunConfig field 'optimizer.lr' must be a finite number > 0, got -1": field path, what it must be, what it is. */
export function runConfigMessage(i: Issue): string {
  if (i.reason !== undefined) return `RunConfig field '${i.path}': ${i.reason}`;
  return `RunConfig field '${i.path}' must be ${i.want}, got ${quote(String(JSON.stringify(i.value)))}`;
}

/**
 * Checks every field of a RunConfig against the schema (after merging, so unknown fields and wrong types from JSON
 * are caught too) and throws a RunConfigError naming the first bad field and its value.
 */
export function validateRunConfig(c: RunConfig): RunConfig {
  try {
    checkNode(RUN_SCHEMA, c, '');
  } catch (e) {
    if (e instanceof SchemaIssue) throw new RunConfigError(runConfigMessage(e.issue));
    throw e;
  }
  return c;
}

/** The one merge of run-schema.ts, under its old name. */
export const deepMerge = mergeConfig;

/** defaults <- overrides (the one merge, in order), validated. */
export function resolveRunConfig(base: RunConfig, ...overrides: unknown[]): RunConfig {
  let c = base;
  for (const o of overrides) c = mergeConfig(c, o);
  // An old alias resolves to its source's current name, so the config hash says which data a run used.
  if (typeof c.data?.source === 'string') c = { ...c, data: { ...c.data, source: canonicalSource(c.data.source) } };
  return validateRunConfig(c);
}
