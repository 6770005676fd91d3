// A tiny seeded PRNG (mulberry32): the same "random" sequence for the same seed, so generated test
// data, benchmark inputs, the soak's plan, the fakes' injected faults and the worker's D1 fault
// injection (edge-worker/src/db/fault-injection.ts) reproduce run to run. Pure, no I/O.
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
