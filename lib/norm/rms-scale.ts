/**
 * RMS normalization's one operation, {@link rmsScale}: divide by the root mean square over some
 * axes, with a closed-form gradient.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';

/**
 * Scale `x` by the inverse of its root mean square over `axes` (no centering):
 * `x̂ = x / sqrt(mean(x²) + ε)`, the mean over `axes`, per position of the other axes.
 *
 * Its gradient is closed form: with `s = 1/sqrt(mean(x²) + ε)` and `g = ∂L/∂x̂`,
 * `∂L/∂x = s·(g − x̂·mean(g·x̂))`, means over `axes`.
 *
 * @param x the input.
 * @param axes the axes to reduce (non-negative, sorted).
 * @param epsilon `ε > 0`.
 * @example
 * ```ts
 * const xhat = rmsScale(x, [1], 1e-6); // RMS norm of [N, F] features, without γ
 * ```
 */
export function rmsScale(x: tf.Tensor, axes: number[], epsilon: number): tf.Tensor {
  const op = tf.customGrad((input: tf.Tensor | tf.GradSaveFunc, save: tf.Tensor | tf.GradSaveFunc) => {
    const xs = input as tf.Tensor;
    const inv = tf.rsqrt(tf.add(tf.mean(tf.square(xs), axes, true), epsilon));
    const xhat = tf.mul(xs, inv);
    (save as tf.GradSaveFunc)([xhat, inv]);
    return {
      value: xhat,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [savedXhat, savedInv] = saved;
        const meanDyXhat = tf.mean(tf.mul(dy, savedXhat), axes, true);
        return tf.mul(tf.sub(dy, tf.mul(savedXhat, meanDyXhat)), savedInv);
      },
    };
  });
  return op(x);
}
