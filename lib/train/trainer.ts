/**
 * normlab's measured training loop (not `model.fit`): SGD with momentum or Adam, per-step and
 * per-epoch metrics, wall times, seeded shuffling, divergence detection and progress reporting.
 *
 * Hot path, per step: copy one mini-batch into reused typed arrays ({@link BatchBuffer}); then one
 * `tf.tidy` that makes the batch tensors, runs `optimizer.minimize(…, returnCost)` and stacks the
 * step's loss and accuracy into one small tensor that is kept. Every `readbackEvery` steps the kept
 * tensors are stacked and read with a single `dataSync`; reading later does not change any value,
 * it only saves round trips.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { BatchBuffer, batchesPerEpoch, epochOrder } from '../data/batches';
import { softmaxCrossEntropyLoss } from '../native/softmax-cross-entropy';
import { sampleMedian } from '../stats/basics';
import { evaluate } from './evaluate';
import { disposeOptimizer, makeOptimizer } from './optimizer';
import { learningRateAt, setOptimizerLearningRate } from './schedule';
import type {
  Divergence,
  EpochRecord,
  EvalRecord,
  StepRecord,
  TrainConfig,
  TrainData,
  TrainOptions,
  TrainResult,
} from './types';
import { validateSplits, validateTrainConfig } from './validate';

const now = (): number => performance.now();

/** Let the event loop run (notebook displays, signals) without measurable cost. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) =>
    typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0),
  );
}

/** The default of `explodeFactor`. */
const EXPLODE_FACTOR = 1000;

/** Classify a loss: null when fine, else the divergence reason. */
function divergenceReason(
  loss: number,
  threshold: number | undefined,
  exploding: number,
): Divergence['reason'] | null {
  if (Number.isNaN(loss)) return 'nan';
  if (!Number.isFinite(loss)) return 'inf';
  if (threshold !== undefined && loss > threshold) return 'loss-threshold';
  if (loss > exploding) return 'exploding';
  return null;
}

/**
 * Train a classifier (a model from `buildModel`, logits out) on `data.train`, evaluating on
 * `data.validation` and `data.test`.
 *
 * Divergence (a NaN/±Inf mini-batch loss, an exploding one — above `explodeFactor` (1000) times
 * the first step's loss or ln(numClasses), whichever is larger — or one above `divergenceLoss`)
 * ends training and is recorded as `diverged: { step, reason, loss }`; it never throws. Everything the call creates
 * on the backend (batch tensors, optimizer slots) is disposed before it returns; the model's
 * weights are updated in place.
 *
 * @param model the model to train (its weights change).
 * @param data `train` (required), `validation` and `test` (optional) splits.
 * @param config see {@link TrainConfig}.
 * @param options `onStep`, `onEval`, `onEpoch` callbacks and a `reporter` (e.g. `createProgressBar()`).
 * @throws only on an invalid config, mismatched data shapes, array lengths that disagree with `count`,
 *   non-finite pixels, or labels outside the class range (the message names the option or array).
 * @example
 * ```ts
 * const data = syntheticDataset();
 * const model = buildModel({ arch: 'mlp', norm: 'batch', inputShape: [8, 8, 1], numClasses: 4 });
 * const result = await train(model, data, { optimizer: 'sgd', learningRate: 0.05, batchSize: 32, epochs: 2 });
 * console.log(result.final.test?.accuracy, result.samplesPerSecond);
 * ```
 */
