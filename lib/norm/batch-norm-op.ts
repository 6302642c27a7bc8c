/**
 * Batch norm in training mode as one fused differentiable op, {@link batchNormTraining} (the
 * portable path; lib/native has TensorFlow's fused kernels on tfjs-node).
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { affineCustomGrad } from './affine-custom-grad';
import type { Moments } from './batch-norm-steps';
import { broadcastShape, reducedCount } from './broadcast';

/** What {@link batchNormTraining} returns. */
export interface BatchNormTrainingResult {
  /** `y = γ·x̂ + β`, same shape as the input. */
  output: tf.Tensor;
  /** The batch mean, shape `[channels]`. */
  mean: tf.Tensor;
  /** The batch's biased variance, shape `[channels]`. */
  variance: tf.Tensor;
}

/**
 * Batch norm in training mode, fused: steps 1–3 in one differentiable op,
 * `y = γ·(x − μ_B)/sqrt(σ²_B + ε) + β` with the batch statistics over every axis but `axis`.
 *
 * Forward: the moments, then the backend's fused batch-norm kernel (`tf.batchNorm`) when the
 * channels are last. Backward, closed form (`n` values per channel, sums over the reduced axes):
 * `∂β = Σ dy`, `∂γ = Σ dy·x̂`, `∂x = (γ/sqrt(σ²_B + ε))·(dy − (∂β + x̂·∂γ)/n)`.
 *
 * @param x the input (rank ≥ 2).
 * @param gamma `γ`, shape `[channels]` (pass ones for no scale).
 * @param beta `β`, shape `[channels]` (pass zeros for no shift).
 * @param epsilon `ε > 0`.
 * @param axis the channel axis (default `-1`).
 * @returns the output and the batch statistics (all new tensors, owned by the caller).
 *
 * @example
 * ```ts
 * const x = tf.randomNormal([32, 8]);
 * const { output, mean, variance } = batchNormTraining(x, tf.ones([8]), tf.zeros([8]), 1e-3);
 * // output: zero mean, unit variance per channel; mean, variance: shape [8]
 * ```
 */
export function batchNormTraining(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  epsilon: number,
  axis = -1,
): BatchNormTrainingResult {
  const rank = x.rank;
  const channelAxis = axis < 0 ? axis + rank : axis;
  const axes: number[] = [];
  for (let a = 0; a < rank; a++) if (a !== channelAxis) axes.push(a);
  const n = reducedCount(x.shape, axes);
  const fused = channelAxis === rank - 1 && rank <= 4;
  const shape = fused ? [x.shape[channelAxis]] : broadcastShape(rank, [channelAxis], x.shape);
  const channels = [x.shape[channelAxis]];
  let stats: Moments | null = null;
  // The formula itself, for gradients of the gradient (no statistics kept).
  const plain = (xs: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Tensor => {
    const { mean, variance } = tf.moments(xs, axes, true);
    const xhat = tf.mul(tf.sub(xs, mean), tf.rsqrt(tf.add(variance, epsilon)));
    return tf.add(tf.mul(xhat, tf.reshape(g, shape)), tf.reshape(b, shape));
  };
  const op = affineCustomGrad((xs, g, b, save) => {
    const gammaB = tf.reshape(g, shape);
    const betaB = tf.reshape(b, shape);
    const { mean, variance } = tf.moments(xs, axes, !fused);
    const value = fused
      ? tf.batchNorm(xs, mean, variance, betaB, gammaB, epsilon)
      : tf.add(tf.mul(tf.mul(tf.sub(xs, mean), tf.rsqrt(tf.add(variance, epsilon))), gammaB), betaB);
    stats = {
      mean: tf.keep(tf.reshape(mean, channels)),
      variance: tf.keep(tf.reshape(variance, channels)),
    };
    save([xs, mean, variance, gammaB]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sMean, sVar, sGamma] = saved;
        const dBeta = tf.sum(dy, axes, !fused);
        let xhat: tf.Tensor;
        let centered: tf.Tensor;
        const invStd = tf.rsqrt(tf.add(sVar, epsilon));
        if (fused) {
          xhat = tf.batchNorm(sx, sMean, sVar, tf.zerosLike(sMean), tf.onesLike(sMean), epsilon);
        } else {
          xhat = tf.mul(tf.sub(sx, sMean), invStd);
        }
        const dGamma = tf.sum(tf.mul(dy, xhat), axes, !fused);
        if (fused) {
          // (∂β + x̂·∂γ)/n in one fused pass over x.
          centered = tf.batchNorm(sx, sMean, sVar, tf.div(dBeta, n), tf.div(dGamma, n), epsilon);
        } else {
          centered = tf.div(tf.add(dBeta, tf.mul(xhat, dGamma)), n);
        }
        const dx = tf.mul(tf.sub(dy, centered), tf.mul(sGamma, invStd));
        return [dx, tf.reshape(dGamma, channels), tf.reshape(dBeta, channels)];
      },
    };
  }, plain);
  const output = op(x, gamma, beta);
  const kept = stats as Moments | null;
  if (!kept) throw new Error('batchNormTraining: internal error, the batch statistics were not computed');
  // The statistics were kept out of customGrad's inner scope; clone them into the caller's scope
  // (so an enclosing tf.tidy owns them like any other result) and drop the kept handles.
  const mean = kept.mean.clone();
  const variance = kept.variance.clone();
  kept.mean.dispose();
  kept.variance.dispose();
  return { output, mean, variance };
}
