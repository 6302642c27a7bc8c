/**
 * Group (and instance) norm with its affine map as one fused differentiable op,
 * {@link groupNormAffine}.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { applyActivation, type NormActivation } from '../layers/activation';
import { nativeGroupNorm } from '../native/norm-kernels';
import { affineCustomGrad } from './affine-custom-grad';
import { scaleShift } from './batch-norm-steps';
import { groupStandardize } from './standardize';

/**
 * Group norm with its per-channel affine map, fused into one differentiable op for channels-last
 * `x` of shape `[N, ...S, C]` (`S` spatial axes, possibly none): the channels are split into
 * `groups` groups of `C/G` consecutive channels, each (example, group) is standardized over
 * `S` × its channels, then `y = γ_c·x̂ + β_c`. Instance norm is `groups = C`.
 *
 * Same numbers as `scaleShift(groupStandardize(x, G, ε), γ, β)`, computed faster: every reduction
 * is a per-channel mean over the spatial axes (a layout the backends reduce quickly) followed by
 * an average over the channels of a group on the small `[N, 1, ..., C]` statistics, and the
 * backward pass is closed form, with `x_c = x − μ`, `r = 1/sqrt(σ² + ε)` per (example, group),
 * `M₁ = mean_group(γ·dy)`, `M₂ = mean_group(γ·dy·x̂)`:
 * `∂x = r·(γ·dy − M₁ − x̂·M₂)`, `∂γ = Σ_{N,S} dy·x̂`, `∂β = Σ_{N,S} dy`.
 *
 * A dense `[N, C]` input (no spatial axes) takes the plain core path,
 * `scaleShift(groupStandardize(x, G, ε), γ, β)`, which is cheaper there.
 *
 * On tfjs-node with normlab's compiled kernels (lib/native/norm-kernels.ts) the whole op, and
 * its gradient, is one kernel each way, the ReLU included; elsewhere the tfjs ops above run.
 *
 * @param x channels-last input of rank ≥ 2.
 * @param gamma `γ`, shape `[C]` (ones for no scale).
 * @param beta `β`, shape `[C]` (zeros for no shift).
 * @param groups the number of groups; must divide `C`.
 * @param epsilon `ε > 0`.
 * @param activation `'relu'` returns `relu(y)` (fused into the compiled kernels where they run);
 *   default `'linear'`.
 *
 * @example
 * ```ts
 * const x = tf.randomNormal([2, 5, 5, 8]);
 * const y = groupNormAffine(x, tf.ones([8]), tf.zeros([8]), 4, 1e-5); // 4 groups of 2 channels
 * ```
 */
export function groupNormAffine(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  groups: number,
  epsilon: number,
  activation: NormActivation = 'linear',
): tf.Tensor {
  const shape = x.shape;
  const rows = shape[0];
  const channels = shape[shape.length - 1];
  const spatialSize = shape.slice(1, -1).reduce((p, d) => p * d, 1);
  const layout = { rows, spatial: spatialSize, channels, groups, perElementAffine: false };
  const native = nativeGroupNorm(x, gamma, beta, layout, epsilon, activation === 'relu');
  if (native) return native;
  return applyActivation(groupNormPortable(x, gamma, beta, groups, epsilon), activation);
}

/** {@link groupNormAffine} in tfjs ops (every backend). */
function groupNormPortable(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  groups: number,
  epsilon: number,
): tf.Tensor {
  const shape = x.shape;
  const rank = shape.length;
  const n = shape[0];
  const channels = shape[rank - 1];
  const spatial: number[] = [];
  for (let a = 1; a < rank - 1; a++) spatial.push(a);
  if (spatial.length === 0) {
    // Dense [N, C] input: the per-channel statistics would be as large as x itself, so the plain
    // core path (reshape into groups, standardize, scale and shift) is cheaper here.
    return tf.tidy(() => scaleShift(groupStandardize(x, groups, epsilon), gamma, beta));
  }
  const statShape = shape.map((d, a) => (a === 0 || a === rank - 1 ? d : 1));
  const perGroup = channels / groups;
  // Mean over the spatial axes, per example and channel: [N, 1, ..., C].
  const meanS = (t: tf.Tensor): tf.Tensor => (spatial.length ? tf.mean(t, spatial, true) : t);
  // Average [N, 1, ..., C] statistics over the channels of each group, broadcast back to every channel.
  const groupAvg = (t: tf.Tensor): tf.Tensor => {
    if (perGroup === 1) return t;
    const m = tf.mean(tf.reshape(t, [n, groups, perGroup]), 2, true);
    return tf.reshape(tf.broadcastTo(m, [n, groups, perGroup]), statShape);
  };
  const sumNS = (t: tf.Tensor, count: number): tf.Tensor => tf.mul(tf.sum(t, 0), count);
  const spatialCount = spatial.reduce((p, a) => p * shape[a], 1);
  // The formula itself, for gradients of the gradient.
  const plain = (xs: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Tensor =>
    scaleShift(groupStandardize(xs, groups, epsilon), g, b);
  const op = affineCustomGrad((xs, g, b, save) => {
    const mean = groupAvg(meanS(xs));
    const centered = tf.sub(xs, mean);
    const variance = groupAvg(meanS(tf.square(centered)));
    const invStd = tf.rsqrt(tf.add(variance, epsilon));
    const scale = tf.mul(invStd, g);
    const value = tf.add(tf.mul(centered, scale), b);
    save([centered, invStd, g]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xc, r, gm] = saved;
        const meanDy = meanS(dy); // [N, 1, ..., C]
        const meanDyXhat = tf.mul(meanS(tf.mul(dy, xc)), r); // mean_S(dy·x̂)
        const m1 = groupAvg(tf.mul(meanDy, gm));
        const m2 = groupAvg(tf.mul(meanDyXhat, gm));
        const dx = tf.sub(
          tf.sub(tf.mul(dy, tf.mul(r, gm)), tf.mul(xc, tf.mul(tf.square(r), m2))),
          tf.mul(r, m1),
        );
        const dGamma = tf.reshape(sumNS(meanDyXhat, spatialCount), [channels]);
        const dBeta = tf.reshape(sumNS(meanDy, spatialCount), [channels]);
        return [dx, dGamma, dBeta];
      },
    };
  }, plain);
  return op(x, gamma, beta);
}
