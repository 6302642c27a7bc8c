/**
 * The steps of batch renormalization (Ioffe 2017) as small functions on tensors: the clipping
 * limits and their schedule ({@link renormLimits}) and the corrections `r`, `d`
 * ({@link renormCorrection}). The layer is {@link BatchRenormalization}.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';

/** The clipping of the corrections: `r ∈ [rMin, rMax]`, `d ∈ [−dMax, dMax]`; `null` = unbounded. */
export interface RenormClipping {
  /** Lower limit of `r` (`null`: none). */
  rMin: number | null;
  /** Upper limit of `r` (`null`: none). */
  rMax: number | null;
  /** Limit of `|d|` (`null`: none). */
  dMax: number | null;
}

/** When the clipping is relaxed: a warm-up of plain batch norm, then a linear ramp. */
export interface RenormSchedule {
  /** Training steps with `r = 1`, `d = 0` (plain batch norm) before the ramp. */
  warmupSteps: number;
  /** Training steps over which the limits grow linearly from `(1, 1, 0)` to the final ones. */
  rampSteps: number;
}

/** The limits of the corrections at a training step, as scalars (`Infinity` when unbounded). */
export interface RenormLimits {
  /** Lower limit of `r`. */
  rMin: tf.Scalar;
  /** Upper limit of `r`. */
  rMax: tf.Scalar;
  /** Limit of `|d|`. */
  dMax: tf.Scalar;
}

/**
 * The clipping limits at training step `step` (0 for the first step), following the paper's
 * practice: plain batch norm (`rMax = rMin = 1`, `dMax = 0`) for `warmupSteps` steps, then the
 * limits relaxed linearly over `rampSteps` steps to the final `clipping`:
 * with `p = clamp((step − warmupSteps + 1)/rampSteps, 0, 1)` (`p = 1` after the warm-up when
 * `rampSteps = 0`), `rMax(p) = 1 + p·(rMax − 1)`, `rMin(p) = 1 − p·(1 − rMin)`, `dMax(p) = p·dMax`.
 * An unbounded final limit stays unbounded once the warm-up is over (a ramp needs finite limits,
 * which the layer checks).
 *
 * @param step the number of training steps taken before this one, a scalar tensor.
 * @returns scalar limits (new tensors; call inside `tf.tidy`).
 *
 * @example
 * ```ts
 * const limits = renormLimits(tf.scalar(500), { rMin: 1 / 3, rMax: 3, dMax: 5 }, { warmupSteps: 0, rampSteps: 1000 });
 * // halfway through the ramp: r in about [2/3, 2], |d| ≤ about 2.5
 * ```
 */
export function renormLimits(
  step: tf.Scalar,
  clipping: RenormClipping,
  schedule: RenormSchedule,
): RenormLimits {
  const { warmupSteps, rampSteps } = schedule;
  const bound = (v: number | null, fallback: number): number => (v == null ? fallback : v);
  const finalRMax = bound(clipping.rMax, Number.POSITIVE_INFINITY);
  const finalRMin = bound(clipping.rMin, 0);
  const finalDMax = bound(clipping.dMax, Number.POSITIVE_INFINITY);
  if (warmupSteps === 0 && rampSteps === 0) {
    return { rMin: tf.scalar(finalRMin), rMax: tf.scalar(finalRMax), dMax: tf.scalar(finalDMax) };
  }
  // p: 0 during the warm-up, then (step − warmup + 1)/ramp up to 1.
  const afterWarmup = tf.sub(step, warmupSteps - 1);
  const p =
    rampSteps === 0
      ? tf.cast(tf.greater(afterWarmup, 0), 'float32')
      : tf.clipByValue(tf.div(afterWarmup, rampSteps), 0, 1);
  const ramp = (start: number, end: number): tf.Scalar => {
    if (!Number.isFinite(end))
      return tf.where(tf.greater(p, 0), tf.scalar(end), tf.scalar(start)) as tf.Scalar;
    return tf.add(start, tf.mul(p, end - start)) as tf.Scalar;
  };
  return { rMin: ramp(1, finalRMin), rMax: ramp(1, finalRMax), dMax: ramp(0, finalDMax) };
}

/**
 * Batch renormalization's corrections for a batch with mean `μ_B` and standard deviation
 * `σ_B = sqrt(σ²_B + ε)`, against the renormalization statistics `μ`, `σ` (moving averages):
 * `r = clip(σ_B / σ, rMin, rMax)`, `d = clip((μ_B − μ)/σ, −dMax, dMax)`, with `σ` floored at
 * `sqrt(ε)` (so the first steps cannot divide by zero). The output is then
 * `y = γ·(x̂·r + d) + β`; `r` and `d` are constants for the gradient (the paper's stop-gradient),
 * so pass them tensors that are not on a gradient tape (or use them as such).
 *
 * @param batchMean `μ_B`, shape `[channels]`.
 * @param batchStd `σ_B`, shape `[channels]`.
 * @param renormMean `μ`, shape `[channels]`.
 * @param renormStd `σ`, shape `[channels]`.
 * @param epsilon ε (for the floor of `σ`).
 * @param limits the clipping limits (see {@link renormLimits}).
 * @returns `r` and `d`, shape `[channels]` (new tensors; call inside `tf.tidy`).
 *
 * @example
 * ```ts
 * const { r, d } = renormCorrection(batchMean, batchStd, movingMean, movingStd, 1e-3, limits);
 * // x̂ = ((x − μ_B) / σ_B)·r + d, with r and d treated as constants by the gradient
 * ```
 */
export function renormCorrection(
  batchMean: tf.Tensor,
  batchStd: tf.Tensor,
  renormMean: tf.Tensor,
  renormStd: tf.Tensor,
  epsilon: number,
  limits: RenormLimits,
): { r: tf.Tensor; d: tf.Tensor } {
  const std = tf.maximum(renormStd, Math.sqrt(epsilon));
  const r = tf.minimum(tf.maximum(tf.div(batchStd, std), limits.rMin), limits.rMax);
  const d = tf.minimum(
    tf.maximum(tf.div(tf.sub(batchMean, renormMean), std), tf.neg(limits.dMax)),
    limits.dMax,
  );
  return { r, d };
}
