/**
 * The learning-rate tuning stage: for every architecture × norm kind that an experiment runs at
 * its `tuned` rate, a grid of learning rates is trained on tuning seeds (disjoint from the
 * evaluation seeds), and the rate with the best mean validation accuracy is chosen; test accuracy
 * never enters. The same profile gives each kind's largest stable rate and the width of the range
 * of rates within `tolerance` of its best, claim 5's main measure.
 *
 * With two-stage tuning (`tuneWith: 'evaluation-near-proxy'`) the whole grid runs on a cheap proxy
 * and a local grid around its pick at the evaluation budget chooses the rate (lib/study/spec/plan.ts).
 *
 * The choice is a pure function of the finished tuning runs, so a resumed study makes the same
 * plan.
 *
 * @module
 */
import type { Architecture } from '../../models/types';
import { sampleMean } from '../../stats/basics';
import type { StudyNorm } from './arms';
import type { TrainRunMetrics } from './records';

/** Name of the pseudo-experiment that tuning runs belong to. */
export const TUNING_EXPERIMENT = 'tuning';

/**
 * Whether a run failed: its loss diverged, or it collapsed (validation accuracy at chance or one
 * predicted class). A failed run counts as chance accuracy wherever accuracies are compared.
 */
export function runFailed(m: TrainRunMetrics): boolean {
  return m.diverged || m.collapsed;
}

/** A run's validation accuracy for tuning: chance when it failed or has none. */
export function tuningAccuracy(m: TrainRunMetrics): number {
  return runFailed(m) || m.valAccuracy === null ? m.chanceAccuracy : m.valAccuracy;
}

/** A run's test accuracy for robustness comparisons: chance when it failed or has none. */
export function accuracyOrChance(m: TrainRunMetrics): number {
  return runFailed(m) || m.testAccuracy === null ? m.chanceAccuracy : m.testAccuracy;
}

/** One rate of a learning-rate profile. */
export interface RatePoint {
  /** The learning rate. */
  learningRate: number;
  /** Mean validation accuracy over the seeds (failed runs at chance). */
  meanAccuracy: number;
  /** Runs at this rate. */
  runs: number;
  /** Of those, failed (diverged or collapsed). */
  failed: number;
}

/** What a learning-rate grid says about one architecture × norm kind. */
export interface LearningRateProfile {
  /** Architecture. */
  arch: Architecture;
  /** Norm kind. */
  norm: StudyNorm;
  /** Per rate, ascending. */
  rates: RatePoint[];
  /** The rate with the best mean validation accuracy (ties: the smaller rate); null without runs. */
  bestRate: number | null;
  /** Its mean validation accuracy. */
  bestAccuracy: number | null;
  /** The largest rate at which no run failed; null when every rate had a failure. */
  largestStableRate: number | null;
  /** The contiguous rates around the best whose mean accuracy is within `tolerance` of it. */
  goodRates: number[];
  /** `log10(max/min)` of `goodRates`, in decades (0 when only the best rate qualifies). */
  widthDecades: number;
}

/**
 * The contiguous run of grid points around the best whose accuracy is within `tolerance` of it,
 * and its width in decades. `rates` ascending, `accuracies` aligned with it.
 */
export function rangeWithin(
  rates: readonly number[],
  accuracies: readonly number[],
  tolerance: number,
): { best: number; lo: number; hi: number; widthDecades: number } {
  let best = 0;
  for (let i = 1; i < accuracies.length; i++) if (accuracies[i] > accuracies[best]) best = i;
  let lo = best;
  let hi = best;
  while (lo > 0 && accuracies[lo - 1] >= accuracies[best] - tolerance) lo--;
  while (hi < rates.length - 1 && accuracies[hi + 1] >= accuracies[best] - tolerance) hi++;
  return { best, lo, hi, widthDecades: Math.log10(rates[hi] / rates[lo]) };
}

/**
 * The learning-rate profile of one architecture × norm kind from its grid runs.
 *
 * @param runs - the runs of the grid: each with its learning rate and metrics.
 * @param tolerance - the "within 2 points" of claim 5 (default 0.02).
 */
export function learningRateProfile(
  arch: Architecture,
  norm: StudyNorm,
  runs: readonly { learningRate: number; metrics: TrainRunMetrics }[],
  tolerance = 0.02,
): LearningRateProfile {
  const levels = [...new Set(runs.map((r) => r.learningRate))].sort((a, b) => a - b);
  const rates: RatePoint[] = levels.map((learningRate) => {
    const at = runs.filter((r) => r.learningRate === learningRate);
    return {
      learningRate,
      meanAccuracy: sampleMean(at.map((r) => tuningAccuracy(r.metrics))),
      runs: at.length,
      failed: at.filter((r) => runFailed(r.metrics)).length,
    };
  });
  if (rates.length === 0)
    return {
      arch,
      norm,
      rates,
      bestRate: null,
      bestAccuracy: null,
      largestStableRate: null,
      goodRates: [],
      widthDecades: 0,
    };
  const range = rangeWithin(
    levels,
    rates.map((r) => r.meanAccuracy),
    tolerance,
  );
  const stable = rates.filter((r) => r.failed === 0);
  return {
    arch,
    norm,
    rates,
    bestRate: levels[range.best],
    bestAccuracy: rates[range.best].meanAccuracy,
    largestStableRate: stable.length ? stable[stable.length - 1].learningRate : null,
    goodRates: levels.slice(range.lo, range.hi + 1),
    widthDecades: range.widthDecades,
  };
}
