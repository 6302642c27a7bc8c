/**
 * Batch norm's functional entry, the one place that chooses its compute path (as PyTorch's
 * `F.batch_norm` does for its layers): compiled kernels on tfjs-node with channels last and native
 * kernels on (lib/native/fused-batch-norm.ts: normlab's own in training where setup built them,
 * else TensorFlow's fused ones), the portable tfjs code everywhere else.
 * Every layer that runs batch norm (batch norm, its noisy variant, batch renorm's inference) calls
 * these two functions; none chooses a path itself.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { applyActivation, type NormActivation } from '../layers/activation';
import { nativeBatchNormInference, nativeBatchNormTraining } from '../native/fused-batch-norm';
import { batchNormTraining } from './batch-norm-op';
import { normalizeWithRunningStats, type RunningStats } from './batch-norm-steps';
import type { RunningVarianceKind } from './conventions';
import { movingAverage, runningBatchVariance } from './running-average';

/** How a training step blends the batch into the running statistics. */
export interface BatchNormUpdate {
  /** The weight of the old value, `running ← decay·running + (1 − decay)·batch`. */
  decay: number;
  /** The batch variance enters as is (`'biased'`) or times `n/(n − 1)` (`'unbiased'`). */
  runningVariance: RunningVarianceKind;
  /** `n`, the values behind each batch statistic (> 1). */
  count: number;
}

/** What {@link batchNormTrainingStep} returns. */
export interface BatchNormStep {
  /** `activation(γ·(x − μ_B)/sqrt(σ²_B + ε) + β)`, the input's shape. */
  output: tf.Tensor;
  /** The running statistics after this batch (new tensors). */
  running: RunningStats;
}

/**
 * Batch norm in inference mode, `γ·(x − μ_run)/sqrt(σ²_run + ε) + β`, on the fused kernel where it
 * runs, else portable (`normalizeWithRunningStats`); differentiable in `x`, γ and β either way.
 *
 * @param x the input; its channel axis is `axis`.
 * @param running the running mean and variance, shape `[C]`.
 * @param gamma `γ`, shape `[C]`, or `null` (γ = 1).
 * @param beta `β`, shape `[C]`, or `null` (β = 0).
 * @param epsilon `ε > 0`.
 * @param axis the channel axis.
 *
 * @example
 * ```ts
 * const y = batchNormInference(x, { mean: tf.zeros([8]), variance: tf.ones([8]) }, null, null, 1e-3, -1);
 * ```
 */
export function batchNormInference(
  x: tf.Tensor,
  running: RunningStats,
  gamma: tf.Tensor | null,
  beta: tf.Tensor | null,
  epsilon: number,
  axis: number,
): tf.Tensor {
  return (
    nativeBatchNormInference(x, running, gamma, beta, epsilon, axis) ??
    normalizeWithRunningStats(x, running, gamma, beta, epsilon, axis)
  );
}

/**
 * One training step of batch norm: the output with the batch's statistics (and the activation),
 * and the running statistics blended with them. Native: one fused kernel (with the ReLU fused
 * into normlab's, or into TensorFlow's where oneDNN has it), the kernel's own blend of the mean and
 * the unbiased variance (normlab's blends the biased one too). Portable:
 * `batchNormTraining`'s closed-form gradient, then the blend of `running-average.ts`.
 *
 * @param x the input, more than one value per channel.
 * @param gamma `γ`, shape `[C]` (ones for no scale).
 * @param beta `β`, shape `[C]` (zeros for no shift).
 * @param epsilon `ε > 0`.
 * @param axis the channel axis.
 * @param running the running statistics before this batch.
 * @param update the blend (decay, variance kind, `n`).
 * @param activation `'relu'` applies a ReLU to the output; default `'linear'`.
 *
 * @example
 * ```ts
 * const { output, running: next } = batchNormTrainingStep(x, gamma, beta, 1e-3, -1, running, {
 *   decay: 0.99, runningVariance: 'biased', count: 64,
 * });
 * ```
 */
export function batchNormTrainingStep(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  epsilon: number,
  axis: number,
  running: RunningStats,
  update: BatchNormUpdate,
  activation: NormActivation = 'linear',
): BatchNormStep {
  return tf.tidy(() => {
    const native = nativeBatchNormTraining(x, gamma, beta, epsilon, axis, running, update.decay, activation);
    if (native) {
      const variance =
        update.runningVariance === 'unbiased'
          ? native.unbiasedRunningVariance
          : (native.biasedRunningVariance ??
            movingAverage(running.variance, native.batchVariance, update.decay));
      return { output: native.output, running: { mean: native.runningMean, variance } };
    }
    const { output, mean, variance } = batchNormTraining(x, gamma, beta, epsilon, axis);
    const batchVariance = runningBatchVariance(variance, update.runningVariance, update.count);
    return {
      output: applyActivation(output, activation),
      running: {
        mean: movingAverage(running.mean, mean, update.decay),
        variance: movingAverage(running.variance, batchVariance, update.decay),
      },
    };
  });
}
