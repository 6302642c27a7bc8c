/**
 * RMS normalization as a TensorFlow.js layer.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import type { BaseLayerArgs, CallKwargs } from '../layers/tfjs-types';
import type { AffineArgs } from './affine';
import { scaleShift } from './batch-norm-steps';
import { broadcastShape } from './broadcast';
import type { BuiltAxes } from './built-shape';
import type { Convention } from './conventions';
import { checkFeatureAxes, type FeatureAxes, resolveFeatureAxes } from './feature-axes';
import { NormalizationLayer } from './normalization-layer';
import { rmsScale } from './rms-scale';

/** The float32 machine epsilon, 2⁻²³: PyTorch's `nn.RMSNorm` default ε for float32 input. */
export const FLOAT32_EPSILON = 2 ** -23;

/** RMS norm's default ε per convention: Keras 3's 1e-6, PyTorch's float32 machine epsilon. */
export function rmsDefaultEpsilon(convention: Convention): number {
  return convention === 'keras' ? 1e-6 : FLOAT32_EPSILON;
}

/** Options of {@link RMSNormalization} (plus tfjs' own layer options). */
export interface RMSNormalizationArgs extends BaseLayerArgs, AffineArgs {
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
 * initializers, regularizers and constraints of γ/β as for the other layers; `convention`
 * `'keras'`.
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
export class RMSNormalization extends NormalizationLayer {
  /** The registered class name. */
  static className = 'normlab>RMSNormalization';
  /** The axes as given. */
  readonly axis: FeatureAxes;

  constructor(args: RMSNormalizationArgs = {}) {
    super(
      args,
      { displayName: 'RMSNormalization', defaultName: 'normlab_rms_norm' },
      { epsilon: rmsDefaultEpsilon, center: () => false },
    );
    this.axis = checkFeatureAxes(args.axis ?? 'features');
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = this.buildShape(inputShape, 2, 'batch, features...');
    const built = resolveFeatureAxes(this.axis, shape, 'RMSNormalization');
    this.addAffine(built, built.sizes);
    // Each position normalized by itself only when the statistics are over the last axis alone.
    this.supportsMasking = built.axes.length === 1 && built.axes[0] === shape.length - 1;
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: CallKwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = this.checkedInput(inputs, kwargs);
      const { axes } = this.builtInput as BuiltAxes;
      const shape = broadcastShape(x.rank, axes, x.shape);
      const { gamma, beta } = this.affineOrNull();
      const r = (t: tf.Tensor | null): tf.Tensor | null => (t ? tf.reshape(t, shape) : null);
      return scaleShift(rmsScale(x, axes, this.affine.epsilon), r(gamma), r(beta));
    });
  }

  protected override layerConfig(): tf.serialization.ConfigDict {
    return { axis: this.axis };
  }
}
tf.serialization.registerClass(RMSNormalization);
