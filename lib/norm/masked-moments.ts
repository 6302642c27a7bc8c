/**
 * Batch statistics that leave masked positions out ({@link maskedMoments}), as Keras 3's
 * `BatchNormalization` computes them for a masked input.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';

/** What {@link maskedMoments} returns. */
export interface MaskedMoments {
  /** Per-channel mean over the unmasked positions, shape `[channels]`. */
  mean: tf.Tensor;
  /** Per-channel biased variance over the unmasked positions, shape `[channels]`. */
  variance: tf.Tensor;
  /** The number of unmasked positions behind each statistic, a scalar. */
  count: tf.Scalar;
}

/**
 * The mean and biased variance of each channel of channels-last `x` over the positions where
 * `mask` is true: with `w` the mask broadcast over the channels, `n = Σ w`,
 * `μ = Σ w·x / n`, `σ² = Σ w·(x − μ)² / n` (sums over every axis but the last). An all-masked
 * batch gives `μ = σ² = 0` (`n` floored at 1). Differentiable with respect to `x` by tfjs'
 * automatic differentiation.
 *
 * @param x channels-last input `[N, ..., C]`.
 * @param mask `[N, ...]`, the input's shape without the channel axis (Keras' mask layout), bool
 *   or 0/1.
 * @throws Error when the mask's shape is not the input's without its last axis.
 *
 * @example
 * ```ts
 * const x = tf.randomNormal([2, 6, 4]);                    // [batch, time, channels]
 * const mask = tf.tensor2d([[1, 1, 1, 0, 0, 0], [1, 1, 1, 1, 1, 1]]); // padded steps are 0
 * const { mean, variance } = maskedMoments(x, mask);         // each of shape [4]
 * ```
 */
export function maskedMoments(x: tf.Tensor, mask: tf.Tensor): MaskedMoments {
  const want = x.shape.slice(0, -1);
  if (mask.rank !== x.rank - 1 || mask.shape.some((d, i) => d !== want[i])) {
    throw new Error(
      `the mask must have the input's shape without the channel axis, [${want}]; got [${mask.shape}]`,
    );
  }
  return tf.tidy(() => {
    const axes = want.map((_, i) => i);
    const w = tf.expandDims(tf.cast(mask, 'float32'), -1);
    const count = tf.maximum(tf.sum(w), 1) as tf.Scalar;
    const mean = tf.div(tf.sum(tf.mul(x, w), axes), count);
    const centred = tf.mul(tf.sub(x, mean), w);
    const variance = tf.div(tf.sum(tf.square(centred), axes), count);
    return { mean, variance, count };
  });
}
