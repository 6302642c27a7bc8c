/**
 * Activation-distribution tracking (Ioffe & Szegedy 2015, Figure 1): quantiles of one unit's input
 * to its nonlinearity, per layer, as training goes on. In the zoo's models every hidden layer is
 * conv/dense → norm → ReLU, so the tracked value is what the ReLU receives: the normalized (and,
 * for noisy batch norm, noised) pre-activation, or the raw one without normalization. Batch,
 * layer, instance, group and RMS norm carry their ReLU as their own `activation` (one fused
 * kernel); there the tracked value is the layer's output before its activation
 * (`NormalizationLayer.preActivation`).
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { FastReLU } from '../layers/relu';
import { NormalizationLayer } from '../norm/normalization-layer';
import { IOFFE_PERCENTILES, quantiles } from './quantiles';

/** Quantiles of one unit's input in each tracked layer at one moment of training. */
export interface ActivationSnapshot {
  /** Training steps done. */
  step: number;
  /** Per tracked layer (in model order), the quantiles of the unit's input. */
  quantiles: number[][];
}

const probeModels = new WeakMap<tf.LayersModel, { model: tf.LayersModel; names: string[] }>();

/** Whether `layer` is a normalization layer that applies a ReLU itself. */
function withOwnRelu(layer: tf.layers.Layer): layer is NormalizationLayer {
  return layer instanceof NormalizationLayer && layer.activation === 'relu';
}

/**
 * The layers whose ReLU input is tracked: every ReLU layer of the model (normlab's {@link FastReLU} or
 * tfjs' `ReLU`) and every normalization layer with `activation: 'relu'`, by name, in model order.
 */
export function nonlinearityLayers(model: tf.LayersModel): tf.layers.Layer[] {
  return model.layers.filter((l) => l instanceof FastReLU || l.getClassName() === 'ReLU' || withOwnRelu(l));
}

/**
 * A probe-only layer (never saved) that gives a normalization layer's output before its
 * activation: the same layer object, so the same weights.
 */
class PreActivationView extends tf.layers.Layer {
  constructor(private readonly norm: NormalizationLayer) {
    super({ name: `${norm.name}_pre_activation`, trainable: false });
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    return this.norm.preActivation(inputs, kwargs);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override getClassName(): string {
    return 'PreActivationView';
  }
}

/** What the ReLU after (or inside) `layer` receives, as a symbolic tensor of `layer`'s model. */
function reluInput(layer: tf.layers.Layer): tf.SymbolicTensor {
  if (withOwnRelu(layer)) return new PreActivationView(layer).apply(layer.input) as tf.SymbolicTensor;
  return layer.input as tf.SymbolicTensor;
}

/** A model sharing `model`'s layers whose outputs are the inputs of its ReLUs (built once). */
function preActivationModel(model: tf.LayersModel): { model: tf.LayersModel; names: string[] } {
  let cached = probeModels.get(model);
  if (!cached) {
    const relus = nonlinearityLayers(model);
    if (relus.length === 0) throw new Error('the model has no ReLU layer whose input could be tracked');
    cached = {
      model: tf.model({ inputs: model.inputs, outputs: relus.map(reluInput) }),
      names: relus.map((l) => l.name),
    };
    probeModels.set(model, cached);
  }
  return cached;
}

/** Names of the layers {@link unitInputQuantiles} tracks (the ReLUs whose input it reads). */
export function trackedLayerNames(model: tf.LayersModel): string[] {
  return preActivationModel(model).names;
}

/**
 * Quantiles of unit `unit`'s input (channel `unit` of every ReLU's input, over the batch and the
 * spatial positions) in every layer, from one training-mode forward pass. The caller restores any
 * state the pass changes (running statistics, noise; see `captureModelState`).
 *
 * @param model - a model of the zoo.
 * @param xs - the images.
 * @param unit - the channel/unit index (default 0); must exist in every tracked layer.
 * @param probabilities - the quantiles (default 15th, 50th, 85th percentiles).
 *
 * @example
 * ```ts
 * const quantiles = unitInputQuantiles(model, xs); // per tracked layer: the 15th, 50th, 85th percentiles of unit 0's input
 * ```
 */
export function unitInputQuantiles(
  model: tf.LayersModel,
  xs: tf.Tensor,
  unit = 0,
  probabilities: readonly number[] = IOFFE_PERCENTILES,
): number[][] {
  const probe = preActivationModel(model);
  const outputs = tf.tidy(() => {
    const out = probe.model.apply(xs, { training: true }) as tf.Tensor | tf.Tensor[];
    const list = Array.isArray(out) ? out : [out];
    return list.map((t, i) => {
      const channels = t.shape[t.rank - 1] as number;
      if (!(Number.isInteger(unit) && unit >= 0 && unit < channels))
        throw new Error(
          `unit must be an integer in [0, ${channels - 1}] for layer ${probe.names[i]}; got ${unit}`,
        );
      return tf.gather(tf.reshape(t, [-1, channels]), [unit], 1);
    });
  });
  try {
    return outputs.map((t) => quantiles(t.dataSync(), probabilities));
  } finally {
    tf.dispose(outputs);
  }
}
