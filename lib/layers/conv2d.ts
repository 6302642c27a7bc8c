/**
 * A 2-D convolution layer that computes only the gradients a training step needs.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { type ConvolutionArgs, ConvolutionLayer } from './convolution-layer';

/** Options of {@link FastConv2D} (plus tfjs' own layer options). */
export type FastConv2DArgs = ConvolutionArgs;

/**
 * A 2-D convolution, `y = conv2d(x, W) + b`, channels last: the outputs and gradients of
 * `tf.layers.conv2d` with the same options (to float32 rounding where it runs on oneDNN, bit for
 * bit elsewhere), and the same in training and inference.
 *
 * Why it exists: tfjs-layers' convolution runs tfjs' fused conv2d, whose gradient is one custom
 * function that always computes the gradient w.r.t. its input too. For a network's first layer
 * that input is the data, and the gradient (a full `Conv2DBackpropInput`) is thrown away. This layer
 * runs `tf.conv2d` and `tf.add`, whose gradients tfjs computes per input, only where the training
 * step needs them. On tfjs-node it runs them on oneDNN's convolution kernels instead of
 * TensorFlow's portable ones, forward (the bias added in the same pass) and backward; they sum in
 * another order, hence the rounding.
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
 * const y = new FastConv2D({ filters: 32, kernelSize: 3, padding: 'same' }).apply(tf.input({ shape: [28, 28, 1] }));
 * ```
 */
export class FastConv2D extends ConvolutionLayer {
  /** The registered class name. */
  static className = 'normlab>Conv2D';

  /** @param args the convolution's options and tfjs' base layer options. */
  constructor(args: FastConv2DArgs) {
    super(args, 'FastConv2D', 'normlab_conv2d');
  }
}
tf.serialization.registerClass(FastConv2D);
