/**
 * The paired t-test: the study compares two normalization kinds on runs that share a seed (the
 * same initialization seed and the same data order), so the per-seed differences are the sample.
 *
 * Pure functions on plain numbers; no tensors, no I/O.
 *
 * @module
 */
import { sampleMean, sampleSd, studentTCdf, studentTQuantile } from './basics';

/** The result of a paired (one-sample on the differences) t-test. */
export interface PairedTest {
  /** Pairs used. */
  n: number;
  /** Mean of the differences `a_i − b_i` (the effect size, in the metric's unit). */
  meanDiff: number;
  /** Sample standard deviation of the differences (`NaN` when n < 2). */
  sdDiff: number;
  /** Standard error `sdDiff / √n`. */
  se: number;
  /** Degrees of freedom `n − 1`. */
  df: number;
  /** `meanDiff / se` (±∞ when every difference is the same non-zero number, 0 when all are 0). */
  t: number;
  /** Two-sided p-value of "mean difference = 0" (`NaN` when n < 2). */
  p: number;
  /** Lower end of the confidence interval of the mean difference. */
  lo: number;
  /** Upper end of the confidence interval of the mean difference. */
  hi: number;
  /** Confidence level of `[lo, hi]`. */
  level: number;
}

/**
 * The paired t-test on per-pair differences `d_i`: `t = d̄ / (s_d / √n)` with `n − 1` degrees of
 * freedom, two-sided p-value `2·P(T ≥ |t|)`, and the interval `d̄ ± t_{(1+level)/2, n−1} · s_d/√n`.
 *
 * @param diffs - the per-pair differences (e.g. per seed: batch norm's accuracy − no norm's).
 * @param level - confidence level of the interval, default 0.95.
 * @example
 * ```ts
 * const r = pairedTTestOfDiffs([0.012, 0.020, 0.008, 0.015, 0.011]);
 * console.log(r.meanDiff, r.p, [r.lo, r.hi]);
 * ```
 */
export function pairedTTestOfDiffs(diffs: readonly number[], level = 0.95): PairedTest {
  const n = diffs.length;
  const meanDiff = sampleMean(diffs);
  const sdDiff = sampleSd(diffs);
  if (n < 2) {
    return {
      n,
      meanDiff,
      sdDiff,
      se: Number.NaN,
      df: n - 1,
      t: Number.NaN,
      p: Number.NaN,
      lo: Number.NaN,
      hi: Number.NaN,
      level,
    };
  }
  const se = sdDiff / Math.sqrt(n);
  const df = n - 1;
  if (se === 0) {
    const t = meanDiff === 0 ? 0 : Math.sign(meanDiff) * Number.POSITIVE_INFINITY;
    return { n, meanDiff, sdDiff, se, df, t, p: meanDiff === 0 ? 1 : 0, lo: meanDiff, hi: meanDiff, level };
  }
  const t = meanDiff / se;
  const p = Math.min(1, 2 * studentTCdf(-Math.abs(t), df));
  const half = studentTQuantile((1 + level) / 2, df) * se;
  return { n, meanDiff, sdDiff, se, df, t, p, lo: meanDiff - half, hi: meanDiff + half, level };
}

/**
 * The paired t-test of `a` against `b`, pair `i` being `(a[i], b[i])`.
 *
 * @throws when the two samples have different lengths.
 *
 * @example
 * ```ts
 * const withBn = [0.86, 0.85, 0.87], without = [0.83, 0.84, 0.84]; // same seeds
 * const { meanDiff, p } = pairedTTest(withBn, without);
 * ```
 */
export function pairedTTest(a: readonly number[], b: readonly number[], level = 0.95): PairedTest {
  if (a.length !== b.length)
    throw new Error(
      `pairedTTest: the samples must pair up one to one, got ${a.length} and ${b.length} values`,
    );
  return pairedTTestOfDiffs(
    a.map((x, i) => x - b[i]),
    level,
  );
}

/**
 * Pair two per-seed samples: the seeds both have (ascending) with their two values. Seeds with a
 * non-finite value on either side are dropped.
 *
 * @example
 * ```ts
 * pairBySeed(new Map([[0, 0.9], [1, 0.8]]), new Map([[1, 0.7], [2, 0.6]])); // [{ seed: 1, a: 0.8, b: 0.7 }]
 * ```
 */
export function pairBySeed(
  a: ReadonlyMap<number, number>,
  b: ReadonlyMap<number, number>,
): { seed: number; a: number; b: number }[] {
  const out: { seed: number; a: number; b: number }[] = [];
  for (const [seed, x] of a) {
    const y = b.get(seed);
    if (y !== undefined && Number.isFinite(x) && Number.isFinite(y)) out.push({ seed, a: x, b: y });
  }
  return out.sort((p, q) => p.seed - q.seed);
}
