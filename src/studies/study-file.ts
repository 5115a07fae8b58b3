/** Reading a study config file, and the copy of it kept in the output directory so `pairnet report DIR` can rebuild. */
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../io/atomic-write.js';
import { readFileBounded } from '../io/read-file.js';
import { quote } from '../io/limits.js';
import { join } from 'node:path';
import type { RunConfig } from '../training/config.js';
import { isObj, setPath, type Setting } from '../training/run-schema.js';
import { ConfigError, validateStudyConfig, type StudyConfig } from './config.js';
import { checkPlannedRuns } from './run-defaults.js';

export const STUDY_COPY = 'study.json';

/** A study config among the files of studies/ (beside them: schema.json, their JSON Schema). */
export function isStudyFile(name: string): boolean {
  return name.endsWith('.json') && name !== 'schema.json';
}

/** Deepest nesting of [ and { outside strings (a study config needs about 6). */
function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '[' || c === '{') max = Math.max(max, ++depth);
    else if (c === ']' || c === '}') depth--;
  }
  return max;
}

/** Study fields `--set` changes in the study itself; every other path is a RunConfig field set in its "base". */
export const STUDY_LEVEL_FIELDS = ['rounds', 'seed', 'epochs'] as const;

/**
 * The study file's JSON with settings applied, as if written in it: rounds, seed and epochs at the top, any other
 * field in "base" (so a variant's own overrides of that field still win).
 */
export function withSettings(json: unknown, settings: readonly Setting[]): unknown {
  if (!isObj(json) || settings.length === 0) return json;
  const out = structuredClone(json);
  for (const s of settings) {
    if ((STUDY_LEVEL_FIELDS as readonly string[]).includes(s.path)) out[s.path] = s.value;
    else out.base = setPath(isObj(out.base) ? out.base : {}, s.path, s.value);
  }
  return out;
}

/** Reads, checks and plans (to check every run's config) a study file, with `settings` (`--set`) applied. */
export function loadStudyConfig(file: string, defaults: RunConfig, settings: readonly Setting[] = []): StudyConfig {
  let text: string;
  try {
    text = new TextDecoder().decode(readFileBounded(file, 'studyFileBytes', 'study config'));
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
  let json: unknown;
  try {
    // JSON.parse itself copes with deep nesting; the checks after it recurse, so refuse what no config needs.
    if (nestingDepth(text) > 100) throw new Error('nested more than 100 levels deep');
    json = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${file}: not valid JSON (${quote((e as Error).message)})`);
  }
  const study = validateStudyConfig(withSettings(json, settings), settings.length > 0 ? `${file} (with --set)` : file);
  checkPlannedRuns(study, defaults, file);
  return study;
}

/**
 * Keeps the study config beside its results (temp file + rename). Returns true when an earlier copy differed:
 * runs whose resolved config changed get new config hashes and are redone; unchanged runs are kept.
 */
export function saveStudyCopy(dir: string, study: StudyConfig): boolean {
  const file = join(dir, STUDY_COPY);
  const text = `${JSON.stringify(study, null, 2)}\n`;
  const changed = existsSync(file) && readFileSync(file, 'utf8') !== text;
  writeFileAtomic(file, text);
  return changed;
}

export function loadStudyCopy(dir: string, defaults: RunConfig): StudyConfig {
  const file = join(dir, STUDY_COPY);
  if (!existsSync(file)) throw new ConfigError(`${dir}: no ${STUDY_COPY} here: not a study output directory (run \`pairnet study CONFIG --out ${dir}\` first)`);
  return loadStudyConfig(file, defaults);
}
