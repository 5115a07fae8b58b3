/**
 * Turns a study config into its runs: one fully resolved RunConfig per run, with a stable key and a config hash.
 * Every seed derives from the study's seed: round r uses deriveSeed(seed, "round r") for every variant (so the
 * variants of a round see the same pairs: a paired design), a grid step's CV uses deriveSeed(seed, "cv <step>").
 * Grid-search phases depend on earlier phases' results, so planning is incremental: planStudy returns the runs it
 * can determine from the records found so far.
 */
import { createHash } from 'node:crypto';
import { canonicalSource } from '../data/sources.js';
import { deriveSeed } from '../engine/rng.js';
import type { RunConfig } from '../training/config.js';
import type { RunRecord } from '../training/record.js';
import type { FieldValue, GridStep, StudyConfig, VariantConfig } from './config.js';
import { applyOverrides, setField } from './overrides.js';

export interface RunSpec {
  /** Unique within the study, human-readable: "rounds/ConvNet/round 3", "grid lr-batch/CNN/optimizer.lr=0.001 batchSize=16/fold 2". */
  key: string;
  /** "rounds", "sweep" or "grid <step name>". */
  phase: string;
  variant: string;
  /** Round index (or 0 for CV runs). */
  round: number;
  fold: number | null;
  /** Grid point or sweep value applied to this run. */
  point: Record<string, FieldValue>;
  config: RunConfig;
  configHash: string;
}

export interface GridScore {
  step: string;
  variant: string;
  point: Record<string, FieldValue>;
  /** Mean holdout-fold accuracy over the folds (the test set is never used). */
  cvAccuracy: number;
  foldAccuracies: number[];
}

export interface StudyPlan {
  runs: RunSpec[];
  /** False while a grid-search step still waits for its runs: later phases are not planned yet. */
  complete: boolean;
  /** Total runs the finished study will have (known up front: every phase's size is fixed). */
  totalRuns: number;
  gridScores: GridScore[];
  /** Per variant, the values chosen by the grid search (empty for other protocols). */
  choices: Record<string, Record<string, FieldValue>>;
}

export type RecordLookup = (spec: RunSpec) => RunRecord | undefined;
/** True when the run is stored as failed (its loss diverged): done, but without an accuracy. */
export type FailureLookup = (spec: RunSpec) => boolean;

/** sha256 of the config's canonical JSON (keys sorted), so a changed config never reuses an old result. */
export function configHash(config: RunConfig): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex').slice(0, 16);
}

export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (typeof v === 'object' && v !== null)
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

export function roundSeed(study: StudyConfig, round: number): number {
  return deriveSeed(study.seed, `round ${round}`);
}

/** The variant's config before protocol-specific fields: defaults, study base, study epochs, model, variant overrides. */
export function variantConfig(study: StudyConfig, variant: VariantConfig, defaults: RunConfig): RunConfig {
  let c = applyOverrides(defaults, study.base);
  c = applyOverrides(c, { epochs: study.epochs, model: variant.model });
  c = applyOverrides(c, variant.overrides);
  // An old alias resolves to its source's current name, so a run's hash says which data it used (as resolveRunConfig).
  return { ...c, data: { ...c.data, source: canonicalSource(c.data.source) } };
}

export function pointLabel(point: Record<string, FieldValue>): string {
  return Object.entries(point).map(([k, v]) => `${k}=${v}`).join(' ');
}

/** A point label's values back as numbers, booleans or strings (how the study configs write them). */
function parsePointLabel(label: string): Record<string, FieldValue> | null {
  const point: Record<string, FieldValue> = {};
  for (const part of label.split(' ')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return null;
    const raw = part.slice(eq + 1);
    const n = Number(raw);
    point[part.slice(0, eq)] = raw === 'true' ? true : raw === 'false' ? false : raw !== '' && Number.isFinite(n) ? n : raw;
  }
  return point;
}

/** Where a run sits in its study: what its key encodes. */
export type RunPlace = Pick<RunSpec, 'phase' | 'variant' | 'round' | 'fold' | 'point'>;

/**
 * The inverse of the run keys built by planStudy below (results stored before the results lines carried these
 * fields structured); null for a key of another shape.
 */
export function parseRunKey(key: string): RunPlace | null {
  const parts = key.split('/');
  const index = (s: string | undefined, word: string): number | null => {
    const m = s === undefined ? null : new RegExp(`^${word} (\\d+)$`).exec(s);
    return m === null ? null : Number(m[1]);
  };
  if (parts[0] === 'rounds' && parts.length === 3) {
    const round = index(parts[2], 'round');
    return round === null ? null : { phase: 'rounds', variant: parts[1], round, fold: null, point: {} };
  }
  if (parts.length !== 4) return null;
  const point = parsePointLabel(parts[2]);
  if (point === null) return null;
  if (parts[0] === 'sweep') {
    const round = index(parts[3], 'round');
    return round === null ? null : { phase: 'sweep', variant: parts[1], round, fold: null, point };
  }
  const fold = index(parts[3], 'fold');
  return parts[0].startsWith('grid ') && fold !== null ? { phase: parts[0], variant: parts[1], round: 0, fold, point } : null;
}

