/**
 * THE core of the normalizations: standardize over some axes ({@link standardize}), and group
 * norm's version over groups of channels ({@link groupStandardize}), with a closed-form gradient.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { unaryCustomGrad } from './affine-custom-grad';

/**
 * THE core of all four normalizations: standardize `x` over `axes`,
 * `x̂ = (x − μ) / sqrt(σ² + ε)` with `μ`, `σ²` the mean and biased variance over `axes`
 * (kept per position of the other axes).
 *
 * Its gradient is closed-form rather than derived through the moments: with `g = ∂L/∂x̂`,
 * `∂L/∂x = (1/sqrt(σ² + ε))·(g − mean(g) − x̂·mean(g·x̂))`, means over `axes`.
 *
 * - batch norm: `axes` = every axis but the channel axis;
 * - layer norm: `axes` = the example's feature axes;
 * - instance norm: `axes` = the spatial axes;
 * - group norm: the spatial axes and the channels of a group ({@link groupStandardize}).
 *
 * @param x the input.
 * @param axes the axes to standardize over (non-negative, sorted).
 * @param epsilon `ε > 0`.
 * @example
 * ```ts
 * const xhat = standardize(x, [1, 2], 1e-5); // instance norm of NHWC x, without γ/β
 * ```
 */
export function standardize(x: tf.Tensor, axes: number[], epsilon: number): tf.Tensor {
  const op = unaryCustomGrad(
    (xs, save) => {
      const { mean, variance } = tf.moments(xs, axes, true);
      const invStd = tf.rsqrt(tf.add(variance, epsilon));
      const xhat = tf.mul(tf.sub(xs, mean), invStd);
      save([xhat, invStd]);
      return {
        value: xhat,
        gradFunc: (dy, [savedXhat, savedInvStd]) => {
          const meanDy = tf.mean(dy, axes, true);
          const meanDyXhat = tf.mean(tf.mul(dy, savedXhat), axes, true);
          return tf.mul(tf.sub(tf.sub(dy, meanDy), tf.mul(savedXhat, meanDyXhat)), savedInvStd);
        },
      };
    },
    (xs) => {
      const { mean, variance } = tf.moments(xs, axes, true);
      return tf.mul(tf.sub(xs, mean), tf.rsqrt(tf.add(variance, epsilon)));
    },
  );
  return op(x);
}

/**
 * Group norm's standardization of channels-last `x` (shape `[N, ...spatial, C]`): split the `C`
 * channels into `groups` groups of `C/groups` consecutive channels, then {@link standardize} each
 * example over its spatial axes and the channels of each group:
 * `[N, ...S, C] → [N, ...S, G, C/G]`, standardize over `(...S, C/G)`, reshape back.
 * `groups = 1` standardizes over all features (layer norm's statistics); `groups = C` over the
 * spatial axes per channel (instance norm's statistics).
 *
 * @param x channels-last input of rank ≥ 2.
 * @param groups the number of groups; must divide `C`.
 * @param epsilon `ε > 0`.
 *
 * @example
 * ```ts
 * const x = tf.randomNormal([2, 5, 5, 8]);
 * const xhat = groupStandardize(x, 4, 1e-5); // group norm without γ/β; groups = C is instance norm
 * ```
 */
export function groupStandardize(x: tf.Tensor, groups: number, epsilon: number): tf.Tensor {
  return tf.tidy(() => {
    const shape = x.shape;
    const channels = shape[shape.length - 1];
    const grouped = tf.reshape(x, [...shape.slice(0, -1), groups, channels / groups]);
    const axes: number[] = [];
    for (let a = 1; a < shape.length - 1; a++) axes.push(a);
    axes.push(shape.length);
    return tf.reshape(standardize(grouped, axes, epsilon), shape);
  });
}
