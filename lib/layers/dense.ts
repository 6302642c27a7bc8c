/**
 * A dense layer that computes only the gradients a training step needs.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { singleInput, singleShape } from './layer-input';
import { defaultLayerName } from './layer-name';
import { resolveInitializer, serializeObject } from './serialization';
import type { BaseLayerArgs, Initializer, InitializerSpec } from './tfjs-types';
import { checkBoolean } from './validate';

/** Options of {@link FastDense} (plus tfjs' own layer options). */
export interface FastDenseArgs extends BaseLayerArgs {
  /** The number of output units; an integer ≥ 1. Required. */
  units: number;
  /** Add a learned bias per unit. Default `true`. */
  useBias?: boolean;
  /** Initializer of the kernel. Default `'glorotUniform'` (Keras'). */
  kernelInitializer?: InitializerSpec;
  /** Initializer of the bias. Default `'zeros'`. */
  biasInitializer?: InitializerSpec;
}

/**
 * A fully connected layer, `y = x·W + b`, for input `[N, features]`: the same outputs and
 * gradients as `tf.layers.dense` with the same options, and the same in training and inference.
 *
 * Why it exists: tfjs-layers' dense layer runs tfjs' fused matMul, whose gradient is one custom
 * function that always computes the gradient w.r.t. its input too. For a network's first layer
 * that input is the data (an MLP's flattened images), and that matrix product is thrown away. This
 * layer runs `tf.matMul` and `tf.add`, whose gradients tfjs computes per input, only where the
 * training step needs them; on tfjs-node the forward ops are the fused path's (a matrix product,
 * then an add), so the numbers are identical.
 *
 * Arguments and defaults: `units` (required); `useBias` true; `kernelInitializer`
 * `'glorotUniform'`; `biasInitializer` `'zeros'`. No activation (the zoo puts normalization and a
 * ReLU layer after it).
 *
 * Input: `[N, features]` (flatten first). Output: `[N, units]`. Weights, in `getWeights()` order:
 * `kernel` `[features, units]`, then `bias` `[units]` when `useBias`.
 *
 * Registered as `normlab>Dense`, so models that use it save and load.
 *
 * @example
 * ```ts
 * const y = new FastDense({ units: 10 }).apply(tf.input({ shape: [784] })); // [null, 10]
 * ```
 */
export class FastDense extends tf.layers.Layer {
  /** The registered class name. */
  static className = 'normlab>Dense';
  /** Output units. */
  readonly units: number;
  /** Whether there is a bias. */
  readonly useBias: boolean;
  private readonly kernelInitializer: Initializer;
  private readonly biasInitializer: Initializer;
  private kernel: tf.LayerVariable | null = null;
  private bias: tf.LayerVariable | null = null;

  /** @param args the layer's options and tfjs' base layer options. */
  constructor(args: FastDenseArgs) {
    super({ ...args, name: args?.name ?? defaultLayerName('normlab_dense') });
    if (!args || !Number.isInteger(args.units) || args.units < 1) {
      throw new Error(`units must be an integer >= 1; got ${JSON.stringify(args?.units)}`);
    }
    this.units = args.units;
    this.useBias = checkBoolean(args.useBias ?? true, 'useBias');
    this.kernelInitializer = resolveInitializer(
      args.kernelInitializer ?? 'glorotUniform',
      'kernelInitializer',
    );
    this.biasInitializer = resolveInitializer(args.biasInitializer ?? 'zeros', 'biasInitializer');
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = singleShape(inputShape, 'FastDense');
    if (shape.length !== 2) {
      throw new Error(`FastDense expects a rank-2 input (batch, features), flattened first; got [${shape}]`);
    }
    const features = shape[1];
    if (features == null) throw new Error('FastDense: the number of input features must be known');
    this.kernel = this.addWeight('kernel', [features, this.units], 'float32', this.kernelInitializer);
    if (this.useBias) this.bias = this.addWeight('bias', [this.units], 'float32', this.biasInitializer);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return [singleShape(inputShape, 'FastDense')[0], this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = singleInput(inputs, 'FastDense') as tf.Tensor2D;
      const y = tf.matMul(x, this.kernel!.read() as tf.Tensor2D);
      return this.bias ? tf.add(y, this.bias.read()) : y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      units: this.units,
      useBias: this.useBias,
      kernelInitializer: serializeObject(this.kernelInitializer),
      biasInitializer: serializeObject(this.biasInitializer),
      ...super.getConfig(),
    };
  }
}
tf.serialization.registerClass(FastDense);
