/**
 * Layer norm and RMS norm with their elementwise affine map as functional ops,
 * {@link layerNormAffine} and {@link rmsNormAffine}: the one place that chooses between normlab's
 * compiled kernels (lib/native/norm-kernels.ts) and the portable tfjs ops.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { applyActivation, type NormActivation } from '../layers/activation';
import { type NormKernelLayout, nativeGroupNorm, nativeRmsNorm } from '../native/norm-kernels';
import { scaleShift } from './batch-norm-steps';
import { broadcastShape } from './broadcast';
import { rmsScale } from './rms-scale';
import { standardize } from './standardize';

/**
 * The compiled kernels' view of a normalization over `axes` of `shape`, when `axes` are the last
 * axes (the compiled kernels' layout): rows = the leading axes, statistics over the rest, γ/β of
 * the normalized axes' shape. Other axes (e.g. `[1]` of a rank-3 input) return `null`.
 */
export function trailingAxesLayout(
  shape: readonly number[],
  axes: readonly number[],
): NormKernelLayout | null {
  const rank = shape.length;
  const first = rank - axes.length;
  if (axes.length === 0 || axes.some((a, i) => a !== first + i)) return null;
  const size = (from: number, to: number): number => shape.slice(from, to).reduce((p, d) => p * d, 1);
  const spatial = size(first, rank - 1);
  return {
    rows: size(0, first),
    spatial,
    channels: shape[rank - 1],
    groups: 1,
    perElementAffine: spatial > 1,
  };
}

/** γ and β flattened for the kernels, ones and zeros for absent ones. */
function affineOrIdentity(
  gamma: tf.Tensor | null,
  beta: tf.Tensor | null,
  layout: NormKernelLayout,
): [tf.Tensor, tf.Tensor] {
  const size = layout.perElementAffine ? layout.spatial * layout.channels : layout.channels;
  return [gamma ?? tf.ones([size]), beta ?? tf.zeros([size])];
}

/** Portable `scaleShift(core(x), γ, β)`, γ and β reshaped to broadcast over `axes`. */
function portable(
  xhat: tf.Tensor,
  axes: readonly number[],
  gamma: tf.Tensor | null,
  beta: tf.Tensor | null,
): tf.Tensor {
  const shape = broadcastShape(xhat.rank, axes, xhat.shape);
  const r = (t: tf.Tensor | null): tf.Tensor | null => (t ? tf.reshape(t, shape) : null);
  return scaleShift(xhat, r(gamma), r(beta));
}

/**
 * Layer norm (`center`) or RMS norm with the affine map and activation: the compiled kernel pair
 * when `axes` are the input's last axes and the kernels run here, tfjs ops otherwise.
 */
function featureNormAffine(
  center: boolean,
  x: tf.Tensor,
  axes: readonly number[],
  gamma: tf.Tensor | null,
  beta: tf.Tensor | null,
  epsilon: number,
  activation: NormActivation,
): tf.Tensor {
  return tf.tidy(() => {
    const layout = trailingAxesLayout(x.shape, axes);
    if (layout) {
      const [g, b] = affineOrIdentity(gamma, beta, layout);
      const native = (center ? nativeGroupNorm : nativeRmsNorm)(
        x,
        g,
        b,
        layout,
        epsilon,
        activation === 'relu',
      );
      if (native) return native;
    }
    const core = center ? standardize(x, [...axes], epsilon) : rmsScale(x, [...axes], epsilon);
    return applyActivation(portable(core, axes, gamma, beta), activation);
  });
}

/**
 * Layer norm with its elementwise affine map: `y = γ·(x − μ)/sqrt(σ² + ε) + β`, μ and σ² the mean
 * and biased variance over `axes` (per position of the other axes), γ and β of the normalized
 * axes' shape; then the activation. One compiled kernel each way on tfjs-node when `axes` are the
 * last axes of the input; {@link standardize} and tfjs ops otherwise.
 *
 * @param x the input.
 * @param axes the axes to normalize over (non-negative, sorted).
 * @param gamma γ, the shape of `x` on `axes`, or `null` for 1.
 * @param beta β, as γ, or `null` for 0.
 * @param epsilon ε > 0.
 * @param activation `'relu'` for `relu(y)`; default `'linear'`.
 *
 * @example
 * ```ts
 * const y = layerNormAffine(tf.randomNormal([2, 4, 4, 3]), [1, 2, 3], null, null, 1e-5);
 * ```
 */
export function layerNormAffine(
  x: tf.Tensor,
  axes: readonly number[],
  gamma: tf.Tensor | null,
  beta: tf.Tensor | null,
  epsilon: number,
  activation: NormActivation = 'linear',
): tf.Tensor {
  return featureNormAffine(true, x, axes, gamma, beta, epsilon, activation);
}

/**
 * RMS norm with its elementwise affine map: `y = γ·x/sqrt(mean(x²) + ε) (+ β)`, the mean over
 * `axes`; then the activation. One compiled kernel each way on tfjs-node when `axes` are the last
 * axes of the input; {@link rmsScale} and tfjs ops otherwise.
 *
 * @param x the input.
 * @param axes the axes to normalize over (non-negative, sorted).
 * @param gamma γ, the shape of `x` on `axes`, or `null` for 1.
 * @param beta β, as γ, or `null` for none.
 * @param epsilon ε > 0.
 * @param activation `'relu'` for `relu(y)`; default `'linear'`.
 *
 * @example
 * ```ts
 * const y = rmsNormAffine(tf.randomNormal([8, 16]), [1], tf.ones([16]), null, 1e-6);
 * ```
 */
export function rmsNormAffine(
  x: tf.Tensor,
  axes: readonly number[],
  gamma: tf.Tensor | null,
  beta: tf.Tensor | null,
  epsilon: number,
  activation: NormActivation = 'linear',
): tf.Tensor {
  return featureNormAffine(false, x, axes, gamma, beta, epsilon, activation);
}
