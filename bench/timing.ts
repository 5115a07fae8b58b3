/** Timing shared by the kernel benchmark sections. */

/** CPU time of this process in ms: unlike wall time it does not count time other processes on the machine took. */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** ms per call of fn: calls averaged over at least `minMs` of CPU time. */
export function msPerCall(fn: () => void, minMs: number): number {
  let calls = 0;
  const t0 = cpuMs();
  let t = t0;
  while (t - t0 < minMs || calls === 0) {
    fn();
    calls++;
    t = cpuMs();
  }
  return (t - t0) / calls;
}

/** Best of `rounds` timings (ms per call), each averaging calls over at least `minMs` of CPU time, after a warm-up call. */
export function bestMs(fn: () => void, minMs: number, rounds: number): number {
  fn();
  let best = Infinity;
  for (let r = 0; r < rounds; r++) best = Math.min(best, msPerCall(fn, minMs));
  return best;
}
