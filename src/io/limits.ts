/**
 * Every upper bound pairnet puts on what a config, flag or file may ask for, with the reason for each, in one
 * place. They are checked when a config is validated (before any data is read or any run starts), so a typo such as
 * `"rounds": 1e9` fails at once instead of growing memory until the machine gives out. Each bound is far above what
 * the five reports use; raise one here, with its reason, if a real study needs more.
 */
import { SAFETENSORS_LIMITS } from '../engine/safetensors.js';

export interface Limit {
  max: number;
  why: string;
}

export const LIMITS = {
  epochs: { max: 10_000, why: 'a run record keeps metrics per epoch; the reports train at most 200 epochs' },
  rounds: { max: 1_000, why: 'the reports average at most 50 rounds per variant' },
  pairs: { max: 30_000, why: "two distinct images per pair and MNIST's largest split has 60,000 images" },
  batchSize: { max: 30_000, why: 'a batch larger than the most pairs a run can have is one batch' },
  folds: { max: 100, why: 'k-fold CV trains one run per fold; the reports use 5' },
  studyRuns: { max: 100_000, why: 'every planned run is kept in memory and in results.jsonl; the largest report study has 1,020' },
  gridValues: { max: 1_000, why: 'values of one grid, sweep or range; each is at least one run per variant' },
  milestones: { max: 1_000, why: 'lr milestones are epochs, so no more than the epochs' },
  variants: { max: 1_000, why: 'each variant is a table row and at least one run per round' },
  channels: { max: 256, why: 'a 10-block ResNet of 256 channels has 12 M parameters; the reports use 32' },
  ensemble: { max: 32, why: 'each member is a whole model trained alongside the others; a few are enough' },
  blocks: { max: 128, why: 'the reports use 4 to 10 residual blocks' },
  /** Files. */
  studyFileBytes: { max: 1024 * 1024, why: 'the largest study config here is 9 KB' },
  recordFileBytes: { max: 16 * 1024 * 1024, why: 'a run record of 10,000 epochs (the epochs bound) is about 2 MB' },
  weightsBytes: { max: 64 * 1024 * 1024, why: 'the largest zoo model at its default options is 2 MB (494,000 float32 parameters)' },
  // Enforced by the engine's safetensors reader (browser-safe, so it keeps the numbers itself).
  safetensorsHeaderBytes: { max: SAFETENSORS_LIMITS.headerBytes, why: "a zoo model's header is under 10 KB" },
  safetensorsTensors: { max: SAFETENSORS_LIMITS.tensors, why: 'the largest zoo model has under 200 tensors' },
  idxInflatedBytes: { max: 256 * 1024 * 1024, why: 'the MNIST train images file is 47 MB inflated' },
  servedFileBytes: { max: 64 * 1024 * 1024, why: 'a report with its plots is a few MB; weights files are under 10 MB' },
  nameChars: { max: 100, why: 'a variant or step name is a table row label' },
  /** Messages quote at most this many characters of a bad value. */
  quotedChars: { max: 200, why: 'an error message must stay readable (under 1 KB) whatever the input' },
} as const satisfies Record<string, Limit>;

export type LimitName = keyof typeof LIMITS;

/** "at most 1,000 (the reports average at most 50 rounds per variant)": the wording every bound error uses. */
export function limitText(name: LimitName): string {
  const l: Limit = LIMITS[name];
  return `at most ${l.max.toLocaleString('en-US')} (${l.why})`;
}

/** A value quoted in an error message, cut to LIMITS.quotedChars. */
export function quote(text: string): string {
  const max = LIMITS.quotedChars.max;
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}
