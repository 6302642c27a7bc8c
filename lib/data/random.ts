/**
 * Seeded pseudo-random numbers for shuffling, splits and synthetic data. Deterministic across
 * platforms (32-bit integer arithmetic only), independent of TensorFlow.js' global RNG.
 *
 * @module
 */

/**
 * A seeded generator of uniform numbers in `[0, 1)` (the mulberry32 recurrence on a 32-bit state).
 *
 * @param seed any finite number; equal seeds give equal sequences.
 * @returns a function returning the next number of the sequence.
 * @example
 * ```ts
 * const rand = seededRandom(42);
 * rand(); // the same first number on every run
 * ```
 */
export function seededRandom(seed: number): () => number {
  if (!Number.isFinite(seed)) throw new Error(`seed must be a finite number, got ${seed}`);
  let state = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
  return (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Mix a base seed with an index (e.g. the epoch) into a new seed, so that derived sequences do
 * not overlap in an obvious way.
 */
export function deriveSeed(seed: number, index: number): number {
  let h = (Math.floor(seed) * 0x85ebca6b + Math.floor(index) * 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d) >>> 0;
  h ^= h >>> 15;
  return h >>> 0;
}

/**
 * A seeded random permutation of `0 .. count - 1` (Fisher–Yates).
 *
 * @param count length, ≥ 0.
 * @param seed seed of the shuffle.
 */
export function seededPermutation(count: number, seed: number): Int32Array {
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) out[i] = i;
  const rand = seededRandom(seed);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const tmp = out[i];
    out[i] = out[j];
    out[j] = tmp;
  }
  return out;
}

/** A standard normal sample from a uniform generator (Box–Muller). */
export function normalSample(rand: () => number): number {
  const u = 1 - rand();
  const v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
