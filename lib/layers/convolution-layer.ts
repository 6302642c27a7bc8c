/**
 * What every normlab 2-D convolution layer shares: options, weights, output shape, config, and a
 * forward pass `conv2d(x, kernel(W)) + b` whose kernel transform subclasses choose.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { nativeConv2d } from '../native/conv2d';
import { singleInput, singleShape } from './layer-input';
import { defaultLayerName } from './layer-name';
import { resolveInitializer, serializeObject } from './serialization';
import type { BaseLayerArgs, Initializer, InitializerSpec } from './tfjs-types';
import { checkBoolean, checkPadding, checkPair, checkRank, windowOutputSize } from './validate';

/** Options of a 2-D convolution layer (plus tfjs' own layer options). */
export interface ConvolutionArgs extends BaseLayerArgs {
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
  /** Initializer of the kernel. Default `'glorotUniform'` (Keras'). */
  kernelInitializer?: InitializerSpec;
  /** Initializer of the bias. Default `'zeros'`. */
  biasInitializer?: InitializerSpec;
}

/**
 * A channels-last 2-D convolution, `y = conv2d(x, kernel(W)) + b`, run as `tf.conv2d` and `tf.add`
 * (tfjs differentiates them per input, so nothing computes a gradient no one needs); on tfjs-node
 * with oneDNN it runs on oneDNN's convolution kernels, forward (the bias added in the same pass) and
 * backward, with the same per-input gradients to float32 rounding (lib/native/conv2d.ts).
 * Subclasses name the layer and may transform the stored kernel before every convolution
 * ({@link ConvolutionLayer.effectiveKernel}). Weights, in `getWeights()` order: `kernel`
 * `[kh, kw, C_in, filters]`, then `bias` `[filters]` when `useBias`.
 */
export abstract class ConvolutionLayer extends tf.layers.Layer {
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
  private readonly kernelInitializer: Initializer;
  private readonly biasInitializer: Initializer;
  private kernel: tf.LayerVariable | null = null;
  private bias: tf.LayerVariable | null = null;

  /**
   * @param args the convolution's options and tfjs' base layer options.
   * @param layer the class name used in error messages (`FastConv2D`, ...).
   * @param defaultName the prefix of the default layer name.
   */
  protected constructor(
    args: ConvolutionArgs,
    private readonly layerLabel: string,
    defaultName: string,
  ) {
    super({ ...args, name: args?.name ?? defaultLayerName(defaultName) });
    if (!args || !Number.isInteger(args.filters) || args.filters < 1) {
      throw new Error(`filters must be an integer >= 1; got ${JSON.stringify(args?.filters)}`);
    }
    this.filters = args.filters;
    if (args.kernelSize === undefined) throw new Error('kernelSize is required (an integer >= 1 or a pair)');
    this.kernelSize = checkPair(args.kernelSize, 1, 'kernelSize');
    this.strides = checkPair(args.strides, 1, 'strides');
    this.padding = checkPadding(args.padding);
    this.useBias = checkBoolean(args.useBias ?? true, 'useBias');
    this.kernelInitializer = resolveInitializer(
      args.kernelInitializer ?? 'glorotUniform',
      'kernelInitializer',
    );
    this.biasInitializer = resolveInitializer(args.biasInitializer ?? 'zeros', 'biasInitializer');
  }

  /** The kernel the convolution uses, from the stored one (the identity here). */
  protected effectiveKernel(kernel: tf.Tensor): tf.Tensor {
    return kernel;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = singleShape(inputShape, this.layerLabel);
    checkRank(shape, 4, this.layerLabel, 'batch, height, width, channels');
    if (shape.length !== 4) {
      throw new Error(
        `${this.layerLabel} expects a rank-4 input (batch, height, width, channels); got [${shape}]`,
      );
    }
    const inChannels = shape[3];
    if (inChannels == null) throw new Error(`${this.layerLabel}: the number of input channels must be known`);
    const kernelShape = [...this.kernelSize, inChannels, this.filters];
    this.kernel = this.addWeight('kernel', kernelShape, 'float32', this.kernelInitializer);
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], 'float32', this.biasInitializer);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [n, h, w] = singleShape(inputShape, this.layerLabel);
    const size = (s: number | null, i: 0 | 1) =>
      windowOutputSize(s, this.kernelSize[i], this.strides[i], this.padding);
    return [n, size(h, 0), size(w, 1), this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = singleInput(inputs, this.layerLabel) as tf.Tensor4D;
      const kernel = this.effectiveKernel(this.kernel!.read()) as tf.Tensor4D;
      const bias = this.bias?.read() ?? null;
      const native = nativeConv2d(x, kernel, bias, this.strides, this.padding);
      if (native) return native;
      const y = tf.conv2d(x, kernel, this.strides, this.padding);
      return bias ? tf.add(y, bias) : y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      filters: this.filters,
      kernelSize: this.kernelSize,
      strides: this.strides,
      padding: this.padding,
      useBias: this.useBias,
      kernelInitializer: serializeObject(this.kernelInitializer),
      biasInitializer: serializeObject(this.biasInitializer),
      ...super.getConfig(),
    };
  }
}
