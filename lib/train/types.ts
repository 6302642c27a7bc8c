/**
 * The trainer's API types: what to train ({@link TrainConfig}), what it reports while training
 * ({@link StepRecord}, {@link EpochRecord}, {@link EvalRecord} through {@link TrainCallbacks}) and
 * what it returns ({@link TrainResult}).
 *
 * Entry points (lib/train/trainer.ts): `train(model, data, config, options?): Promise<TrainResult>`
 * runs our own loop on a model from `buildModel(spec)` (lib/models/build.ts);
 * `createProgressBar()` (lib/train/progress.ts) gives a terminal {@link ProgressReporter}.
 *
 * @module
 */
import type { ImageSplit } from '../data/types';
import type { LearningRateSchedule } from './schedule';

/** Optimizers the trainer supports. */
export type OptimizerName = 'sgd' | 'adam';

/**
 * How to train. Only `optimizer`, `learningRate`, `batchSize` and `epochs` are required.
 *
 * @example
 * ```ts
 * const config: TrainConfig = { optimizer: 'sgd', learningRate: 0.05, momentum: 0.9, batchSize: 128, epochs: 3, shuffleSeed: 1 };
 * ```
 */
export interface TrainConfig {
  /** `sgd` (with momentum; plain SGD when momentum is 0) or `adam`. */
  optimizer: OptimizerName;
  /** Learning rate, > 0 (the peak rate when a `schedule` is given). */
  learningRate: number;
  /**
   * How the rate changes over the run's planned steps (see {@link LearningRateSchedule}): warm-up
   * then cosine or step decay. Default: constant.
   */
  schedule?: LearningRateSchedule;
  /** SGD momentum in `[0, 1)` (heavy ball, tfjs' `tf.train.momentum`). Default 0.9. Ignored by Adam. */
  momentum?: number;
  /** Adam β₁. Default 0.9. */
  beta1?: number;
  /** Adam β₂. Default 0.999. */
  beta2?: number;
  /** Adam ε. Default 1e-7 (tfjs/Keras default). */
  adamEpsilon?: number;
  /** Examples per training step, ≥ 1. The last incomplete batch of an epoch is dropped. */
  batchSize: number;
  /** Number of passes over the training split, ≥ 1. */
  epochs: number;
  /** Stop after this many steps even when epochs remain. Default: no limit. */
  maxSteps?: number;
  /** Seed of the per-epoch shuffling of the training split. Default 0. */
  shuffleSeed?: number;
  /**
   * Validation accuracy in `(0, 1]` whose first reaching is recorded in
   * {@link TrainResult.reachedTarget} (steps and seconds to target). Default: none.
   */
  targetAccuracy?: number;
  /** Stop training as soon as `targetAccuracy` is reached. Default false. */
  stopAtTarget?: boolean;
  /**
   * Validation cadence: `'epoch'` evaluates at the end of every epoch; a number `n` also every `n`
   * steps (finer steps-to-target resolution, more eval time). Default `'epoch'`.
   */
  evalEvery?: 'epoch' | number;
  /** Whether each epoch record includes test metrics. Default true (when a test split is given). */
  evalTestEachEpoch?: boolean;
  /** Evaluate the whole training split in inference mode at the end (train–test gap). Default true. */
  evalTrainAtEnd?: boolean;
  /** Examples per evaluation batch. Default 1000. */
  evalBatchSize?: number;
  /**
   * Steps between read-backs of the per-step loss/accuracy scalars (they are kept as tensors and
   * read together, which does not change any value). Default 50.
   */
  readbackEvery?: number;
  /** Keep every {@link StepRecord} in the result. Default true. */
  recordSteps?: boolean;
  /**
   * Loss above which training counts as diverged (besides NaN/±Inf, which always do).
   * Default: none (only non-finite losses).
   */
  divergenceLoss?: number;
  /**
   * A mini-batch loss above `explodeFactor × max(first step's loss, ln(numClasses))` counts as
   * diverged (reason `exploding`): cross-entropy starts near ln(numClasses), so a loss a thousand
   * times that means the weights have blown up even while it is still finite (batch norm can keep
   * it finite at absurd rates). Default 1000; a finite number > 1.
   */
  explodeFactor?: number;
}

/** Metrics of one evaluation pass (inference mode) over a split. */
export interface EvalMetrics {
  /** Mean softmax cross-entropy over the split. */
  loss: number;
  /** Share of correctly classified examples, `[0, 1]`. */
  accuracy: number;
  /** Examples evaluated. */
  count: number;
}

/** One training step, as read back (training-mode loss and accuracy of its mini-batch). */
export interface StepRecord {
  /** Global step, 1-based. */
  step: number;
  /** Epoch the step belongs to, 1-based. */
  epoch: number;
  /** Mini-batch loss (mean softmax cross-entropy) before the update. */
  loss: number;
  /** Mini-batch accuracy before the update. */
  accuracy: number;
  /** Wall time of the step in milliseconds (batch tensor, forward, backward, update). */
  ms: number;
}

