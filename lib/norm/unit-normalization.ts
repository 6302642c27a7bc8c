/**
 * Unit normalization (Keras' `UnitNormalization`) as a TensorFlow.js layer.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { singleInput, singleShape } from '../layers/layer-input';
import { defaultLayerName } from '../layers/layer-name';
import type { BaseLayerArgs, CallKwargs } from '../layers/tfjs-types';
import { checkRank, resolveAxes } from '../layers/validate';

/** Options of {@link UnitNormalization} (plus tfjs' own layer options). Keras' config keys. */
export interface UnitNormalizationArgs extends BaseLayerArgs {
  /** The axis, or list of axes, whose vector is scaled to unit L2 norm. Default `-1` (Keras'). */
  axis?: number | number[];
}

/**
 * The smallest squared norm divided by, so that an all-zero vector stays zero instead of
 * becoming NaN; Keras' (`tf.math.l2_normalize`'s) constant.
 */
const MIN_SQUARED_NORM = 1e-12;

/**
 * Unit normalization: every vector along `axis` is scaled to unit Euclidean length,
 * `y = x / sqrt(max(Σ_axis x², 1e-12))`, per example and per position of the other axes. No
 * statistics over the batch, no learned weights; training and inference compute the same thing.
 * The floor 1e-12 on the squared norm is Keras' (it keeps an all-zero vector at zero).
 *
 * Arguments and defaults: `axis` `-1` (an integer or a list of integers, negative counting from the
 * end; never the batch axis 0). Input: rank ≥ 2. Output: the input's shape. Weights: none.
 * Masking: passed through unchanged when the sum does not span axis 1 (the time axis of a
 * sequence), so each masked position is normalized by itself; otherwise refused.
 *
 * Registered as `normlab>UnitNormalization` and under Keras' own name `UnitNormalization` (which
 * tfjs lacks), so converted Keras models with this layer load with `tf.loadLayersModel`.
 *
 * @example
 * ```ts
 * const embed = tf.sequential({ layers: [
 *   tf.layers.dense({ inputShape: [64], units: 32 }),
 *   new UnitNormalization(),          // each 32-vector to length 1 (cosine-similarity embeddings)
 * ] });
 * ```
 */
export class UnitNormalization extends tf.layers.Layer {
  /** The registered class name. */
  static className = 'normlab>UnitNormalization';
  /** The axis or axes as given. */
  readonly axis: number | number[];
  private axes: number[] | null = null;

  constructor(args: UnitNormalizationArgs = {}) {
    super({ ...args, name: args.name ?? defaultLayerName('normlab_unit_norm') });
    const axis = args.axis ?? -1;
    const ok =
      Number.isInteger(axis) ||
      (Array.isArray(axis) && axis.length > 0 && axis.every((a) => Number.isInteger(a)));
    if (!ok) {
      throw new Error(
        `UnitNormalization: axis must be an integer or a non-empty list of integers; got ${JSON.stringify(axis)}`,
      );
    }
    this.axis = Array.isArray(axis) ? [...axis] : axis;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = singleShape(inputShape, 'UnitNormalization');
    checkRank(shape, 2, 'UnitNormalization', 'batch, features...');
    // resolveAxes refuses the batch axis 0, an axis out of range and an axis listed twice.
    const axes = resolveAxes(Array.isArray(this.axis) ? this.axis : [this.axis], shape.length);
    this.axes = axes;
    this.supportsMasking = !axes.includes(1) || shape.length === 2;
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: CallKwargs): tf.Tensor {
    return tf.tidy(() => {
      if (!this.supportsMasking && kwargs?.mask != null) {
        throw new Error(
          'UnitNormalization does not support masking when its axis spans axis 1 (the time axis): ' +
            'the norm would count the masked positions. Use axis -1.',
        );
      }
      const x = singleInput(inputs, 'UnitNormalization');
      if (!this.axes) throw new Error('UnitNormalization was called before it was built');
      const squared = tf.sum(tf.square(x), this.axes, true);
      return tf.mul(x, tf.rsqrt(tf.maximum(squared, MIN_SQUARED_NORM)));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { axis: this.axis, ...super.getConfig() };
  }
}
tf.serialization.registerClass(UnitNormalization);

/** The same layer under Keras' own name, so Keras models with `UnitNormalization` load. */
class KerasUnitNormalization extends UnitNormalization {
  static override className = 'UnitNormalization';
}
tf.serialization.registerClass(KerasUnitNormalization);
