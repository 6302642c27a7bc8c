/**
 * Learning-rate schedules: a constant rate, or a linear warm-up followed by a cosine decay or by
 * step decay. A schedule is data (so a study can store it) and {@link learningRateAt} turns it
 * into the rate of one step; the trainer sets that rate on the optimizer before each step.
 *
 * @module
 */
import type * as tf from '@tensorflow/tfjs';

/** The schedule names. */
export const SCHEDULE_NAMES = ['constant', 'cosine', 'step'] as const;

/**
 * A learning-rate schedule over a run of `T` steps (steps counted from 1; `lr` = the base rate).
 *
 * - `constant`: `lr` at every step.
 * - `cosine`: linear warm-up from `lr/W` to `lr` over the first `W = warmupSteps` steps, then
 *   `lr_t = lr·(f + (1 − f)·½(1 + cos(π·(t − W)/(T − W))))` down to `f·lr` at the last step
 *   (`f = finalScale`, default 0).
 * - `step`: the same warm-up, then `lr·factor^k` where k is the number of `boundaries` (fractions
 *   of `T`, ascending, in (0, 1)) already passed; e.g. `{ boundaries: [0.5, 0.75], factor: 0.1 }`.
 *
 * @example
 * ```ts
 * const schedule: LearningRateSchedule = { name: 'cosine', warmupSteps: 50 };
 * ```
 */
export type LearningRateSchedule =
  | { name: 'constant' }
  | { name: 'cosine'; warmupSteps?: number; finalScale?: number }
  | { name: 'step'; warmupSteps?: number; boundaries: readonly number[]; factor: number };

/**
 * Check a schedule, with a message that names the bad field and the allowed values.
 *
 * @throws on an unknown name or an out-of-range field.
 */
export function validateSchedule(schedule: LearningRateSchedule): void {
  const name = (schedule as { name?: unknown }).name;
  if (!(SCHEDULE_NAMES as readonly unknown[]).includes(name))
    throw new Error(`schedule.name must be one of ${SCHEDULE_NAMES.join(', ')}, got ${JSON.stringify(name)}`);
  if (schedule.name === 'constant') return;
  const warmup = schedule.warmupSteps ?? 0;
  if (!Number.isInteger(warmup) || warmup < 0)
    throw new Error(`schedule.warmupSteps must be an integer >= 0, got ${schedule.warmupSteps}`);
  if (schedule.name === 'cosine') {
    const f = schedule.finalScale ?? 0;
    if (!(f >= 0 && f <= 1))
      throw new Error(`schedule.finalScale must be in [0, 1], got ${schedule.finalScale}`);
    return;
  }
  if (!(schedule.factor > 0 && schedule.factor <= 1))
    throw new Error(`schedule.factor must be in (0, 1], got ${schedule.factor}`);
  const b = schedule.boundaries;
  if (!Array.isArray(b) || b.some((x, i) => !(x > 0 && x < 1) || (i > 0 && x <= b[i - 1])))
    throw new Error(
      `schedule.boundaries must be ascending fractions of the run in (0, 1), got ${JSON.stringify(b)}`,
    );
}

/**
 * The learning rate of step `step` (1-based) of a run of `totalSteps` steps.
 *
 * @param base - the base (peak) learning rate.
 * @param schedule - the schedule; `undefined` = constant.
 * @example
 * ```ts
 * learningRateAt(0.1, { name: 'cosine', warmupSteps: 10 }, 5, 100); // 0.05 (half-way through the warm-up)
 * ```
 */
export function learningRateAt(
  base: number,
  schedule: LearningRateSchedule | undefined,
  step: number,
  totalSteps: number,
): number {
  if (!schedule || schedule.name === 'constant') return base;
  const warmup = Math.min(schedule.warmupSteps ?? 0, Math.max(0, totalSteps - 1));
  if (step <= warmup) return (base * step) / warmup;
  const span = Math.max(1, totalSteps - warmup);
  const progress = Math.min(1, (step - warmup) / span);
  if (schedule.name === 'cosine') {
    const f = schedule.finalScale ?? 0;
    return base * (f + (1 - f) * 0.5 * (1 + Math.cos(Math.PI * progress)));
  }
  const fraction = step / totalSteps;
  const passed = schedule.boundaries.filter((b) => fraction > b).length;
  return base * schedule.factor ** passed;
}

/**
 * Set an optimizer's learning rate for the next step. tfjs' SGD and momentum optimizers hold the
 * rate as a kept scalar (`setLearningRate` replaces it); Adam and others read their
 * `learningRate` field at each update.
 */
export function setOptimizerLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  const o = optimizer as unknown as { setLearningRate?: (lr: number) => void; learningRate?: number };
  if (typeof o.setLearningRate === 'function') o.setLearningRate(learningRate);
  else o.learningRate = learningRate;
}
