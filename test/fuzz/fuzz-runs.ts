/**
 * How many cases each property runs: a bounded number in `npm test`, many more under `npm run fuzz`
 * (PAIRNET_FUZZ_RUNS). Each property counts its cases, so a run can report how many it tried.
 */
import fc from 'fast-check';

export const FUZZ_RUNS = Number(process.env.PAIRNET_FUZZ_RUNS ?? 150);
/** Seeded unless PAIRNET_FUZZ_SEED=random, so `npm test` is repeatable and `npm run fuzz` can explore. */
const seedEnv = process.env.PAIRNET_FUZZ_SEED;
const seed = seedEnv === 'random' ? Date.now() : Number(seedEnv ?? 20261203);

export const cases = new Map<string, number>();

/** fc.assert with this suite's run count and seed; every case that runs is counted under `name`. */
export function check<T>(name: string, arb: fc.Arbitrary<T>, property: (value: T) => void): void {
  cases.set(name, 0);
  fc.assert(
    fc.property(arb, (v) => {
      cases.set(name, (cases.get(name) ?? 0) + 1);
      property(v);
    }),
    { numRuns: FUZZ_RUNS, seed },
  );
}

/** Prints "fuzz: N cases (a: n, b: m) with seed S" once the file's properties ran. */
export function reportCases(file: string): void {
  const total = [...cases.values()].reduce((a, b) => a + b, 0);
  console.log(`fuzz ${file}: ${total} cases (${[...cases].map(([k, n]) => `${k}: ${n}`).join(', ')}), seed ${seed}`);
}

/** Random edits of valid bytes: flips (mostly in the first `hot` bytes), cuts, insertions and appended garbage. */
export function mutatedBytes(valid: Uint8Array, hot: number): fc.Arbitrary<Uint8Array> {
  const edit = fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }), hot: fc.boolean() }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }), hot: fc.boolean() }),
    fc.record({ kind: fc.constant('append' as const), bytes: fc.uint8Array({ maxLength: 64 }) }),
  );
  return fc.array(edit, { minLength: 1, maxLength: 6 }).map((edits) => {
    let b = valid.slice();
    for (const e of edits) {
      if (b.length === 0 && e.kind !== 'append') continue;
      if (e.kind === 'flip') b[e.at % (e.hot ? Math.min(hot, b.length) : b.length)] ^= 1 << e.bit;
      else if (e.kind === 'set') b[e.at % (e.hot ? Math.min(hot, b.length) : b.length)] = e.value;
      else if (e.kind === 'cut') b = b.slice(0, e.at % (b.length + 1));
      else {
        const out = new Uint8Array(b.length + e.bytes.length);
        out.set(b);
        out.set(e.bytes, b.length);
        b = out;
      }
    }
    return b;
  });
}
