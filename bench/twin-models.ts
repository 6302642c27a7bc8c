/**
 * The models of bench/training-speed.ts (twins of bench/pytorch-training-speed.py), in tfjs:
 *
 * - `mlp`: 784-256-256-10, ReLU after each hidden dense layer;
 * - `cnn`: conv 32 → conv 64 (3×3, same padding, ReLU, 2×2 max-pool) → dense 128 → dense 10;
 * - `-bn`: batch norm after every hidden conv/dense layer;
 * - `cnn-gn`, `cnn-ln`, `cnn-in`: group norm (8 groups), layer norm (each example over H, W, C)
 *   and instance norm after each convolution (PyTorch's twins: `GroupNorm(8, C)`,
 *   `GroupNorm(1, C)`, `GroupNorm(C, C)`).
 *
 * A conv/dense layer followed by a normalization has no bias. Every normalization is
 * `normLayer(kind, { convention: 'pytorch' })` (PyTorch's ε and momentum).
 *
 * Three flavours, the ways a user can build the same network:
 * - `fastest`: the library's exported fast layers (`FastConv2D`, `FastDense`,
 *   `FastMaxPooling2D`, `FastReLU`) and
 *   the normalization with its own `activation: 'relu'` where the kind takes one (the ReLU fused
 *   into the normalization's kernel), else followed by `FastReLU`;
 * - `plain`: tfjs' own `conv2d`, `dense`, `maxPooling2d` and `reLU` layers with normlab's
 *   normalization between them, as the README's example builds a model;
 * - `builtin`: tfjs-layers only, with tfjs' own `batchNormalization` (only for the models without
 *   a normalization or with batch norm: tfjs has no group or instance norm, see {@link hasBuiltin}).
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { FastConv2D } from '../lib/layers/conv2d';
import { FastDense } from '../lib/layers/dense';
import { FastMaxPooling2D } from '../lib/layers/max-pooling';
import { FastReLU } from '../lib/layers/relu';
import { normLayer } from '../lib/norm/factory';
import type { NormKind } from '../lib/norm/kinds';

/** The protocol's models. */
export const TWIN_MODELS = ['mlp', 'mlp-bn', 'cnn', 'cnn-bn', 'cnn-gn', 'cnn-ln', 'cnn-in'] as const;

/** One of {@link TWIN_MODELS}. */
export type TwinModel = (typeof TWIN_MODELS)[number];

/** Which layers make up the network (see the module's description). */
export type TwinFlavour = 'fastest' | 'plain' | 'builtin';

/** The flavours, as the benches name them. */
export const TWIN_FLAVOURS: readonly TwinFlavour[] = ['fastest', 'plain', 'builtin'];

/** The normalization kind of each model (`none` for the models without one). */
export const TWIN_NORM: Record<TwinModel, NormKind> = {
  mlp: 'none',
  'mlp-bn': 'batch',
  cnn: 'none',
  'cnn-bn': 'batch',
  'cnn-gn': 'group',
  'cnn-ln': 'layer',
  'cnn-in': 'instance',
};

/** Whether the `builtin` flavour can build `name` (tfjs-layers has no group or instance norm). */
export function hasBuiltin(name: TwinModel): boolean {
  return TWIN_NORM[name] === 'none' || TWIN_NORM[name] === 'batch';
}

/**
 * The normalization of `kind` with its ReLU fused in, when the layer takes `activation: 'relu'`;
 * `null` when it does not (the caller then adds a ReLU layer).
 */
function fusedNorm(kind: NormKind): tf.layers.Layer | null {
  try {
    const layer = normLayer(kind, { convention: 'pytorch', groups: 8, activation: 'relu' });
    return (layer as { activation?: unknown }).activation === 'relu' ? layer : null;
  } catch {
    // This kind's layer refuses an activation: the ReLU stays a layer of its own.
    return null;
  }
}

/**
 * Build `name` in `flavour`; `mlpWidth` changes the MLP's hidden width (default 256;
 * bench/mlp-dispatch.ts shrinks it to time the same ops on tiny tensors).
 *
 * @throws when `flavour` is `builtin` and tfjs has no layer for the model's normalization.
 */
export function buildTwin(name: TwinModel, flavour: TwinFlavour, mlpWidth = 256): tf.LayersModel {
  const kind = TWIN_NORM[name];
  if (flavour === 'builtin' && !hasBuiltin(name))
    throw new Error(`the builtin flavour has no ${kind} norm (tfjs-layers has none): model '${name}'`);
  const fast = flavour === 'fastest';
  const relu = (): tf.layers.Layer => (fast ? new FastReLU() : tf.layers.reLU());
  const dense = (args: { units: number; useBias?: boolean }): tf.layers.Layer =>
    fast ? new FastDense(args) : tf.layers.dense(args);
  const layers: tf.layers.Layer[] = [];
  // `normalized`: whether this hidden layer is followed by the model's normalization.
  const hidden = (layer: tf.layers.Layer, normalized: boolean): void => {
    layers.push(layer);
    if (!normalized) layers.push(relu());
    else if (flavour === 'builtin') layers.push(tf.layers.batchNormalization(), relu());
    else {
      const fused = fast ? fusedNorm(kind) : null;
      if (fused) layers.push(fused);
      else layers.push(normLayer(kind, { convention: 'pytorch', groups: 8 }), relu());
    }
  };
  const norm = kind !== 'none';
  if (name.startsWith('mlp')) {
    layers.push(tf.layers.flatten({ inputShape: [28, 28, 1] }));
    for (const units of [mlpWidth, mlpWidth]) hidden(dense({ units, useBias: !norm }), norm);
  } else {
    for (const [i, filters] of [32, 64].entries()) {
      const options = { filters, kernelSize: 3, padding: 'same' as const, useBias: !norm };
      const conv = i === 0 ? { ...options, inputShape: [28, 28, 1] } : options;
      hidden(fast ? new FastConv2D(conv) : tf.layers.conv2d(conv), norm);
      const pool = { poolSize: 2, strides: 2 };
      layers.push(fast ? new FastMaxPooling2D(pool) : tf.layers.maxPooling2d(pool));
    }
    layers.push(tf.layers.flatten());
    // Only batch norm also normalizes the dense layer (as in the first twins).
    const bn = kind === 'batch';
    hidden(dense({ units: 128, useBias: !bn }), bn);
  }
  layers.push(dense({ units: 10 }));
  return tf.sequential({ layers });
}
