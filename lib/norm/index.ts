/**
 * normlab's normalization layers and the algorithm's steps: the browser-safe entry point (the
 * package's `normlab`). Everything reachable from this file imports `@tensorflow/tfjs` and nothing
 * else, so it runs in a browser, in Node and in a bundler as it is. Importing it registers the
 * layers for model (de)serialization. The Node-side lab (`normlab/lab`, `lib/index.ts`) re-exports
 * all of it.
 *
 * | kind       | layer                   | statistics over (NHWC input)      | γ/β shape      | weights (getWeights order)                  |
 * |------------|-------------------------|-----------------------------------|----------------|---------------------------------------------|
 * | `none`     | `IdentityNormalization` | —                                 | —              | none                                        |
 * | `batch`    | `BatchNormalization`    | N, H, W (per channel)             | `[C]`          | gamma, beta, movingMean, movingVariance     |
 * | `layer`    | `LayerNormalization`    | `axis` (default H, W, C)          | sizes on `axis`| gamma, beta                                 |
 * | `instance` | `InstanceNormalization` | H, W (per example and channel)    | `[C]`          | gamma, beta                                 |
 * | `group`    | `GroupNormalization`    | H, W and C/G channels per group   | `[C]`          | gamma, beta                                 |
 * | `noisy-batch` | `NoisyBatchNormalization` | as `batch`, then per-step random shift/scale | `[C]` | as `batch`                      |
 * | `rms`      | `RMSNormalization`      | `axis` (default H, W, C), no mean  | sizes on `axis`| gamma (beta with `center`)                  |
 * | `batch-renorm` | `BatchRenormalization` | as `batch`, corrected by r, d   | `[C]`          | gamma, beta, movingMean, movingVariance, movingStddev, renormMean, renormStddev, renormSteps |
 *
 * Weight standardization is a convolution, `WeightStandardizedConv2D` (weights kernel, bias), not a
 * kind; the model zoo builds its convolutions with it when `weightStandardization` is set.
 *
 * gamma/beta are absent when `scale`/`center` is false. Saved models name the layers by their
 * registered class names, `normlab>BatchNormalization`, `normlab>LayerNormalization`,
 * `normlab>InstanceNormalization`, `normlab>GroupNormalization` and `normlab>Identity` (Keras'
 * `package>Name` convention), so tfjs' own `BatchNormalization` and `LayerNormalization` stay
 * intact. Group and instance norm are also registered under Keras' and tensorflow-addons' names
 * (`GroupNormalization`, `Addons>GroupNormalization`, `InstanceNormalization`,
 * `Addons>InstanceNormalization`), which tfjs lacks, so converted Keras models load; so is
 * `UnitNormalization`, and Keras' `BatchNormalization(renorm=True)` loads as
 * `BatchRenormalization`. `saveForKeras` writes a model back with Keras' class names.
 *
 * Conventions (`convention: 'keras' | 'pytorch'`, default `'keras'`) are described in
 * `conventions.ts`.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { normLayer } from 'normlab';
 * const model = tf.sequential({ layers: [
 *   tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, useBias: false }),
 *   normLayer('group', { groups: 8 }),
 *   tf.layers.reLU(),
 * ] });
 * ```
 *
 * @module normlab
 */
// The layers and their options (NormActivation: what batch norm can apply, fused, after itself).
export { NORM_ACTIVATIONS, type NormActivation } from '../layers/activation';
export type { ConvolutionArgs } from '../layers/convolution-layer';
export type {
  BaseLayerArgs,
  Constraint,
  ConstraintSpec,
  Initializer,
  InitializerSpec,
  Regularizer,
  RegularizerSpec,
} from '../layers/tfjs-types';
export type { AffineArgs } from './affine';
// The algorithm, step by step.
export {
  type BatchNormStep,
  type BatchNormUpdate,
  batchNormInference,
  batchNormTrainingStep,
} from './batch-norm-dispatch';
export {
  type Moments,
  moments,
  normalize,
  normalizeWithRunningStats,
  type RunningStats,
  type RunningStatsOptions,
  scaleShift,
  updateRunningStats,
} from './batch-norm-steps';
export { BatchNormalization, type BatchNormalizationArgs } from './batch-normalization';
export { BatchRenormalization, type BatchRenormalizationArgs } from './batch-renormalization';
// Keras and PyTorch conventions.
export {
  CONVENTION_DEFAULTS,
  type Convention,
  type ConventionDefaults,
  convertMomentum,
  type RunningVarianceKind,
} from './conventions';
// One layer by kind name.
export { type NormLayerOptions, normLayer } from './factory';
export type { FeatureAxes } from './feature-axes';
export { GroupNormalization, type GroupNormalizationArgs } from './group-normalization';
export { IdentityNormalization } from './identity';
// Keras models in (importing registers the loading of BatchNormalization(renorm=True)) and out.
export { type KerasExportOptions, saveForKeras, toKerasArtifacts } from './interop/keras-export';

import './interop/keras-renorm';

export { InstanceNormalization, type InstanceNormalizationArgs } from './instance-normalization';
export {
  loadTorchStateDict,
  parseTorchStateDict,
  type TorchLoadOptions,
  type TorchStateDict,
  type TorchTensor,
} from './interop/torch-state-dict';
export { isNormKind, NORM_KINDS, type NormKind } from './kinds';
export { type LayerNormAxis, LayerNormalization, type LayerNormalizationArgs } from './layer-normalization';
export {
  type NoiseDraw,
  NoisyBatchNormalization,
  type NoisyBatchNormalizationArgs,
} from './noisy-batch-normalization';
export type { RenormClipping, RenormLimits, RenormSchedule } from './renorm-steps';
export { RMSNormalization, type RMSNormalizationArgs } from './rms-normalization';
export { rmsScale } from './rms-scale';
export { groupStandardize, standardize } from './standardize';
export { trainInferenceGaps } from './train-inference-gap';
export { UnitNormalization, type UnitNormalizationArgs } from './unit-normalization';
export {
  standardizeKernel,
  WeightStandardizedConv2D,
  type WeightStandardizedConv2DArgs,
} from './weight-standardized-conv2d';
