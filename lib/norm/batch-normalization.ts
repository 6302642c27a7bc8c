/**
 * Batch normalization as a TensorFlow.js layer.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { applyActivation, type NormActivation } from '../layers/activation';
import { resolveInitializer, serializeObject } from '../layers/serialization';
import type { BaseLayerArgs, CallKwargs, Initializer, InitializerSpec } from '../layers/tfjs-types';
import { checkInteger, resolveAxis } from '../layers/validate';
import type { AffineArgs } from './affine';
import { batchNormInference, batchNormTrainingStep } from './batch-norm-dispatch';
import { reducedCount } from './broadcast';
import { type BuiltChannels, checkChannels } from './built-shape';
import { CONVENTION_DEFAULTS, decayFromMomentum, type RunningVarianceKind } from './conventions';
import { maskedMoments } from './masked-moments';
import { NormalizationLayer } from './normalization-layer';
import { runningBatchVariance, updateMovingAverage } from './running-average';
import { checkMomentum } from './validate';

/** Options of {@link BatchNormalization} (plus tfjs' own layer options: `name`, `inputShape`, ...). */
export interface BatchNormalizationArgs extends BaseLayerArgs, AffineArgs {
  /** The channel (feature) axis, which keeps its own statistics; default `-1` (channels last). */
  axis?: number;
  /**
   * Momentum of the running statistics, in `convention`'s meaning: Keras (default 0.99) weighs the
   * OLD value, PyTorch (default 0.1) the NEW one. A number in [0, 1).
   */
  momentum?: number;
  /**
   * Keep the running variance `'biased'` (÷ n, default under `keras`) or `'unbiased'`
   * (÷ (n − 1), default under `pytorch`).
   */
  runningVariance?: RunningVarianceKind;
  /** Initializer of the running mean (default `'zeros'`). */
  movingMeanInitializer?: InitializerSpec;
  /** Initializer of the running variance (default `'ones'`). */
  movingVarianceInitializer?: InitializerSpec;
  /**
   * Activation applied to the output: `'linear'` (default, none) or `'relu'`, i.e.
   * `relu(γ·x̂ + β)`. The same numbers as a ReLU layer after this one; on tfjs-node the ReLU runs
   * inside the batch-norm kernel in training (one pass over the tensor instead of two).
   */
  activation?: NormActivation;
}

/**
 * Batch normalization (Ioffe & Szegedy 2015): each channel is standardized with statistics over
 * the batch (and spatial) axes, then scaled and shifted by learned per-channel γ and β.
 *
 * **Training** (`training: true`, as in `model.fit` and `apply(x, { training: true })`):
 * `y = γ·(x − μ_B)/sqrt(σ²_B + ε) + β` with `μ_B`, `σ²_B` the mean and biased variance of the
 * batch over every axis but `axis`; the running statistics are then updated in place,
 * `running ← d·running + (1 − d)·batch` (`d = momentum` under `keras`, `1 − momentum` under
 * `pytorch`; the variance entering as is or times `n/(n − 1)`, see `runningVariance`).
 * **Inference** (`training` false or absent, as in `predict` and `evaluate`): the same formula with
 * the running statistics; nothing is updated. A layer with `trainable = false` always runs in
 * inference mode (as Keras' does).
 *
 * A batch whose channels have a single value each (a batch of one dense example) cannot give
 * batch statistics: training on it throws an Error instead of returning NaN or β.
 *
 * On tfjs-node (channels last) training and inference run on TensorFlow's fused kernels,
 * `FusedBatchNormV3` and `FusedBatchNormGradV3`, in training oneDNN's versions of both
 * (lib/native/fused-batch-norm.ts); elsewhere, and
 * with `setNativeKernels(false)`, the portable path runs: a closed-form gradient (see
 * `batchNormTraining` in `batch-norm-op.ts`), the same numbers to float32 round-off.
 *
 * With `activation: 'relu'` the layer returns `relu(y)` in training and inference, as if a ReLU
 * layer followed it (conv → batch norm → ReLU, the usual block, in one layer); on tfjs-node the
 * training-mode ReLU is fused into oneDNN's batch-norm kernel.
 *
 * Arguments and defaults: `axis` −1 (channels last); `momentum` 0.99 (`keras`) / 0.1 (`pytorch`);
 * `runningVariance` `'biased'` (`keras`) / `'unbiased'` (`pytorch`); `epsilon` 1e-3 / 1e-5;
 * `center`, `scale` true; `gammaInitializer` `'ones'`, `betaInitializer` `'zeros'`,
 * `movingMeanInitializer` `'zeros'`, `movingVarianceInitializer` `'ones'`; γ/β regularizers and
 * constraints none; `activation` `'linear'`; `convention` `'keras'`.
 *
 * Input: rank ≥ 2 (`[N, C]`, `[N, H, W, C]`, or any channel `axis`). Output: the input's shape.
 *
 * Paper: Ioffe & Szegedy 2015, "Batch Normalization: Accelerating Deep Network Training by
 * Reducing Internal Covariate Shift".
 *
 * Weights, in `getWeights()`/`setWeights()` order: `[gamma, beta, movingMean, movingVariance]`,
 * each of shape `[channels]`; `gamma` is absent when `scale` is false, `beta` when `center` is
 * false. Weight names (as in Keras): `gamma`, `beta`, `moving_mean`, `moving_variance`.
 *
 * Masking (Keras 3's behaviour): with a mask of the input's shape without the channel axis (as
 * `tf.layers.masking` makes for `[N, T, C]` sequences), training takes the batch statistics, and
 * updates the running ones, over the unmasked positions only; every position is then normalized
 * with them, and the mask is passed on. Inference ignores the mask (the running statistics do not
 * depend on the batch). Channels last only.
 *
 * Registered for serialization as `normlab>BatchNormalization` (its `className`), so it does not
 * replace tfjs' own `BatchNormalization`; a saved model.json names it so.
 *
 * @example
 * ```ts
 * const model = tf.sequential({ layers: [
 *   tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 3, useBias: false }),
 *   new BatchNormalization(),                       // Keras convention: momentum 0.99, ε 1e-3
 *   tf.layers.reLU(),
 * ] });
 * new BatchNormalization({ convention: 'pytorch' }); // momentum 0.1 (weight of new), ε 1e-5
 * ```
 */
