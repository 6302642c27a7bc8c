/**
 * Batch norm on TensorFlow's fused kernels (tfjs-node's `tensorflow` backend only): the forward
 * pass is one `FusedBatchNormV3` op, the gradient one `FusedBatchNormGradV3` op, where the
 * portable path (`batchNormTraining` in lib/norm/batch-norm-op.ts) runs about a dozen tfjs ops each way.
 * In training, both run on oneDNN's kernels where TensorFlow has them (`_MklNativeFusedBatchNormV3`,
 * `_MklNativeFusedBatchNormGradV3`, run by name as below): called by their plain names from eager
 * code they get TensorFlow's portable kernels, and the portable gradient takes 2–3× as long.
 * The training-mode forward also returns the updated running statistics (TensorFlow's
 * `exponential_avg_factor`), so the update costs no further op under the unbiased running
 * variance (PyTorch's convention).
 *
 * A ReLU after the normalization (the layer's `activation: 'relu'`) fuses into the forward kernel:
 * oneDNN's `_MklNativeFusedBatchNormEx` with `activation_mode: 'Relu'`, run eagerly by name under
 * the kernel label `MklNameChangeOp` (as lib/native/max-pool.ts runs oneDNN's pooling), returns
 * `relu(_MklNativeFusedBatchNormV3(x))` and the same statistics in one pass over the tensor (bit for
 * bit on the shapes tested). A separate ReLU is a second full pass:
 * 0.26 ms of 0.75 ms on a [64, 28, 28, 32] tensor. The gradient is `ReluGrad`, then the batch
 * norm's. A one-time probe checks that oneDNN's kernels exist and agree with TensorFlow's; builds
 * without oneDNN run `FusedBatchNormV3` (then `Relu`) and `FusedBatchNormGradV3`. The forward and
 * the gradient always come from the same family, as TensorFlow's own graph rewrite pairs them.
 *
 * The fused kernels take 4-D channels-last input. Channels-last input of another rank is reshaped
 * to 4-D, `[N, ...S, C] → [N, prod(S), 1, C]` (a dense `[N, C]` becomes `[N, 1, 1, C]`): the
 * statistics are per channel over every other axis either way. Channels-first input, other dtypes
 * and other backends get `null` back and take the portable path.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { refuseHigherOrder } from './gradient-order';
import type { NormActivation } from './norm-activations';
import { runReluGrad } from './relu-grad';
import { type OpAttr, probedOncePerBackend, type TensorflowOps, tensorflowOps } from './tensorflow-ops';

/** Running mean and variance of a batch-norm layer. */
export interface NativeRunningStats {
  /** The running mean, shape `[C]`. */
  mean: tf.Tensor;
  /** The running variance, shape `[C]`. */
  variance: tf.Tensor;
}

/**
 * What {@link nativeBatchNormTraining} returns: the output, the running mean and unbiased running
 * variance as the kernel blends them, and the batch's biased variance (for a biased blend, which
 * the caller makes). New tensors, owned by the caller.
 */
export interface NativeBatchNormTrainingResult {
  /** `y = γ·(x − μ_B)/sqrt(σ²_B + ε) + β` (with the ReLU when asked), same shape as the input. */
  output: tf.Tensor;
  /** `decay·running mean + (1 − decay)·μ_B`, blended by the kernel. */
  runningMean: tf.Tensor;
  /** `decay·running variance + (1 − decay)·σ²_B·n/(n − 1)`, blended by the kernel. */
  unbiasedRunningVariance: tf.Tensor;
  /** `σ²_B`, the batch's biased variance. */
  batchVariance: tf.Tensor;
}

/** The 4-D shape the fused kernels see for channels-last `shape`, or null when it is 4-D already. */
function fourDimensional(shape: readonly number[]): number[] | null {
  if (shape.length === 4) return null;
  let inner = 1;
  for (let a = 1; a < shape.length - 1; a++) inner *= shape[a];
  return [shape[0], inner, 1, shape[shape.length - 1]];
}

/** The ops for channels-last float32 `x`, or null when the native path does not apply. */
function opsFor(x: tf.Tensor, axis: number): TensorflowOps | null {
  const channelAxis = axis < 0 ? axis + x.rank : axis;
  if (channelAxis !== x.rank - 1 || x.rank < 2 || x.dtype !== 'float32') return null;
  return tensorflowOps();
}

