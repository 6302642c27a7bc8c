/**
 * A 2-D max-pooling layer whose gradient is cheap on tfjs-node.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { type MaxPoolSpec, nativeMaxPool } from '../native/max-pool';
import { singleInput, singleShape } from './layer-input';
import { defaultLayerName } from './layer-name';
import type { BaseLayerArgs } from './tfjs-types';
import { checkPadding, checkPair, checkRank, windowOutputSize } from './validate';

/** Options of {@link FastMaxPooling2D} (plus tfjs' own layer options). */
export interface FastMaxPooling2DArgs extends BaseLayerArgs {
  /** Window height and width, one number for a square window. Default 2. */
  poolSize?: number | [number, number];
  /** Strides along height and width. Default: the window size (non-overlapping windows). */
  strides?: number | [number, number];
  /** `'valid'` (default, as Keras) or `'same'` (TensorFlow's padding rule). */
  padding?: 'valid' | 'same';
}

/**
 * 2-D max pooling, `y[n, i, j, c] = max over the window at (i·s_h, j·s_w) of x[n, ·, ·, c]`,
 * channels last: the same outputs and gradient as `tf.layers.maxPooling2d` (when several values
 * in a window tie for the maximum, the first one in row-major order takes the gradient), and the
 * same in training and inference.
 *
 * On tfjs-node with native kernels on (the default, see `setNativeKernels`) it runs on oneDNN's
 * pooling kernels, which remember where each maximum was: the backward pass is about 15 times
 * faster than TensorFlow's `MaxPoolGrad`, which tfjs' own layer uses and which searches every
 * window again (lib/native/max-pool.ts). Elsewhere it is `tf.maxPool`.
 *
 * Arguments and defaults: `poolSize` 2; `strides` the window size; `padding` `'valid'`.
 *
 * Input: `[N, H, W, C]`. Output: `[N, H', W', C]`, `H' = ceil((H − k_h + 1)/s_h)` with `'valid'`
 * padding, `ceil(H/s_h)` with `'same'` (the same for `W'`).
 *
 * Registered as `normlab>MaxPooling2D`, so models that use it save and load.
 *
 * @example
 * ```ts
 * const y = new FastMaxPooling2D({ poolSize: 2 }).apply(tf.input({ shape: [28, 28, 32] })); // [null, 14, 14, 32]
 * ```
 */
export class FastMaxPooling2D extends tf.layers.Layer {
  /** The registered class name. */
  static className = 'normlab>MaxPooling2D';
  /** Window height and width. */
  readonly poolSize: [number, number];
  /** Strides. */
  readonly strides: [number, number];
  /** Padding rule. */
  readonly padding: 'valid' | 'same';

  /** @param args window, strides, padding and tfjs' base layer options. */
  constructor(args: FastMaxPooling2DArgs = {}) {
    super({ ...args, name: args.name ?? defaultLayerName('normlab_max_pooling2d') });
    this.poolSize = checkPair(args.poolSize, 2, 'poolSize');
    this.strides = args.strides === undefined ? this.poolSize : checkPair(args.strides, 1, 'strides');
    this.padding = checkPadding(args.padding);
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    checkRank(
      singleShape(inputShape, 'FastMaxPooling2D'),
      4,
      'FastMaxPooling2D',
      'batch, height, width, channels',
    );
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [n, h, w, c] = singleShape(inputShape, 'FastMaxPooling2D');
    const size = (s: number | null, i: 0 | 1) =>
      windowOutputSize(s, this.poolSize[i], this.strides[i], this.padding);
    return [n, size(h, 0), size(w, 1), c];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = singleInput(inputs, 'FastMaxPooling2D') as tf.Tensor4D;
    const spec: MaxPoolSpec = { poolSize: this.poolSize, strides: this.strides, padding: this.padding };
    return nativeMaxPool(x, spec) ?? tf.maxPool(x, this.poolSize, this.strides, this.padding);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { poolSize: this.poolSize, strides: this.strides, padding: this.padding, ...super.getConfig() };
  }
}
tf.serialization.registerClass(FastMaxPooling2D);
