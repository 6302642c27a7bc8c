/**
 * Layer normalization as a TensorFlow.js layer.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { broadcastShape, scaleShift, standardize } from './core';
import {
  type AffineArgs,
  type AffineWeights,
  addAffineWeights,
  affineConfig,
  type BaseLayerArgs,
  type BuiltAxes,
  type CallKwargs,
  checkBuiltShape,
  defaultLayerName,
  type ResolvedAffine,
  resolveAffine,
  singleInput,
  singleShape,
} from './layer-options';
import { checkRank, resolveAxes } from './validate';

/**
 * Which axes layer norm normalizes over: one axis, a list, or `'features'` for every axis but the
 * batch axis (Ba et al.'s layer norm of a whole example).
 */
export type LayerNormAxis = number | number[] | 'features';

/** Options of {@link LayerNormalization} (plus tfjs' own layer options). */
export interface LayerNormalizationArgs extends BaseLayerArgs, AffineArgs {
  /**
   * The axes to normalize over, which γ and β also span (default `-1`, the last axis, as in
   * Keras). `'features'` means all axes but the batch axis: for NHWC input `[1, 2, 3]`, with γ/β of
   * shape `[H, W, C]` (PyTorch's `nn.LayerNorm([C, H, W])` in NHWC layout).
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
export class LayerNormalization extends tf.layers.Layer {
  /** The registered class name (namespaced, so tfjs' own LayerNormalization stays intact). */
  static className = 'normlab>LayerNormalization';
  /** The axes as given. */
  readonly axis: LayerNormAxis;
  /** ε, convention, center, scale and the γ/β initializers, regularizers and constraints. */
  readonly affine: ResolvedAffine;
  private affineWeights: AffineWeights = { gamma: null, beta: null };
  private builtInput: BuiltAxes = { rank: 0, axes: [], sizes: [] };

  constructor(args: LayerNormalizationArgs = {}) {
    super({ ...args, name: args.name ?? defaultLayerName('normlab_layer_norm') });
    this.affine = resolveAffine(args);
    const axis = args.axis ?? -1;
    const ok =
      axis === 'features' ||
      Number.isInteger(axis) ||
      (Array.isArray(axis) && axis.length > 0 && axis.every((a) => Number.isInteger(a)));
    if (!ok) {
      throw new Error(
        `axis must be an integer, a non-empty list of integers or 'features'; got ${JSON.stringify(args.axis)}`,
      );
    }
    this.axis = Array.isArray(axis) ? [...axis] : axis;
    this.supportsMasking = true;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = singleShape(inputShape, 'LayerNormalization');
    checkRank(shape, 2, 'LayerNormalization', 'batch, features...');
    const rank = shape.length;
    const given =
      this.axis === 'features'
        ? shape.map((_, i) => i).slice(1)
        : Array.isArray(this.axis)
          ? this.axis
          : [this.axis];
    const axes = resolveAxes(given, rank);
    for (const a of axes) {
      if (shape[a] == null) throw new Error(`LayerNormalization: the size of axis ${a} must be known`);
    }
    const sizes = axes.map((a) => shape[a] as number);
    this.builtInput = { rank, axes, sizes };
    this.affineWeights = addAffineWeights(this.addWeight.bind(this), sizes, this.affine);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: CallKwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = singleInput(inputs, 'LayerNormalization');
      checkBuiltShape('LayerNormalization', this.builtInput, x);
      const axes = this.builtInput.axes;
      const xhat = standardize(x, axes, this.affine.epsilon);
      const shape = broadcastShape(x.rank, axes, x.shape);
      const { gamma: g, beta: b } = this.affineWeights;
      const gamma = g ? tf.reshape(g.read(), shape) : null;
      const beta = b ? tf.reshape(b.read(), shape) : null;
      return scaleShift(xhat, gamma, beta);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { axis: this.axis, ...affineConfig(this.affine), ...super.getConfig() };
  }
}
tf.serialization.registerClass(LayerNormalization);
