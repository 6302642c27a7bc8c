/**
 * Typed `tf.customGrad` for the fused normalization ops of `(x, γ, β)`.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';

/** The forward of a custom-gradient op of `(x, γ, β)`: its value and the gradient function. */
export type AffineOpForward = (
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  save: tf.GradSaveFunc,
) => { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[] };

/**
 * `tf.customGrad` for an op of `(x, γ, β)` (the fused group and batch norm ops), with the
 * arguments typed: tfjs hands them to the forward untyped, as `Tensor | GradSaveFunc`.
 */
export function affineCustomGrad(
  forward: AffineOpForward,
): (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => tf.Tensor {
  const op = tf.customGrad((x, gamma, beta, save) =>
    forward(x as tf.Tensor, gamma as tf.Tensor, beta as tf.Tensor, save as tf.GradSaveFunc),
  );
  return (x, gamma, beta) => op(x, gamma, beta);
}
