/**
 * Batch norm on compiled kernels (tfjs-node's `tensorflow` backend only), where the portable path
 * (`batchNormTraining` in lib/norm/batch-norm-op.ts) runs about a dozen tfjs ops each way.
 *
 * Training runs on normlab's own kernels (`NormlabBatchNorm`, `NormlabBatchNormGrad`,
 * lib/native/normlab-batch-norm.ts) where setup built them and they load, else on TensorFlow's
 * fused ones described below; `NORMLAB_BATCH_NORM_KERNEL=tensorflow|normlab` or
 * `overrideBatchNormKernel` (normlab-batch-norm.ts) choose one, so the two can be timed against
 * each other (bench/batch-norm-kernels.ts). Both give the same numbers to float32 round-off and
 * honour this file's contract. Inference always runs TensorFlow's `FusedBatchNormV3`.
 *
 * On TensorFlow's kernels the forward pass is one `FusedBatchNormV3` op, the gradient one
 * `FusedBatchNormGradV3` op. Called by these plain names from eager code they are TensorFlow's
 * portable kernels: oneDNN's versions (`_MklNativeFusedBatchNormV3`, `_MklNativeFusedBatchNormGradV3`)
 * are faster than them but slower than normlab's (bench/onednn-ops.ts, bench/batch-norm-kernels.ts),
 * and this path is kept as it was, for comparisons and where normlab's kernels are missing.
 * The training-mode forward also returns the updated running statistics (TensorFlow's
 * `exponential_avg_factor`), so the update costs no further op under the unbiased running
 * variance (PyTorch's convention).
 *
 * A ReLU after the normalization (the layer's `activation: 'relu'`) fuses into the forward kernel:
 * oneDNN's `_MklNativeFusedBatchNormEx` with `activation_mode: 'Relu'`, run eagerly by name under
 * the kernel label `MklNameChangeOp` (as lib/native/max-pool.ts runs oneDNN's pooling), returns
 * `relu(FusedBatchNormV3(x))` and the same statistics in one pass over the tensor (bit for bit on
 * the CNN's tensors; on some shapes the last bit differs). A separate ReLU is a second full pass:
 * 0.26 ms of 0.75 ms on a [64, 28, 28, 32] tensor. The gradient is `ReluGrad`, then
 * `FusedBatchNormGradV3`. A one-time probe checks that the kernel exists and agrees with
 * `FusedBatchNormV3`; builds without oneDNN run `FusedBatchNormV3` then `Relu`.
 *
 * TensorFlow's fused kernels take 4-D channels-last input (normlab's take any rank ≥ 2 as it is).
 * For them, channels-last input of another rank is reshaped to 4-D, `[N, ...S, C] → [N, prod(S), 1, C]` (a dense `[N, C]` becomes `[N, 1, 1, C]`): the
 * statistics are per channel over every other axis either way. Channels-first input, other dtypes
 * and other backends get `null` back and take the portable path.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { refuseHigherOrder } from './gradient-order';
import type { NormActivation } from './norm-activations';
import { batchNormKernel, normlabBatchNormTraining } from './normlab-batch-norm';
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
  /**
   * `decay·running variance + (1 − decay)·σ²_B`, when the kernel blended the biased variance too
   * (normlab's does; for TensorFlow's the caller blends `batchVariance`).
   */
  biasedRunningVariance?: tf.Tensor;
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

/** The attributes of `_MklNativeFusedBatchNormEx` with a fused ReLU. */
function fusedReluAttrs(ops: TensorflowOps, epsilon: number, training: boolean, factor: number): OpAttr[] {
  return [
    ...forwardAttrs(ops, epsilon, training, factor),
    ops.string('activation_mode', 'Relu'),
    ops.ints('num_side_inputs', 0),
    ops.string('_kernel', 'MklNameChangeOp'),
  ];
}

let fusedReluOverride: boolean | null = null;

/**
 * Tests only: `false` runs batch norm + ReLU as `FusedBatchNormV3` then `Relu`, as on a build
 * without oneDNN; `null` (the default) probes the backend.
 *
 * @internal
 */
export function overrideFusedRelu(value: boolean | null): void {
  fusedReluOverride = value;
}

/**
 * Whether oneDNN's batch norm + ReLU kernel runs on this backend (probed once per backend): its
 * output must be `relu` of `FusedBatchNormV3`'s, and its statistics `FusedBatchNormV3`'s, to
 * rounding (`FusedBatchNormGradV3` reads the saved ones).
 */
