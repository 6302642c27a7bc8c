/**
 * Weight standardization (Qiao et al. 2019) as a TensorFlow.js 2-D convolution layer.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import {
  type BaseLayerArgs,
  type CallKwargs,
  defaultLayerName,
  type Initializer,
  type InitializerSpec,
  resolveInitializer,
  serializeObject,
  singleInput,
  singleShape,
} from './layer-options';
import { standardize } from './standardize';
import { checkBoolean, checkEpsilon, checkPair, checkRank } from './validate';

/** Options of {@link WeightStandardizedConv2D} (plus tfjs' own layer options). */
export interface WeightStandardizedConv2DArgs extends BaseLayerArgs {
  /** The number of output channels (filters); an integer ≥ 1. Required. */
  filters: number;
  /** The kernel's height and width, one number for a square kernel. Required. */
  kernelSize: number | [number, number];
  /** Strides of the convolution, one number or `[sh, sw]`. Default 1. */
  strides?: number | [number, number];
  /** `'valid'` (default, as Keras) or `'same'` (TensorFlow's padding rule). */
  padding?: 'valid' | 'same';
  /** Add a learned bias per output channel. Default `true`. */
  useBias?: boolean;
  /** ε added to the variance of each filter; a finite number > 0. Default 1e-5. */
  epsilon?: number;
  /** Initializer of the (unstandardized) kernel. Default `'glorotUniform'` (Keras'). */
  kernelInitializer?: InitializerSpec;
  /** Initializer of the bias. Default `'zeros'`. */
  biasInitializer?: InitializerSpec;
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
export class WeightStandardizedConv2D extends tf.layers.Layer {
  /** The registered class name. */
  static className = 'normlab>WeightStandardizedConv2D';
  /** Output channels. */
  readonly filters: number;
  /** Kernel height and width. */
  readonly kernelSize: [number, number];
  /** Strides. */
  readonly strides: [number, number];
  /** Padding rule. */
  readonly padding: 'valid' | 'same';
  /** Whether there is a bias. */
  readonly useBias: boolean;
  /** ε of the standardization. */
  readonly epsilon: number;
  private readonly kernelInitializer: Initializer;
  private readonly biasInitializer: Initializer;
  private kernel: tf.LayerVariable | null = null;
  private bias: tf.LayerVariable | null = null;

  constructor(args: WeightStandardizedConv2DArgs) {
    super({ ...args, name: args?.name ?? defaultLayerName('normlab_ws_conv2d') });
    if (!args || !Number.isInteger(args.filters) || args.filters < 1) {
      throw new Error(`filters must be an integer >= 1; got ${JSON.stringify(args?.filters)}`);
    }
    this.filters = args.filters;
    if (args.kernelSize === undefined) throw new Error('kernelSize is required (an integer >= 1 or a pair)');
    this.kernelSize = checkPair(args.kernelSize, 1, 'kernelSize');
    this.strides = checkPair(args.strides, 1, 'strides');
    const padding = args.padding ?? 'valid';
    if (padding !== 'valid' && padding !== 'same') {
      throw new Error(`padding must be 'valid' or 'same'; got ${JSON.stringify(args.padding)}`);
    }
    this.padding = padding;
    this.useBias = checkBoolean(args.useBias ?? true, 'useBias');
    this.epsilon = checkEpsilon(args.epsilon ?? 1e-5);
    this.kernelInitializer = resolveInitializer(
      args.kernelInitializer ?? 'glorotUniform',
      'kernelInitializer',
    );
    this.biasInitializer = resolveInitializer(args.biasInitializer ?? 'zeros', 'biasInitializer');
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = singleShape(inputShape, 'WeightStandardizedConv2D');
    checkRank(shape, 4, 'WeightStandardizedConv2D', 'batch, height, width, channels');
    if (shape.length !== 4) {
      throw new Error(
        `WeightStandardizedConv2D expects a rank-4 input (batch, height, width, channels); got [${shape}]`,
      );
    }
    const inChannels = shape[3];
    if (inChannels == null)
      throw new Error('WeightStandardizedConv2D: the number of input channels must be known');
    const kernelShape = [...this.kernelSize, inChannels, this.filters];
    this.kernel = this.addWeight('kernel', kernelShape, 'float32', this.kernelInitializer);
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], 'float32', this.biasInitializer);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [n, h, w] = singleShape(inputShape, 'WeightStandardizedConv2D');
    const out = (size: number | null, i: 0 | 1): number | null => {
      if (size == null) return null;
      const k = this.kernelSize[i];
      const s = this.strides[i];
      return this.padding === 'same' ? Math.ceil(size / s) : Math.ceil((size - k + 1) / s);
    };
    return [n, out(h, 0), out(w, 1), this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: CallKwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = singleInput(inputs, 'WeightStandardizedConv2D') as tf.Tensor4D;
      const kernel = standardizeKernel(this.kernel!.read(), this.epsilon) as tf.Tensor4D;
      const y = tf.conv2d(x, kernel, this.strides, this.padding);
      return this.bias ? tf.add(y, this.bias.read()) : y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      filters: this.filters,
      kernelSize: this.kernelSize,
      strides: this.strides,
      padding: this.padding,
      useBias: this.useBias,
      epsilon: this.epsilon,
      kernelInitializer: serializeObject(this.kernelInitializer),
      biasInitializer: serializeObject(this.biasInitializer),
      ...super.getConfig(),
    };
  }
}
tf.serialization.registerClass(WeightStandardizedConv2D);
