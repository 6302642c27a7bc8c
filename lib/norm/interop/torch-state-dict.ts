/**
 * Loading the weights of PyTorch normalization modules (a `state_dict`, exported as JSON) into
 * normlab's layers: batch, layer, group, instance and RMS norm.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { BatchNormalization } from '../batch-normalization';
import { GroupNormalization } from '../group-normalization';
import { InstanceNormalization } from '../instance-normalization';
import { LayerNormalization } from '../layer-normalization';
import { RMSNormalization } from '../rms-normalization';

/** One tensor of a state_dict: its shape and its values, flat in row-major order. */
export interface TorchTensor {
  /** PyTorch's `tensor.shape`. */
  shape: number[];
  /** The values, `tensor.flatten().tolist()`. */
  data: ArrayLike<number>;
}

/** A PyTorch `state_dict`: parameter and buffer names (`'features.1.weight'`) to tensors. */
export type TorchStateDict = Record<string, TorchTensor>;

/** Options of {@link loadTorchStateDict}. */
export interface TorchLoadOptions {
  /**
   * For one layer: the PyTorch module's name in the state_dict, the prefix of its keys (`'bn1'`
   * for `bn1.weight`, ...); default `''` (the state_dict of the module itself).
   */
  prefix?: string;
  /**
   * For a model: normlab layer name → PyTorch module name, one entry per layer to load. Layers
   * not listed keep their weights.
   */
  modules?: Record<string, string>;
  /**
   * How PyTorch laid out weights of rank ≥ 2 (layer norm over several axes): `'channels-first'`
   * (default; `nn.LayerNorm([C, H, W])` on NCHW input, moved to normlab's `[H, W, C]`) or
   * `'as-is'` (PyTorch normalized channels-last data already).
   */
  layout?: 'channels-first' | 'as-is';
}

/** normlab weight name → PyTorch key (after the module prefix). */
const TORCH_NAMES: Record<string, string> = {
  gamma: 'weight',
  beta: 'bias',
  moving_mean: 'running_mean',
  moving_variance: 'running_var',
};
/** PyTorch buffers with no normlab weight, skipped: batch norm's step count. */
const IGNORED = new Set(['num_batches_tracked']);

/**
 * Read a state_dict exported as JSON: an object of `{ shape, data }` per key, as this Python
 * writes it:
 *
 * ```python
 * json.dump({k: {"shape": list(v.shape), "data": v.flatten().tolist()}
 *            for k, v in module.state_dict().items()}, open("weights.json", "w"))
 * ```
 *
 * @param json the file's text or its parsed object.
 * @throws Error naming the key whose entry is not `{shape: number[], data: number[]}` or whose data
 *   does not have the shape's size.
 *
 * @example
 * ```ts
 * const stateDict = parseTorchStateDict(readFileSync('weights.json', 'utf8'));
 * ```
 */
export function parseTorchStateDict(json: string | object): TorchStateDict {
  const parsed: unknown = typeof json === 'string' ? JSON.parse(json) : json;
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error('a state_dict must be a JSON object of key → {shape, data}');
  }
  const out: TorchStateDict = {};
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    const entry = value as { shape?: unknown; data?: unknown };
    const shapeOk =
      Array.isArray(entry?.shape) && entry.shape.every((n) => Number.isInteger(n) && (n as number) >= 0);
    const dataOk = Array.isArray(entry?.data) && entry.data.every((v) => typeof v === 'number');
    if (!shapeOk || !dataOk) {
      throw new Error(`state_dict['${key}'] must be {shape: number[], data: number[]}`);
    }
    const shape = entry.shape as number[];
    const data = entry.data as number[];
    const size = shape.reduce((a, b) => a * b, 1);
    if (data.length !== size) {
      throw new Error(`state_dict['${key}']: ${data.length} values for shape [${shape}] (${size})`);
    }
    out[key] = { shape, data };
  }
  return out;
}

/** Move axis 0 to the end: `[C, H, W]` (values in that order) → `[H, W, C]`. */
function channelsLast(t: TorchTensor): tf.Tensor {
  return tf.tidy(() => {
    const x = tf.tensor(Array.from(t.data), t.shape, 'float32');
    const perm = [...t.shape.keys()].slice(1).concat(0);
    return tf.transpose(x, perm);
  });
}