const fusedReluProbe = probedOncePerBackend((ops) => {
  // 17 channels (past oneDNN's 8- or 16-wide vector body, into its remainder), 3 values each, a
  // running blend (factor 0.5 from non-zero statistics): a kernel that ignored the blend fails.
  const [n, c] = [3, 17];
  const series = (k: number, scale: number) =>
    Array.from({ length: k }, (_, i) => scale * Math.sin(1.7 * i + 0.3) + 0.1 * (i % 5));
  const inputs = [
    tf.tensor4d(series(n * c, 2), [n, 1, 1, c]),
    ...[1.5, 0.4, 0.2, 1.3].map((s, i) =>
      tf.tensor1d(series(c, s).map((v) => (i === 3 ? 1 + Math.abs(v) : v))),
    ),
  ];
  const fused = ops.run('_MklNativeFusedBatchNormEx', fusedReluAttrs(ops, 1e-3, true, 0.5), inputs, 6);
  const portable = ops.run('FusedBatchNormV3', forwardAttrs(ops, 1e-3, true, 0.5), inputs, 6);
  const close = (a: tf.Tensor, b: tf.Tensor) => {
    const [p, q] = [a.dataSync(), b.dataSync()];
    return p.length === q.length && p.every((v, i) => Math.abs(v - q[i]) <= 1e-4 * (1 + Math.abs(q[i])));
  };
  return close(fused[0], tf.relu(portable[0])) && [1, 2, 3, 4].every((i) => close(fused[i], portable[i]));
});

/** Whether oneDNN's batch norm + ReLU kernel runs here (the test override first). */
function hasFusedRelu(ops: TensorflowOps): boolean {
  return fusedReluOverride ?? fusedReluProbe(ops);
}

/**
 * The training-mode forward pass: `FusedBatchNormV3`'s six outputs, the first one passed through a
 * ReLU when `relu` (fused into the kernel where oneDNN has it).
 */
function forwardTraining(
  ops: TensorflowOps,
  inputs: tf.Tensor[],
  epsilon: number,
  factor: number,
  relu: boolean,
): tf.Tensor[] {
  if (relu && hasFusedRelu(ops)) {
    return ops.run('_MklNativeFusedBatchNormEx', fusedReluAttrs(ops, epsilon, true, factor), inputs, 6);
  }
  const outputs = ops.run('FusedBatchNormV3', forwardAttrs(ops, epsilon, true, factor), inputs, 6);
  if (!relu) return outputs;
  const [z, ...rest] = outputs;
  const [y] = ops.run('Relu', [ops.float32Type('T')], [z], 1);
  z.dispose();
  return [y, ...rest];
}

/** `FusedBatchNormGradV3`: `[∂x, ∂γ, ∂β]` (its two placeholder outputs disposed). */
function fusedGrad(ops: TensorflowOps, attrs: OpAttr[], dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] {
  const [dx, dGamma, dBeta, ...unused] = ops.run('FusedBatchNormGradV3', attrs, [dy, ...saved], 5);
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
 * Batch norm in training mode on compiled kernels, normlab's (`NormlabBatchNorm`) or TensorFlow's
 * fused ones (`FusedBatchNormV3`), see the module's description:
 * `y = γ·(x − μ_B)/sqrt(σ²_B + ε) + β` (statistics over every axis but the last), its gradient
 * in one op, and the kernel's own blend of the running mean and unbiased variance,
 * `running ← decay·running + (1 − decay)·batch`.
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
 * @param activation `'relu'` returns `relu(y)` (fused into normlab's kernel, or into TensorFlow's
 *   where oneDNN has it), with its gradient; default `'linear'`, `y` itself.
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
  const relu = activation === 'relu';
  if (batchNormKernel(ops) === 'normlab') {
    return normlabBatchNormTraining(ops, x, gamma, beta, epsilon, running, decay, relu);
  }
  const factor = 1 - decay;
  const bwdAttrs = gradAttrs(ops, epsilon, true);
  // [running mean, running variance (unbiased blend), batch's biased variance], kept out of
  // customGrad's inner scope.
  let stats: tf.Tensor[] | null = null;
  const op = tf.customGrad((xs, g, b, save) => {
    const inputs = [xs, g, b, running.mean, running.variance] as tf.Tensor[];
    const [y, runMean, runVar, savedMean, savedVar, reserve] = forwardTraining(
      ops,
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
      if (!relu) return fusedGrad(ops, bwdAttrs, dy, saved);
      // ReLU's gradient from its output (positive exactly where the normalized value is), then
      // batch norm's.
      return fusedGrad(ops, bwdAttrs, runReluGrad(ops, dy, saved[5]), saved.slice(0, 5));
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
        return fusedGrad(ops, bwdAttrs, dy, saved);
      },
    };
  });
  return tf.tidy(() => {
    const channels = [x.shape[x.rank - 1]];
    return asFourDimensional(x, (x4) => op(x4, gamma ?? tf.ones(channels), beta ?? tf.zeros(channels)));
  });
}
