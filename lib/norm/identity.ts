/**
 * The `none` normalization: a serializable identity layer.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { singleInput } from '../layers/layer-input';
import { defaultLayerName } from '../layers/layer-name';
import type { BaseLayerArgs, CallKwargs } from '../layers/tfjs-types';

/**
 * The identity, `y = x`, as a layer: what `normLayer('none')` returns, so a model's structure is
 * the same for every normalization kind. No weights. Registered as `normlab>Identity`.
 *
 * @example
 * ```ts
 * const y = new IdentityNormalization().apply(x) as tf.Tensor; // same values as x
 * ```
 */
export class IdentityNormalization extends tf.layers.Layer {
  /** The registered class name. */
  static className = 'normlab>Identity';

  constructor(args: BaseLayerArgs = {}) {
    super({ ...args, name: args.name ?? defaultLayerName('normlab_identity') });
    this.supportsMasking = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: CallKwargs): tf.Tensor {
    return tf.clone(singleInput(inputs, 'IdentityNormalization'));
  }
}
tf.serialization.registerClass(IdentityNormalization);
