/**
 * The trainer's loss, mean softmax cross-entropy of logits against one-hot labels, on TensorFlow's
 * `SoftmaxCrossEntropyWithLogits` kernel when tfjs-node's `tensorflow` backend runs: one op gives
 * every example's loss and the gradient w.r.t. the logits, where `tf.losses.softmaxCrossEntropy`
 * runs about a dozen ops forward and as many backward. Elsewhere (or with
 * `setNativeKernels(false)`) it is `tf.losses.softmaxCrossEntropy`; the same value to float32
 * round-off.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { refuseHigherOrder } from './gradient-order';
import { tensorflowOps } from './tensorflow-ops';

/**
 * `L = (1/N) Σ_n −Σ_c y_nc·log softmax(z_n)_c`, differentiable w.r.t. the logits `z` (the labels
 * are constants): `∂L/∂z = (softmax(z) − y)/N`.
 *
 * @param labels one-hot (or soft) labels, shape `[N, C]`, float32.
 * @param logits the logits, shape `[N, C]`.
 * @returns the mean loss, a scalar.
 */
export function softmaxCrossEntropyLoss(labels: tf.Tensor, logits: tf.Tensor): tf.Scalar {
  const ops = tensorflowOps();
  if (!ops || logits.rank !== 2 || logits.dtype !== 'float32' || labels.dtype !== 'float32') {
    return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
  }
  const count = logits.shape[0];
  const op = tf.customGrad((z, save) => {
    const [losses, backprop] = ops.run(
      'SoftmaxCrossEntropyWithLogits',
      [ops.float32Type('T')],
      [z as tf.Tensor, labels],
      2,
    );
    (save as tf.GradSaveFunc)([backprop]);
    return {
      value: tf.mean(losses) as tf.Scalar,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        refuseHigherOrder('softmax cross-entropy');
        return tf.mul(saved[0], tf.div(dy, count));
      },
    };
  });
  return op(logits) as tf.Scalar;
}
