/**
 * Train a model with the library's trainer while probing it: activation quantiles at evenly
 * spaced moments, covariate shift and landscape probes at a handful of checkpoints (step 0, i.e.
 * before training, through the last step). Probing happens between training steps on a fixed
 * batch of training images and restores the model's state, so the run trains exactly as it would
 * unprobed (probe time is not counted in the trainer's training seconds).
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { batchesPerEpoch } from '../data/batches';
import { deriveSeed, seededPermutation } from '../data/random';
import type { ImageSplit } from '../data/types';
import { train } from '../train/trainer';
import type { TrainConfig, TrainData, TrainOptions, TrainResult } from '../train/types';
import { type ActivationSnapshot, trackedLayerNames, unitInputQuantiles } from './activations';
import { captureModelState, type ProbeBatch, parameterLayers, restoreModelState } from './model-objective';
import { probeCheckpoint } from './probe';
import { type MechanismProbes, type StoredCheckpoint, storeCheckpoint } from './record';
import { evenlySpacedSteps, type ProbeOptions, resolveProbeOptions } from './schedule';

/**
 * A fixed probe batch: `size` training examples picked by a seeded permutation.
 *
 * @param split - the training split.
 * @param size - examples (at most the split's count).
 * @param seed - seed of the pick.
 *
 * @example
 * ```ts
 * const batch = probeBatch(data.validation, 256, 1); // the same 256 examples at every checkpoint
 * ```
 */
export function probeBatch(split: ImageSplit, size: number, seed: number): ProbeBatch {
  const n = Math.min(size, split.count);
  const order = seededPermutation(split.count, deriveSeed(seed, 4099));
  const pixels = split.height * split.width * split.channels;
  const images = new Float32Array(n * pixels);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = order[i];
    images.set(split.images.subarray(k * pixels, (k + 1) * pixels), i * pixels);
    labels[i] = split.labels[k];
  }
  return tf.tidy(() => ({
    xs: tf.tensor4d(images, [n, split.height, split.width, split.channels]),
    ys: tf.oneHot(tf.tensor1d(labels, 'int32'), split.numClasses).toFloat(),
  }));
}

/** What {@link trainWithProbes} returns. */
export interface ProbedTrainResult {
  /** The trainer's result, as `train` returns it. */
  result: TrainResult;
  /** The probes. */
  probes: MechanismProbes;
}

/**
 * Train with probes (see the module doc).
 *
 * @param model - a model of the zoo (its weights change, as with `train`).
 * @param data - the splits (`train` also provides the probe batch).
 * @param config - the trainer's config (its `readbackEvery` is set to 1 so probes run between steps).
 * @param probeOptions - see {@link ProbeOptions}.
 * @param options - the trainer's callbacks.
 * @example
 * ```ts
 * const { result, probes } = await trainWithProbes(model, data, { optimizer: 'sgd', learningRate: 0.05,
 *   batchSize: 64, epochs: 2 }, { checkpoints: 4 });
 * probes.checkpoints[1].covariateShift[0].cosine;
 * ```
 */
export async function trainWithProbes(
  model: tf.LayersModel,
  data: TrainData,
  config: TrainConfig,
  probeOptions: ProbeOptions = {},
  options: TrainOptions = {},
): Promise<ProbedTrainResult> {
  const o = resolveProbeOptions(probeOptions);
  const planned = Math.min(
    batchesPerEpoch(data.train.count, config.batchSize) * config.epochs,
    config.maxSteps ?? Number.POSITIVE_INFINITY,
  );
  const checkpointSteps = new Set(evenlySpacedSteps(planned, o.checkpoints));
  const trackSteps = new Set([...evenlySpacedSteps(planned, o.trackPoints), ...checkpointSteps]);
  const stepSizes = o.stepMultipliers.map((m) => m * config.learningRate);
  const batch = probeBatch(data.train, o.batchSize, config.shuffleSeed ?? 0);
  const activations: ActivationSnapshot[] = [];
  const checkpoints: StoredCheckpoint[] = [];
  const probeAt = (step: number) => {
    if (trackSteps.has(step)) {
      const state = captureModelState(model);
      try {
        activations.push({ step, quantiles: unitInputQuantiles(model, batch.xs, o.unit, o.probabilities) });
      } finally {
        restoreModelState(model, state);
      }
    }
    if (checkpointSteps.has(step))
      checkpoints.push(
        storeCheckpoint(
          probeCheckpoint(model, batch, { learningRate: config.learningRate, stepSizes, step }),
        ),
      );
  };
  try {
    probeAt(0);
    const result = await train(
      model,
      data,
      { ...config, readbackEvery: 1 },
      {
        ...options,
        onStep: (record) => {
          options.onStep?.(record);
          if (Number.isFinite(record.loss)) probeAt(record.step);
        },
      },
    );
    return {
      result,
      probes: {
        learningRate: config.learningRate,
        batchSize: batch.xs.shape[0],
        layers: parameterLayers(model).layerNames,
        unit: o.unit,
        probabilities: o.probabilities,
        trackedLayers: trackedLayerNames(model),
        activations,
        checkpoints,
      },
    };
  } finally {
    tf.dispose([batch.xs, batch.ys]);
  }
}
