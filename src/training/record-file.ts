/** Reading back the config of a stored run record, to train it again (`pairnet train --config FILE`). Node only. */
import { quote } from '../io/limits.js';
import { readFileBounded } from '../io/read-file.js';
import type { RunConfig } from './config.js';
import type { RunRecord } from './record.js';
import { isObj } from './schema-kit.js';
import { RunConfigError, validateRunConfig } from './validate.js';

/**
 * The record in `file`: what `pairnet train --json` prints, a run cache file, or one line of a study's
 * results.jsonl ({"key", ..., "record": {...}}). Its config is checked as it stands (no defaults merged in).
 */
export function readRunRecord(file: string): RunRecord {
  const text = new TextDecoder().decode(readFileBounded(file, 'recordFileBytes', 'run record'));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new RunConfigError(`${file}: not valid JSON (${quote((e as Error).message)})`);
  }
  const record = isObj(json) && isObj(json.record) ? json.record : json;
  if (!isObj(record) || !isObj(record.config))
    throw new RunConfigError(`${file}: expected a run record with its "config" (pairnet train --json, a run cache file or a results.jsonl line)`);
  try {
    validateRunConfig(record.config as unknown as RunConfig);
  } catch (e) {
    throw new RunConfigError(`${file}: ${(e as Error).message}`);
  }
  return record as unknown as RunRecord;
}
