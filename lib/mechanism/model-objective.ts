/**
 * A zoo model's training loss on a fixed batch as a {@link LayeredObjective}: its trainable
 * variables grouped into layers (each conv/dense layer starts a new one, and the norm layer after
 * it belongs to it), the softmax cross-entropy of a training-mode forward pass, and control of
 * noisy batch norm's noise during probes. Plus a snapshot of the whole model state (weights,
 * running statistics, noise counters) so probing leaves a training run exactly as it was.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { NoisyBatchNormalization } from '../norm/noisy-batch-normalization';
import type { LayeredObjective } from './covariate-shift';

/** A batch to probe on: images and one-hot labels. */
export interface ProbeBatch {
  /** Images, NHWC. */
  xs: tf.Tensor;
  /** One-hot labels `[n, classes]`. */
  ys: tf.Tensor;
}

/** The trainable variables of a model, grouped into layers. */
export interface ParameterLayers {
  /** Trainable variables, in model order. */
  variables: tf.Variable[];
  /** The layer index of each variable. */
  layerOf: number[];
  /** Name of each layer (its conv/dense layer's name). */
  layerNames: string[];
  /** The model's noisy batch norm layers with the index of the layer they belong to. */
  noisy: { layer: NoisyBatchNormalization; index: number }[];
}

function hasKernel(layer: tf.layers.Layer): boolean {
  return layer.trainableWeights.some((w) => /(^|\/)kernel/.test(w.originalName ?? w.name));
}

/**
 * Group a model's trainable variables into layers: walking `model.layers` in order, every layer
 * with a kernel (conv, dense) starts a new group; the norm layers that follow it (γ, β, noise)
 * join its group. Layers before the first kernel join the first group.
 */
export function parameterLayers(model: tf.LayersModel): ParameterLayers {
  const variables: tf.Variable[] = [];
  const layerOf: number[] = [];
  const layerNames: string[] = [];
  const noisy: ParameterLayers['noisy'] = [];
  let index = -1;
  for (const layer of model.layers) {
    if (hasKernel(layer)) {
      index++;
      layerNames.push(layer.name);
    }
    const at = Math.max(index, 0);
    if (layer instanceof NoisyBatchNormalization) noisy.push({ layer, index: at });
    for (const w of layer.trainableWeights) {
      variables.push(w.read() as tf.Variable);
      layerOf.push(at);
    }
  }
  if (layerNames.length === 0) throw new Error('the model has no conv or dense layer to probe');
  return { variables, layerOf, layerNames, noisy };
}

/**
 * The model's training-mode softmax cross-entropy on a batch, as a layered objective. Noisy batch
 * norm layers draw their noise as the probes ask: `beforeEvaluation(k)` gives the layers before
 * layer k their next draw (what the next training step would bring) and holds the others at the
 * draw the next training step would use, so repeated evaluations see the same noise.
 *
 * @param model - a model of the zoo (logits out).
 * @param batch - the probe batch (kept by the caller).
 *
 * @example
 * ```ts
 * const objective = modelObjective(model, probeBatch(data.validation, 256, 1));
 * const landscape = probeLandscape(objective, [0.05, 0.1, 0.2]); // loss and gradient along −∇L
 * ```
 */
export function modelObjective(model: tf.LayersModel, batch: ProbeBatch): LayeredObjective {
  const layers = parameterLayers(model);
  const startDraws = layers.noisy.map((n) => n.layer.drawCount);
  return {
    variables: layers.variables,
    layerOf: layers.layerOf,
    layerNames: layers.layerNames,
    loss: () =>
      tf.losses.softmaxCrossEntropy(
        batch.ys,
        model.apply(batch.xs, { training: true }) as tf.Tensor,
      ) as tf.Scalar,
    beforeEvaluation: (advancedLayers: number) => {
      layers.noisy.forEach((n, i) => {
        n.layer.holdNoise = false;
        n.layer.drawCount = startDraws[i] + (n.index < advancedLayers ? 1 : 0);
      });
    },
  };
}

/** A copy of a model's state: every weight (running statistics included) and the noise counters. */
export interface ModelState {
  /** Copies of `model.weights`, in order. */
  weights: tf.Tensor[];
  /** `drawCount` of each noisy batch norm layer, in `model.layers` order. */
  noiseDraws: number[];
}

function noisyLayers(model: tf.LayersModel): NoisyBatchNormalization[] {
  return model.layers.filter((l): l is NoisyBatchNormalization => l instanceof NoisyBatchNormalization);
}

/** Copy a model's state (see {@link ModelState}); give it back with {@link restoreModelState}. */
export function captureModelState(model: tf.LayersModel): ModelState {
  return {
    weights: model.weights.map((w) => tf.clone(w.read())),
    noiseDraws: noisyLayers(model).map((l) => l.drawCount),
  };
}

/** Put a captured state back and free the copies. */
export function restoreModelState(model: tf.LayersModel, state: ModelState): void {
  model.weights.forEach((w, i) => {
    (w.read() as tf.Variable).assign(state.weights[i]);
  });
  noisyLayers(model).forEach((l, i) => {
    l.drawCount = state.noiseDraws[i];
    l.holdNoise = false;
  });
  tf.dispose(state.weights);
}
