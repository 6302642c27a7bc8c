/**
 * Quantiles of a sample, for tracking how the distribution of a unit's input moves during training
 * (Ioffe & Szegedy 2015, Figure 1: the 15th, 50th and 85th percentiles of a sigmoid's input).
 *
 * @module
 */

/** The percentiles Ioffe & Szegedy (2015, Figure 1) plot: 15th, 50th and 85th. */
export const IOFFE_PERCENTILES: readonly number[] = [0.15, 0.5, 0.85];

/**
 * The `p`-quantile of an ascending sample, by linear interpolation between the closest ranks
 * (position `p·(n − 1)`; numpy's default "linear" method, Hyndman & Fan type 7).
 *
 * @param sorted - the sample, sorted ascending, non-empty.
 * @param p - the probability, in [0, 1].
 * @throws for an empty sample or `p` outside [0, 1].
 */
export function sortedQuantile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) throw new Error('quantile of an empty sample');
  if (!(p >= 0 && p <= 1)) throw new Error(`quantile probability must be in [0, 1]; got ${p}`);
  const position = p * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  const t = position - below;
  return sorted[below] + t * (sorted[above] - sorted[below]);
}

/**
 * Several quantiles of a sample (see {@link sortedQuantile}); the sample need not be sorted and is
 * not modified.
 *
 * @param values - the sample, non-empty, finite.
 * @param probabilities - the quantiles wanted, each in [0, 1] (default the 15th/50th/85th percentiles).
 * @example
 * ```ts
 * quantiles([3, 1, 2, 5, 4], [0, 0.5, 1]); // [1, 3, 5]
 * ```
 */
export function quantiles(
  values: ArrayLike<number>,
  probabilities: readonly number[] = IOFFE_PERCENTILES,
): number[] {
  const sorted = Float64Array.from(values as ArrayLike<number>).sort();
  if (sorted.some((v) => !Number.isFinite(v)))
    throw new Error('quantiles of a sample with non-finite values');
  return probabilities.map((p) => sortedQuantile(sorted, p));
}
