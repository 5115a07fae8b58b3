import type { RunConfig } from './config.js';

/** Metrics after one epoch. Test fields are null when the run evaluates only at the end. */
export interface EpochMetrics {
  epoch: number;
  lr: number;
  auxWeight: number;
  trainLoss: number;
  trainAccuracy: number;
  testLoss: number | null;
  testAccuracy: number | null;
  /** Fraction of digits classified right by the auxiliary heads; null for models without digit outputs. */
  testDigitAccuracy: number | null;
  seconds: number;
}

export interface FinalMetrics {
  trainLoss: number;
  trainAccuracy: number;
  testLoss: number;
  testAccuracy: number;
  testDigitAccuracy: number | null;
}

/** One ensemble member's own test metrics, beside the ensemble's in `final`. */
export interface MemberMetrics {
  testLoss: number;
  testAccuracy: number;
  testDigitAccuracy: number | null;
}

/** Where and how a run was computed: what to compare when two records of one config differ in their last bits. */
export interface Provenance {
  /** The git commit of the checkout that ran it (with '-dirty' when it had uncommitted changes), null when installed. */
  commit: string | null;
  /** process.version, or null in a browser. */
  node: string | null;
  /** CPU model (Node), or the browser's user agent. */
  cpu: string | null;
  /** The WebAssembly kernel build: 'relaxed' (fused multiply-adds, may round differently across CPUs) or 'simd'. */
  kernels: 'relaxed' | 'simd';
  /** The backend when not WebAssembly alone, e.g. 'native-avx512+wasm-relaxed' (GEMM natively); absent on WebAssembly. */
  backend?: string;
}

/** Why a run stopped without a result: its loss became NaN or infinite (a diverging run, not a bug to retry). */
export interface RunFailure {
  message: string;
  /** 1-based epoch and batch where the loss stopped being finite. */
  epoch: number;
  batch: number;
}

/** Thrown by the trainer when the loss stops being finite; studies store it as a failed run. */
export class NonFiniteLossError extends Error {
  override name = 'NonFiniteLossError';
  constructor(readonly failure: RunFailure) {
    super(failure.message);
  }
}

/** Everything a run produced: the one JSON record a study stores per run. */
export interface RunRecord {
  pairnetVersion: string;
  /** The fully resolved config: re-running it reproduces this record. */
  config: RunConfig;
  /** Human-readable description of the data actually used (source, pool sizes). */
  dataSource: string;
  parameterCount: number;
  epochs: EpochMetrics[];
  final: FinalMetrics;
  trainingSeconds: number;
  startedAt: string;
  /** Absent in records stored before provenance was recorded. */
  provenance?: Provenance;
  /** With config.ensemble > 1 or config.tta: each member's own test metrics (no test-time augmentation). */
  members?: MemberMetrics[];
}
