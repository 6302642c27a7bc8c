/**
 * 2-D max pooling on oneDNN's kernels (tfjs-node's `tensorflow` backend, TensorFlow built with
 * oneDNN, as the x86-64 builds are).
 *
 * tfjs differentiates `maxPool` with TensorFlow's `MaxPoolGrad`, whose CPU kernel finds every
 * window's maximum again before it routes the gradient: profiling the CNN's training step put it
 * at a quarter of the step (3.3 ms for a [64, 28, 28, 32] input, ten times the forward pass).
 * oneDNN's pooling records where each maximum was (a "workspace") in the forward pass, and its
 * backward pass only scatters `dy` there: 0.2 ms on the same tensor. TensorFlow registers these
 * kernels under the label `MklNameChangeOp` (its graph optimizer renames `MaxPool` to them); run
 * eagerly by name with that label, they give the same outputs and gradients as `MaxPool` and
 * `MaxPoolGrad`, ties included (the first maximum in the window takes the gradient).
 *
 * Builds without oneDNN (TensorFlow for ARM, `TF_ENABLE_ONEDNN_OPTS=0` on some versions) do not
 * have the kernels: a one-time probe finds out, and {@link nativeMaxPool} then returns `null`, as
 * on every other backend, and the caller takes `tf.maxPool`.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { refuseHigherOrder } from './gradient-order';
import { type OpAttr, probedOncePerBackend, type TensorflowOps, tensorflowOps } from './tensorflow-ops';

/** Window, strides and padding of a 2-D max pooling (channels last). */
export interface MaxPoolSpec {
  /** Window height and width. */
  poolSize: readonly [number, number];
  /** Strides along height and width. */
  strides: readonly [number, number];
  /** TensorFlow's padding rule. */
  padding: 'valid' | 'same';
}

function attrs(ops: TensorflowOps, spec: MaxPoolSpec): OpAttr[] {
  return [
    ops.float32Type('T'),
    ops.ints('ksize', [1, spec.poolSize[0], spec.poolSize[1], 1]),
    ops.ints('strides', [1, spec.strides[0], spec.strides[1], 1]),
    ops.string('padding', spec.padding.toUpperCase()),
    ops.string('data_format', 'NHWC'),
    ops.string('_kernel', 'MklNameChangeOp'),
    ops.bool('workspace_enabled', true),
  ];
}

/** Whether oneDNN's pooling kernels run on this backend (probed once per backend). */
const hasOneDnnPooling = probedOncePerBackend((ops) => {
  const probe = tf.zeros([1, 2, 2, 1]);
  const spec: MaxPoolSpec = { poolSize: [2, 2], strides: [2, 2], padding: 'valid' };
  const [y, workspace] = ops.run('_MklNativeMaxPool', attrs(ops, spec), [probe], 2);
  ops.run('_MklNativeMaxPoolGrad', attrs(ops, spec), [probe, y, tf.onesLike(y), workspace], 1);
  return true;
});

/** The ops when oneDNN's pooling kernels run here, else null. */
function oneDnnOps(): TensorflowOps | null {
  const ops = tensorflowOps();
  return ops && hasOneDnnPooling(ops) ? ops : null;
}

/**
 * `y = maxPool(x)` over `spec`'s windows, differentiable w.r.t. `x`, on oneDNN's forward and
 * backward kernels; the same values and gradient as `tf.maxPool(x, poolSize, strides, padding)`.
 *
 * @param x channels-last float32 input, `[N, H, W, C]`.
 * @param spec window, strides and padding.
 * @returns the pooled tensor, or `null` when the native path does not apply (another backend,
 *   native kernels off, a TensorFlow build without oneDNN, another dtype or rank): take
 *   `tf.maxPool`.
 */
export function nativeMaxPool(x: tf.Tensor, spec: MaxPoolSpec): tf.Tensor4D | null {
  if (x.rank !== 4 || x.dtype !== 'float32') return null;
  const ops = oneDnnOps();
  if (!ops) return null;
  const opAttrs = attrs(ops, spec);
  const op = tf.customGrad((xs, save) => {
    const [y, workspace] = ops.run('_MklNativeMaxPool', opAttrs, [xs as tf.Tensor], 2);
    // save keeps its own reference (only when a gradient is being recorded).
    (save as tf.GradSaveFunc)([xs as tf.Tensor, y, workspace]);
    workspace.dispose();
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        refuseHigherOrder('max pooling');
        return ops.run('_MklNativeMaxPoolGrad', opAttrs, [saved[0], saved[1], dy, saved[2]], 1)[0];
      },
    };
  });
  return op(x) as tf.Tensor4D;
}
