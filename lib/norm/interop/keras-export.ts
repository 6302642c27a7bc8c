/**
 * Exporting a model of normlab layers for Keras: the saved model.json names every normlab layer by
 * the class of TensorFlow's Keras 2 (tf_keras) that computes the same thing, with that class'
 * config keys, so that `tensorflowjs_converter --input_format=tfjs_layers_model
 * --output_format=keras` (or `keras_saved_model`) turns it into a tf_keras model.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { BatchNormalization } from '../batch-normalization';
import { BatchRenormalization } from '../batch-renormalization';
import type { BuiltAxes } from '../built-shape';
import { convertMomentum } from '../conventions';
import { GroupNormalization } from '../group-normalization';
import { IdentityNormalization } from '../identity';
import { InstanceNormalization } from '../instance-normalization';
import { LayerNormalization } from '../layer-normalization';
import { NoisyBatchNormalization } from '../noisy-batch-normalization';
import { RMSNormalization } from '../rms-normalization';
import { UnitNormalization } from '../unit-normalization';
import { WeightStandardizedConv2D } from '../weight-standardized-conv2d';

/** Options of {@link toKerasArtifacts} and {@link saveForKeras}. */
export interface KerasExportOptions {
  /**
   * What to do with a {@link BatchRenormalization} whose clipping has a warm-up or a ramp
   * (`warmupSteps` or `rampSteps` above 0), which Keras' `BatchNormalization(renorm=True)` lacks:
   * `'refuse'` (default) throws; `'final-limits'` exports the final limits, so the Keras model
   * predicts the same and trains as after the ramp.
   */
  renormSchedule?: 'refuse' | 'final-limits';
}

/** A Keras layer entry of a saved topology (snake_case keys, as model.json holds them). */
type PyDict = { [key: string]: unknown };

/** The base keys every Keras layer config keeps from tfjs' saved config. */
const BASE_KEYS = ['name', 'trainable', 'dtype', 'batch_input_shape', 'batch_size'];
/** The affine keys shared by Keras' normalization layers. */
const AFFINE_KEYS = [
  'epsilon',
  'center',
  'scale',
  'beta_initializer',
  'gamma_initializer',
  'beta_regularizer',
  'gamma_regularizer',
  'beta_constraint',
  'gamma_constraint',
];
const MOVING_KEYS = ['moving_mean_initializer', 'moving_variance_initializer'];

function pick(config: PyDict, keys: string[]): PyDict {
  const out: PyDict = {};
  for (const key of keys) if (key in config) out[key] = config[key];
  return out;
}

/** A layer the export cannot write, with what to do instead. */
function refuse(layer: tf.layers.Layer, why: string): never {
  throw new Error(`Cannot export layer '${layer.name}' (${layer.getClassName()}) to Keras: ${why}`);
}

/** Keras' momentum (the weight of the old value) of a normlab momentum in its convention. */
function kerasMomentum(momentum: number, layer: BatchNormalization | BatchRenormalization): number {
  return convertMomentum(momentum, layer.affine.convention, 'keras');
}

/**
 * The Keras class name and config of one normlab layer, or `null` for a layer that is not
 * normlab's (left as tfjs saved it). Weights to leave out are added to `dropWeights`.
 */
