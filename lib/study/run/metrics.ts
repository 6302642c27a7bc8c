/**
 * Per-run claim metrics from the trainer's result, and the compact history a results file keeps.
 *
 * @module
 */

import { sampleMedian } from '../../stats/basics';
import type { StepRecord, TrainResult } from '../../train/types';
import type { StudyNorm } from '../spec/arms';
import {
  COLLAPSE_MARGIN,
  type CompactCurve,
  type CompactHistory,
  type OverheadTiming,
  type TrainRunMetrics,
} from '../spec/records';

/** Tolerance of "epochs to plateau": within this much validation accuracy of the best. */
export const PLATEAU_TOLERANCE = 0.01;

const finiteOrNull = (x: number | undefined | null): number | null =>
  x === undefined || x === null || !Number.isFinite(x) ? null : x;

/**
 * Area under a loss curve on a normalized axis [0, 1] (trapezoid rule): the average loss.
 * Null for an empty curve or when any value is non-finite.
 */
export function normalizedLossAuc(losses: readonly number[]): number | null {
  if (losses.length === 0) return null;
  if (losses.some((l) => !Number.isFinite(l))) return null;
  if (losses.length === 1) return losses[0];
  let area = 0;
  for (let i = 1; i < losses.length; i++) area += (losses[i - 1] + losses[i]) / 2;
  return area / (losses.length - 1);
}

/** The second half of a loss curve, or null with fewer than 4 values or non-finite values. */
function secondHalf(losses: readonly number[]): readonly number[] | null {
  if (losses.length < 4 || losses.some((l) => !Number.isFinite(l))) return null;
  return losses.slice(Math.floor(losses.length / 2));
}

/**
 * Absolute jitter of a loss curve: mean |l_t − l_{t−1}| over its second half, in loss units (claim
 * 2's deciding stability measure: how much the loss jumps from step to step, whatever its level).
 * Null with fewer than 4 values or non-finite values.
 *
 * @example
 * ```ts
 * lossJitter([2, 1.5, 1, 0.9, 1.1, 1.0]); // 0.15
 * ```
 */
export function lossJitter(losses: readonly number[]): number | null {
  const half = secondHalf(losses);
  if (!half) return null;
  let jitter = 0;
  for (let i = 1; i < half.length; i++) jitter += Math.abs(half[i] - half[i - 1]);
  return jitter / (half.length - 1);
}

/**
 * Relative roughness of a loss curve: {@link lossJitter} divided by the mean loss of the second
 * half (shown beside the absolute jitter; a lower loss level alone makes it larger). Null with
 * fewer than 4 values or non-finite values.
 */
export function lossRoughness(losses: readonly number[]): number | null {
  const half = secondHalf(losses);
  const jitter = lossJitter(losses);
  if (!half || jitter === null) return null;
  const meanLevel = half.reduce((a, b) => a + b, 0) / half.length;
  if (meanLevel <= 0) return 0;
  return jitter / meanLevel;
}

/**
 * First epoch (1-based) whose validation accuracy is within `tolerance` of the best one.
 * Null for an empty list.
 */
export function epochsToPlateau(
  valAccuracies: readonly number[],
  tolerance = PLATEAU_TOLERANCE,
): number | null {
  if (valAccuracies.length === 0) return null;
  const best = Math.max(...valAccuracies);
  const i = valAccuracies.findIndex((a) => a >= best - tolerance);
  return i + 1;
}

/** Share of the predictions one class must take for a run to count as collapsed. */
export const COLLAPSE_CLASS_SHARE = 0.95;

/**
 * Whether a run collapsed: final validation accuracy within {@link COLLAPSE_MARGIN} of chance, or
 * one class taking at least {@link COLLAPSE_CLASS_SHARE} of the validation predictions.
 */
export function isCollapsed(
  valAccuracy: number | null,
  chanceAccuracy: number,
  largestClassShare: number | null,
): boolean {
  if (valAccuracy !== null && valAccuracy <= chanceAccuracy + COLLAPSE_MARGIN) return true;
  return largestClassShare !== null && largestClassShare >= COLLAPSE_CLASS_SHARE;
}

/** What the executor measures besides the trainer's result. */
export interface RunExtras {
  /** `1 / classes`. */
  chanceAccuracy: number;
  /** Share of the validation predictions of the most predicted class (null: not measured). */
  largestClassShare: number | null;
  /** Test accuracy with recomputed population statistics (null: not measured). */
  testAccuracyPopulationStats: number | null;
}

/**
 * The claim metrics of one training run (see {@link TrainRunMetrics} for each definition).
 *
 * @param result - the trainer's result (`recordSteps: true` for loss AUC and roughness; without
 *   step records they come from the per-epoch mean training losses).
 * @param extras - chance accuracy, prediction shares and population-statistics accuracy.
 */
