/**
 * Time-to-event statistics for "steps to target": a run that never reaches the target accuracy is
 * right-censored at its last evaluated step (we know only that it needs more), not counted as
 * finishing there. Kaplan–Meier estimates of the median and the log-rank test (Mantel 1966;
 * Peto & Peto 1972) compare two kinds with censoring handled.
 *
 * @module
 */
import { chiSquareSf } from './basics';

/** One run as a time-to-event observation. */
export interface TimeToEvent {
  /** Steps to the target when reached (`event: true`), else the last step observed (censored). */
  time: number;
  /** Whether the target was reached at `time` (false: censored there). */
  event: boolean;
}

/** A step of a Kaplan–Meier curve. */
export interface KaplanMeierStep {
  /** Event time. */
  time: number;
  /** Estimated share still without the event just after `time`. */
  survival: number;
  /** At risk just before `time`. */
  atRisk: number;
  /** Events at `time`. */
  events: number;
}

/**
 * The Kaplan–Meier estimate `S(t) = Π_{t_i ≤ t} (1 − d_i / n_i)` over the distinct event times
 * (a censoring at the same time as an event counts as still at risk there).
 */
export function kaplanMeier(observations: readonly TimeToEvent[]): KaplanMeierStep[] {
  const times = [...new Set(observations.filter((o) => o.event).map((o) => o.time))].sort((a, b) => a - b);
  let survival = 1;
  return times.map((time) => {
    const atRisk = observations.filter((o) => o.time >= time).length;
    const events = observations.filter((o) => o.event && o.time === time).length;
    survival *= 1 - events / atRisk;
    return { time, survival, atRisk, events };
  });
}

/**
 * The Kaplan–Meier median: the first event time where the estimated survival drops to 0.5 or
 * below; `null` when it never does (more than half the runs never reached the target: the median
 * is beyond the budget).
 *
 * @example
 * ```ts
 * kaplanMeierMedian([{ time: 100, event: true }, { time: 150, event: true }, { time: 400, event: false }]); // 150
 * ```
 */
export function kaplanMeierMedian(observations: readonly TimeToEvent[]): number | null {
  const step = kaplanMeier(observations).find((s) => s.survival <= 0.5 + 1e-12);
  return step ? step.time : null;
}

/** The result of a two-group log-rank test. */
export interface LogRankTest {
  /** Observed events in group A. */
  observedA: number;
  /** Expected events in group A under "same hazard". */
  expectedA: number;
  /** Observed events in group B. */
  observedB: number;
  /** Expected events in group B. */
  expectedB: number;
  /** Variance of `observedA − expectedA`. */
  variance: number;
  /** `(O_A − E_A)² / V`, chi-square with 1 df under the null. */
  chiSquare: number;
  /** Two-sided p-value; `NaN` without any event. */
  p: number;
  /** `+1` when A reaches the target sooner (more events than expected), `−1` when later, 0 when equal. */
  direction: -1 | 0 | 1;
}

/**
 * The log-rank test of two groups of time-to-event observations: at each distinct event time
 * with `n` at risk (`n_A` in A) and `d` events, `E_A += d·n_A/n` and
 * `V += d·(n_A/n)(1 − n_A/n)(n − d)/(n − 1)`; `χ² = (O_A − E_A)²/V` with 1 df.
 *
 * @example
 * ```ts
 * const { p } = logRankTest(stepsWithBn, stepsWithout); // [{ time, event }] per run; event false = never reached
 * ```
 */
export function logRankTest(a: readonly TimeToEvent[], b: readonly TimeToEvent[]): LogRankTest {
  const all = [...a, ...b];
  const times = [...new Set(all.filter((o) => o.event).map((o) => o.time))].sort((x, y) => x - y);
  let expectedA = 0;
  let variance = 0;
  let observedA = 0;
  let observedB = 0;
  for (const time of times) {
    const nA = a.filter((o) => o.time >= time).length;
    const n = nA + b.filter((o) => o.time >= time).length;
    const dA = a.filter((o) => o.event && o.time === time).length;
    const d = dA + b.filter((o) => o.event && o.time === time).length;
    observedA += dA;
    observedB += d - dA;
    expectedA += (d * nA) / n;
    if (n > 1) variance += (d * (nA / n) * (1 - nA / n) * (n - d)) / (n - 1);
  }
  const expectedB = observedA + observedB - expectedA;
  const diff = observedA - expectedA;
  const chiSquare = variance > 0 ? (diff * diff) / variance : 0;
  const p = times.length === 0 ? Number.NaN : variance > 0 ? chiSquareSf(chiSquare, 1) : 1;
  const direction = Math.abs(diff) < 1e-12 ? 0 : diff > 0 ? 1 : -1;
  return { observedA, expectedA, observedB, expectedB, variance, chiSquare, p, direction };
}
