/**
 * Layer normalization as a TensorFlow.js layer.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import type { ActivationArgs, NormActivation } from '../layers/activation';
import type { BaseLayerArgs } from '../layers/tfjs-types';
import type { AffineArgs } from './affine';
import type { FeatureAxes } from './feature-axes';
import { FeatureAxesNormalization } from './feature-axes-normalization';
import { layerNormAffine } from './feature-norm-op';

/**
 * Which axes layer norm normalizes over: one axis, a list, or `'features'` for every axis but the
 * batch axis (Ba et al.'s layer norm of a whole example).
 */
export type LayerNormAxis = FeatureAxes;

/** Options of {@link LayerNormalization} (plus tfjs' own layer options). */
export interface LayerNormalizationArgs extends BaseLayerArgs, AffineArgs, ActivationArgs {
  /**
   * The axes to normalize over, which γ and β also span. Default `'features'`: all axes but the
   * batch axis, each example normalized as a whole (Ba et al.; the same default as
   * `normLayer('layer')`): for NHWC input `[1, 2, 3]`, with γ/β of shape `[H, W, C]` (PyTorch's
   * `nn.LayerNorm([C, H, W])` in NHWC layout). Keras' default, the last axis only, is `axis: -1`
   * (the same for dense `[N, F]` input; per position for `[N, T, F]` sequences).
   */
  axis?: LayerNormAxis;
}

/**
 * Layer normalization (Ba et al. 2016): each example is standardized over its own features (the
 * axes in `axis`), independently of the rest of the batch, then scaled and shifted elementwise:
 * `y = γ·(x − μ)/sqrt(σ² + ε) + β`, with `μ`, `σ²` the mean and biased variance over `axis` per
 * example (and per position of the other axes), and γ, β of the shape of the normalized axes
 * (so γ/β span all normalized axes, as in Keras and PyTorch, unlike group norm with one group,
 * whose γ/β are per channel).
 *
 * Training and inference compute the same thing (no running statistics); `training` is ignored.
 *
 * Arguments and defaults: `axis` `'features'` (see {@link LayerNormalizationArgs.axis}; Keras'
 * `LayerNormalization()` is `axis: -1`); `epsilon` 1e-3 (`keras`) / 1e-5 (`pytorch`); `center`,
 * `scale` true; `gammaInitializer` `'ones'`, `betaInitializer` `'zeros'`; γ/β regularizers and
 * constraints none; `activation` `'linear'` (`'relu'`: the layer returns the ReLU of its output,
 * fused into the kernel on tfjs-node); `convention` `'keras'`.
 *
 * Input: rank ≥ 2. Output: the input's shape.
 *
 * Masking: supported (the mask passed through unchanged) when the layer normalizes over the last
 * axis only, so that each masked position is normalized by itself; otherwise the statistics would
 * mix masked positions in, and a masked input is refused with an Error.
 *
 * Paper: Ba, Kiros & Hinton 2016, "Layer Normalization".
 *
 * Weights, in `getWeights()`/`setWeights()` order: `[gamma, beta]` (each absent when `scale` /
 * `center` is false), shape = the input's sizes on `axis`.
 *
 * Registered as `normlab>LayerNormalization`, leaving tfjs' own `LayerNormalization` intact.
 *
 * @example
 * ```ts
 * const dense = tf.sequential({ layers: [
 *   tf.layers.dense({ inputShape: [784], units: 128 }),
 *   new LayerNormalization(),                       // over the 128 features, ε 1e-3
 *   tf.layers.reLU(),
 * ] });
 * new LayerNormalization({ axis: 'features', convention: 'pytorch' }); // NHWC: over H, W, C; ε 1e-5
 * ```
 */
export class LayerNormalization extends FeatureAxesNormalization {
  /** The registered class name (namespaced, so tfjs' own LayerNormalization stays intact). */
  static className = 'normlab>LayerNormalization';

  constructor(args: LayerNormalizationArgs = {}) {
    super(args, { displayName: 'LayerNormalization', defaultName: 'normlab_layer_norm' });
  }

  /** Layer norm with its affine map and activation ({@link layerNormAffine}: compiled kernels or tfjs ops). */
  protected override normalizeAffine(
    x: tf.Tensor,
    axes: number[],
    gamma: tf.Tensor | null,
    beta: tf.Tensor | null,
    activation: NormActivation,
  ): tf.Tensor {
    return layerNormAffine(x, axes, gamma, beta, this.affine.epsilon, activation);
  }
}
tf.serialization.registerClass(LayerNormalization);