function withPoint(config: RunConfig, point: Record<string, FieldValue>): RunConfig {
  let c = config;
  for (const [k, v] of Object.entries(point)) c = setField(c, k, v);
  return c;
}

function spec(key: string, phase: string, variant: string, round: number, fold: number | null, point: Record<string, FieldValue>, config: RunConfig): RunSpec {
  return { key, phase, variant, round, fold, point, config, configHash: configHash(config) };
}

export function gridPoints(grid: Record<string, FieldValue[]>): Record<string, FieldValue>[] {
  let points: Record<string, FieldValue>[] = [{}];
  for (const [k, vs] of Object.entries(grid)) points = points.flatMap((p) => vs.map((v) => ({ ...p, [k]: v })));
  return points;
}

function stepVariants(study: StudyConfig, step: GridStep): VariantConfig[] {
  return step.variants === null ? study.variants : study.variants.filter((v) => step.variants!.includes(v.name));
}

export function planStudy(study: StudyConfig, defaults: RunConfig, lookup: RecordLookup, failed: FailureLookup = () => false): StudyPlan {
  const runs: RunSpec[] = [];
  const gridScores: GridScore[] = [];
  const choices: Record<string, Record<string, FieldValue>> = {};
  for (const v of study.variants) choices[v.name] = {};
  const p = study.protocol;
  // Round-major order: an interrupted study has every variant on (nearly) the same number of rounds.
  const roundsRuns = (): void => {
    const bases = study.variants.map((v) => withPoint(variantConfig(study, v, defaults), choices[v.name]));
    for (let r = 0; r < study.rounds; r++)
      study.variants.forEach((v, i) =>
        runs.push(spec(`rounds/${v.name}/round ${r}`, 'rounds', v.name, r, null, choices[v.name], { ...bases[i], seed: roundSeed(study, r) })),
      );
  };

  if (p.kind === 'multi-round') {
    roundsRuns();
    return { runs, complete: true, totalRuns: runs.length, gridScores, choices };
  }
  if (p.kind === 'sweep') {
    for (let r = 0; r < study.rounds; r++)
      for (const v of study.variants)
        for (const value of p.values) {
          const point = { [p.field]: value };
          const config = withPoint(variantConfig(study, v, defaults), point);
          runs.push(spec(`sweep/${v.name}/${pointLabel(point)}/round ${r}`, 'sweep', v.name, r, null, point, { ...config, seed: roundSeed(study, r) }));
        }
    return { runs, complete: true, totalRuns: runs.length, gridScores, choices };
  }

  let totalRuns = study.variants.length * study.rounds;
  for (const step of p.steps) totalRuns += stepVariants(study, step).length * gridPoints(step.grid).length * p.folds;
  for (const step of p.steps) {
    const phase = `grid ${step.name}`;
    const seed = deriveSeed(study.seed, `cv ${step.name}`);
    const stepRuns: RunSpec[] = [];
    for (const v of stepVariants(study, step)) {
      const base = withPoint(variantConfig(study, v, defaults), choices[v.name]);
      for (const point of gridPoints(step.grid))
        for (let fold = 0; fold < p.folds; fold++) {
          const c = withPoint(base, point);
          // CV runs are scored on their final holdout accuracy only: no per-epoch evaluation.
          const config = { ...c, seed, evalEveryEpoch: false, data: { ...c.data, holdout: { folds: p.folds, fold } } };
          stepRuns.push(spec(`${phase}/${v.name}/${pointLabel(point)}/fold ${fold}`, phase, v.name, 0, fold, point, config));
        }
    }
    runs.push(...stepRuns);
    if (!stepRuns.every((s) => lookup(s) !== undefined || failed(s))) return { runs, complete: false, totalRuns, gridScores, choices };
    for (const v of stepVariants(study, step)) {
      let best: GridScore | null = null;
      for (const point of gridPoints(step.grid)) {
        const label = pointLabel(point);
        const folds = stepRuns.filter((s) => s.variant === v.name && pointLabel(s.point) === label);
        // A point with a failed (diverged) fold has no CV accuracy and is never chosen.
        const foldAccuracies = folds.map((s) => lookup(s)?.final.testAccuracy ?? Number.NaN);
        const score: GridScore = { step: step.name, variant: v.name, point, cvAccuracy: foldAccuracies.reduce((a, b) => a + b, 0) / foldAccuracies.length, foldAccuracies };
        gridScores.push(score);
        // Ties keep the earlier point, so the choice is deterministic.
        if (!Number.isNaN(score.cvAccuracy) && (best === null || score.cvAccuracy > best.cvAccuracy)) best = score;
      }
      // Every point diverged: keep the first, whose runs will be stored as failed too.
      choices[v.name] = { ...choices[v.name], ...(best?.point ?? gridPoints(step.grid)[0]) };
    }
  }
  roundsRuns();
  return { runs, complete: true, totalRuns, gridScores, choices };
}
