/**
 * Holm's step-down correction for multiple comparisons (Holm 1979, "A simple sequentially
 * rejective multiple test procedure", Scandinavian Journal of Statistics 6:65–70): it controls the
 * family-wise error rate like Bonferroni's correction, and rejects at least as often.
 *
 * @module
 */

/**
 * Holm-adjusted p-values, in the input's order. With the m p-values sorted ascending,
 * `p̃_(i) = min(1, max_{j ≤ i} (m − j + 1) · p_(j))`; hypothesis i is rejected at family-wise
 * level α exactly when `p̃_i ≤ α`. Non-finite p-values (comparisons without enough data) are
 * returned as `NaN` and do not count in m.
 *
 * @param pValues - raw p-values of the comparisons of one family (e.g. one claim).
 * @example
 * ```ts
 * holmAdjust([0.01, 0.04, 0.03, 0.005]); // [0.03, 0.06, 0.06, 0.02]
 * ```
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  const finite = pValues
    .map((p, index) => ({ p, index }))
    .filter((x) => Number.isFinite(x.p))
    .sort((x, y) => x.p - y.p);
  const m = finite.length;
  const out = pValues.map(() => Number.NaN);
  let running = 0;
  finite.forEach(({ p, index }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    out[index] = running;
  });
  return out;
}
