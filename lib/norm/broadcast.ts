/**
 * Shape helpers shared by the normalization ops: the broadcast shape of per-axis parameters and
 * the number of values behind a statistic.
 *
 * @module
 */

/**
 * The shape that makes a parameter spanning `keptAxes` of a rank-`rank` input broadcast against it:
 * the input's size on `keptAxes`, 1 elsewhere.
 */
export function broadcastShape(
  rank: number,
  keptAxes: readonly number[],
  shape: readonly number[],
): number[] {
  const out = new Array<number>(rank).fill(1);
  for (const a of keptAxes) out[a] = shape[a];
  return out;
}

/** The number of values reduced per statistic: the product of `shape` over `axes`. */
export function reducedCount(shape: readonly number[], axes: readonly number[]): number {
  return axes.reduce((n, a) => n * shape[a], 1);
}
