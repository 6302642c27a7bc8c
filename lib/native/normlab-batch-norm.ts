/**
 * Batch norm in training mode on normlab's own compiled kernels (native/kernels, loaded by
 * norm-kernels-module.ts): the forward pass is one `NormlabBatchNorm` op, which also returns the
 * statistics the gradient reads and the running statistics blended with the batch's, the
 * gradient one `NormlabBatchNormGrad` op. A ReLU after the normalization fuses into both: the
 * forward clamps its output, the gradient masks `dy` where the output was 0 (recomputed from `x`
 * and the saved statistics, so no ReLU pass and no saved output).
 *
 * The kernels see channels-last input of any rank ≥ 2 as `[rows, channels]` (no reshape), sum in
 * float over blocks of 64 rows and in double across blocks, and split the rows into tasks of a
 * size fixed by the channel count, added in task order: the same bits at any thread count. The
 * formulas are the portable path's (two-pass mean and biased variance, `1/sqrt(σ² + ε)`, the
 * closed-form gradient), so the numbers agree with it and with TensorFlow's `FusedBatchNormV3` to
 * float32 round-off.
 *
 * Which kernel batch norm trains on (lib/native/fused-batch-norm.ts asks {@link batchNormKernel}):
 * normlab's where the compiled module is loaded, has these ops and passes a one-time probe, else
 * TensorFlow's. `NORMLAB_BATCH_NORM_KERNEL=tensorflow` (or `=normlab`) in the environment, read
 * once when this module loads (any other value throws then), and {@link overrideBatchNormKernel}
 * choose one for a measurement; a choice of normlab's where it cannot run falls back to
 * TensorFlow's. Which one is faster is to be
 * measured on a quiet machine (bench/batch-norm-kernels.ts); inference always runs
 * `FusedBatchNormV3`.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import type { NativeBatchNormTrainingResult, NativeRunningStats } from './fused-batch-norm';
import { refuseHigherOrder } from './gradient-order';
import { normKernelsRegistered } from './norm-kernels';
import { probedOncePerBackend, type TensorflowOps } from './tensorflow-ops';

/** The compiled kernels batch norm can train on: normlab's own, or TensorFlow's fused ones. */
export type BatchNormKernel = 'normlab' | 'tensorflow';

const FORWARD = 'NormlabBatchNorm';
const GRADIENT = 'NormlabBatchNormGrad';

/** `NORMLAB_BATCH_NORM_KERNEL` (Node only), checked when this module loads. */
function kernelFromEnvironment(): BatchNormKernel | null {
  const env = typeof process !== 'undefined' ? process.env : undefined;
  const value = env?.NORMLAB_BATCH_NORM_KERNEL;
  if (value === undefined || value === '') return null;
  if (value === 'normlab' || value === 'tensorflow') return value;
  throw new Error(`NORMLAB_BATCH_NORM_KERNEL is '${value}'; it takes 'normlab' or 'tensorflow'`);
}

const environmentChoice = kernelFromEnvironment();
let overrideChoice: BatchNormKernel | null = null;

/**
 * Tests and benchmarks: train batch norm on `'normlab'`'s or `'tensorflow'`'s kernels (normlab's
 * falls back to TensorFlow's where it cannot run); `null` (the default) returns to
 * `NORMLAB_BATCH_NORM_KERNEL`, else normlab's where it runs.
 *
 * @param kernel the kernel to train on, or `null` for the default choice.
 * @internal
 */
export function overrideBatchNormKernel(kernel: BatchNormKernel | null): void {
  overrideChoice = kernel;
}

/** Whether normlab's batch-norm ops run on this backend and give the expected numbers (once). */
const normlabProbe = probedOncePerBackend((ops) => {
  // Two rows, two channels: means [2, 4], biased variances [1, 4], so x̂ = ±1 (to ε); the running
  // blend at factor 0.5 from mean 0 and variance 1: mean [1, 2], unbiased variance [1.5, 4.5].
  const x = tf.tensor2d([1, 2, 3, 6], [2, 2]);
  const attrs = [
    ops.float('epsilon', 1e-6),
    ops.float('exponential_avg_factor', 0.5),
    ops.bool('relu', false),
  ];
  const inputs = [x, tf.ones([2]), tf.zeros([2]), tf.zeros([2]), tf.ones([2])];
  const out = ops.run(FORWARD, attrs, inputs, 7).map((t) => Array.from(t.dataSync()));
  const near = (got: number[], want: number[]) =>
    got.length === want.length && got.every((v, i) => Math.abs(v - want[i]) < 1e-5);
  return (
    near(out[0], [-1, -1, 1, 1]) &&
    near(out[1], [2, 4]) &&
    near(out[3], [1, 4]) &&
    near(out[4], [1, 2]) &&
    near(out[5], [1.5, 4.5]) &&
    near(out[6], [1, 2.5])
  );
});

