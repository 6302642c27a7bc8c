/**
 * The models of bench/training-speed.ts (twins of bench/pytorch-training-speed.py), in tfjs:
 *
 * - `mlp`: 784-256-256-10, ReLU after each hidden dense layer;
 * - `cnn`: conv 32 → conv 64 (3×3, same padding, ReLU, 2×2 max-pool) → dense 128 → dense 10;
 * - `-bn`: batch norm after every hidden conv/dense layer (which then has no bias).
 *
 * Two flavours: `normlab` (normlab's `BatchNormalization` with `convention: 'pytorch'` and its own
 * `activation: 'relu'` (the ReLU fused into the batch-norm kernel), the zoo's
 * `Conv2D`, `Dense`, `ReLU` and `MaxPooling2D` layers) and `builtin` (tfjs-layers' own `conv2d`, `dense`, `batchNormalization`, `reLU` and `maxPooling2d`).
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { Conv2D } from '../lib/models/conv2d';
import { Dense } from '../lib/models/dense';
import { MaxPooling2D } from '../lib/models/max-pooling';
import { ReLU } from '../lib/models/relu';
import { normLayer } from '../lib/norm/factory';

/** The protocol's four models. */
export const TWIN_MODELS = ['mlp', 'mlp-bn', 'cnn', 'cnn-bn'] as const;

/** One of {@link TWIN_MODELS}. */
export type TwinModel = (typeof TWIN_MODELS)[number];

/** Which layers make up the batch norm and the ReLU. */
export type TwinFlavour = 'normlab' | 'builtin';

/**
 * Build `name` with the `flavour`'s batch norm and ReLU; `mlpWidth` changes the MLP's hidden
 * width (default 256; bench/mlp-dispatch.ts shrinks it to time the same ops on tiny tensors).
 */
export function buildTwin(name: TwinModel, flavour: TwinFlavour, mlpWidth = 256): tf.LayersModel {
  const bn = name.endsWith('-bn');
  const relu = (): tf.layers.Layer => (flavour === 'normlab' ? new ReLU() : tf.layers.reLU());
  const dense = (args: { units: number; useBias?: boolean }): tf.layers.Layer =>
    flavour === 'normlab' ? new Dense(args) : tf.layers.dense(args);
  const layers: tf.layers.Layer[] = [];
  const hidden = (layer: tf.layers.Layer): void => {
    layers.push(layer);
    if (!bn) layers.push(relu());
    // normlab's batch norm takes the ReLU as its own activation (fused into its kernel on
    // tfjs-node); tfjs' built-in layer is followed by tfjs' ReLU layer.
    else if (flavour === 'normlab')
      layers.push(normLayer('batch', { convention: 'pytorch', activation: 'relu' }));
    else layers.push(tf.layers.batchNormalization(), relu());
  };
  if (name.startsWith('mlp')) {
    layers.push(tf.layers.flatten({ inputShape: [28, 28, 1] }));
    for (const units of [mlpWidth, mlpWidth]) hidden(dense({ units, useBias: !bn }));
  } else {
    for (const [i, filters] of [32, 64].entries()) {
      const options = { filters, kernelSize: 3, padding: 'same' as const, useBias: !bn };
      const conv = i === 0 ? { ...options, inputShape: [28, 28, 1] } : options;
      hidden(flavour === 'normlab' ? new Conv2D(conv) : tf.layers.conv2d(conv));
      const pool = { poolSize: 2, strides: 2 };
      layers.push(flavour === 'normlab' ? new MaxPooling2D(pool) : tf.layers.maxPooling2d(pool));
    }
    layers.push(tf.layers.flatten());
    hidden(dense({ units: 128, useBias: !bn }));
  }
  layers.push(dense({ units: 10 }));
  return tf.sequential({ layers });
}
