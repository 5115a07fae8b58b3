// Which convolution method runs each problem: the fastest that fits where the bench measured (kernels/conv.ts). All
// methods give the same numbers to a few ulps, so only this table sees a choice change.
import { describe, expect, it } from 'vitest';
import { convMethod, convMethodFits, type ConvShape } from '../../src/engine/kernels/index.js';

const s = (o: Partial<ConvShape>): ConvShape => ({ N: 2, C: 8, H: 8, W: 8, Cout: 8, k: 3, stride: 1, pad: 1, ...o });

describe('convolution methods', () => {
  it('fit: im2col always; direct for stride 1 and pad <= k - 1; winograd for 3x3 with even sizes and channels in fours', () => {
    const fits = (shape: ConvShape, pass: 'forward' | 'backward') => (['im2col', 'direct', 'winograd'] as const).filter((m) => convMethodFits(shape, pass, m));
    expect(fits(s({}), 'forward')).toEqual(['im2col', 'direct', 'winograd']);
    expect(fits(s({}), 'backward')).toEqual(['im2col', 'direct', 'winograd']);
    expect(fits(s({ stride: 2 }), 'forward')).toEqual(['im2col']);
    expect(fits(s({ pad: 3 }), 'forward')).toEqual(['im2col']);
    expect(fits(s({ pad: 2 }), 'forward')).toEqual(['im2col', 'direct', 'winograd']); // output 10 x 10
    expect(fits(s({ k: 5, pad: 2 }), 'forward')).toEqual(['im2col', 'direct']);
    expect(fits(s({ H: 7 }), 'forward')).toEqual(['im2col', 'direct']); // odd output height
    expect(fits(s({ W: 7 }), 'backward')).toEqual(['im2col', 'direct']);
    expect(fits(s({ Cout: 6 }), 'forward')).toEqual(['im2col', 'direct']);
    // Backward: the weight gradient takes any Cout; the input gradient's conv needs C in fours and even input sizes.
    expect(fits(s({ Cout: 6 }), 'backward')).toEqual(['im2col', 'direct', 'winograd']);
    expect(fits(s({ C: 6 }), 'backward')).toEqual(['im2col', 'direct']);
    expect(fits(s({ pad: 0, H: 10, W: 10 }), 'backward')).toEqual(['im2col', 'direct', 'winograd']);
    expect(fits(s({ pad: 0, H: 9, W: 10 }), 'backward')).toEqual(['im2col', 'direct']);
  });

  it('chosen: im2col below 8 input channels, else winograd, else direct (backward only padded, channels in eights)', () => {
    const choice = (o: Partial<ConvShape>) => [convMethod(s(o), 'forward'), convMethod(s(o), 'backward')];
    expect(choice({})).toEqual(['winograd', 'winograd']);
    expect(choice({ C: 2 })).toEqual(['im2col', 'im2col']); // a first layer
    expect(choice({ C: 7, Cout: 32 })).toEqual(['im2col', 'im2col']);
    expect(choice({ H: 7 })).toEqual(['direct', 'direct']);
    expect(choice({ H: 7, pad: 0 })).toEqual(['direct', 'im2col']); // unpadded backward
    expect(choice({ H: 7, Cout: 12 })).toEqual(['direct', 'im2col']); // Cout not in eights
    expect(choice({ H: 7, C: 12 })).toEqual(['direct', 'im2col']); // C not in eights
    expect(choice({ stride: 2 })).toEqual(['im2col', 'im2col']);
    expect(choice({ C: 32, Cout: 32, H: 14, W: 14 })).toEqual(['winograd', 'winograd']); // the ResNets' block conv
  });
});
