/**
 * The shared base of normlab's normalization layers, {@link NormalizationLayer}: what batch,
 * layer, instance, group, RMS and batch-renormalization layers have in common (as PyTorch's
 * `_NormBase` holds it for its batch and instance norms), so that each layer file says only what
 * is its own: its statistics, its extra weights and its docstring.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { type ActivationArgs, checkActivation, type NormActivation } from '../layers/activation';
import { singleInput, singleShape } from '../layers/layer-input';
import { defaultLayerName } from '../layers/layer-name';
import type { BaseLayerArgs, CallKwargs } from '../layers/tfjs-types';
import { checkRank } from '../layers/validate';
import {
  type AffineArgs,
  type AffineDefaults,
  type AffineWeights,
  addAffineWeights,
  affineConfig,
  type ResolvedAffine,
  readAffine,
  resolveAffine,
} from './affine';
import { type BuiltAxes, type BuiltChannels, checkBuiltShape } from './built-shape';

/** How a subclass names itself: in error messages and in its default layer names. */
export interface NormalizationNaming {
  /** The class name users know, for messages: `'BatchNormalization'`. */
  displayName: string;
  /** The stem of default layer names: `'normlab_batch_norm'` gives `normlab_batch_norm_1`, ... */
  defaultName: string;
}

/**
 * The base class of normlab's normalization layers. It holds:
 * - the resolved options of ε, the convention and the learned affine map `γ·x̂ + β`
 *   ({@link NormalizationLayer.affine}), with the layer's own defaults;
 * - the weights γ and β, added first in `build` so `getWeights()` starts with `[gamma, beta]`
 *   (each absent when `scale` / `center` is false), and read for the fused ops;
 * - the input checks: one input, a minimum rank in `build`, and at call time the same rank and
 *   sizes as at build time on the axes the weights span;
 * - `computeOutputShape` (the output has the input's shape) and `getConfig`, which merges the
 *   subclass' own entries (`layerConfig`) with the affine options and tfjs' base config.
 *
 * Subclasses implement `build` (calling `buildShape` and `addAffine`), `call` (calling
 * `checkedInput`) and `layerConfig`, and register themselves with `tf.serialization.registerClass`.
 *
 * Masking: a layer whose statistics span positions of the input other than the feature axes
 * either weights them by the mask (batch norm, as Keras 3: statistics over the unmasked
 * positions) or does not support masking and refuses a masked input with an Error (instance and
 * group norm, batch renorm; see `checkedInput`) instead of silently
 * counting the masked positions; layers that normalize each position by itself (layer and RMS
 * norm over the last axis) set `supportsMasking` and pass the mask through unchanged.
 *
 * @example
 * ```ts
 * const layer = normLayer('group', { groups: 4 });
 * if (layer instanceof NormalizationLayer) console.log(layer.affine.epsilon);
 * ```
 */
export abstract class NormalizationLayer extends tf.layers.Layer {
  /** ε, convention, center, scale and the γ/β initializers, regularizers and constraints. */
  readonly affine: ResolvedAffine;
  /** γ and β once built (`null` when absent). */
  protected affineWeights: AffineWeights = { gamma: null, beta: null };
  /** What `build` fixed about the input; `null` before `build`. */
  protected builtInput: BuiltChannels | BuiltAxes | null = null;
  /** The name used in messages. */
  protected readonly displayName: string;
  /**
   * The activation the layer applies to its output: `'linear'` (none) or `'relu'` (batch, layer,
   * instance, group and RMS norm; one fused kernel on tfjs-node).
   */
  readonly activation: NormActivation;

  /**
   * @param args the layer's options (tfjs' base options and {@link AffineArgs}).
   * @param naming the message name and the stem of default layer names.
   * @param defaults the layer's own defaults of ε, γ and β, where they differ from the
   *   convention's.
   */
  protected constructor(
    args: BaseLayerArgs & AffineArgs & ActivationArgs,
    naming: NormalizationNaming,
    defaults: AffineDefaults = {},
  ) {
    super({ ...args, name: args.name ?? defaultLayerName(naming.defaultName) });
    this.displayName = naming.displayName;
    this.affine = resolveAffine(args, defaults);
    this.activation = checkActivation(args.activation);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: CallKwargs): tf.Tensor {
    return this.normalize(inputs, kwargs, this.activation);
  }