function forwardAttrs(ops: TensorflowOps, epsilon: number, training: boolean, factor: number): OpAttr[] {
  return [
    ops.float32Type('T'),
    ops.float32Type('U'),
    ops.float('epsilon', epsilon),
    ops.float('exponential_avg_factor', factor),
    ops.string('data_format', 'NHWC'),
    ops.bool('is_training', training),
  ];
}

function gradAttrs(ops: TensorflowOps, epsilon: number, training: boolean): OpAttr[] {
  return [
    ops.float32Type('T'),
    ops.float32Type('U'),
    ops.float('epsilon', epsilon),
    ops.string('data_format', 'NHWC'),
    ops.bool('is_training', training),
  ];
}

/** The kernel label that makes TensorFlow run a oneDNN op called by its internal name. */
const oneDnnLabel = (ops: TensorflowOps) => ops.string('_kernel', 'MklNameChangeOp');

/** The attributes of `_MklNativeFusedBatchNormEx` with a fused ReLU. */
function fusedReluAttrs(ops: TensorflowOps, epsilon: number, training: boolean, factor: number): OpAttr[] {
  return [
    ...forwardAttrs(ops, epsilon, training, factor),
    ops.string('activation_mode', 'Relu'),
    ops.ints('num_side_inputs', 0),
    oneDnnLabel(ops),
  ];
}

let oneDnnOverride: boolean | null = null;

/**
 * Tests only: `false` runs training on TensorFlow's portable kernels (`FusedBatchNormV3`, then
 * `Relu`, and `FusedBatchNormGradV3`), as on a build without oneDNN; `null` (the default) probes
 * the backend.
 *
 * @internal
 */
export function overrideOneDnn(value: boolean | null): void {
  oneDnnOverride = value;
}

/**
 * Whether oneDNN's batch-norm kernels run on this backend (probed once per backend): the forward
 * with and without a fused ReLU, and the gradient, which must give TensorFlow's own to rounding.
 */
const oneDnnProbe = probedOncePerBackend((ops) => {
  // 17 channels (past oneDNN's 8- or 16-wide vector body, into its remainder), 3 values each, a
  // running blend (factor 0.5 from non-zero statistics): every output compared with the portable
  // kernels', the ReLU-fused kernel's statistics too, and both gradients.
  const [n, c] = [3, 17];
  const series = (k: number, scale: number) =>
    Array.from({ length: k }, (_, i) => scale * Math.sin(1.7 * i + 0.3) + 0.1 * (i % 5));
  const x = tf.tensor4d(series(n * c, 2), [n, 1, 1, c]);
  const inputs = [
    x,
    ...[1.5, 0.4, 0.2, 1.3].map((s, i) =>
      tf.tensor1d(series(c, s).map((v) => (i === 3 ? 1 + Math.abs(v) : v))),
    ),
  ];
  const fused = ops.run('_MklNativeFusedBatchNormEx', fusedReluAttrs(ops, 1e-3, true, 0.5), inputs, 6);
  const mkl = ops.run('_MklNativeFusedBatchNormV3', oneDnnForwardAttrs(ops, 1e-3, 0.5), inputs, 6);
  const portable = ops.run('FusedBatchNormV3', forwardAttrs(ops, 1e-3, true, 0.5), inputs, 6);
  const dy = tf.tensor4d(series(n * c, 1).reverse(), [n, 1, 1, c]);
  const grads = [
    fusedGrad(ops, true, gradAttrs(ops, 1e-3, true), dy, [x, inputs[1], mkl[3], mkl[4], mkl[5]]),
    fusedGrad(ops, false, gradAttrs(ops, 1e-3, true), dy, [
      x,
      inputs[1],
      portable[3],
      portable[4],
      portable[5],
    ]),
  ];
  const close = (a: tf.Tensor, b: tf.Tensor) => {
    const [p, q] = [a.dataSync(), b.dataSync()];
    return p.length === q.length && p.every((v, i) => Math.abs(v - q[i]) <= 1e-4 * (1 + Math.abs(q[i])));
  };
  return (
    close(fused[0], tf.relu(portable[0])) &&
    [1, 2, 3, 4].every((i) => close(fused[i], portable[i]) && close(mkl[i], portable[i])) &&
    close(mkl[0], portable[0]) &&
    grads[0].every((t, i) => close(t, grads[1][i]))
  );
});

