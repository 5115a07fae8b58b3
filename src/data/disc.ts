/**
 * The disc set of mini-project 2: points uniform in [0,1]^2, label 1 INSIDE the disc of centre (0.5, 0.5) and
 * radius 1/sqrt(2*pi) (area 1/2, so about half the labels are 1), 0 outside. Many public versions invert the
 * label; this one follows the assignment text. No Node imports.
 */
import type { Rng } from '../engine/rng.js';
import { DataError } from './errors.js';

export const DISC_CENTER = 0.5;
export const DISC_RADIUS = 1 / Math.sqrt(2 * Math.PI);

export interface DiscSet {
  /** [count, 2] row-major (x, y). */
  input: Float32Array;
  /** [count], 1 inside the disc. */
  target: Int32Array;
  count: number;
}

export function discLabel(x: number, y: number): number {
  const dx = x - DISC_CENTER;
  const dy = y - DISC_CENTER;
  return dx * dx + dy * dy < DISC_RADIUS * DISC_RADIUS ? 1 : 0;
}

export function generateDiscSet(n: number, rng: Rng): DiscSet {
  if (!Number.isInteger(n) || n < 1) throw new DataError(`disc: the number of points must be a positive integer, got ${n}`);
  const input = new Float32Array(2 * n);
  const target = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    input[2 * i] = rng.uniform();
    input[2 * i + 1] = rng.uniform();
    // Label the stored float32 coordinates so the label always agrees with what the model sees.
    target[i] = discLabel(input[2 * i], input[2 * i + 1]);
  }
  return { input, target, count: n };
}
