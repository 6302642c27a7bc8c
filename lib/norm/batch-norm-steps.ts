/**
 * The algorithm of batch normalization, step by step, as small pure functions on tensors:
 * 1. {@link moments}: `μ = mean(x)`, `σ² = mean((x − μ)²)` over the reduced axes;
 * 2. {@link normalize}: `x̂ = (x − μ) / sqrt(σ² + ε)`;
 * 3. {@link scaleShift}: `y = γ·x̂ + β`;
 * 4. {@link updateRunningStats}: `running ← d·running + (1 − d)·batch` (d from the momentum);
 * 5. {@link normalizeWithRunningStats}: inference, steps 2 and 3 with the running statistics.
 *
 * Batch, layer, instance and group norm all come down to step 2 over different axes; the paths
 * the layers run ({@link standardize}, {@link groupNormAffine}, {@link batchNormTraining}) compute
 * the same numbers with closed-form gradients. Everything here takes and returns tensors without
 * keeping any (call inside `tf.tidy` or dispose the results).
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { broadcastShape } from './broadcast';
import { type Convention, decayFromMomentum, type RunningVarianceKind } from './conventions';
import { movingAverage, runningBatchVariance } from './running-average';

/** Mean and (biased) variance of a tensor over some axes. */
export interface Moments {
  /** `μ`, the mean. */
  mean: tf.Tensor;
  /** `σ²`, the biased variance (divided by the number of values `n`, not `n − 1`). */
  variance: tf.Tensor;
}

/**
 * Step 1: the mean and the biased variance over `axes`:
 * `μ = (1/n) Σ x`, `σ² = (1/n) Σ (x − μ)²`, `n` = the number of values reduced per statistic.
 *
 * @param x the input.
 * @param axes the axes to reduce, e.g. `[0, 1, 2]` for batch norm of NHWC features.
 * @param keepDims keep the reduced axes with size 1 so the result broadcasts against `x`
 *   (default `true`).
 * @example
 * ```ts
 * const { mean, variance } = moments(x, [0, 1, 2]); // per-channel statistics of NHWC x
 * ```
 */
export function moments(x: tf.Tensor, axes: number[], keepDims = true): Moments {
  return tf.moments(x, axes, keepDims);
}

/**
 * Step 2: standardize with given statistics: `x̂ = (x − μ) / sqrt(σ² + ε)`.
 *
 * @param x the input.
 * @param mean `μ`, broadcastable against `x`.
 * @param variance `σ²`, broadcastable against `x`.
 * @param epsilon `ε > 0`, keeps the division finite when `σ² = 0`.
 *
 * @example
 * ```ts
 * const x = tf.randomNormal([32, 8]);
 * const { mean, variance } = moments(x, [0]);
 * const xhat = normalize(x, mean, variance, 1e-3); // zero mean, unit variance per channel
 * ```
 */
export function normalize(x: tf.Tensor, mean: tf.Tensor, variance: tf.Tensor, epsilon: number): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, epsilon))));
}

/**
 * Step 3: the learned affine map `y = γ·x̂ + β`. A missing `gamma` means `γ = 1`, a missing
 * `beta` means `β = 0`.
 *
 * @param xhat the standardized input.
 * @param gamma `γ`, broadcastable against `xhat`, or `null`.
 * @param beta `β`, broadcastable against `xhat`, or `null`.
 *
 * @example
 * ```ts
 * const y = scaleShift(xhat, tf.fill([8], 2), tf.fill([8], 0.5)); // y = 2·x̂ + 0.5 per channel
 * ```
 */
export function scaleShift(xhat: tf.Tensor, gamma: tf.Tensor | null, beta: tf.Tensor | null): tf.Tensor {
  return tf.tidy(() => {
    let y = gamma ? tf.mul(xhat, gamma) : xhat;
    if (beta) y = tf.add(y, beta);
    return y;
  });
}

/** Running (moving) statistics kept by batch norm for inference. */
export interface RunningStats {
  /** Running mean. */
  mean: tf.Tensor;
  /** Running variance (biased or unbiased, see {@link RunningStatsOptions.runningVariance}). */
  variance: tf.Tensor;
}