  /**
   * The output before the layer's activation, `γ·x̂ + β`, computed as `call` computes it. For
   * probes that read what the ReLU of a layer with `activation: 'relu'` receives (lib/mechanism);
   * the same as `call` without one.
   *
   * @param inputs the input, as for `call`.
   * @param kwargs `training` (and `mask`), as for `call`.
   * @returns the pre-activation output, the input's shape.
   *
   * @example
   * ```ts
   * const gn = new GroupNormalization({ groups: 4, activation: 'relu' });
   * const z = gn.preActivation(x, {}); // gn.apply(x) is relu(z)
   * ```
   */
  preActivation(inputs: tf.Tensor | tf.Tensor[], kwargs: CallKwargs): tf.Tensor {
    if (!this.built) this.build(Array.isArray(inputs) ? inputs[0].shape : inputs.shape);
    return this.normalize(inputs, kwargs, 'linear');
  }

  /**
   * The layer's output with `activation` applied; `call` passes the layer's own. Layers that take
   * an activation override it; the others (which override `call` instead) have only `'linear'`.
   */
  protected normalize(
    inputs: tf.Tensor | tf.Tensor[],
    kwargs: CallKwargs,
    activation: NormActivation,
  ): tf.Tensor {
    if (activation !== 'linear')
      throw new Error(`${this.displayName} takes no activation; got '${activation}'`);
    return this.call(inputs, kwargs);
  }

  /**
   * The single input shape given to `build`, checked for a minimum rank.
   *
   * @param layout the expected layout, for the message (`'batch, ..., channels'`).
   * @param why a reason appended to the rank error.
   */
  protected buildShape(
    inputShape: tf.Shape | tf.Shape[],
    minRank: number,
    layout: string,
    why = '',
  ): tf.Shape {
    const shape = singleShape(inputShape, this.displayName);
    checkRank(shape, minRank, this.displayName, layout, why);
    return shape;
  }

  /**
   * Record the built input and add γ and β of `shape` (call from `build`, before other weights).
   */
  protected addAffine(built: BuiltChannels | BuiltAxes, shape: number[]): void {
    this.builtInput = built;
    this.affineWeights = addAffineWeights(this.addWeight.bind(this), shape, this.affine);
  }

  /**
   * The call's one input, checked against what `build` recorded; and, for a layer that does not
   * support masking, the refusal of a mask (tfjs itself hands an unsupported mask to `call` and
   * drops it, which would silently count the masked positions in the statistics).
   *
   * @throws Error `BatchNormalization does not support masking: …` when `kwargs.mask` is set, and
   *   `BatchNormalization needs float32 input; got int32 …` for another dtype.
   */
  protected checkedInput(inputs: tf.Tensor | tf.Tensor[], kwargs?: CallKwargs): tf.Tensor {
    if (!this.supportsMasking && kwargs?.mask != null) {
      throw new Error(
        `${this.displayName} does not support masking: its statistics span the positions a mask ` +
          'excludes and would count them. Normalize before masking, or use layer/RMS normalization ' +
          'over the last axis (axis: -1), which normalizes each position by itself.',
      );
    }
    const x = singleInput(inputs, this.displayName);
    // Integer or boolean input would reach the kernels and fail there with TensorFlow's status.
    if (x.dtype !== 'float32')
      throw new Error(
        `${this.displayName} needs float32 input; got ${x.dtype}. Cast it first (tf.cast(x, 'float32')), ` +
          'e.g. after scaling pixels to [0, 1].',
      );
    if (!this.builtInput) throw new Error(`${this.displayName} was called before it was built`);
    checkBuiltShape(this.displayName, this.builtInput, x);
    return x;
  }

  /**
   * γ and β as tensors for a fused op, ones / zeros of shape `[channels]` for an absent one.
   * Call inside the layer's `tf.tidy`.
   */
  protected affineOrIdentity(channels: number): { gamma: tf.Tensor; beta: tf.Tensor } {
    return readAffine(this.affineWeights, channels);
  }

  /** γ and β as tensors, `null` for an absent one. Call inside the layer's `tf.tidy`. */
  protected affineOrNull(): { gamma: tf.Tensor | null; beta: tf.Tensor | null } {
    const { gamma, beta } = this.affineWeights;
    return { gamma: gamma ? gamma.read() : null, beta: beta ? beta.read() : null };
  }

  /** The output has the input's shape. */
  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  /** The subclass' own config entries (axis, momentum, groups, ...), without the affine ones. */
  protected abstract layerConfig(): tf.serialization.ConfigDict;

  /** The layer's own entries, then ε, convention and the γ/β options, then tfjs' base config. */
  override getConfig(): tf.serialization.ConfigDict {
    // The activation only when there is one, so configs of plain layers keep Keras' keys.
    const activation: tf.serialization.ConfigDict =
      this.activation === 'linear' ? {} : { activation: this.activation };
    return { ...this.layerConfig(), ...activation, ...affineConfig(this.affine), ...super.getConfig() };
  }
}
