/**
 * The running (moving) averages that batch norm and batch renorm keep for inference, updated in
 * one place: `running ← d·running + (1 − d)·batch`, with `d` the weight of the old value (Keras'
 * momentum, or 1 − PyTorch's, see `decayFromMomentum`). Batch norm's fused native kernel blends
 * the mean and the unbiased variance inside the kernel; every other blend is this one.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import type { RunningVarianceKind } from './conventions';

/**
 * One step of an exponential moving average: `decay·running + (1 − decay)·batch`.
 *
 * @param running the current average.
 * @param batch the new value, the same shape.
 * @param decay the weight of the old value, in [0, 1).
 * @returns a new tensor (call inside `tf.tidy` or dispose it).
 *
 * @example
 * ```ts
 * movingAverage(tf.tensor([0]), tf.tensor([1]), 0.9); // [0.1]
 * ```
 */
export function movingAverage(running: tf.Tensor, batch: tf.Tensor, decay: number): tf.Tensor {
  return tf.add(tf.mul(running, decay), tf.mul(batch, 1 - decay));
}

/**
 * Blend `batch` into a layer's non-trainable variable in place, {@link movingAverage}.
 *
 * @param variable the running statistic (e.g. `moving_mean`).
 * @param batch the batch's statistic, the variable's shape.
 * @param decay the weight of the old value.
 */
export function updateMovingAverage(variable: tf.LayerVariable, batch: tf.Tensor, decay: number): void {
  variable.write(movingAverage(variable.read(), batch, decay));
}

/**
 * The batch variance as the running variance accumulates it: the biased variance as is, or times
 * `n/(n − 1)` for the unbiased one.
 *
 * @param variance the batch's biased variance (÷ n).
 * @param kind `'biased'` (Keras) or `'unbiased'` (PyTorch).
 * @param count `n`, the values behind each statistic: a number (> 1 for `'unbiased'`), or a
 *   tensor of counts (masked batches), where a count of 1 or less leaves the variance as is.
 *
 * @example
 * ```ts
 * runningBatchVariance(tf.tensor([0.5]), 'unbiased', 4); // [0.6666667]
 * ```
 */
export function runningBatchVariance(
  variance: tf.Tensor,
  kind: RunningVarianceKind,
  count: number | tf.Tensor,
): tf.Tensor {
  if (kind === 'biased') return variance;
  if (typeof count === 'number') return tf.mul(variance, count / (count - 1));
  return tf.mul(variance, tf.div(count, tf.maximum(tf.sub(count, 1), 1)));
}
