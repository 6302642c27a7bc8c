/**
 * The algorithm of normalization, step by step, as small pure functions on tensors. Batch, layer,
 * instance and group norm all come down to one operation, "standardize `x` over these axes"
 * ({@link standardize}); they differ only in the axes (and group norm's reshape into groups, see
 * {@link groupStandardize}) and in where the learned scale γ and shift β live.
 *
 * The batch-norm steps as taught:
 * 1. {@link moments}: `μ = mean(x)`, `σ² = mean((x − μ)²)` over the reduced axes;
 * 2. {@link normalize}: `x̂ = (x − μ) / sqrt(σ² + ε)`;
 * 3. {@link scaleShift}: `y = γ·x̂ + β`;
 * 4. {@link updateRunningStats}: `running ← d·running + (1 − d)·batch` (d from the momentum);
 * 5. {@link normalizeWithRunningStats}: inference, steps 2 and 3 with the running statistics.
 *
 * The paths the layers run, {@link standardize} (layer norm), {@link groupNormAffine} (group and
 * instance norm) and {@link batchNormTraining} (batch norm in training), compute the same numbers
 * with a closed-form gradient (`tf.customGrad`) instead of automatic differentiation through the
 * moments, and use the backend's fused batch-norm kernel (`tf.batchNorm`, FusedBatchNorm on
 * tfjs-node) where it has one.
 *
 * Everything here takes and returns tensors without keeping any (call inside `tf.tidy` or dispose
 * the results).
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { type Convention, decayFromMomentum, type RunningVarianceKind } from './conventions';

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
  return tf.tidy(() => {
    const batchVariance =
      kind === 'unbiased' ? tf.mul(batch.variance, options.count / (options.count - 1)) : batch.variance;
    const blend = (old: tf.Tensor, fresh: tf.Tensor): tf.Tensor =>
      tf.add(tf.mul(old, decay), tf.mul(fresh, 1 - decay));
    return { mean: blend(running.mean, batch.mean), variance: blend(running.variance, batchVariance) };
  });
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

/**
 * The shape that makes a parameter spanning `keptAxes` of a rank-`rank` input broadcast against it:
 * the input's size on `keptAxes`, 1 elsewhere.
 */
export function broadcastShape(
  rank: number,
  keptAxes: readonly number[],
  shape: readonly number[],
): number[] {
  const out = new Array<number>(rank).fill(1);
  for (const a of keptAxes) out[a] = shape[a];
  return out;
}

/** The number of values reduced per statistic: the product of `shape` over `axes`. */
export function reducedCount(shape: readonly number[], axes: readonly number[]): number {
  return axes.reduce((n, a) => n * shape[a], 1);
}

/**
 * THE core of all four normalizations: standardize `x` over `axes`,
 * `x̂ = (x − μ) / sqrt(σ² + ε)` with `μ`, `σ²` the mean and biased variance over `axes`
 * (kept per position of the other axes).
 *
 * Its gradient is closed-form rather than derived through the moments: with `g = ∂L/∂x̂`,
 * `∂L/∂x = (1/sqrt(σ² + ε))·(g − mean(g) − x̂·mean(g·x̂))`, means over `axes`.
 *
 * - batch norm: `axes` = every axis but the channel axis;
 * - layer norm: `axes` = the example's feature axes;
 * - instance norm: `axes` = the spatial axes;
 * - group norm: the spatial axes and the channels of a group ({@link groupStandardize}).
 *
 * @param x the input.
 * @param axes the axes to standardize over (non-negative, sorted).
 * @param epsilon `ε > 0`.
 * @example
 * ```ts
 * const xhat = standardize(x, [1, 2], 1e-5); // instance norm of NHWC x, without γ/β
 * ```
 */
export function standardize(x: tf.Tensor, axes: number[], epsilon: number): tf.Tensor {
  const op = tf.customGrad((input: tf.Tensor | tf.GradSaveFunc, save: tf.Tensor | tf.GradSaveFunc) => {
    const xs = input as tf.Tensor;
    const { mean, variance } = tf.moments(xs, axes, true);
    const invStd = tf.rsqrt(tf.add(variance, epsilon));
    const xhat = tf.mul(tf.sub(xs, mean), invStd);
    (save as tf.GradSaveFunc)([xhat, invStd]);
    return {
      value: xhat,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [savedXhat, savedInvStd] = saved;
        const meanDy = tf.mean(dy, axes, true);
        const meanDyXhat = tf.mean(tf.mul(dy, savedXhat), axes, true);
        return tf.mul(tf.sub(tf.sub(dy, meanDy), tf.mul(savedXhat, meanDyXhat)), savedInvStd);
      },
    };
  });
  return op(x);
}

/**
 * Group norm's standardization of channels-last `x` (shape `[N, ...spatial, C]`): split the `C`
 * channels into `groups` groups of `C/groups` consecutive channels, then {@link standardize} each
 * example over its spatial axes and the channels of each group:
 * `[N, ...S, C] → [N, ...S, G, C/G]`, standardize over `(...S, C/G)`, reshape back.
 * `groups = 1` standardizes over all features (layer norm's statistics); `groups = C` over the
 * spatial axes per channel (instance norm's statistics).
 *
 * @param x channels-last input of rank ≥ 2.
 * @param groups the number of groups; must divide `C`.
 * @param epsilon `ε > 0`.
 */
