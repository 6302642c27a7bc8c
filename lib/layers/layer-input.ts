/**
 * The single input of a one-input layer, from what tfjs passes to `call` and `build`.
 *
 * @module
 */
import type * as tf from '@tensorflow/tfjs';

/**
 * The one input tensor of a layer call.
 *
 * @throws Error naming the layer when given several tensors.
 */
export function singleInput(inputs: tf.Tensor | tf.Tensor[], layer: string): tf.Tensor {
  if (Array.isArray(inputs)) {
    if (inputs.length !== 1)
      throw new Error(`${layer} expects exactly one input tensor; got ${inputs.length}`);
    return inputs[0];
  }
  return inputs;
}

/** The single input shape given to `build`/`computeOutputShape`. */
export function singleShape(shape: tf.Shape | tf.Shape[], layer: string): tf.Shape {
  if (Array.isArray(shape[0]) || (shape.length > 0 && shape[0] !== null && typeof shape[0] === 'object')) {
    const shapes = shape as tf.Shape[];
    if (shapes.length !== 1) throw new Error(`${layer} expects exactly one input; got ${shapes.length}`);
    return shapes[0];
  }
  return shape as tf.Shape;
}