/** How {@link updateRunningStats} blends a batch into the running statistics. */
export interface RunningStatsOptions {
  /** The momentum, read in `convention`'s meaning (Keras: weight of the old value; PyTorch: of the new). */
  momentum: number;
  /** How to read `momentum`. Default `'keras'`. */
  convention?: Convention;
  /**
   * Store the batch variance biased (`÷ n`, Keras) or unbiased (`÷ (n − 1)`, PyTorch).
   * Default: the convention's choice.
   */
  runningVariance?: RunningVarianceKind;
  /** `n`, the number of values behind each batch statistic (needed for the unbiased variance). */
  count: number;
}

/**
 * Step 4: blend a batch's statistics into the running ones:
 * `running ← d·running + (1 − d)·batch`, where `d` is the weight of the old value (Keras momentum
 * `m`: `d = m`; PyTorch momentum `m`: `d = 1 − m`). The batch variance enters as is (biased,
 * Keras) or times `n/(n − 1)` (unbiased, PyTorch).
 *
 * @param running the current running statistics.
 * @param batch the batch's mean and biased variance, same shapes as `running`.
 * @param options momentum, convention, variance kind and `n`.
 * @returns the new running statistics (new tensors; the inputs are untouched).
 * @throws Error when the unbiased variance is asked for with `count <= 1`.
 * @example
 * ```ts
 * const next = updateRunningStats(running, batch, { momentum: 0.1, convention: 'pytorch', count: 64 });
 * ```
 */
export function updateRunningStats(
  running: RunningStats,
  batch: Moments,
  options: RunningStatsOptions,
): RunningStats {
  const convention = options.convention ?? 'keras';
  const kind = options.runningVariance ?? (convention === 'keras' ? 'biased' : 'unbiased');
  if (kind === 'unbiased' && !(options.count > 1)) {
    throw new Error(
      `the unbiased running variance needs more than one value per statistic; got count ${options.count}`,
    );
  }
  const decay = decayFromMomentum(options.momentum, convention);
  return tf.tidy(() => ({
    mean: movingAverage(running.mean, batch.mean, decay),
    variance: movingAverage(
      running.variance,
      runningBatchVariance(batch.variance, kind, options.count),
      decay,
    ),
  }));
}

/**
 * Step 5: inference with running statistics, `y = γ·(x − μ_run) / sqrt(σ²_run + ε) + β`.
 *
 * @param x the input; its channel axis is `axis`.
 * @param running running mean and variance, shape `[channels]`.
 * @param gamma `γ` of shape `[channels]`, or `null` (γ = 1).
 * @param beta `β` of shape `[channels]`, or `null` (β = 0).
 * @param epsilon `ε > 0`.
 * @param axis the channel axis (default `-1`, channels last; then the backend's fused kernel runs).
 *
 * @example
 * ```ts
 * const running = { mean: tf.zeros([8]), variance: tf.ones([8]) };
 * const y = normalizeWithRunningStats(tf.randomNormal([4, 8]), running, null, null, 1e-3); // inference mode
 * ```
 */
export function normalizeWithRunningStats(
  x: tf.Tensor,
  running: RunningStats,
  gamma: tf.Tensor | null,
  beta: tf.Tensor | null,
  epsilon: number,
  axis = -1,
): tf.Tensor {
  const channelAxis = axis < 0 ? axis + x.rank : axis;
  return tf.tidy(() => {
    if (channelAxis === x.rank - 1 && x.rank <= 4) {
      // Explicit γ = 1 / β = 0 rather than undefined: tfjs' gradient bookkeeping of batchNorm
      // fails on missing inputs.
      const channels = [x.shape[channelAxis]];
      return tf.batchNorm(
        x,
        running.mean,
        running.variance,
        beta ?? tf.zeros(channels),
        gamma ?? tf.ones(channels),
        epsilon,
      );
    }
    const shape = broadcastShape(x.rank, [channelAxis], x.shape);
    const r = (t: tf.Tensor | null): tf.Tensor | null => (t ? tf.reshape(t, shape) : null);
    return scaleShift(normalize(x, r(running.mean)!, r(running.variance)!, epsilon), r(gamma), r(beta));
  });
}