export async function train(
  model: tf.LayersModel,
  data: TrainData,
  config: TrainConfig,
  options: TrainOptions = {},
): Promise<TrainResult> {
  const split = data.train;
  validateSplits({ train: data.train, validation: data.validation, test: data.test });
  validateTrainConfig(config, split);
  checkShapes(model, data);
  const startTime = now();
  const batchSize = config.batchSize;
  const stepsPerEpoch = batchesPerEpoch(split.count, batchSize);
  const plannedSteps = Math.min(stepsPerEpoch * config.epochs, config.maxSteps ?? Number.POSITIVE_INFINITY);
  const readbackEvery = config.readbackEvery ?? 20;
  const evalEvery = config.evalEvery ?? 'epoch';
  const evalBatchSize = config.evalBatchSize ?? 1000;
  const recordSteps = config.recordSteps ?? true;
  const evalTest = config.evalTestEachEpoch ?? true;
  const shuffleSeed = config.shuffleSeed ?? 0;
  const scheduled = config.schedule !== undefined && config.schedule.name !== 'constant';

  const buffer = new BatchBuffer(split, batchSize);
  const evalBuffer = new BatchBuffer(split, evalBatchSize);
  const optimizer = makeOptimizer(config);
  const varList = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const numClasses = split.numClasses;

  const stepRecords: StepRecord[] = [];
  const epochRecords: EpochRecord[] = [];
  const evalRecords: EvalRecord[] = [];
  const allStepMs: number[] = [];
  let diverged: Divergence | null = null;
  let explodeAbove: number | null = null;
  let reachedTarget: TrainResult['reachedTarget'] = null;
  let stopReason: TrainResult['stopReason'] = 'completed';
  let step = 0;
  let trainMs = 0;
  let evalMs = 0;
  let epochsDone = 0;

  // Steps run but not yet read back: their [loss, accuracy] tensors and wall times.
  let pending: tf.Tensor1D[] = [];
  let pendingMs: number[] = [];
  let epochLossSum = 0;
  let epochAccSum = 0;
  let epochSteps = 0;

  /** Read back pending steps; returns false when one of them diverged. */
  const readBack = async (epoch: number): Promise<boolean> => {
    if (pending.length === 0) return true;
    const t0 = now();
    const stacked = tf.stack(pending);
    const values = stacked.dataSync();
    stacked.dispose();
    for (const t of pending) t.dispose();
    trainMs += now() - t0;
    const firstStep = step - pending.length + 1;
    const count = pending.length;
    const times = pendingMs;
    pending = [];
    pendingMs = [];
    for (let i = 0; i < count; i++) {
      const record: StepRecord = {
        step: firstStep + i,
        epoch,
        loss: values[2 * i],
        accuracy: values[2 * i + 1],
        ms: times[i],
      };
      // The first step's loss (or chance level's, ln(numClasses), if lower) sets the scale.
      if (explodeAbove === null && Number.isFinite(record.loss))
        explodeAbove = (config.explodeFactor ?? EXPLODE_FACTOR) * Math.max(record.loss, Math.log(numClasses));
      const reason = divergenceReason(
        record.loss,
        config.divergenceLoss,
        explodeAbove ?? Number.POSITIVE_INFINITY,
      );
      if (reason) {
        diverged = { step: record.step, reason, loss: record.loss };
        // Steps after the diverging one ran on broken weights: they do not count.
        for (let j = i + 1; j < count; j++) trainMs -= times[j];
        step = record.step;
      }
      allStepMs.push(record.ms);
      epochLossSum += record.loss;
      epochAccSum += record.accuracy;
      epochSteps++;
      if (recordSteps) stepRecords.push(record);
      options.onStep?.(record);
      if (reason) break;
    }
    const last = stepRecords.length > 0 ? stepRecords[stepRecords.length - 1] : null;
    options.reporter?.update(step, {
      loss: last?.loss ?? values[2 * (count - 1)],
      accuracy: last?.accuracy ?? values[2 * (count - 1) + 1],
      epoch,
    });
    await yieldToEventLoop();
    return diverged === null;
  };

  const validate = (epoch: number): EvalRecord | null => {
    if (!data.validation || data.validation.count === 0) return null;
    const t0 = now();
    const validation = evaluate(model, data.validation, evalBatchSize, evalBuffer);
    evalMs += now() - t0;
    const record: EvalRecord = { step, epoch, trainSeconds: trainMs / 1000, validation };
    evalRecords.push(record);
    options.onEval?.(record);
    if (
      reachedTarget === null &&
      config.targetAccuracy !== undefined &&
      validation.accuracy >= config.targetAccuracy
    ) {
      reachedTarget = { step, epoch, trainSeconds: trainMs / 1000, accuracy: validation.accuracy };
    }
    return record;
  };

  options.reporter?.start(plannedSteps);
  try {
    epochs: for (let epoch = 1; epoch <= config.epochs; epoch++) {
      const order = epochOrder(split.count, shuffleSeed, epoch);
      const epochStartMs = trainMs;
      const epochStartEvalMs = evalMs;
      epochLossSum = 0;
      epochAccSum = 0;
      epochSteps = 0;
      let lastEval: EvalRecord | null = null;
      for (let b = 0; b < stepsPerEpoch; b++) {
        if (step >= plannedSteps) break;
        const t0 = now();
        buffer.fill(split, order, b * batchSize);
        if (scheduled)
          setOptimizerLearningRate(
            optimizer,
            learningRateAt(config.learningRate, config.schedule, step + 1, plannedSteps),
          );
        pending.push(trainStep(model, optimizer, varList, buffer, numClasses));
        step++;
        const ms = now() - t0;
        pendingMs.push(ms);
        trainMs += ms;
        const evalNow = typeof evalEvery === 'number' && step % evalEvery === 0 && b < stepsPerEpoch - 1;
        if (pending.length >= readbackEvery || evalNow) {
          if (!(await readBack(epoch))) break epochs;
        }
        if (evalNow) {
          lastEval = validate(epoch);
          if (reachedTarget && config.stopAtTarget) {
            stopReason = 'target';
            break epochs;
          }
        }
      }
      if (!(await readBack(epoch))) break;
      if (epochSteps === 0) break;
      lastEval = validate(epoch) ?? lastEval;
      let test: EpochRecord['test'];
      if (evalTest && data.test && data.test.count > 0) {
        const t0 = now();
        test = evaluate(model, data.test, evalBatchSize, evalBuffer);
        evalMs += now() - t0;
      }
      const record: EpochRecord = {
        epoch,
        step,
        trainLoss: epochLossSum / epochSteps,
        trainAccuracy: epochAccSum / epochSteps,
        seconds: (trainMs - epochStartMs) / 1000,
        evalSeconds: (evalMs - epochStartEvalMs) / 1000,
      };
      if (lastEval) record.validation = lastEval.validation;
      if (test) record.test = test;
      epochRecords.push(record);
      epochsDone = epoch;
      options.onEpoch?.(record);
      if (reachedTarget && config.stopAtTarget) {
        stopReason = 'target';
        break;
      }
      if (step >= plannedSteps && epoch < config.epochs) {
        stopReason = 'max-steps';
        break;
      }
    }
  } finally {
    for (const t of pending) t.dispose();
    disposeOptimizer(optimizer);
    options.reporter?.stop();
  }
  if (diverged) stopReason = 'diverged';

  const final: TrainResult['final'] = {};
  if (!diverged) {
    const t0 = now();
    if (config.evalTrainAtEnd ?? true) final.train = evaluate(model, split, evalBatchSize, evalBuffer);
    const lastEpoch = epochRecords[epochRecords.length - 1];
    const fresh = lastEpoch && lastEpoch.step === step;
    if (data.validation && data.validation.count > 0) {
      final.validation =
        fresh && lastEpoch.validation
          ? lastEpoch.validation
          : evaluate(model, data.validation, evalBatchSize, evalBuffer);
    }
    if (data.test && data.test.count > 0) {
      final.test =
        fresh && lastEpoch.test ? lastEpoch.test : evaluate(model, data.test, evalBatchSize, evalBuffer);
    }
    evalMs += now() - t0;
  }
  const trainSeconds = trainMs / 1000;
  const timed = allStepMs.length > 1 ? allStepMs.slice(1) : allStepMs;
  return {
    steps: step,
    epochs: epochsDone,
    stepsPerEpoch,
    stopReason,
    diverged,
    reachedTarget,
    totalSeconds: (now() - startTime) / 1000,
    trainSeconds,
    evalSeconds: evalMs / 1000,
    samplesPerSecond: trainSeconds > 0 ? (step * batchSize) / trainSeconds : 0,
    medianStepMs: sampleMedian(timed),
    stepRecords,
    epochRecords,
    evalRecords,
    final,
  };
}

