/**
 * A 2-D convolution layer that computes only the gradients a training step needs.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import {
  type BaseLayerArgs,
  defaultLayerName,
  type Initializer,
  type InitializerSpec,
  resolveInitializer,
  serializeObject,
  singleInput,
  singleShape,
} from '../norm/layer-options';
import { checkBoolean, checkPair, checkRank } from '../norm/validate';

/** Options of {@link Conv2D} (plus tfjs' own layer options). */
export interface Conv2DArgs extends BaseLayerArgs {
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
 * A 2-D convolution, `y = conv2d(x, W) + b`, channels last: the same outputs and gradients as
 * `tf.layers.conv2d` with the same options, and the same in training and inference.
 *
 * Why it exists: tfjs-layers' convolution runs tfjs' fused conv2d, whose gradient is one custom
 * function that always computes the gradient w.r.t. its input too. For a network's first layer
 * that input is the data, and the gradient (a full `Conv2DBackpropInput`) is thrown away. This layer
 * runs `tf.conv2d` and `tf.add`, whose gradients tfjs computes per input, only where the training
 * step needs them. On tfjs-node the forward ops are the same as the fused path's (a convolution,
 * then an add), so the numbers are identical.
 *
 * Arguments and defaults: `filters`, `kernelSize` (required); `strides` 1; `padding` `'valid'`;
 * `useBias` true; `kernelInitializer` `'glorotUniform'`; `biasInitializer` `'zeros'`. No
 * dilation, no activation (the zoo puts normalization and a ReLU layer after it).
 *
 * Input: `[N, H, W, C_in]`. Output: `[N, H', W', filters]`, with `H'`, `W'` as for `tf.conv2d`.
 * Weights, in `getWeights()` order: `kernel` `[kh, kw, C_in, filters]`, then `bias` `[filters]`
 * when `useBias`.
 *
 * Registered as `normlab>Conv2D`, so models that use it save and load.
 *
 * @example
 * ```ts
 * const y = new Conv2D({ filters: 32, kernelSize: 3, padding: 'same' }).apply(tf.input({ shape: [28, 28, 1] }));
 * ```
 */
export class Conv2D extends tf.layers.Layer {
  /** The registered class name. */
  static className = 'normlab>Conv2D';
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

  /** @param args the convolution's options and tfjs' base layer options. */
  constructor(args: Conv2DArgs) {
    super({ ...args, name: args?.name ?? defaultLayerName('normlab_conv2d') });
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
    this.kernelInitializer = resolveInitializer(
      args.kernelInitializer ?? 'glorotUniform',
      'kernelInitializer',
    );
    this.biasInitializer = resolveInitializer(args.biasInitializer ?? 'zeros', 'biasInitializer');
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = singleShape(inputShape, 'Conv2D');
    checkRank(shape, 4, 'Conv2D', 'batch, height, width, channels');
    const inChannels = shape[3];
    if (inChannels == null) throw new Error('Conv2D: the number of input channels must be known');
    this.kernel = this.addWeight(
      'kernel',
      [...this.kernelSize, inChannels, this.filters],
      'float32',
      this.kernelInitializer,
    );
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], 'float32', this.biasInitializer);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [n, h, w] = singleShape(inputShape, 'Conv2D');
    const out = (size: number | null, i: 0 | 1): number | null => {
      if (size == null) return null;
      const s = this.strides[i];
      return this.padding === 'same' ? Math.ceil(size / s) : Math.ceil((size - this.kernelSize[i] + 1) / s);
    };
    return [n, out(h, 0), out(w, 1), this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = singleInput(inputs, 'Conv2D') as tf.Tensor4D;
      const y = tf.conv2d(x, this.kernel!.read() as tf.Tensor4D, this.strides, this.padding);
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
      kernelInitializer: serializeObject(this.kernelInitializer),
      biasInitializer: serializeObject(this.biasInitializer),
      ...super.getConfig(),
    };
  }
}
tf.serialization.registerClass(Conv2D);
