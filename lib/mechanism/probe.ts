/**
 * One checkpoint's probes on a model: the gradient-based internal covariate shift of every layer
 * and the loss-landscape probe along the gradient, on a fixed batch, leaving the model exactly as
 * it was (weights, running statistics, noise).
 *
 * @module
 */
import type * as tf from '@tensorflow/tfjs';
import { internalCovariateShift, type LayerGradientShift } from './covariate-shift';
import { type LandscapeProbe, probeLandscape } from './landscape';
import { captureModelState, modelObjective, type ProbeBatch, restoreModelState } from './model-objective';

/** The probes of one checkpoint. */
export interface CheckpointProbe {
  /** Training steps done. */
  step: number;
  /** Training-mode loss on the probe batch. */
  loss: number;
  /** Gradient change of each layer but the first when the earlier layers step first. */
  covariateShift: LayerGradientShift[];
  /** Loss and gradient along the negative gradient. */
  landscape: LandscapeProbe;
}

/**
 * Probe a model at its current parameters: {@link internalCovariateShift} with the run's learning
 * rate, then {@link probeLandscape} with the given step sizes, sharing one base gradient.
 *
 * @param model - a model of the zoo (logits out).
 * @param batch - the probe batch.
 * @param options - `learningRate` (η of the earlier layers' step), `stepSizes` (absolute η's of
 *   the landscape probe), `step` (training steps done, recorded as is).
 *
 * @example
 * ```ts
 * const probe = probeCheckpoint(model, probeBatch(data.validation, 256, 1), { learningRate: 0.1, stepSizes: [0.05, 0.1], step: 500 });
 * ```
 */
export function probeCheckpoint(
  model: tf.LayersModel,
  batch: ProbeBatch,
  options: { learningRate: number; stepSizes: readonly number[]; step: number },
): CheckpointProbe {
  const state = captureModelState(model);
  try {
    const objective = modelObjective(model, batch);
    const { shifts, base } = internalCovariateShift(objective, options.learningRate);
    const landscape = probeLandscape(objective, options.stepSizes, base);
    return { step: options.step, loss: base.loss, covariateShift: shifts, landscape };
  } finally {
    restoreModelState(model, state);
  }
}
