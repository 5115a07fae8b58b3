/**
 * The one seeded PRNG of pairnet (xoshiro128**, seeded through splitmix32).
 * Every random draw of a run (data, weights, dropout, shuffling) comes from an Rng derived
 * from the run's integer seed, so a run is reproducible bit for bit.
 */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal: number | undefined;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new Error(`Rng: seed must be a finite number, got ${seed}`);
    // Mix in the high bits so seeds above 2^32 still differ.
    const next = splitmix32(((seed >>> 0) ^ Math.floor(seed / 4294967296)) >>> 0);
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
  }

  /** An Rng at a given xoshiro128** state (4 uint32 words, not all zero): for known-answer checks. */
  static fromState(words: readonly [number, number, number, number]): Rng {
    if (words.every((w) => w >>> 0 === 0)) throw new Error('Rng.fromState: the all-zero state is not allowed');
    const r = new Rng(0);
    [r.s0, r.s1, r.s2, r.s3] = words.map((w) => w >>> 0);
    return r;
  }

  /** The xoshiro128** state words (uint32). */
  state(): [number, number, number, number] {
    return [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0];
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal (Box-Muller, caching the second value). */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const v = this.spareNormal;
      this.spareNormal = undefined;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** In-place Fisher-Yates shuffle. */
  shuffle<T extends { length: number; [i: number]: unknown }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = a[i];
      a[i] = a[j];
      a[j] = tmp;
    }
    return a;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }

  /** An independent stream for a named purpose ("data", "init", "dropout", ...), derived from this one's seed. */
  fork(label: string): Rng {
    return new Rng(deriveSeed(this.nextUint32(), label));
  }
}

/** splitmix32: a Weyl sequence of step 0x9e3779b9 finished by MurmurHash3's fmix32; the draws after `seed` (uint32). */
export function splitmix32(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** Deterministic child seed from a parent seed and a label (FNV-1a over the label, mixed with the parent). */
export function deriveSeed(parent: number, label: string): number {
  let h = 0x811c9dc5 ^ (parent >>> 0);
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  h ^= Math.floor(parent / 4294967296);
  return Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
}
