import { describe, expect, it } from 'vitest';
import { float32Slots, TensorSlots } from '../../src/engine/modules/slots.js';

describe('TensorSlots / ArraySlots', () => {
  it('keep the buffers of the last two shapes and drop the oldest on a third', () => {
    const slots = new TensorSlots();
    const a = slots.get([25, 10]);
    const b = slots.get([500, 10]);
    expect(slots.get([25, 10])).toBe(a);
    expect(slots.get([500, 10])).toBe(b);
    expect(slots.get([500, 10])).toBe(b);
    const c = slots.get([7, 10]);
    expect(c.shape).toEqual([7, 10]);
    expect(slots.get([500, 10])).toBe(b);
    expect(slots.get([25, 10])).not.toBe(a);
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
