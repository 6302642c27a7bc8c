/**
 * Batch renormalization as a TensorFlow.js layer.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { resolveInitializer, serializeObject } from '../layers/serialization';
import type { BaseLayerArgs, CallKwargs, Initializer, InitializerSpec } from '../layers/tfjs-types';
import { checkInteger, resolveAxis } from '../layers/validate';
import type { AffineArgs } from './affine';
import { batchNormInference } from './batch-norm-dispatch';
import { batchNormTraining } from './batch-norm-op';
import { broadcastShape, reducedCount } from './broadcast';
import type { BuiltChannels } from './built-shape';
import { CONVENTION_DEFAULTS, decayFromMomentum } from './conventions';
import { NormalizationLayer } from './normalization-layer';
import { type RenormClipping, type RenormSchedule, renormCorrection, renormLimits } from './renorm-steps';
import { updateMovingAverage } from './running-average';
import { checkMomentum } from './validate';

/** Options of {@link BatchRenormalization} (plus tfjs' own layer options: `name`, `inputShape`, ...). */
export interface BatchRenormalizationArgs extends BaseLayerArgs, AffineArgs {
  /** The channel (feature) axis, which keeps its own statistics; default `-1` (channels last). */
  axis?: number;
  /**
   * Momentum of the inference statistics (moving mean and moving standard deviation), in
   * `convention`'s meaning: Keras (default 0.99) weighs the OLD value, PyTorch (default 0.1) the
   * NEW one. A number in [0, 1).
   */
  momentum?: number;
  /**
   * Momentum of the renormalization statistics `μ`, `σ` that the corrections `r`, `d` compare the
   * batch with, in `convention`'s meaning. Default 0.99 (`keras`, as TensorFlow's
   * `renorm_momentum`) or 0.01 (`pytorch`, the same rate).
   */
  renormMomentum?: number;
  /** Upper limit of `r` (≥ 1), or `null` for none. Default 3 (the paper's final value). */
  rMax?: number | null;
  /** Lower limit of `r` (in (0, 1]), or `null` for none. Default `1/rMax` (0 when `rMax` is `null`). */
  rMin?: number | null;
  /** Limit of `|d|` (≥ 0), or `null` for none. Default 5 (the paper's final value). */
  dMax?: number | null;
  /**
   * Training steps of plain batch norm (`r = 1`, `d = 0`) before the clipping is relaxed; an
   * integer ≥ 0, default 0. The paper uses 5000.
   */
  warmupSteps?: number;
  /**
   * Training steps over which the limits grow linearly from `rMax = rMin = 1`, `dMax = 0` to their
   * final values after the warm-up; an integer ≥ 0, default 0 (the final limits at once). Needs
   * finite `rMax`, `rMin` and `dMax`. The paper reaches `rMax = 3` after 35000 steps.
   */
  rampSteps?: number;
  /**
   * Count the training steps taken in a weight, `renorm_steps` (default `true`), which the
   * warm-up and the ramp read and a saved model resumes from. Keras'
   * `BatchNormalization(renorm=True)` has no such weight and no schedule, so a layer loaded from a
   * Keras model has it `false`. Must be `true` when `warmupSteps` or `rampSteps` is above 0.
   */
  countSteps?: boolean;
  /** Initializer of the moving mean and the renormalization mean (default `'zeros'`). */
  movingMeanInitializer?: InitializerSpec;
  /**
   * Initializer of the moving variance (default `'ones'`); the moving and renormalization standard
   * deviations start at its square root.
   */
  movingVarianceInitializer?: InitializerSpec;
}

