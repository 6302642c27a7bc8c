/**
 * The base of the per-example normalizations over feature axes, layer norm and RMS norm: the
 * `axis` option, `build` (γ and β span the normalized axes), the masking rule and the affine map
 * after the normalization. A subclass says only how it normalizes over the axes.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import type { NormActivation } from '../layers/activation';
import type { BaseLayerArgs, CallKwargs } from '../layers/tfjs-types';
import type { AffineArgs, AffineDefaults } from './affine';
import type { BuiltAxes } from './built-shape';
import { checkFeatureAxes, type FeatureAxes, resolveFeatureAxes } from './feature-axes';
import { NormalizationLayer, type NormalizationNaming } from './normalization-layer';

/** Options of a {@link FeatureAxesNormalization} (plus tfjs' own layer options). */
export interface FeatureAxesNormalizationArgs extends BaseLayerArgs, AffineArgs {
  /**
   * The axes to normalize over, which γ and β also span: a number, a list, or `'features'`
   * (default) for all axes but the batch axis.
   */
  axis?: FeatureAxes;
}

/**
 * A normalization of each example over its own feature axes, followed by an elementwise
 * `γ·x̂ + β` whose weights have the shape of the normalized axes. The same in training and
 * inference (no running statistics). Masking is supported, the mask passed through, when the axes
 * are the last axis alone, so that every position is normalized by itself.
 */
export abstract class FeatureAxesNormalization extends NormalizationLayer {
  /** The axes as given. */
  readonly axis: FeatureAxes;

  /**
   * @param args the layer's options.
   * @param naming the class name for messages and the stem of default layer names.
   * @param defaults the layer's own defaults of ε, γ and β, where they differ from the
   *   convention's.
   */
  protected constructor(
    args: FeatureAxesNormalizationArgs,
    naming: NormalizationNaming,
    defaults: AffineDefaults = {},
  ) {
    super(args, naming, defaults);
    this.axis = checkFeatureAxes(args.axis ?? 'features');
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = this.buildShape(inputShape, 2, 'batch, features...');
    const built = resolveFeatureAxes(this.axis, shape, this.displayName);
    this.addAffine(built, built.sizes);
    // Each position normalized by itself only when the statistics are over the last axis alone.
    this.supportsMasking = built.axes.length === 1 && built.axes[0] === shape.length - 1;
    this.built = true;
  }

  protected override normalize(
    inputs: tf.Tensor | tf.Tensor[],
    kwargs: CallKwargs,
    activation: NormActivation,
  ): tf.Tensor {
    return tf.tidy(() => {
      const x = this.checkedInput(inputs, kwargs);
      const { axes } = this.builtInput as BuiltAxes;
      const { gamma, beta } = this.affineOrNull();
      return this.normalizeAffine(x, axes, gamma, beta, activation);
    });
  }

  /**
   * `x` normalized over `axes` per example, then `γ·x̂ + β` (γ, β of the normalized axes' shape,
   * `null` when absent), then the activation: one functional op of the kind (lib/norm's
   * feature-norm-op.ts), which chooses normlab's compiled kernels or tfjs ops.
   *
   * @param x the input.
   * @param axes the resolved axes (sorted, ≥ 1).
   * @param gamma γ or `null`.
   * @param beta β or `null`.
   * @param activation the activation to apply.
   */
  protected abstract normalizeAffine(
    x: tf.Tensor,
    axes: number[],
    gamma: tf.Tensor | null,
    beta: tf.Tensor | null,
    activation: NormActivation,
  ): tf.Tensor;

  protected override layerConfig(): tf.serialization.ConfigDict {
    return { axis: this.axis };
  }
}
