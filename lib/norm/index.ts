/**
 * normlab's normalization library: the algorithm as small functions, one shared core, the layers
 * (on one base class, `NormalizationLayer`), a weight-standardized convolution and a factory.
 * Importing it registers the layers for model (de)serialization.
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
 * `Addons>InstanceNormalization`), which tfjs lacks, so converted Keras models load.
 *
 * Conventions (`convention: 'keras' | 'pytorch'`, default `'keras'`) are described in
 * `conventions.ts`.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { normLayer } from './lib/norm/index';
 * const model = tf.sequential({ layers: [
 *   tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, useBias: false }),
 *   normLayer('group', { groups: 8 }),
 *   tf.layers.reLU(),
 * ] });
 * ```
 *
 * @module
 */

export * from './affine-custom-grad';
export * from './batch-norm-op';
export * from './batch-norm-steps';
export * from './batch-normalization';
export * from './batch-renormalization';
export * from './broadcast';
export * from './conventions';
export * from './factory';
export * from './feature-axes';
export * from './group-norm-op';
export * from './group-normalization';
export * from './identity';
export * from './instance-normalization';
export * from './kinds';
export * from './layer-normalization';
export * from './layer-options';
export * from './noisy-batch-normalization';
export * from './normalization-layer';
export * from './renorm-steps';
export * from './rms-normalization';
export * from './rms-scale';
export * from './standardize';
export * from './train-inference-gap';
export * from './validate';
export * from './weight-standardized-conv2d';
