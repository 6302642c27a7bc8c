/**
 * Weight standardization (Qiao et al. 2019) as a TensorFlow.js 2-D convolution layer.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { type ConvolutionArgs, ConvolutionLayer } from '../layers/convolution-layer';
import { standardize } from './standardize';
import { checkEpsilon } from './validate';

/** Options of {@link WeightStandardizedConv2D} (plus tfjs' own layer options). */
export interface WeightStandardizedConv2DArgs extends ConvolutionArgs {
  /** ε added to the variance of each filter; a finite number > 0. Default 1e-5. */
  epsilon?: number;
}

/**
 * The kernel of a convolution standardized per output channel, as weight standardization uses it:
 * for a kernel of shape `[kh, kw, in, out]`, each filter `W_o = W[:, :, :, o]` becomes
 * `Ŵ_o = (W_o − mean(W_o))/sqrt(var(W_o) + ε)` (mean and biased variance over its
 * `kh·kw·in` values). Differentiable (closed-form gradient of {@link standardize}).
 *
 * @param kernel the kernel, rank ≥ 2, output channels last.
 * @param epsilon ε > 0.
 *
 * @example
 * ```ts
 * const kernel = tf.randomNormal([3, 3, 16, 32]);
 * const w = standardizeKernel(kernel, 1e-5); // each of the 32 filters: zero mean, unit variance
 * ```
 */
export function standardizeKernel(kernel: tf.Tensor, epsilon: number): tf.Tensor {
  const axes: number[] = [];
  for (let a = 0; a < kernel.rank - 1; a++) axes.push(a);
  return standardize(kernel, axes, epsilon);
}

/**
 * A 2-D convolution with weight standardization (Qiao et al. 2019, "Micro-Batch Training with
 * Batch-Channel Normalization and Weight Standardization"): the kernel is standardized per output
 * channel before every convolution, `y = conv2d(x, Ŵ) + b` with
 * `Ŵ_o = (W_o − μ_o)/sqrt(σ²_o + ε)`, `μ_o`, `σ²_o` the mean and biased variance of filter `o`
 * over its height, width and input channels. It normalizes the weights rather than the
 * activations, so it does not depend on the batch at all; the paper pairs it with group norm
 * ("GN+WS") for training with micro-batches, where batch norm fails. Training and inference
 * compute the same thing; the learned kernel `W` is stored unstandardized.
 *
 * Arguments and defaults: `filters`, `kernelSize` (required); `strides` 1; `padding` `'valid'`;
 * `useBias` true; `epsilon` 1e-5; `kernelInitializer` `'glorotUniform'`;
 * `biasInitializer` `'zeros'`. Channels-last only; no dilation (tfjs has no conv2d gradient for
 * dilation rates above 1).
 *
 * Input: `[N, H, W, C_in]`. Output: `[N, H', W', filters]`, with `H'`, `W'` as for `tf.conv2d`.
 *
 * Weights, in `getWeights()` order: `[kernel]` of shape `[kh, kw, C_in, filters]`, then `[bias]`
 * of shape `[filters]` when `useBias`.
 *
 * Registered as `normlab>WeightStandardizedConv2D`.
 *
 * @example
 * ```ts
 * const model = tf.sequential({ layers: [
 *   new WeightStandardizedConv2D({ inputShape: [28, 28, 1], filters: 16, kernelSize: 3, padding: 'same', useBias: false }),
 *   new GroupNormalization({ groups: 4 }),          // "GN+WS"
 *   tf.layers.reLU(),
 * ] });
 * ```
 */
export class WeightStandardizedConv2D extends ConvolutionLayer {
  /** The registered class name. */
  static className = 'normlab>WeightStandardizedConv2D';
  /** ε of the standardization. */
  readonly epsilon: number;

  /** @param args the convolution's options, `epsilon` and tfjs' base layer options. */
  constructor(args: WeightStandardizedConv2DArgs) {
    super(args, 'WeightStandardizedConv2D', 'normlab_ws_conv2d');
    this.epsilon = checkEpsilon(args.epsilon ?? 1e-5);
  }

  /** The kernel standardized per output channel ({@link standardizeKernel}). */
  protected override effectiveKernel(kernel: tf.Tensor): tf.Tensor {
    return standardizeKernel(kernel, this.epsilon);
  }

  /** The convolution's config plus `epsilon`. */
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), epsilon: this.epsilon };
  }
}
tf.serialization.registerClass(WeightStandardizedConv2D);