export function groupStandardize(x: tf.Tensor, groups: number, epsilon: number): tf.Tensor {
  return tf.tidy(() => {
    const shape = x.shape;
    const channels = shape[shape.length - 1];
    const grouped = tf.reshape(x, [...shape.slice(0, -1), groups, channels / groups]);
    const axes: number[] = [];
    for (let a = 1; a < shape.length - 1; a++) axes.push(a);
    axes.push(shape.length);
    return tf.reshape(standardize(grouped, axes, epsilon), shape);
  });
}

/** The forward of a custom-gradient op of `(x, γ, β)`: its value and the gradient function. */
type AffineOpForward = (
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  save: tf.GradSaveFunc,
) => { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[] };

/**
 * `tf.customGrad` for an op of `(x, γ, β)` (the fused group and batch norm ops), with the
 * arguments typed: tfjs hands them to the forward untyped, as `Tensor | GradSaveFunc`.
 */
function affineCustomGrad(
  forward: AffineOpForward,
): (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => tf.Tensor {
  const op = tf.customGrad((x, gamma, beta, save) =>
    forward(x as tf.Tensor, gamma as tf.Tensor, beta as tf.Tensor, save as tf.GradSaveFunc),
  );
  return (x, gamma, beta) => op(x, gamma, beta);
}

/**
 * Group norm with its per-channel affine map, fused into one differentiable op for channels-last
 * `x` of shape `[N, ...S, C]` (`S` spatial axes, possibly none): the channels are split into
 * `groups` groups of `C/G` consecutive channels, each (example, group) is standardized over
 * `S` × its channels, then `y = γ_c·x̂ + β_c`. Instance norm is `groups = C`.
 *
 * Same numbers as `scaleShift(groupStandardize(x, G, ε), γ, β)`, computed faster: every reduction
 * is a per-channel mean over the spatial axes (a layout the backends reduce quickly) followed by
 * an average over the channels of a group on the small `[N, 1, ..., C]` statistics, and the
 * backward pass is closed form, with `x_c = x − μ`, `r = 1/sqrt(σ² + ε)` per (example, group),
 * `M₁ = mean_group(γ·dy)`, `M₂ = mean_group(γ·dy·x̂)`:
 * `∂x = r·(γ·dy − M₁ − x̂·M₂)`, `∂γ = Σ_{N,S} dy·x̂`, `∂β = Σ_{N,S} dy`.
 *
 * A dense `[N, C]` input (no spatial axes) takes the plain core path,
 * `scaleShift(groupStandardize(x, G, ε), γ, β)`, which is cheaper there.
 *
 * @param x channels-last input of rank ≥ 2.
 * @param gamma `γ`, shape `[C]` (ones for no scale).
 * @param beta `β`, shape `[C]` (zeros for no shift).
 * @param groups the number of groups; must divide `C`.
 * @param epsilon `ε > 0`.
 */
export function groupNormAffine(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  groups: number,
  epsilon: number,
): tf.Tensor {
  const shape = x.shape;
  const rank = shape.length;
  const n = shape[0];
  const channels = shape[rank - 1];
  const spatial: number[] = [];
  for (let a = 1; a < rank - 1; a++) spatial.push(a);
  if (spatial.length === 0) {
    // Dense [N, C] input: the per-channel statistics would be as large as x itself, so the plain
    // core path (reshape into groups, standardize, scale and shift) is cheaper here.
    return tf.tidy(() => scaleShift(groupStandardize(x, groups, epsilon), gamma, beta));
  }
  const statShape = shape.map((d, a) => (a === 0 || a === rank - 1 ? d : 1));
  const perGroup = channels / groups;
  // Mean over the spatial axes, per example and channel: [N, 1, ..., C].
  const meanS = (t: tf.Tensor): tf.Tensor => (spatial.length ? tf.mean(t, spatial, true) : t);
  // Average [N, 1, ..., C] statistics over the channels of each group, broadcast back to every channel.
  const groupAvg = (t: tf.Tensor): tf.Tensor => {
    if (perGroup === 1) return t;
    const m = tf.mean(tf.reshape(t, [n, groups, perGroup]), 2, true);
    return tf.reshape(tf.broadcastTo(m, [n, groups, perGroup]), statShape);
  };
  const sumNS = (t: tf.Tensor, count: number): tf.Tensor => tf.mul(tf.sum(t, 0), count);
  const spatialCount = spatial.reduce((p, a) => p * shape[a], 1);
  const op = affineCustomGrad((xs, g, b, save) => {
    const mean = groupAvg(meanS(xs));
    const centered = tf.sub(xs, mean);
    const variance = groupAvg(meanS(tf.square(centered)));
    const invStd = tf.rsqrt(tf.add(variance, epsilon));
    const scale = tf.mul(invStd, g);
    const value = tf.add(tf.mul(centered, scale), b);
    save([centered, invStd, g]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xc, r, gm] = saved;
        const meanDy = meanS(dy); // [N, 1, ..., C]
        const meanDyXhat = tf.mul(meanS(tf.mul(dy, xc)), r); // mean_S(dy·x̂)
        const m1 = groupAvg(tf.mul(meanDy, gm));
        const m2 = groupAvg(tf.mul(meanDyXhat, gm));
        const dx = tf.sub(
          tf.sub(tf.mul(dy, tf.mul(r, gm)), tf.mul(xc, tf.mul(tf.square(r), m2))),
          tf.mul(r, m1),
        );
        const dGamma = tf.reshape(sumNS(meanDyXhat, spatialCount), [channels]);
        const dBeta = tf.reshape(sumNS(meanDy, spatialCount), [channels]);
        return [dx, dGamma, dBeta];
      },
    };
  });
  return op(x, gamma, beta);
}

