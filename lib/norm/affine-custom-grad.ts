/**
 * Typed `tf.customGrad` for the normalization ops with a closed-form gradient, that stays right
 * when the gradient is differentiated again.
 *
 * A closed-form gradient reads values its forward pass saved (the moments, `x̂`); the forward ran
 * untaped, so an enclosing gradient's tape cannot see how they depend on the inputs, and recorded
 * as it is the gradient would give a wrong second derivative. So each op also gives its plain
 * formula, and when an enclosing tape records ({@link higherOrderRequested}) the gradient is that
 * formula's, taken by tfjs' own autodiff from the saved inputs (which stay linked to the enclosing
 * computation: they must be the op's own inputs, saved first), and it can be differentiated as
 * often as wanted. First-order gradients keep the closed form.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { higherOrderRequested } from '../native/gradient-order';

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
 *
 * @param forward the op: its value and closed-form gradient.
 * @param plain the same value from differentiable tfjs ops, without side effects: its autodiff
 *   gradient is used when the gradient is differentiated again.
 */
export function affineCustomGrad(
  forward: AffineOpForward,
  plain: (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => tf.Tensor,
): (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => tf.Tensor {
  const op = tf.customGrad((x, gamma, beta, save) => {
    const inputs = [x, gamma, beta] as tf.Tensor[];
    const { value, gradFunc } = forward(inputs[0], inputs[1], inputs[2], (own) =>
      (save as tf.GradSaveFunc)([...inputs, ...own]),
    );
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        higherOrderRequested()
          ? tf.grads((xi, gi, bi) => plain(xi, gi, bi))(saved.slice(0, 3), dy)
          : gradFunc(dy, saved.slice(3)),
    };
  });
  return (x, gamma, beta) => op(x, gamma, beta);
}

/**
 * `tf.customGrad` for an op of `x` alone (standardization, RMS scaling), as
 * {@link affineCustomGrad}.
 *
 * @param forward the op: its value and closed-form gradient (`save` keeps what it reads).
 * @param plain the same value from differentiable tfjs ops, for gradients of the gradient.
 */
export function unaryCustomGrad(
  forward: (
    x: tf.Tensor,
    save: tf.GradSaveFunc,
  ) => { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor },
  plain: (x: tf.Tensor) => tf.Tensor,
): (x: tf.Tensor) => tf.Tensor {
  const op = tf.customGrad((x, save) => {
    const input = x as tf.Tensor;
    const { value, gradFunc } = forward(input, (own) => (save as tf.GradSaveFunc)([input, ...own]));
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        higherOrderRequested() ? tf.grad((xi) => plain(xi))(saved[0], dy) : gradFunc(dy, saved.slice(1)),
    };
  });
  return (x) => op(x);
}