/** Whether oneDNN's batch-norm kernels run here (the test override first). */
function hasOneDnn(ops: TensorflowOps): boolean {
  return oneDnnOverride ?? oneDnnProbe(ops);
}

/** The attributes of `_MklNativeFusedBatchNormV3` in training. */
function oneDnnForwardAttrs(ops: TensorflowOps, epsilon: number, factor: number): OpAttr[] {
  return [...forwardAttrs(ops, epsilon, true, factor), oneDnnLabel(ops)];
}

/**
 * The training-mode forward pass: `FusedBatchNormV3`'s six outputs, the first one passed through a
 * ReLU when `relu` (fused into the kernel with `oneDnn`).
 */
function forwardTraining(
  ops: TensorflowOps,
  oneDnn: boolean,
  inputs: tf.Tensor[],
  epsilon: number,
  factor: number,
  relu: boolean,
): tf.Tensor[] {
  if (oneDnn) {
    return relu
      ? ops.run('_MklNativeFusedBatchNormEx', fusedReluAttrs(ops, epsilon, true, factor), inputs, 6)
      : ops.run('_MklNativeFusedBatchNormV3', oneDnnForwardAttrs(ops, epsilon, factor), inputs, 6);
  }
  const outputs = ops.run('FusedBatchNormV3', forwardAttrs(ops, epsilon, true, factor), inputs, 6);
  if (!relu) return outputs;
  const [z, ...rest] = outputs;
  const [y] = ops.run('Relu', [ops.float32Type('T')], [z], 1);
  z.dispose();
  return [y, ...rest];
}

/**
 * `FusedBatchNormGradV3` (oneDNN's with `oneDnn`, reading what oneDNN's forward saved): `[∂x, ∂γ,
 * ∂β]` (its two placeholder outputs disposed).
 */
function fusedGrad(
  ops: TensorflowOps,
  oneDnn: boolean,
  attrs: OpAttr[],
  dy: tf.Tensor,
  saved: tf.Tensor[],
): tf.Tensor[] {
  const [name, opAttrs] = oneDnn
    ? ['_MklNativeFusedBatchNormGradV3', [...attrs, oneDnnLabel(ops)]]
    : ['FusedBatchNormGradV3', attrs];
  const [dx, dGamma, dBeta, ...unused] = ops.run(name, opAttrs, [dy, ...saved], 5);
  tf.dispose(unused);
  return [dx, dGamma, dBeta];
}

/** Run `op` on `x` seen as 4-D and give the result `x`'s shape back. */
function asFourDimensional(x: tf.Tensor, op: (x4: tf.Tensor) => tf.Tensor): tf.Tensor {
  const shape4 = fourDimensional(x.shape);
  if (!shape4) return op(x);
  return tf.tidy(() => tf.reshape(op(tf.reshape(x, shape4)), x.shape));
}

/**
 * Batch norm in training mode on TensorFlow's fused kernels: `y = γ·(x − μ_B)/sqrt(σ²_B + ε) + β`
 * (statistics over every axis but the last), gradient by `FusedBatchNormGradV3` (oneDNN's where it runs), and the kernel's
 * own blend of the running mean and unbiased variance, `running ← decay·running + (1 − decay)·batch`.
 * The same numbers as `batchNormTraining` and the running-average update of lib/norm, to float32
 * round-off. Layers call it through lib/norm/batch-norm-dispatch.ts, which also makes the biased
 * blend.
 *
 * @param x channels-last input of rank ≥ 2 with more than one value per channel.
 * @param gamma `γ`, shape `[C]` (ones for no scale).
 * @param beta `β`, shape `[C]` (zeros for no shift).
 * @param epsilon `ε > 0`.
 * @param axis the channel axis; only the last one (`-1` or `rank − 1`) runs natively.
 * @param running the current running statistics, shape `[C]` each.
 * @param decay the weight of the old value in the blend (Keras' momentum, or 1 − PyTorch's).
 * @param activation `'relu'` returns `relu(y)` (fused into the kernel where oneDNN has it), with
 *   its gradient; default `'linear'`, `y` itself.
 * @returns the output, the kernel's blended statistics and the batch variance (owned by the
 *   caller), or `null` when the native path does not apply (another backend, native kernels off,
 *   channels not last).
 */
