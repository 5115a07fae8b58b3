/**
 * A study output directory read without changing it (for `pairnet export` and the dashboard): its study.json when
 * it has a valid one, its stored runs with their structured fields, and its planned run count. Lines stored before
 * results lines carried their fields get them from the study's plan (which knows a grid search's chosen point)
 * or, without a usable study.json, from the run key.
 */
import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { StudyConfig } from './config.js';
import { EVENTS_FILE } from './events.js';
import type { RunSpec } from './plan.js';
import { decodeLine, RESULTS_FILE, ResultsStore, runFields, type RunFields, type StoredRun } from './results-store.js';
import { currentPlan, specFields } from './runner.js';
import { studyDefaults } from './run-defaults.js';
import { loadStudyCopy, STUDY_COPY } from './study-file.js';

export interface StudyRun {
  fields: RunFields;
  stored: StoredRun;
}

export interface StudyDir {
  dir: string;
  name: string;
  /** Null when study.json is missing or no longer valid (the runs still read). */
  study: StudyConfig | null;
  runs: StudyRun[];
  /** Runs the finished study will have; null without a usable study.json. */
  runsPlanned: number | null;
  /** Bad lines of results.jsonl and a study.json that did not load, one message each. */
  problems: string[];
}

/** A folder holding any of these is a study output directory (or one a `pairnet train --events` run logs into). */
export const STUDY_DIR_FILES = [RESULTS_FILE, STUDY_COPY, EVENTS_FILE];

export function isStudyDir(dir: string): boolean {
  return STUDY_DIR_FILES.some((f) => existsSync(resolve(dir, f)));
}

export function readStudyDir(dir: string): StudyDir {
  if (!isStudyDir(dir)) throw new Error(`${dir}: not a study output directory (no ${RESULTS_FILE}, ${STUDY_COPY} or ${EVENTS_FILE})`);
  const problems: string[] = [];
  let study: StudyConfig | null = null;
  if (existsSync(resolve(dir, STUDY_COPY))) {
    try {
      study = loadStudyCopy(dir, studyDefaults());
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  const store = ResultsStore.open(dir, { readOnly: true });
  problems.push(...store.problems.map((p) => `${dir}: ${p}`));
  const name = study?.name ?? basename(resolve(dir));
  const plan = study === null ? null : currentPlan(study, studyDefaults(), store);
  const planned = new Map<string, RunSpec>((plan?.runs ?? []).map((s) => [s.key, s]));
  const runs = store.all().map((stored): StudyRun => {
    const spec = planned.get(stored.key);
    const fields = stored.fields ?? (spec !== undefined && study !== null ? { ...specFields(study, spec), seed: stored.record.config.seed } : runFields(stored, name));
    return { fields, stored };
  });
  return { dir, name, study, runs, runsPlanned: plan?.totalRuns ?? null, problems };
}

/**
 * The study with the results lines appended since it was read: `text` holds whole lines from a line start. Runs it
 * already has (same key and config hash) are skipped, so text overlapping what was read is harmless.
 */
export function withAppendedRuns(s: StudyDir, text: string): StudyDir {
  const id = (r: StoredRun): string => `${r.key}\n${r.configHash}`;
  const seen = new Set(s.runs.map((r) => id(r.stored)));
  const runs = [...s.runs];
  const problems = [...s.problems];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const run = decodeLine(line);
    if (typeof run === 'string') problems.push(`${s.dir}: ${RESULTS_FILE}: appended line: ${run}`);
    else if ('failure' in run) continue; // a diverged run: no record to show
    else if (!seen.has(id(run))) {
      seen.add(id(run));
      runs.push({ fields: runFields(run, s.name), stored: run });
    }
  }
  return { ...s, runs, problems };
}
