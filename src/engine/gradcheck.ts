import type { Loss } from './losses.js';
import type { Module } from './module.js';
import { Rng } from './rng.js';
import { shapeString, zeros, type Tensor } from './tensor.js';

/**
 * Double-sided finite-difference gradient checks for any Module or Loss.
 * The modules compute in float32, so the check (a) sums the scalar objective in float64, (b) divides by the
 * perturbation actually stored in float32 rather than by 2*eps, and (c) compares with a relative error scaled by
 * the largest gradient of the tensor: max|analytic - numeric| / max(max|numeric|, max|analytic|, gradFloor).
 * The floor keeps a gradient that is exactly zero in theory (a conv bias before BatchNorm) from failing on
 * float32 noise of 1e-5.
 * Kinks (ReLU at 0, MaxPool ties) break finite differences: pass inputs that keep away from them.
 * Every evaluation is a real forward: a BatchNorm in training mode updates its running statistics each time.
 */
export interface GradcheckOptions {
  /** Half-width of the central difference (default 1e-2, suitable for float32). */
  eps?: number;
  /** Largest accepted relative error (default 1e-2). */
  tolerance?: number;
  /** Forward in training mode (default true). */
  training?: boolean;
  /** Gradients smaller than this are compared absolutely (default 1e-2, so the absolute tolerance is 1e-4). */
  gradFloor?: number;
  /** Check at most this many entries per tensor, chosen at random (default: all). */
  maxChecks?: number;
  /** Draws the input (if not given), the upstream gradient and the sampled entries (default new Rng(0)). */
  rng?: Rng;
  /** The input to check at (default: standard normal of the given shape). */
  input?: Tensor;
  /** Called before every forward, e.g. to re-seed a Dropout so every evaluation uses the same mask. */
  beforeForward?: () => void;
}

export interface GradcheckEntry {
  /** 'input' or the parameter name. */
  name: string;
  checked: number;
  maxAbsError: number;
  maxAbsGrad: number;
  relError: number;
}

export interface GradcheckReport {
  entries: GradcheckEntry[];
  worst: number;
  ok: boolean;
  tolerance: number;
}

function compare(
  name: string,
  analytic: Float32Array,
  values: Float32Array,
  indices: Int32Array,
  objective: () => number,
  eps: number,
  gradFloor: number,
): GradcheckEntry {
  let maxErr = 0;
  let maxGrad = 0;
  for (const i of indices) {
    const orig = values[i];
    values[i] = orig + eps;
    const hi = values[i];
    const fPlus = objective();
    values[i] = orig - eps;
    const lo = values[i];
    const fMinus = objective();
    values[i] = orig;
    const numeric = (fPlus - fMinus) / (hi - lo);
    maxErr = Math.max(maxErr, Math.abs(numeric - analytic[i]));
    maxGrad = Math.max(maxGrad, Math.abs(numeric), Math.abs(analytic[i]));
  }
  const relError = maxErr / Math.max(maxGrad, gradFloor);
  return { name, checked: indices.length, maxAbsError: maxErr, maxAbsGrad: maxGrad, relError };
}

function pick(n: number, maxChecks: number | undefined, rng: Rng): Int32Array {
  if (maxChecks === undefined || maxChecks >= n) return Int32Array.from({ length: n }, (_, i) => i);
  return rng.permutation(n).subarray(0, maxChecks);
}

function report(entries: GradcheckEntry[], tolerance: number): GradcheckReport {
  const worst = Math.max(0, ...entries.map((e) => e.relError));
  return { entries, worst, ok: worst <= tolerance, tolerance };
}

function normalTensor(shape: readonly number[], rng: Rng): Tensor {
  const t = zeros(shape);
  for (let i = 0; i < t.data.length; i++) t.data[i] = rng.normal();
  return t;
}

/**
 * Checks d/dx and d/dparams of the objective sum(forward(x) * w) (w a fixed random tensor) against the module's
 * backward(w). The module's parameter gradients are zeroed first and left holding the analytic gradient.
 */
export function gradcheckModule(module: Module, inputShape: readonly number[], opts: GradcheckOptions = {}): GradcheckReport {
  const { eps = 1e-2, tolerance = 1e-2, gradFloor = 1e-2, training = true, maxChecks, beforeForward } = opts;
  const rng = opts.rng ?? new Rng(0);
  const input = opts.input ?? normalTensor(inputShape, rng);
  if (opts.input && shapeString(opts.input.shape) !== shapeString(inputShape)) {
    throw new Error(`gradcheck: input ${shapeString(opts.input.shape)} does not match ${shapeString(inputShape)}`);
  }
  const x: Tensor = { data: Float32Array.from(input.data), shape: [...inputShape] };
  const run = (): Tensor => {
    beforeForward?.();
    return module.forward(x, training);
  };

  module.zeroGrad();
  const y0 = run();
  const w = normalTensor(y0.shape, rng);
  const wd = w.data;
  const objective = (): number => {
    const y = run().data;
    let s = 0;
    for (let i = 0; i < y.length; i++) s += y[i] * wd[i];
    return s;
  };
  const gradInput = Float32Array.from(module.backward(w).data);
  const params = module.params().map((p) => ({ name: p.name, value: p.value.data, grad: Float32Array.from(p.grad.data) }));

  const entries = [compare('input', gradInput, x.data, pick(x.data.length, maxChecks, rng), objective, eps, gradFloor)];
  for (const p of params) {
    entries.push(compare(p.name, p.grad, p.value, pick(p.value.length, maxChecks, rng), objective, eps, gradFloor));
  }
  return report(entries, tolerance);
}

/** Checks a loss's backward(1) against central differences of forward(pred, target). */
export function gradcheckLoss<T>(loss: Loss<T>, pred: Tensor, target: T, opts: GradcheckOptions = {}): GradcheckReport {
  const { eps = 1e-2, tolerance = 1e-2, gradFloor = 1e-2, maxChecks } = opts;
  const rng = opts.rng ?? new Rng(0);
  const p: Tensor = { data: Float32Array.from(pred.data), shape: [...pred.shape] };
  loss.forward(p, target);
  const analytic = Float32Array.from(loss.backward(1).data);
  const objective = (): number => loss.forward(p, target);
  return report([compare('input', analytic, p.data, pick(p.data.length, maxChecks, rng), objective, eps, gradFloor)], tolerance);
}

/** Throws a readable summary when a report fails (for tests and for other engineers' checks). */
export function assertGradcheck(r: GradcheckReport, what: string): void {
  if (r.ok) return;
  const lines = r.entries.map(
    (e) => `  ${e.name}: rel ${e.relError.toExponential(2)} (max abs err ${e.maxAbsError.toExponential(2)}, max |grad| ${e.maxAbsGrad.toExponential(2)}, ${e.checked} entries)`,
  );
  throw new Error(`gradcheck failed for ${what} (tolerance ${r.tolerance}):\n${lines.join('\n')}`);
}