/**
 * One training step on the batch in `buffer`: forward in training mode, softmax cross-entropy,
 * backward, update. Returns a kept `[loss, accuracy]` tensor (mini-batch values before the update).
 *
 * @example
 * ```ts
 * const optimizer = tf.train.sgd(0.1);
 * const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
 * const buffer = new BatchBuffer(data.train, 64);
 * buffer.fill(data.train, null, 0); // the first 64 examples
 * const [loss, accuracy] = trainStep(model, optimizer, vars, buffer, 10).arraySync();
 * ```
 */
export function trainStep(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  varList: tf.Variable[],
  buffer: BatchBuffer,
  numClasses: number,
): tf.Tensor1D {
  let accuracy: tf.Scalar | null = null;
  const out = tf.tidy(() => {
    const xs = tf.tensor4d(buffer.imageView(), buffer.imageShape());
    const ys = tf.tensor2d(buffer.oneHotView(), [buffer.size, numClasses]);
    const labels = tf.tensor1d(buffer.labelView(), 'int32');
    const cost = optimizer.minimize(
      () => {
        const logits = model.apply(xs, { training: true }) as tf.Tensor2D;
        // Kept past minimize's inner tidy; disposed below once stacked.
        accuracy = tf.keep(tf.mean(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'float32')) as tf.Scalar);
        return softmaxCrossEntropyLoss(ys, logits);
      },
      true,
      varList,
    ) as tf.Scalar;
    return tf.stack([cost, accuracy as unknown as tf.Scalar]) as tf.Tensor1D;
  });
  (accuracy as tf.Scalar | null)?.dispose();
  return out;
}

function checkShapes(model: tf.LayersModel, data: TrainData): void {
  const input = model.inputs[0].shape;
  const output = model.outputs[0].shape;
  for (const name of ['train', 'validation', 'test'] as const) {
    const s = data[name];
    if (!s) continue;
    if (input[1] !== s.height || input[2] !== s.width || input[3] !== s.channels) {
      throw new Error(
        `data.${name} has images ${s.height}×${s.width}×${s.channels}, the model expects [${input.slice(1).join(', ')}]`,
      );
    }
    if (output[output.length - 1] !== s.numClasses) {
      throw new Error(
        `data.${name} has ${s.numClasses} classes, the model outputs ${output[output.length - 1]} logits`,
      );
    }
  }
}
