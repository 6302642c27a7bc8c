/**
 * ReLU's gradient as TensorFlow's own `ReluGrad` op (tfjs-node's `tensorflow` backend only): one
 * op, `dy` where the ReLU's output is positive and 0 elsewhere, where the portable gradient of the
 * zoo's FastReLU (lib/layers/relu.ts) runs two, `dy · sign(y)`. The same values for finite
 * inputs; an input NaN gives a 0 gradient here (TensorFlow's convention) instead of NaN.
 *
 * @module
 */
import type * as tf from '@tensorflow/tfjs';
import { type TensorflowOps, tensorflowOps } from './tensorflow-ops';

/** `ReluGrad(dy, y)` on `ops` (float32): `dy` where `y > 0`, 0 elsewhere. */
export function runReluGrad(ops: TensorflowOps, dy: tf.Tensor, y: tf.Tensor): tf.Tensor {
  return ops.run('ReluGrad', [ops.float32Type('T')], [dy, y], 1)[0];
}

/**
 * `∂L/∂x` of `y = relu(x)` from `dy` and the output `y`, on TensorFlow's `ReluGrad` kernel.
 *
 * @param dy the gradient w.r.t. the ReLU's output.
 * @param y the ReLU's output (positive exactly where the input is).
 * @returns the gradient w.r.t. the input, or `null` when native kernels do not run (take the
 *   portable path).
 */
export function nativeReluGrad(dy: tf.Tensor, y: tf.Tensor): tf.Tensor | null {
  const ops = tensorflowOps();
  if (!ops || dy.dtype !== 'float32') return null;
  return runReluGrad(ops, dy, y);
}