export class BatchNormalization extends NormalizationLayer {
  /** The registered class name (namespaced, so tfjs' own BatchNormalization stays intact). */
  static className = 'normlab>BatchNormalization';
  /** The channel axis as given (resolved against the input's rank in `build`). */
  readonly axis: number;
  /** Momentum in `convention`'s meaning. */
  readonly momentum: number;
  /** How the running variance is kept. */
  readonly runningVariance: RunningVarianceKind;
  private readonly movingMeanInitializer: Initializer;
  private readonly movingVarianceInitializer: Initializer;
  private movingMean: tf.LayerVariable | null = null;
  private movingVariance: tf.LayerVariable | null = null;

  constructor(args: BatchNormalizationArgs = {}) {
    super(args, { displayName: 'BatchNormalization', defaultName: 'normlab_batch_norm' });
    const defaults = CONVENTION_DEFAULTS[this.affine.convention];
    this.axis = checkInteger(args.axis ?? -1, 'axis');
    this.momentum = checkMomentum(args.momentum ?? defaults.momentum);
    this.runningVariance = args.runningVariance ?? defaults.runningVariance;
    if (this.runningVariance !== 'biased' && this.runningVariance !== 'unbiased') {
      throw new Error(
        `runningVariance must be 'biased' or 'unbiased'; got ${JSON.stringify(args.runningVariance)}`,
      );
    }
    this.movingMeanInitializer = resolveInitializer(
      args.movingMeanInitializer ?? 'zeros',
      'movingMeanInitializer',
    );
    this.movingVarianceInitializer = resolveInitializer(
      args.movingVarianceInitializer ?? 'ones',
      'movingVarianceInitializer',
    );
    // Masked batches: statistics over the unmasked positions (maskedTraining), as Keras 3.
    this.supportsMasking = true;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = this.buildShape(inputShape, 2, 'batch, ..., channels');
    const channelAxis = resolveAxis(this.axis, shape.length);
    const channels = shape[channelAxis];
    if (channels == null) throw new Error(`BatchNormalization: the size of axis ${this.axis} must be known`);
    checkChannels('BatchNormalization', shape, channels);
    const p = [channels];
    this.addAffine({ rank: shape.length, channelAxis, channels }, p);
    const addRunning = (name: string, initializer: Initializer): tf.LayerVariable =>
      this.addWeight(name, p, 'float32', initializer, undefined, false);
    this.movingMean = addRunning('moving_mean', this.movingMeanInitializer);
    this.movingVariance = addRunning('moving_variance', this.movingVarianceInitializer);
    this.built = true;
  }

