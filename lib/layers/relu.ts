/**
 * A ReLU layer with a cheaper gradient than tfjs' own.
 *
 * tfjs differentiates `relu(x)` as `dy · step(x)`, and tfjs-node's `Step` kernel builds the step
 * from six full-size operations (isNaN, greater, two fills, two selects). Profiling the zoo's
 * training step showed `Step` and `Fill` taking up to half of the kernel time. This layer uses
 * `dy · sign(y)` with `y = relu(x) ≥ 0` instead: the same values (`sign(y)` is 1 where `x > 0`,
 * 0 elsewhere; NaN stays NaN), two element-wise passes. Pure `@tensorflow/tfjs`, any backend; on
 * tfjs-node the gradient is TensorFlow's one-op `ReluGrad` instead (lib/native/relu-grad.ts).
 * The function, `reluFastGrad`, lives in lib/layers/activation.ts (batch norm's fused activation
 * uses it too) and is re-exported here.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { reluFastGrad } from './activation';

export { reluFastGrad };

/** Options of {@link FastReLU}: tfjs' base layer options. */
export type FastReLUArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

let reluCount = 0;

/**
 * ReLU as a layer, `y = max(x, 0)`, with the cheaper gradient of `reluFastGrad`.
 * Registered as `normlab>ReLU`, so models that use it save and load.
 *
 * @example
 * ```ts
 * const y = new FastReLU().apply(tf.input({ shape: [16] }));
 * ```
 */
export class FastReLU extends tf.layers.Layer {
  /** The registered class name. */
  static className = 'normlab>ReLU';

  /** @param args tfjs' base layer options (`name`, default `normlab_relu_<n>`; `trainable`, ...). */
  constructor(args: FastReLUArgs = {}) {
    super({ ...args, name: args.name ?? `normlab_relu_${++reluCount}` });
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return reluFastGrad(Array.isArray(inputs) ? inputs[0] : inputs);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }
}
tf.serialization.registerClass(FastReLU);