/** A limit option: a finite number in range, or `null` for none. */
function checkLimit(
  value: number | null,
  name: string,
  min: number,
  max = Number.POSITIVE_INFINITY,
): number | null {
  if (value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new Error(
      `${name} must be a finite number in [${min}, ${max === Number.POSITIVE_INFINITY ? '∞' : max}] or null (no limit); got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** A step count: an integer ≥ 0. */
function checkSteps(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`${name} must be an integer >= 0; got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * Batch renormalization (Ioffe 2017, "Batch Renormalization: Towards Reducing Minibatch
 * Dependence in Batch-Normalized Models"): batch norm whose training output is corrected towards
 * what inference will compute, so that small or non-i.i.d. batches train a model that behaves the
 * same at inference.
 *
 * **Training** (`training: true`): with the batch mean `μ_B` and standard deviation
 * `σ_B = sqrt(σ²_B + ε)` over every axis but `axis`, and the renormalization statistics `μ`, `σ`
 * (moving averages of `μ_B`, `σ_B`),
 * `r = clip(σ_B/σ, rMin, rMax)`, `d = clip((μ_B − μ)/σ, −dMax, dMax)`,
 * `y = γ·((x − μ_B)/σ_B · r + d) + β`.
 * `r` and `d` are constants for the gradient (stop-gradient, as in the paper): the gradient is
 * batch norm's with γ·r in place of γ. With `r = 1`, `d = 0` this is batch norm. Then the
 * statistics are updated, in this order of use: `μ`, `σ` with `renormMomentum`; the moving mean
 * and the moving standard deviation (of `σ_B`) with `momentum`; the moving variance is
 * `max(σ_moving² − ε, 0)` (as `BatchNormalization(renorm=True)` of TensorFlow's Keras 2 and of
 * Keras 3 do; the golden fixtures match both).
 * **Inference** (`training` false or absent, or `trainable = false`): batch norm's inference,
 * `y = γ·(x − μ_moving)/sqrt(σ²_moving + ε) + β`; nothing is updated.
 *
 * The clipping and its schedule: `rMax` (default 3), `rMin` (default `1/rMax`), `dMax` (default
 * 5), each `null` for none; `warmupSteps` (default 0) steps of plain batch norm, then the limits
 * relaxed linearly over `rampSteps` (default 0) steps. The paper: `rMax` 1 → 3, `dMax` 0 → 5 after
 * 5000 steps of plain batch norm. The step count is a weight, so a saved model resumes its schedule.
 *
 * Arguments and defaults: `axis` −1; `momentum` 0.99 (`keras`) / 0.1 (`pytorch`);
 * `renormMomentum` 0.99 / 0.01; `epsilon` 1e-3 / 1e-5; `center`, `scale` true; `rMax` 3,
 * `rMin` 1/rMax, `dMax` 5; `warmupSteps`, `rampSteps` 0; initializers `'zeros'` (β, means) and
 * `'ones'` (γ, variance); regularizers and constraints of γ/β none; `convention` `'keras'`.
 * The moving variance is always the biased one (÷ n).
 *
 * Input: rank ≥ 2, any channel axis. Output: the input's shape.
 *
 * Weights, in `getWeights()`/`setWeights()` order, each `[channels]` but the last:
 * `[gamma, beta, movingMean, movingVariance, movingStddev, renormMean, renormStddev, renormSteps]`
 * (γ/β absent when `scale`/`center` is false; the first seven in TensorFlow's order and names
 * `moving_mean`, `moving_variance`, `moving_stddev`, `renorm_mean`, `renorm_stddev`; `renorm_steps`
 * is a scalar, the training steps taken, absent when `countSteps` is false).
 *
 * Registered as `normlab>BatchRenormalization`.
 *
 * @example
 * ```ts
 * const model = tf.sequential({ layers: [
 *   tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 3, useBias: false }),
 *   new BatchRenormalization({ rMax: 3, dMax: 5, warmupSteps: 500, rampSteps: 2000 }),
 *   tf.layers.reLU(),
 * ] });
 * ```
 */
export class BatchRenormalization extends NormalizationLayer {
  /** The registered class name. */
  static className = 'normlab>BatchRenormalization';
  /** The channel axis as given (resolved against the input's rank in `build`). */
  readonly axis: number;
  /** Momentum of the inference statistics, in `convention`'s meaning. */
  readonly momentum: number;
  /** Momentum of the renormalization statistics, in `convention`'s meaning. */
  readonly renormMomentum: number;
  /** The final clipping limits. */
  readonly clipping: RenormClipping;
  /** The warm-up and ramp of the clipping. */
  readonly schedule: RenormSchedule;
  /** Whether the training steps are counted in the weight `renorm_steps`. */
  readonly countSteps: boolean;
  private readonly movingMeanInitializer: Initializer;
  private readonly movingVarianceInitializer: Initializer;
  private stats:
    | (Record<
        'movingMean' | 'movingVariance' | 'movingStddev' | 'renormMean' | 'renormStddev',
        tf.LayerVariable
      > & {
        steps: tf.LayerVariable | null;
      })
    | null = null;

  constructor(args: BatchRenormalizationArgs = {}) {
    super(args, { displayName: 'BatchRenormalization', defaultName: 'normlab_batch_renorm' });
    const convention = this.affine.convention;
    const defaults = CONVENTION_DEFAULTS[convention];
    this.axis = checkInteger(args.axis ?? -1, 'axis');
    this.momentum = checkMomentum(args.momentum ?? defaults.momentum);
    this.renormMomentum = checkMomentum(args.renormMomentum ?? (convention === 'keras' ? 0.99 : 0.01));
    const rMax = checkLimit(args.rMax === undefined ? 3 : args.rMax, 'rMax', 1);
    const rMin = checkLimit(
      args.rMin === undefined ? (rMax === null ? null : 1 / rMax) : args.rMin,
      'rMin',
      0,
      1,
    );
    const dMax = checkLimit(args.dMax === undefined ? 5 : args.dMax, 'dMax', 0);
    this.clipping = { rMin, rMax, dMax };
    this.schedule = {
      warmupSteps: checkSteps(args.warmupSteps ?? 0, 'warmupSteps'),
      rampSteps: checkSteps(args.rampSteps ?? 0, 'rampSteps'),
    };
    this.countSteps = args.countSteps ?? true;
    if (typeof this.countSteps !== 'boolean') {
      throw new Error(`countSteps must be true or false; got ${JSON.stringify(args.countSteps)}`);
    }
    if (!this.countSteps && (this.schedule.warmupSteps > 0 || this.schedule.rampSteps > 0)) {
      throw new Error(
        'countSteps: false leaves the warm-up and ramp no step count to follow; set countSteps: true, ' +
          'or warmupSteps and rampSteps to 0',
      );
    }
    if (this.schedule.rampSteps > 0 && (rMax === null || rMin === null || dMax === null)) {
      throw new Error(
        'rampSteps > 0 needs finite rMax, rMin and dMax to ramp towards; got null for one of them',
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
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = this.buildShape(inputShape, 2, 'batch, ..., channels');
    const channelAxis = resolveAxis(this.axis, shape.length);
    const channels = shape[channelAxis];
    if (channels == null)
      throw new Error(`BatchRenormalization: the size of axis ${this.axis} must be known`);
    const built: BuiltChannels = { rank: shape.length, channelAxis, channels };
    this.addAffine(built, [channels]);
    const add = (name: string, initializer: Initializer, shapeOf: number[] = [channels]): tf.LayerVariable =>
      this.addWeight(name, shapeOf, 'float32', initializer, undefined, false);
    const movingMean = add('moving_mean', this.movingMeanInitializer);
    const movingVariance = add('moving_variance', this.movingVarianceInitializer);
    const movingStddev = add('moving_stddev', this.movingVarianceInitializer);
    const renormMean = add('renorm_mean', this.movingMeanInitializer);
    const renormStddev = add('renorm_stddev', this.movingVarianceInitializer);
    // The standard deviations start at the square root of the variance initializer's values.
    tf.tidy(() => {
      for (const v of [movingStddev, renormStddev]) v.write(tf.sqrt(v.read()));
    });
    const steps = this.countSteps ? add('renorm_steps', tf.initializers.zeros(), []) : null;
    this.stats = { movingMean, movingVariance, movingStddev, renormMean, renormStddev, steps };
    this.built = true;
  }

  /**
   * Normalize `inputs`: in training with the batch's statistics corrected by the clipped r and d
   * (and an update of the moving and renorm statistics), at inference with the moving statistics.
   */
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: CallKwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = this.checkedInput(inputs, kwargs);
      const { channelAxis: axis, channels } = this.builtInput as BuiltChannels;
      const s = this.stats!;
      const eps = this.affine.epsilon;
      const training = kwargs?.training === true && this.trainable;
      if (!training) {
        const { gamma, beta } = this.affineOrNull();
        const running = { mean: s.movingMean.read(), variance: s.movingVariance.read() };
        return batchNormInference(x, running, gamma, beta, eps, axis);
      }
      const axes = x.shape.map((_, i) => i).filter((i) => i !== axis);
      if (reducedCount(x.shape, axes) < 2) {
        throw new Error(
          `BatchRenormalization in training mode needs more than one value per channel to compute batch ` +
            `statistics; got input shape [${x.shape}] (1 value per channel). Use a batch of 2 or more, ` +
            `call it with training: false, or use layer/group normalization.`,
        );
      }
      // x̂ with batch norm's closed-form gradient; the statistics come out of the op untracked,
      // so r and d computed from them are constants for the gradient (the paper's stop-gradient).
      const ones = tf.ones([channels]);
      const { output: xhat, mean, variance } = batchNormTraining(x, ones, tf.zeros([channels]), eps, axis);
      const batchStd = tf.sqrt(tf.add(variance, eps));
      // Without a step count the schedule is empty (checked in the constructor): step 0 will do.
      const step = (s.steps ? s.steps.read() : tf.scalar(0)) as tf.Scalar;
      const limits = renormLimits(step, this.clipping, this.schedule);
      const { r, d } = renormCorrection(
        mean,
        batchStd,
        s.renormMean.read(),
        s.renormStddev.read(),
        eps,
        limits,
      );
      const { gamma, beta } = this.affineOrIdentity(channels);
      const shape = axis === x.rank - 1 ? [channels] : broadcastShape(x.rank, [axis], x.shape);
      const output = tf.add(
        tf.mul(xhat, tf.reshape(tf.mul(gamma, r), shape)),
        tf.reshape(tf.add(tf.mul(gamma, d), beta), shape),
      );
      const renormDecay = decayFromMomentum(this.renormMomentum, this.affine.convention);
      const decay = decayFromMomentum(this.momentum, this.affine.convention);
      updateMovingAverage(s.renormMean, mean, renormDecay);
      updateMovingAverage(s.renormStddev, batchStd, renormDecay);
      updateMovingAverage(s.movingMean, mean, decay);
      updateMovingAverage(s.movingStddev, batchStd, decay);
      s.movingVariance.write(tf.relu(tf.sub(tf.square(s.movingStddev.read()), eps)));
      if (s.steps) s.steps.write(tf.add(s.steps.read(), 1));
      return output;
    });
  }

  protected override layerConfig(): tf.serialization.ConfigDict {
    return {
      axis: this.axis,
      momentum: this.momentum,
      renormMomentum: this.renormMomentum,
      rMax: this.clipping.rMax,
      rMin: this.clipping.rMin,
      dMax: this.clipping.dMax,
      warmupSteps: this.schedule.warmupSteps,
      rampSteps: this.schedule.rampSteps,
      countSteps: this.countSteps,
      movingMeanInitializer: serializeObject(this.movingMeanInitializer),
      movingVarianceInitializer: serializeObject(this.movingVarianceInitializer),
    };
  }
}
tf.serialization.registerClass(BatchRenormalization);