function kerasLayer(
  layer: tf.layers.Layer,
  config: PyDict,
  options: Required<KerasExportOptions>,
  dropWeights: Set<string>,
): { class_name: string; config: PyDict } | null {
  const base = pick(config, BASE_KEYS);
  if (layer instanceof NoisyBatchNormalization) {
    refuse(
      layer,
      'tf_keras has no batch norm with noise on its statistics. For inference only, rebuild the ' +
        'model with BatchNormalization in its place and copy the weights (getWeights/setWeights: ' +
        'the same four), then export that.',
    );
  }
  if (layer instanceof BatchNormalization) {
    if (layer.activation !== 'linear') {
      refuse(
        layer,
        `it applies activation '${layer.activation}' itself, which Keras' BatchNormalization cannot; ` +
          'build it with activation: "linear" and a separate activation layer after it.',
      );
    }
    return {
      class_name: 'BatchNormalization',
      config: {
        ...base,
        axis: layer.axis,
        momentum: kerasMomentum(layer.momentum, layer),
        ...pick(config, [...AFFINE_KEYS, ...MOVING_KEYS]),
      },
    };
  }
  if (layer instanceof BatchRenormalization) {
    const { warmupSteps, rampSteps } = layer.schedule;
    if ((warmupSteps > 0 || rampSteps > 0) && options.renormSchedule === 'refuse') {
      refuse(
        layer,
        `its clipping has warmupSteps ${warmupSteps} and rampSteps ${rampSteps}, which Keras' ` +
          "BatchNormalization(renorm=True) has no equivalent of; pass { renormSchedule: 'final-limits' } " +
          'to export the final limits (the same predictions; training continues as after the ramp).',
      );
    }
    for (const w of layer.weights) {
      if (w.originalName.endsWith('/renorm_steps')) dropWeights.add(w.originalName);
    }
    const { rMax, rMin, dMax } = layer.clipping;
    return {
      class_name: 'BatchNormalization',
      config: {
        ...base,
        axis: layer.axis,
        momentum: kerasMomentum(layer.momentum, layer),
        ...pick(config, [...AFFINE_KEYS, ...MOVING_KEYS]),
        renorm: true,
        renorm_clipping: { rmax: rMax, rmin: rMin, dmax: dMax },
        renorm_momentum: kerasMomentum(layer.renormMomentum, layer),
      },
    };
  }
  if (layer instanceof LayerNormalization) {
    // 'features' and negative axes written out, so Keras needs no knowledge of normlab's default.
    const { axes } = layer['builtInput'] as BuiltAxes;
    return {
      class_name: 'LayerNormalization',
      config: { ...base, axis: axes.length === 1 ? axes[0] : [...axes], ...pick(config, AFFINE_KEYS) },
    };
  }
  if (layer instanceof GroupNormalization) {
    return {
      class_name: 'GroupNormalization',
      config: { ...base, groups: layer.groups, axis: layer.axis, ...pick(config, AFFINE_KEYS) },
    };
  }
  if (layer instanceof InstanceNormalization) {
    // tf_keras' GroupNormalization with groups −1 is one group per channel: instance norm.
    return {
      class_name: 'GroupNormalization',
      config: { ...base, groups: -1, axis: layer.axis, ...pick(config, AFFINE_KEYS) },
    };
  }
  if (layer instanceof UnitNormalization) {
    return { class_name: 'UnitNormalization', config: { ...base, axis: layer.axis } };
  }
  if (layer instanceof IdentityNormalization) {
    return { class_name: 'Activation', config: { ...base, activation: 'linear' } };
  }
  if (layer instanceof RMSNormalization) {
    refuse(
      layer,
      'tf_keras (the Keras the tfjs converter writes) has no RMS normalization layer. Keep this ' +
        'model in normlab, or replace the layer by LayerNormalization (which also subtracts the mean) ' +
        'and retrain before exporting.',
    );
  }
  if (layer instanceof WeightStandardizedConv2D) {
    refuse(
      layer,
      'tf_keras has no weight-standardized convolution. For inference only, rebuild the model with ' +
        'tf.layers.conv2d in its place and set its kernel to standardizeKernel(kernel), then export that.',
    );
  }
  if (layer.getClassName().startsWith('normlab>')) {
    refuse(layer, 'it is a normlab layer without a tf_keras equivalent');
  }
  return null;
}

/** Rewrite the layers of one (sub)model's saved config in place. */
function rewriteModel(
  model: tf.LayersModel,
  topology: PyDict,
  options: Required<KerasExportOptions>,
  dropWeights: Set<string>,
): void {
  const config = topology.config as PyDict | undefined;
  const layers = (config?.layers ?? []) as PyDict[];
  for (const entry of layers) {
    const entryConfig = entry.config as PyDict;
    const name = (entry.name as string | undefined) ?? (entryConfig.name as string);
    const layer = model.layers.find((l) => l.name === name);
    if (!layer) continue; // the InputLayer of a functional model, which Keras reads as it is
    if (layer instanceof tf.LayersModel) {
      rewriteModel(layer, entry, options, dropWeights);
      continue;
    }
    const mapped = kerasLayer(layer, entryConfig, options, dropWeights);
    if (mapped) {
      entry.class_name = mapped.class_name;
      entry.config = mapped.config;
    }
  }
}

