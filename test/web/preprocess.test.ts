import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { mnistDigitFromDrawing, networkInput, type GrayImage } from '../../web/src/preprocess.js';
import { parseTestDigits, digitImage } from '../../web/src/test-digits.js';

const sample = parseTestDigits(
  JSON.parse(readFileSync(new URL('../../web/public/digits/mnist-test-sample.json', import.meta.url), 'utf8')),
  'mnist-test-sample.json',
);

/** Nearest-neighbour upscaling of a 28x28 byte digit, as a pad shows it. */
function upscale(digit: Uint8Array, factor: number): GrayImage {
  const side = 28 * factor;
  const data = new Float32Array(side * side);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) data[y * side + x] = digit[Math.floor(y / factor) * 28 + Math.floor(x / factor)] / 255;
  }
  return { data, width: side, height: side };
}

function inkStats(d: Uint8Array): { w: number; h: number; cx: number; cy: number } {
  let x0 = 28, y0 = 28, x1 = -1, y1 = -1, m = 0, mx = 0, my = 0;
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      const v = d[y * 28 + x];
      if (v === 0) continue;
      x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
      m += v; mx += v * x; my += v * y;
    }
  }
  return { w: x1 - x0 + 1, h: y1 - y0 + 1, cx: mx / m, cy: my / m };
}

describe('MNIST-style preprocessing of a drawing', () => {
  it('gives null for a blank pad ("draw a digit")', () => {
    expect(mnistDigitFromDrawing({ data: new Float32Array(280 * 280), width: 280, height: 280 })).toBeNull();
  });

  it('scales a small off-centre stroke to a 20-pixel box with its centre of mass at the centre', () => {
    const img: GrayImage = { data: new Float32Array(280 * 280), width: 280, height: 280 };
    for (let y = 10; y < 70; y++) for (let x = 200; x < 230; x++) img.data[y * 280 + x] = 1; // 30 x 60 bar, top right
    const d = mnistDigitFromDrawing(img)!;
    const s = inkStats(d);
    expect(s.h).toBe(20);
    expect(s.w).toBe(10);
    expect(Math.abs(s.cx - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(s.cy - 14)).toBeLessThanOrEqual(0.5);
    expect(d[13 * 28 + 13]).toBe(255);
  });

  it('reproduces real MNIST test digits shown scaled up on a pad', () => {
    // MNIST digits are already size-normalised and centred, so redoing it must give them back
    // (measured: 190 of the 200 sample digits byte for byte, the rest within a few grey levels).
    let totalDiff = 0;
    let totalInk = 0;
    let identical = 0;
    for (let i = 0; i < sample.count; i++) {
      const original = digitImage(sample, i);
      const redone = mnistDigitFromDrawing(upscale(original, 10))!;
      let diff = 0;
      for (let p = 0; p < 784; p++) {
        diff += Math.abs(redone[p] - original[p]);
        totalInk += original[p];
      }
      totalDiff += diff;
      if (diff === 0) identical++;
    }
    expect(identical).toBeGreaterThanOrEqual(180);
    expect(totalDiff / totalInk).toBeLessThan(0.01);
  });

  it('pools 28 -> 14 by 2x2 averages and applies the training standardisation', () => {
    const d = new Uint8Array(784);
    d[0] = 255; d[1] = 5; d[28] = 0; d[29] = 100; // first 2x2 block: mean 90
    d[27 * 28 + 27] = 8; // last block: mean 2
    const raw = networkInput(d, null);
    expect(raw.length).toBe(196);
    expect(raw[0]).toBe(90);
    expect(raw[195]).toBe(2);
    const std = networkInput(d, { mean: 10, std: 4 });
    expect(std[0]).toBeCloseTo(20, 5);
    expect(std[1]).toBeCloseTo(-2.5, 5);
    expect(() => networkInput(new Uint8Array(100), null)).toThrow(/784 pixels/);
  });
});