export function nativeBatchNormTraining(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  epsilon: number,
  axis: number,
  running: NativeRunningStats,
  decay: number,
  activation: NormActivation = 'linear',
): NativeBatchNormTrainingResult | null {
  const ops = opsFor(x, axis);
  if (!ops) return null;
  const factor = 1 - decay;
  const relu = activation === 'relu';
  const oneDnn = hasOneDnn(ops);
  const bwdAttrs = gradAttrs(ops, epsilon, true);
  // [running mean, running variance (unbiased blend), batch's biased variance], kept out of
  // customGrad's inner scope.
  let stats: tf.Tensor[] | null = null;
  const op = tf.customGrad((xs, g, b, save) => {
    const inputs = [xs, g, b, running.mean, running.variance] as tf.Tensor[];
    const [y, runMean, runVar, savedMean, savedVar, reserve] = forwardTraining(
      ops,
      oneDnn,
      inputs,
      epsilon,
      factor,
      relu,
    );
    const saved = [xs as tf.Tensor, g as tf.Tensor, savedMean, savedVar, reserve];
    (save as tf.GradSaveFunc)(relu ? [...saved, y] : saved);
    stats = [tf.keep(runMean), tf.keep(runVar), tf.keep(savedVar)];
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
      refuseHigherOrder('batch norm');
      if (!relu) return fusedGrad(ops, oneDnn, bwdAttrs, dy, saved);
      // ReLU's gradient from its output (positive exactly where the normalized value is), then
      // batch norm's.
      return fusedGrad(ops, oneDnn, bwdAttrs, runReluGrad(ops, dy, saved[5]), saved.slice(0, 5));
    };
    return { value: y, gradFunc };
  });
  const output = asFourDimensional(x, (x4) => op(x4, gamma, beta));
  const kept = stats as tf.Tensor[] | null;
  if (!kept)
    throw new Error('nativeBatchNormTraining: internal error, the batch statistics were not computed');
  const [runningMean, unbiasedRunningVariance, batchVariance] = kept.map((t) => t.clone());
  tf.dispose(kept);
  return { output, runningMean, unbiasedRunningVariance, batchVariance };
}

/**
 * Batch norm in inference mode on TensorFlow's fused kernel,
 * `y = γ·(x − μ_run)/sqrt(σ²_run + ε) + β` with the running statistics, differentiable w.r.t.
 * `x`, γ and β (`FusedBatchNormGradV3` in inference mode), e.g. for a frozen layer inside a
 * trained model.
 *
 * @param x channels-last input of rank ≥ 2.
 * @param running the running statistics, shape `[C]` each.
 * @param gamma `γ`, shape `[C]`, or `null` for 1.
 * @param beta `β`, shape `[C]`, or `null` for 0.
 * @param epsilon `ε > 0`.
 * @param axis the channel axis; only the last one runs natively.
 * @returns the output, or `null` when the native path does not apply.
 */
export function nativeBatchNormInference(
  x: tf.Tensor,
  running: NativeRunningStats,
  gamma: tf.Tensor | null,
  beta: tf.Tensor | null,
  epsilon: number,
  axis: number,
): tf.Tensor | null {
  const ops = opsFor(x, axis);
  if (!ops) return null;
  const fwdAttrs = forwardAttrs(ops, epsilon, false, 1);
  const bwdAttrs = gradAttrs(ops, epsilon, false);
  const op = tf.customGrad((xs, g, b, save) => {
    const inputs = [xs, g, b, running.mean, running.variance] as tf.Tensor[];
    const [y, ...rest] = ops.run('FusedBatchNormV3', fwdAttrs, inputs, 6);
    (save as tf.GradSaveFunc)([xs as tf.Tensor, g as tf.Tensor, running.mean, running.variance, rest[4]]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        refuseHigherOrder('batch norm (inference)');
        return fusedGrad(ops, false, bwdAttrs, dy, saved);
      },
    };
  });
  return tf.tidy(() => {
    const channels = [x.shape[x.rank - 1]];
    return asFourDimensional(x, (x4) => op(x4, gamma ?? tf.ones(channels), beta ?? tf.zeros(channels)));
  });
}
