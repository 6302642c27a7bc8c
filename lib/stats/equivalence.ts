/**
 * Equivalence testing by two one-sided tests (TOST; Schuirmann 1987, J. Pharmacokinetics and
 * Biopharmaceutics 15:657–680) on paired differences, and the power of the paired t-test, so that
 * a comparison can end as "different", "equivalent within a stated margin" or "inconclusive, with
 * this much power".
 *
 * @module
 */
import { logGamma, normalCdf, sampleMean, sampleSd, studentTCdf, studentTQuantile } from './basics';

/** The result of a paired TOST. */
export interface EquivalenceTest {
  /** Pairs used. */
  n: number;
  /** Mean difference. */
  meanDiff: number;
  /** Lower equivalence bound (a difference, e.g. −0.01). */
  lower: number;
  /** Upper equivalence bound (e.g. +0.01). */
  upper: number;
  /** t of "mean ≤ lower" against "mean > lower". */
  tLower: number;
  /** t of "mean ≥ upper" against "mean < upper". */
  tUpper: number;
  /** One-sided p-value against the lower bound. */
  pLower: number;
  /** One-sided p-value against the upper bound. */
  pUpper: number;
  /** The TOST p-value: `max(pLower, pUpper)`. */
  p: number;
  /** The `1 − 2α` confidence interval of the mean difference (equivalent ⇔ it lies inside the bounds). */
  lo: number;
  /** Upper end of that interval. */
  hi: number;
  /** Whether `p < alpha`. */
  equivalent: boolean;
  /** α used. */
  alpha: number;
}

/**
 * Paired TOST: the differences `d_i` are equivalent to 0 within `[lower, upper]` when both
 * `t_L = (d̄ − lower)/(s/√n)` is significantly positive and `t_U = (d̄ − upper)/(s/√n)` is
 * significantly negative (one-sided, level α each, `n − 1` df). p = the larger one-sided p-value.
 *
 * @param diffs - per-pair differences.
 * @param lower - lower bound (< upper), e.g. −0.01 for "within one point of accuracy".
 * @param upper - upper bound.
 * @param alpha - level, default 0.05.
 * @throws when `lower >= upper`.
 *
 * @example
 * ```ts
 * const diffs = [0.004, -0.002, 0.001, 0.003, -0.001];
 * const { equivalent } = pairedTost(diffs, -0.01, 0.01); // within ±1 point?
 * ```
 */
export function pairedTost(
  diffs: readonly number[],
  lower: number,
  upper: number,
  alpha = 0.05,
): EquivalenceTest {
  if (!(lower < upper))
    throw new Error(`pairedTost: lower bound ${lower} must be below upper bound ${upper}`);
  const n = diffs.length;
  const meanDiff = sampleMean(diffs);
  const nan = Number.NaN;
  if (n < 2)
    return {
      n,
      meanDiff,
      lower,
      upper,
      tLower: nan,
      tUpper: nan,
      pLower: nan,
      pUpper: nan,
      p: nan,
      lo: nan,
      hi: nan,
      equivalent: false,
      alpha,
    };
  const se = sampleSd(diffs) / Math.sqrt(n);
  const df = n - 1;
  if (se === 0) {
    const inside = meanDiff > lower && meanDiff < upper;
    const inf = Number.POSITIVE_INFINITY;
    return {
      n,
      meanDiff,
      lower,
      upper,
      tLower: inside ? inf : -inf,
      tUpper: inside ? -inf : inf,
      pLower: inside ? 0 : 1,
      pUpper: inside ? 0 : 1,
      p: inside ? 0 : 1,
      lo: meanDiff,
      hi: meanDiff,
      equivalent: inside,
      alpha,
    };
  }
  const tLower = (meanDiff - lower) / se;
  const tUpper = (meanDiff - upper) / se;
  const pLower = 1 - studentTCdf(tLower, df);
  const pUpper = studentTCdf(tUpper, df);
  const p = Math.max(pLower, pUpper);
  const half = studentTQuantile(1 - alpha, df) * se;
  return {
    n,
    meanDiff,
    lower,
    upper,
    tLower,
    tUpper,
    pLower,
    pUpper,
    p,
    lo: meanDiff - half,
    hi: meanDiff + half,
    equivalent: p < alpha,
    alpha,
  };
}

/**
 * Power of the two-sided paired t-test at level α to detect a true mean difference `effect`,
 * given the SD of the differences and n pairs: `P(|T'| > t_crit)` for the noncentral t
 * `T' = (Z + δ)/√(V/ν)`, `δ = effect/(sd/√n)`, `V ~ χ²(ν)`, `ν = n − 1`, computed by integrating
 * `Φ(δ − t_crit·√(V/ν)) + Φ(−δ − t_crit·√(V/ν))` over the chi-square density (Simpson's rule,
 * 2,000 intervals; accurate to about 1e-6).
 *
 * @returns a probability in [0, 1]; `NaN` when n < 2 or sd is not finite; 1 when sd is 0 and effect ≠ 0.
 *
 * @example
 * ```ts
 * pairedTPower(5, 0.02, 0.01); // power of 5 pairs to detect a 1-point difference at sd 2 points
 * ```
 */
export function pairedTPower(n: number, sd: number, effect: number, alpha = 0.05): number {
  if (n < 2 || !Number.isFinite(sd)) return Number.NaN;
  if (sd === 0) return effect === 0 ? alpha : 1;
  const df = n - 1;
  const delta = Math.abs(effect) / (sd / Math.sqrt(n));
  const tCrit = studentTQuantile(1 - alpha / 2, df);
  const logNorm = (df / 2) * Math.log(2) + logGamma(df / 2);
  const density = (v: number): number =>
    v <= 0 ? (df === 2 ? 0.5 : 0) : Math.exp((df / 2 - 1) * Math.log(v) - v / 2 - logNorm);
  const rejectGiven = (v: number): number => {
    const scale = tCrit * Math.sqrt(v / df);
    return normalCdf(delta - scale) + normalCdf(-delta - scale);
  };
  const top = df + 40 * Math.sqrt(2 * df) + 60;
  const intervals = 2000;
  const h = top / intervals;
  let sum = 0;
  for (let i = 0; i <= intervals; i++) {
    const v = i * h;
    const w = i === 0 || i === intervals ? 1 : i % 2 === 1 ? 4 : 2;
    sum += w * density(v) * rejectGiven(v);
  }
  return Math.min(1, Math.max(0, (sum * h) / 3));
}
