/**
 * The arithmetic of the studies section (pure): which runs of a study's plan are sampled, and how a sample's few
 * timed epochs extrapolate to the plan's runs x epochs. Measuring the six studies in full takes many hours, so the
 * section trains one representative run per (phase, variant, batch size) for a few epochs on each backend and weighs
 * it by that group's planned runs and epochs.
 */
import type { RunConfig } from '../src/training/config.js';
import type { RunSpec } from '../src/studies/plan.js';

/** Planned runs that share a phase, a variant and a batch size (what sets an epoch's work), and their sample. */
export interface SampleGroup {
  /** "grid lr-batch / CNN / batch 16". */
  label: string;
  phase: string;
  variant: string;
  batchSize: number;
  /** The group's first planned run, with its epochs cut to the sample's. */
  config: RunConfig;
  /** Planned epochs of each run in the group (one entry per run). */
  runEpochs: number[];
}

/** Seconds of one sampled run: setup + first epoch, each later epoch, and the last one with the final evaluation. */
export type EpochSeconds = number[];

/** The sample's epoch count: at least 3, so a middle epoch is timed apart from the first (setup) and last (final evaluation). */
export const MIN_SAMPLE_EPOCHS = 3;

/** Groups a plan's runs, in plan order, each with a representative config trained for `sampleEpochs` epochs. */
export function sampleGroups(runs: readonly RunSpec[], sampleEpochs: number): SampleGroup[] {
  if (!(Number.isInteger(sampleEpochs) && sampleEpochs >= MIN_SAMPLE_EPOCHS)) {
    throw new Error(`studies bench: sample epochs must be an integer >= ${MIN_SAMPLE_EPOCHS}, got ${sampleEpochs}`);
  }
  const groups = new Map<string, SampleGroup>();
  for (const run of runs) {
    const { batchSize, epochs } = run.config;
    const label = `${run.phase} / ${run.variant} / batch ${batchSize}`;
    let g = groups.get(label);
    if (!g) {
      g = { label, phase: run.phase, variant: run.variant, batchSize, config: run.config, runEpochs: [] };
      groups.set(label, g);
    }
    g.runEpochs.push(epochs);
  }
  // No longer than the group's shortest run, which the sample then stands for whole.
  return [...groups.values()].map((g) => ({ ...g, config: { ...g.config, epochs: Math.min(sampleEpochs, ...g.runEpochs) } }));
}

/**
 * A longer sample when the middle epochs of `sample` took less than `minSeconds` together (a cheap model's single
 * middle epoch is too short to extrapolate over hundreds of epochs): the epoch count whose middle epochs would take
 * about minSeconds, at most the group's shortest run. Null when the sample is long enough or cannot grow.
 */
export function longerSampleEpochs(group: Pick<SampleGroup, 'runEpochs'>, sample: EpochSeconds, minSeconds: number): number | null {
  const middle = sample.slice(1, -1);
  const seconds = middle.reduce((a, b) => a + b, 0);
  const most = Math.min(...group.runEpochs);
  if (seconds >= minSeconds || sample.length >= most) return null;
  const perEpoch = Math.max(seconds / Math.max(middle.length, 1), 1e-3);
  return Math.min(most, 2 + Math.ceil(minSeconds / perEpoch));
}

/**
 * Seconds of a run of `epochs` epochs from a sample's epoch times: the sampled epochs as they are (the first holds
 * the setup, the last the final evaluation), plus each epoch beyond them at the mean of the sample's middle epochs.
 */
export function extrapolateRun(sample: EpochSeconds, epochs: number): number {
  const total = sample.reduce((a, b) => a + b, 0);
  if (epochs <= sample.length) {
    if (epochs !== sample.length) throw new Error(`studies bench: a ${sample.length}-epoch sample cannot stand for a ${epochs}-epoch run`);
    return total;
  }
  const middle = sample.slice(1, -1);
  if (middle.length === 0) throw new Error(`studies bench: a sample needs ${MIN_SAMPLE_EPOCHS} epochs to extrapolate, got ${sample.length}`);
  return total + (epochs - sample.length) * (middle.reduce((a, b) => a + b, 0) / middle.length);
}

/** Seconds of all a group's planned runs. */
export function groupSeconds(group: Pick<SampleGroup, 'runEpochs'>, sample: EpochSeconds): number {
  return group.runEpochs.reduce((sum, e) => sum + extrapolateRun(sample, e), 0);
}

/** Sums groups' extrapolated seconds per backend: `samples[i][backend]` is group i's sample on that backend. */
export function studySeconds(groups: readonly Pick<SampleGroup, 'runEpochs'>[], samples: readonly Record<string, EpochSeconds>[]): Record<string, number> {
  if (groups.length !== samples.length) throw new Error(`studies bench: ${groups.length} groups but ${samples.length} samples`);
  const out: Record<string, number> = {};
  groups.forEach((g, i) => {
    for (const [backend, s] of Object.entries(samples[i])) out[backend] = (out[backend] ?? 0) + groupSeconds(g, s);
  });
  return out;
}
