/**
 * `--set FIELD=VALUE`: one RunConfig field by dotted path, its text typed by the RunConfig schema (a number field
 * takes a number, a boolean true or false, a union or list JSON), unknown fields rejected naming the known ones.
 * `pairnet train`'s other flags are sugar for settings built here too, so every flag takes the same road:
 * setting -> the schema's one merge -> validation -> the trainer.
 */
import { quote } from '../io/limits.js';
import type { ModelOptionValue } from '../models/model.js';
import type { RunConfig } from '../training/config.js';
import { SchemaIssue, VIRTUAL, canonicalPath, checkSetting, nodeAt, setPath, type Setting } from '../training/run-schema.js';
import type { Node } from '../training/schema-kit.js';
import { UsageError } from './options.js';

export type { Setting } from '../training/run-schema.js';

/** "3" -> 3, "true" -> true, otherwise the text: how a model option's value is read. */
export function guessValue(raw: string): ModelOptionValue {
  if (raw === 'true' || raw === 'false') return raw === 'true';
  return raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
}

function typed(node: Node, raw: string): unknown {
  switch (node.kind) {
    case 'number': return raw.trim() === '' ? Number.NaN : Number(raw);
    case 'boolean': return raw === 'true' ? true : raw === 'false' ? false : raw;
    case 'string':
    case 'enum': return raw;
    case 'options': return guessValue(raw);
    default:
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        return raw;
      }
  }
}

/**
 * The setting `path` = `raw`, typed and checked against the schema; errors name `flag` (e.g. "--epochs", or
 * "--set optimizer.lr") and are usage errors (exit 2).
 */
export function typedSetting(path: string, raw: string, flag: string): Setting {
  const node = Object.hasOwn(VIRTUAL, path) ? VIRTUAL[path].node : nodeAt(path);
  const value = node === undefined ? raw : typed(node, raw);
  try {
    checkSetting(path, value);
  } catch (e) {
    if (!(e instanceof SchemaIssue)) throw e;
    const i = e.issue;
    if (i.known) throw new UsageError(`${flag}: unknown RunConfig field '${i.path}' (known here: ${i.known.join(', ')})`);
    const asJson = node !== undefined && !['number', 'boolean', 'string', 'enum', 'options'].includes(node.kind) ? ' (as JSON)' : '';
    // Inside a JSON value (--set data.holdout={...}) the issue names the part that is wrong.
    if (i.path !== canonicalPath(path) && i.path !== path) throw new UsageError(`${flag}: ${i.path} must be ${i.want}, got "${quote(raw)}"`);
    throw new UsageError(`${flag}: expected ${i.want}${asJson}, got "${quote(raw)}"`);
  }
  return { path, value };
}

/** `--set FIELD=VALUE` text -> a typed setting. */
export function parseSet(text: string): Setting {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UsageError(`--set: expected FIELD=VALUE (e.g. optimizer.lr=0.01), got "${quote(text)}"`);
  const path = text.slice(0, eq).trim();
  return typedSetting(path, text.slice(eq + 1), `--set ${path}`);
}

/** `key=value` model options (`--option`); values read as number, true/false, or text. */
export function parseModelOptions(pairs: string[]): Record<string, ModelOptionValue> {
  const out: Record<string, ModelOptionValue> = {};
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new UsageError(`--option: expected key=value, got "${quote(p)}"`);
    out[p.slice(0, eq)] = guessValue(p.slice(eq + 1));
  }
  return out;
}

/** The settings applied in order over `base` (the one merge each), not yet validated as a whole. */
export function applySettings(base: RunConfig, settings: readonly Setting[]): RunConfig {
  return settings.reduce((c, s) => setPath(c, s.path, s.value), base);
}