/** A validation evaluation during training. */
export interface EvalRecord {
  /** Global step after which it ran. */
  step: number;
  /** Epoch (1-based) it belongs to; fractional position is `step / stepsPerEpoch`. */
  epoch: number;
  /** Training seconds (evaluation time excluded) elapsed when it ran. */
  trainSeconds: number;
  /** Validation metrics. */
  validation: EvalMetrics;
}

/** The end of one epoch. */
export interface EpochRecord {
  /** Epoch, 1-based. */
  epoch: number;
  /** Global step at its end. */
  step: number;
  /** Mean training-mode mini-batch loss over the epoch's steps. */
  trainLoss: number;
  /** Mean training-mode mini-batch accuracy over the epoch's steps. */
  trainAccuracy: number;
  /** Validation metrics (absent without a validation split). */
  validation?: EvalMetrics;
  /** Test metrics (absent without a test split or with `evalTestEachEpoch: false`). */
  test?: EvalMetrics;
  /** Wall seconds of the epoch's training steps. */
  seconds: number;
  /** Wall seconds of the epoch's evaluations. */
  evalSeconds: number;
}

/** Why training ended. */
export type StopReason = 'completed' | 'max-steps' | 'target' | 'diverged';

/** Divergence: the step whose loss was non-finite, exploding, or above `divergenceLoss`. */
export interface Divergence {
  /** Global step, 1-based. */
  step: number;
  /** `nan`, `inf`, `exploding` (see `explodeFactor`) or `loss-threshold` (`divergenceLoss`). */
  reason: 'nan' | 'inf' | 'exploding' | 'loss-threshold';
  /** The offending loss value. */
  loss: number;
}

/** Everything a training run measured. */
export interface TrainResult {
  /** Steps run (up to the diverging step included). */
  steps: number;
  /**
   * Epochs run, each with an {@link EpochRecord} (the last one may be partial when `maxSteps` or
   * the target accuracy stopped it mid-epoch; an epoch in which training diverged does not count).
   */
  epochs: number;
  /** Steps per full epoch (`floor(train.count / batchSize)`). */
  stepsPerEpoch: number;
  /** Why training ended. */
  stopReason: StopReason;
  /** `null` when training did not diverge. */
  diverged: Divergence | null;
  /** First evaluation at which validation accuracy ≥ `targetAccuracy`, or null. */
  reachedTarget: { step: number; epoch: number; trainSeconds: number; accuracy: number } | null;
  /** Wall seconds of the whole call (training, evaluation, read-backs). */
  totalSeconds: number;
  /** Wall seconds of training steps only. */
  trainSeconds: number;
  /** Wall seconds of evaluations only. */
  evalSeconds: number;
  /** Training throughput: `steps * batchSize / trainSeconds`. */
  samplesPerSecond: number;
  /** Median wall time of a training step in ms (the first step, which includes warm-up, excluded when there are others). */
  medianStepMs: number;
  /** Per-step records (empty with `recordSteps: false`). */
  stepRecords: StepRecord[];
  /** Per-epoch records. */
  epochRecords: EpochRecord[];
  /** Every validation evaluation, in order. */
  evalRecords: EvalRecord[];
  /** Final inference-mode metrics (absent parts: split not given, or diverged). */
  final: { train?: EvalMetrics; validation?: EvalMetrics; test?: EvalMetrics };
}

/** Progress callbacks (for notebooks' live charts and the study's progress). All optional. */
export interface TrainCallbacks {
  /**
   * Called for each step once its scalars were read back (every `readbackEvery` steps, in step
   * order, and at the end of each epoch).
   */
  onStep?: (record: StepRecord) => void;
  /** Called after each validation evaluation. */
  onEval?: (record: EvalRecord) => void;
  /** Called at the end of each epoch, after its evaluations. */
  onEpoch?: (record: EpochRecord) => void;
}

/** A progress display (e.g. `createProgressBar`'s terminal bar). */
export interface ProgressReporter {
  /** Training starts: `totalSteps` is the planned number of steps. */
  start(totalSteps: number): void;
  /** `step` steps done; `info` is the latest read-back loss/accuracy/epoch. */
  update(step: number, info: { loss: number; accuracy: number; epoch: number }): void;
  /** Training ended (also on divergence). */
  stop(): void;
}

/** The splits a run uses. `validation` and `test` are optional. */
export interface TrainData {
  /** Training examples. */
  train: ImageSplit;
  /** Held-out examples for per-epoch validation and the target accuracy. */
  validation?: ImageSplit;
  /** Test examples. */
  test?: ImageSplit;
}

/** Options of the `train` function besides the config. */
export interface TrainOptions extends TrainCallbacks {
  /** A progress display; none by default. */
  reporter?: ProgressReporter;
}
