/**
 * RMS normalization as a TensorFlow.js layer.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import type { ActivationArgs, NormActivation } from '../layers/activation';
import type { BaseLayerArgs } from '../layers/tfjs-types';
import type { AffineArgs } from './affine';
import type { Convention } from './conventions';
import type { FeatureAxes } from './feature-axes';
import { FeatureAxesNormalization } from './feature-axes-normalization';
import { rmsNormAffine } from './feature-norm-op';

/** The float32 machine epsilon, 2⁻²³: PyTorch's `nn.RMSNorm` default ε for float32 input. */
export const FLOAT32_EPSILON = 2 ** -23;

/** RMS norm's default ε per convention: Keras 3's 1e-6, PyTorch's float32 machine epsilon. */
export function rmsDefaultEpsilon(convention: Convention): number {
  return convention === 'keras' ? 1e-6 : FLOAT32_EPSILON;
}

/** Options of {@link RMSNormalization} (plus tfjs' own layer options). */
export interface RMSNormalizationArgs extends BaseLayerArgs, AffineArgs, ActivationArgs {
  /**
   * The axes to normalize over, which γ (and β) also span: a number, a list, or `'features'`
   * (default) for all axes but the batch axis. For `[N, T, F]` sequences, Keras'
   * `RMSNormalization()` and PyTorch's `nn.RMSNorm(F)` are `axis: -1`.
   */
  axis?: FeatureAxes;
}

/**
 * Root mean square layer normalization (Zhang & Sennrich 2019, "Root Mean Square Layer
 * Normalization"): layer norm without the centering, each example scaled by the inverse of its
 * root mean square over the normalized axes, then by a learned elementwise γ:
 * `y = γ·x / sqrt(mean(x²) + ε)` (+ β when `center` is true), the mean over `axis` per example
 * (and per position of the other axes). Cheaper than layer norm (one statistic, not two) and
 * invariant to a rescaling of its input, not to a shift.
 *
 * Arguments and defaults: `axis` `'features'`; `epsilon` 1e-6 under `keras` (Keras 3's
 * `RMSNormalization`) and 2⁻²³ ≈ 1.19e-7 under `pytorch` (`nn.RMSNorm(eps=None)` on float32
 * input: the machine epsilon); note these differ from the other layers' 1e-3 / 1e-5. `scale`
 * true (γ, initialized to ones); `center` false (neither framework has β; true adds one);
 * initializers, regularizers and constraints of γ/β as for the other layers; `activation`
 * `'linear'` (`'relu'`: the layer returns the ReLU of its output, fused into the kernel on
 * tfjs-node); `convention` `'keras'`.
 *
 * Training and inference compute the same thing (no running statistics); `training` is ignored.
 * Masking: supported (the mask passed through) when normalizing over the last axis only, each
 * position by itself; otherwise a masked input is refused with an Error.
 *
 * Input: rank ≥ 2. Output: the input's shape.
 *
 * Weights, in `getWeights()`/`setWeights()` order: `[gamma]` (then `[beta]` when `center`),
 * shape = the input's sizes on `axis` (Keras names it `scale`, PyTorch `weight`).
 *
 * Registered as `normlab>RMSNormalization`.
 *
 * @example
 * ```ts
 * const block = tf.sequential({ layers: [
 *   tf.layers.dense({ inputShape: [64], units: 128 }),
 *   new RMSNormalization(),                                   // over the 128 features, ε 1e-6
 * ] });
 * new RMSNormalization({ axis: -1, convention: 'pytorch' }); // nn.RMSNorm(F) on [N, T, F]
 * ```
 */
export class RMSNormalization extends FeatureAxesNormalization {
  /** The registered class name. */
  static className = 'normlab>RMSNormalization';

  constructor(args: RMSNormalizationArgs = {}) {
    super(
      args,
      { displayName: 'RMSNormalization', defaultName: 'normlab_rms_norm' },
      { epsilon: rmsDefaultEpsilon, center: () => false },
    );
  }

  /** RMS norm with its affine map and activation ({@link rmsNormAffine}: compiled kernels or tfjs ops). */
  protected override normalizeAffine(
    x: tf.Tensor,
    axes: number[],
    gamma: tf.Tensor | null,
    beta: tf.Tensor | null,
    activation: NormActivation,
  ): tf.Tensor {
    return rmsNormAffine(x, axes, gamma, beta, this.affine.epsilon, activation);
  }
}
tf.serialization.registerClass(RMSNormalization);