/** Load one normlab layer from the keys under `prefix`; returns the keys used. */
function loadLayer(
  layer: tf.layers.Layer,
  stateDict: TorchStateDict,
  prefix: string,
  layout: 'channels-first' | 'as-is',
): string[] {
  const label = `layer '${layer.name}' (${layer.getClassName()})`;
  const supported =
    layer instanceof BatchNormalization ||
    layer instanceof LayerNormalization ||
    layer instanceof GroupNormalization ||
    layer instanceof InstanceNormalization ||
    layer instanceof RMSNormalization;
  if (!supported) {
    throw new Error(
      `${label}: PyTorch weights load into BatchNormalization, LayerNormalization, GroupNormalization, ` +
        'InstanceNormalization and RMSNormalization only',
    );
  }
  if (!layer.built) {
    throw new Error(`${label} is not built yet: build it (or the model it is in) before loading weights`);
  }
  const dot = prefix === '' ? '' : `${prefix}.`;
  const available = Object.keys(stateDict).filter(
    (k) => k.startsWith(dot) && !k.slice(dot.length).includes('.'),
  );
  const wanted = layer.weights.map((w) => {
    const short = w.originalName.split('/').pop() as string;
    const torchName = TORCH_NAMES[short];
    if (!torchName) throw new Error(`${label}: weight '${short}' has no PyTorch counterpart`);
    return { weight: w, key: `${dot}${torchName}` };
  });
  const missing = wanted.filter((w) => !(w.key in stateDict)).map((w) => w.key);
  if (missing.length > 0) {
    throw new Error(
      `${label}: the state_dict has no ${missing.join(', ')} (keys under '${prefix}': ${available.join(', ') || 'none'}). ` +
        'A PyTorch module without affine weights (affine=False, elementwise_affine=False) matches a ' +
        'normlab layer with center: false and scale: false.',
    );
  }
  const used = new Set(wanted.map((w) => w.key));
  const extra = available.filter((k) => !used.has(k) && !IGNORED.has(k.slice(dot.length)));
  if (extra.length > 0) {
    throw new Error(
      `${label}: the state_dict also has ${extra.join(', ')}, which this layer has no weight for ` +
        '(running statistics of instance norm, track_running_stats=True, are not supported; ' +
        'a bias needs center: true)',
    );
  }
  const values = wanted.map(({ weight, key }) => {
    const t = stateDict[key];
    const value =
      layout === 'channels-first' && t.shape.length >= 2
        ? channelsLast(t)
        : tf.tensor(Array.from(t.data), t.shape, 'float32');
    if (value.shape.join() !== weight.shape.join()) {
      const got = value.shape;
      value.dispose();
      throw new Error(
        `${label}: ${key} has shape [${t.shape}]${layout === 'channels-first' && t.shape.length >= 2 ? ` ([${got}] channels-last)` : ''}, ` +
          `the weight '${weight.originalName}' [${weight.shape}]`,
      );
    }
    return value;
  });
  try {
    layer.setWeights(values);
  } finally {
    tf.dispose(values);
  }
  return [...used];
}

/**
 * Load PyTorch normalization weights into normlab layers, mapping the names (`weight` → γ,
 * `bias` → β, `running_mean` → moving mean, `running_var` → moving variance;
 * `num_batches_tracked` is skipped) and the layout (a layer norm's `[C, H, W]` weight becomes
 * `[H, W, C]`, see {@link TorchLoadOptions.layout}). Shapes are checked; nothing is loaded into a
 * layer unless all its weights are found.
 *
 * A state_dict holds no hyperparameters: build the layers with PyTorch's, most simply with
 * `convention: 'pytorch'` (ε 1e-5, `momentum` read as PyTorch's, the unbiased running variance)
 * and PyTorch's `momentum` as it is; under `convention: 'keras'` pass `1 − momentum`.
 *
 * @param target a built layer (options.prefix names its PyTorch module) or a built model
 *   (options.modules maps its layer names to PyTorch module names).
 * @returns the state_dict keys loaded.
 * @throws Error naming the layer for a layer type with no PyTorch counterpart, a missing or
 *   surplus key, a shape that differs, an unbuilt layer or an unknown layer name.
 *
 * @example
 * ```ts
 * const bn = new BatchNormalization({ convention: 'pytorch', momentum: 0.1 });
 * bn.build([null, 8, 8, 16]);
 * loadTorchStateDict(bn, parseTorchStateDict(text), { prefix: 'features.1' });
 * ```
 */
export function loadTorchStateDict(
  target: tf.layers.Layer | tf.LayersModel,
  stateDict: TorchStateDict,
  options: TorchLoadOptions = {},
): string[] {
  const layout = options.layout ?? 'channels-first';
  if (layout !== 'channels-first' && layout !== 'as-is') {
    throw new Error(`layout must be 'channels-first' or 'as-is'; got ${JSON.stringify(options.layout)}`);
  }
  if (target instanceof tf.LayersModel) {
    if (!options.modules || Object.keys(options.modules).length === 0) {
      throw new Error(
        'loading into a model needs options.modules: { normlabLayerName: "torch.module.name", ... }',
      );
    }
    return Object.entries(options.modules).flatMap(([name, prefix]) => {
      const layer = target.layers.find((l) => l.name === name);
      if (!layer) {
        throw new Error(`options.modules names layer '${name}', which the model does not have`);
      }
      return loadLayer(layer, stateDict, prefix, layout);
    });
  }
  return loadLayer(target, stateDict, options.prefix ?? '', layout);
}