/** Whether normlab's batch-norm kernels run here: the module loaded, its ops there and probed. */
function normlabRuns(ops: TensorflowOps): boolean {
  return normKernelsRegistered(FORWARD) && normKernelsRegistered(GRADIENT) && normlabProbe(ops);
}

/**
 * The kernel batch norm trains on now: the override ({@link overrideBatchNormKernel}), else
 * `NORMLAB_BATCH_NORM_KERNEL`, else normlab's; normlab's only where it runs (module loaded, ops
 * registered, probe passed), TensorFlow's otherwise.
 *
 * @param ops the native op runner (lib/native/tensorflow-ops.ts).
 *
 * @example
 * ```ts
 * const ops = tensorflowOps();
 * if (ops) console.log(batchNormKernel(ops)); // 'normlab' after a successful setup
 * ```
 */
export function batchNormKernel(ops: TensorflowOps): BatchNormKernel {
  const wanted = overrideChoice ?? environmentChoice ?? 'normlab';
  return wanted === 'normlab' && normlabRuns(ops) ? 'normlab' : 'tensorflow';
}

/**
 * Batch norm in training mode on normlab's kernels, the contract of `nativeBatchNormTraining`
 * (lib/native/fused-batch-norm.ts), which calls it once {@link batchNormKernel} chose normlab's:
 * `y = γ·(x − μ_B)/sqrt(σ²_B + ε) + β` (then the ReLU), statistics over every axis but the last,
 * differentiable w.r.t. `x`, γ and β; the running statistics blended by the kernel (the mean, the
 * unbiased variance and the biased one).
 *
 * @param ops the native op runner.
 * @param x float32 channels-last input of rank ≥ 2.
 * @param gamma `γ`, shape `[C]`.
 * @param beta `β`, shape `[C]`.
 * @param epsilon `ε > 0`.
 * @param running the running statistics, shape `[C]` each.
 * @param decay the weight of the old value in the blend.
 * @param relu return `relu(y)`, with its gradient.
 * @returns new tensors owned by the caller.
 */
export function normlabBatchNormTraining(
  ops: TensorflowOps,
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  epsilon: number,
  running: NativeRunningStats,
  decay: number,
  relu: boolean,
): NativeBatchNormTrainingResult {
  const forwardAttrs = [
    ops.float('epsilon', epsilon),
    ops.float('exponential_avg_factor', 1 - decay),
    ops.bool('relu', relu),
  ];
  const gradientAttrs = [ops.bool('relu', relu)];
  // [running mean, unbiased running variance, batch variance, biased running variance], kept out
  // of customGrad's inner scope.
  let stats: tf.Tensor[] | null = null;
  const op = tf.customGrad((xs, g, b, save) => {
    const inputs = [xs, g, b, running.mean, running.variance] as tf.Tensor[];
    const [y, mean, invStd, variance, runMean, runVar, runVarBiased] = ops.run(
      FORWARD,
      forwardAttrs,
      inputs,
      7,
    );
    (save as tf.GradSaveFunc)([xs as tf.Tensor, g as tf.Tensor, b as tf.Tensor, mean, invStd]);
    stats = [runMean, runVar, variance, runVarBiased].map((t) => tf.keep(t));
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        refuseHigherOrder('batch norm');
        return ops.run(GRADIENT, gradientAttrs, [dy, ...saved], 3);
      },
    };
  });
  const output = op(x, gamma, beta) as tf.Tensor;
  const kept = stats as tf.Tensor[] | null;
  if (!kept)
    throw new Error('normlabBatchNormTraining: internal error, the batch statistics were not computed');
  // Clones (no op on tfjs-node) put the statistics in the caller's scope, like any result.
  const [runningMean, unbiasedRunningVariance, batchVariance, biasedRunningVariance] = kept.map((t) =>
    t.clone(),
  );
  tf.dispose(kept);
  return { output, runningMean, unbiasedRunningVariance, batchVariance, biasedRunningVariance };
}
