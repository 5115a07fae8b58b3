import { DROPOUT_SEED_WORDS, type Backend } from '../kernels/index.js';
import type { Rng } from '../rng.js';
import type { Tensor } from '../tensor.js';
import { KernelModule } from './kernel-module.js';
import { float32Slots, TensorSlots } from './slots.js';
import { expectGradShape } from './shape-check.js';

/**
 * Inverted dropout: in training mode each element is zeroed with probability p and the survivors are scaled by
 * 1/(1-p), with the mask drawn from `rng`; in eval mode it is the identity (returns its input and, in backward,
 * the incoming gradient, without copying). `rng` is public so a check can re-seed it to reuse one mask.
 */
export class Dropout extends KernelModule {
  private mask: Float32Array = new Float32Array(0);
  private readonly maskSlots = float32Slots();
  private readonly outSlots = new TensorSlots();
  private readonly gradInSlots = new TensorSlots();
  private lastTraining = false;
  private readonly seed = new Int32Array(DROPOUT_SEED_WORDS);
  private outShape: number[] | undefined;

  constructor(
    readonly p: number,
    public rng: Rng,
  ) {
    super();
    if (!(p >= 0 && p <= 1)) throw new Error(`Dropout: p must be in [0, 1], got ${p}`);
  }

  describe(): string {
    return `Dropout(p=${this.p})`;
  }

  protected forwardOn(backend: Backend, x: Tensor, training: boolean): Tensor {
    this.lastTraining = training;
    this.outShape = x.shape;
    if (!training || this.p === 0) return x;
    const out = this.outSlots.get(x.shape);
    const n = x.data.length;
    this.mask = this.maskSlots.get(n);
    const keep = 1 - this.p;
    // p = 1 drops everything (as PyTorch) instead of scaling by 1/0.
    const scale = keep > 0 ? 1 / keep : 0;
    // An element is kept when a uniform 32-bit draw is below keep * 2^32.
    const threshold = keep * 4294967296;
    // The mask comes from 4 local xoshiro128** streams (one per SIMD lane, in WebAssembly) seeded by 16 draws of
    // `rng`: still fully determined by the run's seed, and much faster than calling rng per element. The first word
    // of each stream is odd, so no stream starts from the all-zero state.
    const seed = this.seed;
    for (let i = 0; i < seed.length; i++) seed[i] = this.rng.nextUint32() | (i < 4 ? 1 : 0);
    backend.dropoutForward(seed, threshold, scale, x.data, out.data, this.mask);
    return out;
  }

  protected backwardOn(backend: Backend, gradOut: Tensor): Tensor {
    expectGradShape(this, gradOut.shape, this.outShape);
    if (!this.lastTraining || this.p === 0) return gradOut;
    const gradIn = this.gradInSlots.get(gradOut.shape);
    backend.multiply(gradOut.data, this.mask, gradIn.data);
    return gradIn;
  }
}
