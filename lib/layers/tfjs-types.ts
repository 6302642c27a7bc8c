/**
 * Names for the tfjs types a layer's options and `build` use (base layer arguments, call
 * keyword arguments, initializers, regularizers, constraints and their serialized forms), which
 * tfjs does not export under names of their own.
 *
 * @module
 */
import type * as tf from '@tensorflow/tfjs';

/** The base options every tfjs layer takes (`name`, `inputShape`, `trainable`, `dtype`, ...). */
export type BaseLayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

/** The keyword arguments of `Layer.call` (normlab's layers read `training`). */
export type CallKwargs = Parameters<tf.layers.Layer['call']>[1];

/** A tfjs weight initializer, such as `tf.initializers.ones()`. */
export type Initializer = ReturnType<typeof tf.initializers.ones>;

/** A tfjs weight regularizer, such as `tf.regularizers.l2()`. */
export interface Regularizer extends tf.serialization.Serializable {
  /** The penalty for a weight tensor. */
  apply(x: tf.Tensor): tf.Scalar;
}

/** A tfjs weight constraint, such as `tf.constraints.nonNeg()`. */
export interface Constraint extends tf.serialization.Serializable {
  /** Project a weight tensor onto the constraint. */
  apply(w: tf.Tensor): tf.Tensor;
}

/**
 * An initializer given as an object, as the names `'zeros'`/`'ones'` (or any tfjs initializer's
 * class name, e.g. `'GlorotUniform'`), or as a serialized `{ className, config }` (what a saved
 * model holds).
 */
export type InitializerSpec = Initializer | string | tf.serialization.ConfigDict;

/** A regularizer as an object or serialized `{ className, config }`; `null` for none. */
export type RegularizerSpec = Regularizer | tf.serialization.ConfigDict | null;

/** A constraint as an object or serialized `{ className, config }`; `null` for none. */
export type ConstraintSpec = Constraint | tf.serialization.ConfigDict | null;

/**
 * A layer's `addWeight`, passed bound (`this.addWeight.bind(this)`): tfjs makes the method
 * protected, so a helper outside the class receives it from the layer.
 */
export type AddWeight = (
  name: string,
  shape: tf.Shape,
  dtype?: tf.DataType,
  initializer?: Initializer,
  regularizer?: Regularizer,
  trainable?: boolean,
  constraint?: Constraint,
) => tf.LayerVariable;
