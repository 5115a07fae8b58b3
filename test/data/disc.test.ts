import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/rng.js';
import { DISC_RADIUS, discLabel, generateDiscSet } from '../../src/data/disc.js';

describe('disc set (mini-project 2)', () => {
  it('labels 1 inside the disc of radius 1/sqrt(2 pi) around (0.5, 0.5), 0 outside', () => {
    expect(discLabel(0.5, 0.5)).toBe(1);
    expect(discLabel(0, 0)).toBe(0);
    expect(discLabel(1, 1)).toBe(0);
    expect(discLabel(0.5 + DISC_RADIUS * 0.99, 0.5)).toBe(1);
    expect(discLabel(0.5, 0.5 - DISC_RADIUS * 1.01)).toBe(0);
  });

  it('is uniform in [0,1]^2 with about half ones, and reproducible', () => {
    const set = generateDiscSet(20000, new Rng(5));
    let ones = 0;
    let sx = 0;
    for (let i = 0; i < set.count; i++) {
      const x = set.input[2 * i];
      const y = set.input[2 * i + 1];
      expect(x >= 0 && x < 1 && y >= 0 && y < 1).toBe(true);
      expect(set.target[i]).toBe(discLabel(x, y));
      ones += set.target[i];
      sx += x;
    }
    expect(Math.abs(ones / set.count - 0.5)).toBeLessThan(0.015);
    expect(Math.abs(sx / set.count - 0.5)).toBeLessThan(0.01);
    expect(generateDiscSet(10, new Rng(5)).input).toEqual(set.input.slice(0, 20));
    expect(() => generateDiscSet(0, new Rng(1))).toThrow(/positive integer, got 0/);
  });
});