export function trainRunMetrics(
  result: TrainResult,
  extras: RunExtras = { chanceAccuracy: 0.1, largestClassShare: null, testAccuracyPopulationStats: null },
): TrainRunMetrics {
  const diverged = result.diverged !== null;
  const stepLosses = result.stepRecords.length
    ? result.stepRecords.map((s) => s.loss)
    : result.epochRecords.map((e) => e.trainLoss);
  const valAcc = result.epochRecords
    .map((e) => e.validation?.accuracy)
    .filter((a): a is number => typeof a === 'number' && Number.isFinite(a));
  const train = diverged ? null : finiteOrNull(result.final.train?.accuracy);
  const test = diverged ? null : finiteOrNull(result.final.test?.accuracy);
  const val = diverged ? null : finiteOrNull(result.final.validation?.accuracy);
  return {
    diverged,
    collapsed: !diverged && isCollapsed(val, extras.chanceAccuracy, extras.largestClassShare),
    chanceAccuracy: extras.chanceAccuracy,
    largestClassShare: extras.largestClassShare,
    divergedAtStep: result.diverged?.step ?? null,
    steps: result.steps,
    stepsPerEpoch: result.stepsPerEpoch,
    trainSeconds: result.trainSeconds,
    medianStepMs: result.medianStepMs,
    samplesPerSecond: result.samplesPerSecond,
    stepsToTarget: result.reachedTarget?.step ?? null,
    secondsToTarget: result.reachedTarget?.trainSeconds ?? null,
    lossAuc: diverged ? null : normalizedLossAuc(stepLosses),
    lossRoughness: diverged ? null : lossRoughness(stepLosses),
    lossJitter: diverged ? null : lossJitter(stepLosses),
    epochsToPlateau: diverged ? null : epochsToPlateau(valAcc),
    bestValAccuracy: valAcc.length ? Math.max(...valAcc) : null,
    valAccuracy: val,
    testAccuracy: test,
    testAccuracyPopulationStats: diverged ? null : extras.testAccuracyPopulationStats,
    trainAccuracy: train,
    trainTestGap: train !== null && test !== null ? train - test : null,
    valCurve: result.evalRecords
      .filter((e) => Number.isFinite(e.validation.accuracy))
      .map((e) => ({ step: e.step, accuracy: e.validation.accuracy })),
  };
}

/**
 * Downsample per-step records into at most `points` buckets (bucket means; non-finite values
 * become null so the JSON stays valid).
 */
export function compactCurve(steps: readonly StepRecord[], points = 100): CompactCurve {
  const curve: CompactCurve = { step: [], loss: [], accuracy: [] };
  if (steps.length === 0) return curve;
  const size = Math.max(1, Math.ceil(steps.length / points));
  for (let start = 0; start < steps.length; start += size) {
    const bucket = steps.slice(start, start + size);
    const loss = bucket.reduce((s, r) => s + r.loss, 0) / bucket.length;
    const acc = bucket.reduce((s, r) => s + r.accuracy, 0) / bucket.length;
    curve.step.push(bucket[bucket.length - 1].step);
    curve.loss.push(finiteOrNull(loss));
    curve.accuracy.push(finiteOrNull(acc));
  }
  return curve;
}

/** The compact history of a run: a ≤100-point step curve and every epoch's numbers. */
export function compactHistory(result: TrainResult, points = 100): CompactHistory {
  return {
    curve: compactCurve(result.stepRecords, points),
    epochs: result.epochRecords.map((e) => ({
      epoch: e.epoch,
      step: e.step,
      trainLoss: finiteOrNull(e.trainLoss),
      trainAccuracy: finiteOrNull(e.trainAccuracy),
      valAccuracy: finiteOrNull(e.validation?.accuracy),
      valLoss: finiteOrNull(e.validation?.loss),
      testAccuracy: finiteOrNull(e.test?.accuracy),
      seconds: e.seconds,
    })),
  };
}

/**
 * Summarize alternating step timings: per kind, the median per round and the paired ratio to
 * `none` in the same round.
 *
 * @param rounds - `rounds[r][kind]` = median step ms of that kind in round r.
 */
export function overheadTimings(rounds: readonly Partial<Record<StudyNorm, number>>[]): OverheadTiming[] {
  const kinds = new Set<StudyNorm>();
  for (const r of rounds) for (const k of Object.keys(r) as StudyNorm[]) kinds.add(k);
  return [...kinds].map((norm) => {
    const roundMs = rounds.map((r) => r[norm]).filter((x): x is number => typeof x === 'number');
    const ratioToNone = rounds
      .filter((r) => typeof r[norm] === 'number' && typeof r.none === 'number' && (r.none as number) > 0)
      .map((r) => (r[norm] as number) / (r.none as number));
    return { norm, roundMs, medianMs: sampleMedian(roundMs), ratioToNone };
  });
}
