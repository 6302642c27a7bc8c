/**
 * The activation a normalization layer can apply to its own output, and a ReLU with a cheaper
 * gradient than tfjs' own (shared with the zoo's `ReLU` layer).
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { higherOrderRequested } from '../native/gradient-order';
import { NORM_ACTIVATIONS, type NormActivation } from '../native/norm-activations';
import { nativeReluGrad } from '../native/relu-grad';

export { NORM_ACTIVATIONS, type NormActivation };

/** The option of the layers that take an activation (batch, layer, instance, group, RMS norm). */
export interface ActivationArgs {
  /**
   * `'relu'` applies a ReLU to the layer's output inside the layer (fused into the kernel on
   * tfjs-node where normlab's or TensorFlow's kernels run); default `'linear'`, none.
   */
  activation?: NormActivation;
}

/**
 * `value` as a {@link NormActivation}, or an Error naming the option and the allowed values.
 *
 * @param value the option's value (`undefined` gives `'linear'`).
 * @param option the option's name, for the message.
 */
export function checkActivation(value: unknown, option = 'activation'): NormActivation {
  if (value === undefined) return 'linear';
  if ((NORM_ACTIVATIONS as readonly unknown[]).includes(value)) return value as NormActivation;
  throw new Error(`${option} must be one of ${NORM_ACTIVATIONS.join(', ')}; got ${JSON.stringify(value)}`);
}

/**
 * `relu(x)` whose gradient is `dy · sign(relu(x))` (portable), or TensorFlow's one-op `ReluGrad`
 * on tfjs-node.
 *
 * tfjs differentiates `relu(x)` as `dy · step(x)`, and tfjs-node's `Step` kernel builds the step
 * from six full-size operations (isNaN, greater, two fills, two selects). `sign(y)` with
 * `y = relu(x) ≥ 0` is 1 where `x > 0` and 0 elsewhere: the same values in two element-wise passes.
 */
export const reluFastGrad: (x: tf.Tensor) => tf.Tensor = tf.customGrad(
  (...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = args[0] as tf.Tensor;
    const save = args[1] as tf.GradSaveFunc;
    const y = tf.relu(x);
    save([y]);
    return {
      value: y,
      // A gradient that is differentiated again takes the formula: ReluGrad by name is invisible
      // to the enclosing tape.
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        (higherOrderRequested() ? null : nativeReluGrad(dy, saved[0])) ?? tf.mul(dy, tf.sign(saved[0])),
    };
  },
);

/**
 * `activation(x)`: `x` itself for `'linear'`, {@link reluFastGrad} for `'relu'`.
 *
 * @param x the normalized output.
 * @param activation the activation.
 */
export function applyActivation(x: tf.Tensor, activation: NormActivation): tf.Tensor {
  return activation === 'relu' ? reluFastGrad(x) : x;
}