/** What {@link batchNormTraining} returns. */
export interface BatchNormTrainingResult {
  /** `y = γ·x̂ + β`, same shape as the input. */
  output: tf.Tensor;
  /** The batch mean, shape `[channels]`. */
  mean: tf.Tensor;
  /** The batch's biased variance, shape `[channels]`. */
  variance: tf.Tensor;
}

/**
 * Batch norm in training mode, fused: steps 1–3 in one differentiable op,
 * `y = γ·(x − μ_B)/sqrt(σ²_B + ε) + β` with the batch statistics over every axis but `axis`.
 *
 * Forward: the moments, then the backend's fused batch-norm kernel (`tf.batchNorm`) when the
 * channels are last. Backward, closed form (`n` values per channel, sums over the reduced axes):
 * `∂β = Σ dy`, `∂γ = Σ dy·x̂`, `∂x = (γ/sqrt(σ²_B + ε))·(dy − (∂β + x̂·∂γ)/n)`.
 *
 * @param x the input (rank ≥ 2).
 * @param gamma `γ`, shape `[channels]` (pass ones for no scale).
 * @param beta `β`, shape `[channels]` (pass zeros for no shift).
 * @param epsilon `ε > 0`.
 * @param axis the channel axis (default `-1`).
 * @returns the output and the batch statistics (all new tensors, owned by the caller).
 */
export function batchNormTraining(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  epsilon: number,
  axis = -1,
): BatchNormTrainingResult {
  const rank = x.rank;
  const channelAxis = axis < 0 ? axis + rank : axis;
  const axes: number[] = [];
  for (let a = 0; a < rank; a++) if (a !== channelAxis) axes.push(a);
  const n = reducedCount(x.shape, axes);
  const fused = channelAxis === rank - 1 && rank <= 4;
  const shape = fused ? [x.shape[channelAxis]] : broadcastShape(rank, [channelAxis], x.shape);
  const channels = [x.shape[channelAxis]];
  let stats: Moments | null = null;
  const op = affineCustomGrad((xs, g, b, save) => {
    const gammaB = tf.reshape(g, shape);
    const betaB = tf.reshape(b, shape);
    const { mean, variance } = tf.moments(xs, axes, !fused);
    const value = fused
      ? tf.batchNorm(xs, mean, variance, betaB, gammaB, epsilon)
      : tf.add(tf.mul(tf.mul(tf.sub(xs, mean), tf.rsqrt(tf.add(variance, epsilon))), gammaB), betaB);
    stats = {
      mean: tf.keep(tf.reshape(mean, channels)),
      variance: tf.keep(tf.reshape(variance, channels)),
    };
    save([xs, mean, variance, gammaB]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sMean, sVar, sGamma] = saved;
        const dBeta = tf.sum(dy, axes, !fused);
        let xhat: tf.Tensor;
        let centered: tf.Tensor;
        const invStd = tf.rsqrt(tf.add(sVar, epsilon));
        if (fused) {
          xhat = tf.batchNorm(sx, sMean, sVar, tf.zerosLike(sMean), tf.onesLike(sMean), epsilon);
        } else {
          xhat = tf.mul(tf.sub(sx, sMean), invStd);
        }
        const dGamma = tf.sum(tf.mul(dy, xhat), axes, !fused);
        if (fused) {
          // (∂β + x̂·∂γ)/n in one fused pass over x.
          centered = tf.batchNorm(sx, sMean, sVar, tf.div(dBeta, n), tf.div(dGamma, n), epsilon);
        } else {
          centered = tf.div(tf.add(dBeta, tf.mul(xhat, dGamma)), n);
        }
        const dx = tf.mul(tf.sub(dy, centered), tf.mul(sGamma, invStd));
        return [dx, tf.reshape(dGamma, channels), tf.reshape(dBeta, channels)];
      },
    };
  });
  const output = op(x, gamma, beta);
  const kept = stats as Moments | null;
  if (!kept) throw new Error('batchNormTraining: internal error, the batch statistics were not computed');
  // The statistics were kept out of customGrad's inner scope; clone them into the caller's scope
  // (so an enclosing tf.tidy owns them like any other result) and drop the kept handles.
  const mean = kept.mean.clone();
  const variance = kept.variance.clone();
  kept.mean.dispose();
  kept.variance.dispose();
  return { output, mean, variance };
}
