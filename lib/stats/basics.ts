/**
 * Small statistics for the study: mean, sample standard deviation, the Student t distribution
 * (CDF and quantile, implemented here so the library needs no statistics package), confidence
 * intervals of a mean and of a difference of two means (Welch).
 *
 * Pure functions on plain numbers; no tensors, no I/O.
 *
 * @module
 */

/** Arithmetic mean `Σx / n`; `NaN` for an empty list. */
export function sampleMean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/**
 * Sample standard deviation `sqrt(Σ(x − x̄)² / (n − 1))` (Bessel's correction); `NaN` when
 * fewer than two values.
 */
export function sampleSd(values: readonly number[]): number {
  if (values.length < 2) return Number.NaN;
  const m = sampleMean(values);
  let ss = 0;
  for (const v of values) ss += (v - m) * (v - m);
  return Math.sqrt(ss / (values.length - 1));
}

/** Median of a list (mean of the two middle values for an even count); `NaN` for an empty list. */
export function sampleMedian(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** ln Γ(x) for x > 0, by the Lanczos approximation (g = 7, 9 coefficients; ~15 digits). */
export function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) {
    // Reflection: Γ(x)Γ(1 − x) = π / sin(πx).
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  }
  const z = x - 1;
  let a = c[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * Continued fraction of the incomplete beta function (modified Lentz's method), valid for
 * `x < (a + 1) / (a + b + 2)`.
 */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    // Even step.
    let num = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + num * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + num / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    // Odd step.
    num = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + num * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + num / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return h;
}

/**
 * Regularized incomplete beta function `I_x(a, b) = B(x; a, b) / B(a, b)` for `0 ≤ x ≤ 1`,
 * `a, b > 0`.
 */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const logFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x);
  const front = Math.exp(logFront);
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(a, b, x)) / a;
  return 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/**
 * CDF of Student's t distribution with `df` degrees of freedom:
 * `P(T ≤ t) = 1 − ½·I_{df/(df+t²)}(df/2, ½)` for t ≥ 0, symmetric for t < 0.
 *
 * @param t - the point.
 * @param df - degrees of freedom, > 0 (need not be an integer: Welch's df is not).
 */