/**
 * The model's save artifacts (model.json topology and weights) with every normlab layer written
 * as its tf_keras equivalent:
 *
 * | normlab | Keras class | config |
 * |---|---|---|
 * | `BatchNormalization` | `BatchNormalization` | momentum in Keras' convention |
 * | `BatchRenormalization` | `BatchNormalization` | `renorm: true`, `renorm_clipping {rmax, rmin, dmax}`, `renorm_momentum`; weight `renorm_steps` dropped |
 * | `LayerNormalization` | `LayerNormalization` | `axis` as explicit axes (`'features'` → `[1, …, rank − 1]`) |
 * | `GroupNormalization` | `GroupNormalization` | `groups`, `axis` |
 * | `InstanceNormalization` | `GroupNormalization` | `groups: -1` |
 * | `UnitNormalization` | `UnitNormalization` | `axis` |
 * | `IdentityNormalization` | `Activation` | `activation: 'linear'` |
 *
 * normlab-only keys (`convention`, `running_variance`, the renorm schedule) are dropped; the
 * weights keep their names, which are Keras' already. Layers that are not normlab's are left as
 * tfjs saved them. Nested models are rewritten too.
 *
 * @throws Error naming the layer for one without a tf_keras equivalent (`RMSNormalization`,
 *   `NoisyBatchNormalization`, `WeightStandardizedConv2D`, normlab's fast model-zoo layers), a
 *   batch norm with a fused activation, or a renorm schedule (see
 *   {@link KerasExportOptions.renormSchedule}), and says what to do instead.
 *
 * @example
 * ```ts
 * const artifacts = await toKerasArtifacts(model);
 * console.log(JSON.stringify(artifacts.modelTopology)); // "class_name":"GroupNormalization", ...
 * ```
 */
export async function toKerasArtifacts(
  model: tf.LayersModel,
  options: KerasExportOptions = {},
): Promise<tf.io.ModelArtifacts> {
  const resolved: Required<KerasExportOptions> = { renormSchedule: options.renormSchedule ?? 'refuse' };
  if (!['refuse', 'final-limits'].includes(resolved.renormSchedule)) {
    throw new Error(
      `renormSchedule must be 'refuse' or 'final-limits'; got ${JSON.stringify(options.renormSchedule)}`,
    );
  }
  const topology = JSON.parse(JSON.stringify(model.toJSON(null, false))) as PyDict;
  const dropWeights = new Set<string>();
  rewriteModel(model, topology, resolved, dropWeights);

  let captured: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const saved = captured as tf.io.ModelArtifacts | null;
  if (!saved?.weightSpecs || saved.weightData === undefined) {
    throw new Error('toKerasArtifacts: the model saved no weights');
  }
  let { weightSpecs, weightData } = saved;
  if (dropWeights.size > 0) {
    const buffer = new tf.io.CompositeArrayBuffer(weightData).slice();
    const named = tf.io.decodeWeights(buffer, weightSpecs);
    const kept: tf.NamedTensorMap = {};
    for (const spec of weightSpecs) if (!dropWeights.has(spec.name)) kept[spec.name] = named[spec.name];
    const encoded = await tf.io.encodeWeights(kept);
    tf.dispose(Object.values(named));
    weightSpecs = encoded.specs;
    weightData = encoded.data;
  }
  return { ...saved, modelTopology: topology, weightSpecs, weightData };
}

/**
 * Save a model of normlab layers so that Keras reads it: {@link toKerasArtifacts}, then `destination`
 * (a tfjs save handler, or a URL such as `'file:///tmp/model'` in Node with tfjs-node or
 * `'downloads://model'` in a browser). Then, in Python:
 * `tensorflowjs_converter --input_format=tfjs_layers_model --output_format=keras /tmp/model/model.json model.h5`
 * gives a tf_keras model that predicts what the normlab model predicts.
 *
 * @throws Error as {@link toKerasArtifacts}, or when no save handler serves the URL.
 *
 * @example
 * ```ts
 * import '@tensorflow/tfjs-node';
 * import { saveForKeras } from 'normlab';
 * await saveForKeras(model, 'file:///tmp/for-keras');
 * ```
 */
export async function saveForKeras(
  model: tf.LayersModel,
  destination: string | tf.io.IOHandler,
  options: KerasExportOptions = {},
): Promise<tf.io.SaveResult> {
  let handler: tf.io.IOHandler;
  if (typeof destination === 'string') {
    const handlers = tf.io.getSaveHandlers(destination);
    if (handlers.length === 0) {
      throw new Error(
        `saveForKeras: no save handler for ${JSON.stringify(destination)}; use 'file://DIR' (Node, ` +
          "with @tensorflow/tfjs-node imported), 'downloads://NAME' (browser) or pass a tfjs IOHandler",
      );
    }
    handler = handlers[0];
  } else {
    handler = destination;
  }
  if (!handler.save) throw new Error('saveForKeras: the handler cannot save');
  return handler.save(await toKerasArtifacts(model, options));
}
