import { describe, expect, it } from 'vitest';
import { float32Slots, TensorSlots } from '../../src/engine/modules/slots.js';

describe('TensorSlots / ArraySlots', () => {
  it('keep the buffers of the last three shapes and drop the least recently used on a fourth', () => {
    const slots = new TensorSlots();
    const train = slots.get([64, 10]);
    const partial = slots.get([40, 10]);
    const evaluation = slots.get([500, 10]);
    expect(slots.get([64, 10])).toBe(train);
    expect(slots.get([40, 10])).toBe(partial);
    expect(slots.get([500, 10])).toBe(evaluation);
    expect(slots.get([500, 10])).toBe(evaluation);
    const other = slots.get([7, 10]); // evicts [64, 10], the least recently used
    expect(other.shape).toEqual([7, 10]);
    expect(slots.get([40, 10])).toBe(partial);
    expect(slots.get([500, 10])).toBe(evaluation);
    expect(slots.get([64, 10])).not.toBe(train);
  });

  it('key plain arrays by length', () => {
    const slots = float32Slots();
    const a = slots.get(100);
    const b = slots.get(30);
    expect(slots.get(100)).toBe(a);
    expect(slots.get(30)).toBe(b);
    expect(a.length).toBe(100);
  });
});