export function studentTCdf(t: number, df: number): number {
  if (!(df > 0)) throw new Error(`studentTCdf: df must be > 0, got ${df}`);
  if (t === Number.POSITIVE_INFINITY) return 1;
  if (t === Number.NEGATIVE_INFINITY) return 0;
  const tail = 0.5 * regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/**
 * Quantile (inverse CDF) of Student's t distribution: the `t` with `P(T ≤ t) = p`.
 * Solved by bisection on the CDF to ~1e-12, so it holds for fractional `df` too.
 *
 * @param p - probability in (0, 1); for a two-sided 95% interval use `0.975`.
 * @param df - degrees of freedom, > 0.
 * @returns e.g. `studentTQuantile(0.975, 4)` ≈ 2.7764, `studentTQuantile(0.975, 1)` ≈ 12.706.
 * @example
 * ```ts
 * const t = studentTQuantile(0.975, 9); // 2.2622
 * ```
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`studentTQuantile: p must be in (0, 1), got ${p}`);
  if (!(df > 0)) throw new Error(`studentTQuantile: df must be > 0, got ${df}`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, df) < p) {
    hi *= 2;
    if (hi > 1e12) return Number.POSITIVE_INFINITY;
  }
  for (let i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, hi); i++) {
    const midpoint = (lo + hi) / 2;
    if (studentTCdf(midpoint, df) < p) lo = midpoint;
    else hi = midpoint;
  }
  return (lo + hi) / 2;
}

/** A mean with its spread and a confidence interval. */
export interface MeanCI {
  /** Number of values. */
  n: number;
  /** Mean; `NaN` when n = 0. */
  mean: number;
  /** Sample standard deviation; `NaN` when n < 2. */
  sd: number;
  /** Lower end of the confidence interval; `NaN` when n < 2. */
  lo: number;
  /** Upper end of the confidence interval; `NaN` when n < 2. */
  hi: number;
  /** Confidence level of `[lo, hi]`, e.g. 0.95. */
  level: number;
}

/**
 * Mean, sample SD and the Student-t confidence interval of the mean:
 * `x̄ ± t_{(1+level)/2, n−1} · s / √n`.
 *
 * @param values - the sample (e.g. one metric over seeds). Non-finite values are kept, so a
 *   diverged run makes the interval non-finite rather than silently vanishing; filter first if
 *   that is not wanted.
 * @param level - confidence level, default 0.95.
 *
 * @example
 * ```ts
 * const { mean, lo, hi } = meanCI([0.84, 0.86, 0.85]); // 95% t-interval
 * ```
 */
export function meanCI(values: readonly number[], level = 0.95): MeanCI {
  const n = values.length;
  const m = sampleMean(values);
  const sd = sampleSd(values);
  if (n < 2) return { n, mean: m, sd, lo: Number.NaN, hi: Number.NaN, level };
  const half = (studentTQuantile((1 + level) / 2, n - 1) * sd) / Math.sqrt(n);
  return { n, mean: m, sd, lo: m - half, hi: m + half, level };
}

/** Difference `mean(a) − mean(b)` with Welch's confidence interval. */
export interface DiffCI {
  /** `mean(a) − mean(b)`. */
  diff: number;
  /** Lower end of the interval of the difference; `NaN` when a side has fewer than 2 values. */
  lo: number;
  /** Upper end of the interval of the difference. */
  hi: number;
  /** Welch–Satterthwaite degrees of freedom. */
  df: number;
  /** Confidence level. */
  level: number;
}

/**
 * Welch's confidence interval of a difference of two means (unequal variances):
 * `(x̄a − x̄b) ± t_{(1+level)/2, ν} · sqrt(sa²/na + sb²/nb)` with the Welch–Satterthwaite
 * `ν = (sa²/na + sb²/nb)² / ((sa²/na)²/(na−1) + (sb²/nb)²/(nb−1))`.
 * When both variances are 0 the interval is the point difference.
 *
 * @param a - first sample.
 * @param b - second sample.
 * @param level - confidence level, default 0.95.
 */
export function welchDiffCI(a: readonly number[], b: readonly number[], level = 0.95): DiffCI {
  const diff = sampleMean(a) - sampleMean(b);
  if (a.length < 2 || b.length < 2) return { diff, lo: Number.NaN, hi: Number.NaN, df: Number.NaN, level };
  const va = sampleSd(a) ** 2 / a.length;
  const vb = sampleSd(b) ** 2 / b.length;
  const se2 = va + vb;
  if (se2 === 0) return { diff, lo: diff, hi: diff, df: Number.POSITIVE_INFINITY, level };
  const df = (se2 * se2) / ((va * va) / (a.length - 1) + (vb * vb) / (b.length - 1));
  const half = studentTQuantile((1 + level) / 2, df) * Math.sqrt(se2);
  return { diff, lo: diff - half, hi: diff + half, df, level };
}

/**
 * Regularized upper incomplete gamma `Q(a, x) = Γ(a, x)/Γ(a)` for a > 0, x ≥ 0: a power series
 * for `x < a + 1`, a continued fraction (modified Lentz) otherwise.
 */
export function regularizedGammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const front = Math.exp(-x + a * Math.log(x) - logGamma(a));
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let k = 1; k < 500; k++) {
      term *= x / (a + k);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-16) break;
    }
    return Math.max(0, 1 - front * sum);
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 500; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.min(1, front * h);
}

/** Upper tail `P(X ≥ x)` of the chi-square distribution with `df` degrees of freedom. */
export function chiSquareSf(x: number, df: number): number {
  if (!(df > 0)) throw new Error(`chiSquareSf: df must be > 0, got ${df}`);
  return regularizedGammaQ(df / 2, x / 2);
}

/** Standard normal CDF `Φ(x) = ½·erfc(−x/√2)`, with `erfc(z) = Q(½, z²)` for z ≥ 0. */
export function normalCdf(x: number): number {
  if (x === Number.POSITIVE_INFINITY) return 1;
  if (x === Number.NEGATIVE_INFINITY) return 0;
  const tail = 0.5 * regularizedGammaQ(0.5, (x * x) / 2);
  return x >= 0 ? 1 - tail : tail;
}