  /**
   * Normalize `inputs`: with the batch's statistics (and an update of the running ones) when
   * `kwargs.training` is true, with the running statistics otherwise; then γ, β and the activation.
   */
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: CallKwargs): tf.Tensor {
    return this.forward(inputs, kwargs, this.activation);
  }

  /**
   * The output before the layer's activation, `γ·x̂ + β`, computed as `call` computes it (in
   * training mode the running statistics are updated too). For probes that read what the ReLU of
   * a layer with `activation: 'relu'` receives (lib/mechanism); the same as `call` without one.
   *
   * @param inputs the input, as for `call`.
   * @param kwargs `training` (and `mask`), as for `call`.
   * @returns the pre-activation output, the input's shape.
   *
   * @example
   * ```ts
   * const bn = new BatchNormalization({ activation: 'relu' });
   * const z = bn.preActivation(x, { training: false }); // bn.apply(x) is relu(z)
   * ```
   */
  override preActivation(inputs: tf.Tensor | tf.Tensor[], kwargs: CallKwargs): tf.Tensor {
    if (!this.built) this.build(Array.isArray(inputs) ? inputs[0].shape : inputs.shape);
    return this.forward(inputs, kwargs, 'linear');
  }

  private forward(
    inputs: tf.Tensor | tf.Tensor[],
    kwargs: CallKwargs,
    activation: NormActivation,
  ): tf.Tensor {
    return tf.tidy(() => {
      const x = this.checkedInput(inputs, kwargs);
      const training = kwargs?.training === true && this.trainable;
      if (!training) return applyActivation(this.inference(x), activation);
      const mask = kwargs?.mask as tf.Tensor | undefined;
      if (mask != null) return applyActivation(this.maskedTraining(x, mask), activation);
      return this.batchTraining(x, activation);
    });
  }

  /** Inference: normalized with the running statistics (before the activation). */
  private inference(x: tf.Tensor): tf.Tensor {
    const { channelAxis: axis } = this.builtInput as BuiltChannels;
    const eps = this.affine.epsilon;
    const running = { mean: this.movingMean!.read(), variance: this.movingVariance!.read() };
    const { gamma, beta } = this.affineOrNull();
    return batchNormInference(x, running, gamma, beta, eps, axis);
  }

  /** Training on an unmasked batch: batch statistics, the running-stats update, the activation. */
  private batchTraining(x: tf.Tensor, activation: NormActivation): tf.Tensor {
    const { channelAxis: axis, channels } = this.builtInput as BuiltChannels;
    const eps = this.affine.epsilon;
    const axes = x.shape.map((_, i) => i).filter((i) => i !== axis);
    const count = reducedCount(x.shape, axes);
    if (count === 0)
      throw new Error(
        `BatchNormalization in training mode got an empty batch (input shape [${x.shape}]): batch statistics ` +
          'need 2 or more examples. Skip empty batches, or call it with training: false.',
      );
    if (count < 2) {
      throw new Error(
        `BatchNormalization in training mode needs more than one value per channel to compute batch ` +
          `statistics; got input shape [${x.shape}] (1 value per channel). Use a batch of 2 or more, ` +
          `call it with training: false, or use layer/group normalization.`,
      );
    }
    const { gamma, beta } = this.affineOrIdentity(channels);
    const running = { mean: this.movingMean!.read(), variance: this.movingVariance!.read() };
    const decay = decayFromMomentum(this.momentum, this.affine.convention);
    const update = { decay, runningVariance: this.runningVariance, count };
    const step = batchNormTrainingStep(x, gamma, beta, eps, axis, running, update, activation);
    this.movingMean!.write(step.running.mean);
    this.movingVariance!.write(step.running.variance);
    return step.output;
  }

  /**
   * Training on a masked input (Keras 3's behaviour): the batch statistics and the running-stats
   * update use the unmasked positions only ({@link maskedMoments}); every position is normalized.
   * Channels last only. Call inside the layer's `tf.tidy`.
   */
  private maskedTraining(x: tf.Tensor, mask: tf.Tensor): tf.Tensor {
    const { channelAxis, channels, rank } = this.builtInput as BuiltChannels;
    if (channelAxis !== rank - 1) {
      throw new Error(
        `BatchNormalization supports masks with channels-last input only (axis -1); got axis ${this.axis}`,
      );
    }
    const { mean, variance, count } = maskedMoments(x, mask);
    const { gamma, beta } = this.affineOrIdentity(channels);
    const output = tf.add(
      tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, this.affine.epsilon))), gamma),
      beta,
    );
    const decay = decayFromMomentum(this.momentum, this.affine.convention);
    updateMovingAverage(this.movingMean!, mean, decay);
    updateMovingAverage(
      this.movingVariance!,
      runningBatchVariance(variance, this.runningVariance, count),
      decay,
    );
    return output;
  }

  protected override layerConfig(): tf.serialization.ConfigDict {
    return {
      axis: this.axis,
      momentum: this.momentum,
      runningVariance: this.runningVariance,
      movingMeanInitializer: serializeObject(this.movingMeanInitializer),
      movingVarianceInitializer: serializeObject(this.movingVarianceInitializer),
      activation: this.activation,
    };
  }
}
tf.serialization.registerClass(BatchNormalization);
