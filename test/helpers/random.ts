/**
 * A small deterministic generator (mulberry32, unmixed seed) for the finite-difference tests'
 * inputs and directions. Kept apart from lib/data's `seededRandom`, which mixes its seed first, so
 * that these tests keep the inputs their tolerances were checked on.
 */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `n` normal numbers of mean `shift` and standard deviation `scale`, by Box–Muller from pairs of
 * `next()` draws.
 */
export function normals(next: () => number, n: number, scale = 1, shift = 0): number[] {
  const out: number[] = [];
  while (out.length < n) {
    // Away from 0, where the logarithm is infinite.
    const u = Math.max(next(), 1e-12);
    out.push(shift + scale * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next()));
  }
  return out;
}
