/**
 * Group normalization as a TensorFlow.js layer.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { groupNormAffine } from './core';
import {
  type AffineArgs,
  type AffineWeights,
  addAffineWeights,
  affineConfig,
  type BaseLayerArgs,
  type BuiltChannels,
  type CallKwargs,
  channelsLastInput,
  checkBuiltShape,
  defaultLayerName,
  type ResolvedAffine,
  readAffine,
  resolveAffine,
  singleInput,
  singleShape,
} from './layer-options';
import { checkGroups, checkGroupsDivide, checkInteger, checkRank } from './validate';

/** Options of {@link GroupNormalization} (plus tfjs' own layer options). Keras' config keys. */
export interface GroupNormalizationArgs extends BaseLayerArgs, AffineArgs {
  /**
   * The number of groups the channels are split into; must divide the channel count. Default 32
   * (Keras' default). `-1` means one group per channel (tensorflow-addons' instance norm).
   */
  groups?: number;
  /** The channel axis; must be the last one (channels-last). Default `-1`. */
  axis?: number;
}

/**
 * Group normalization (Wu & He 2018): the channels are split into `groups` groups of consecutive
 * channels, and each group of each example is standardized over its channels and the spatial
 * axes: `y = γ·(x − μ)/sqrt(σ² + ε) + β`, `μ`, `σ²` the mean and biased variance over
 * (spatial axes × the group's channels) of one example, γ and β per channel.
 * `groups = 1` gives layer norm's statistics (with per-channel γ/β), `groups = channels` gives
 * instance norm. It does not depend on the batch, so training and inference compute the same thing
 * and the batch size does not matter.
 *
 * Input: channels-last, rank ≥ 2 (`[N, C]` dense features: groups of features; `[N, H, W, C]`).
 *
 * Weights, in `getWeights()`/`setWeights()` order: `[gamma, beta]`, each `[channels]`, each
 * absent when `scale`/`center` is false (Keras' order and names).
 *
 * Registered as `normlab>GroupNormalization`, and under Keras' own name `GroupNormalization` (and
 * `Addons>GroupNormalization`), so a Keras model.json with `GroupNormalization` layers and Keras'
 * config keys (`groups`, `axis`, `epsilon`, `center`, `scale`, `beta_initializer`, ...) loads with
 * `tf.loadLayersModel` once normlab is imported.
 *
 * @example
 * ```ts
 * const model = tf.sequential({ layers: [
 *   tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, useBias: false }),
 *   new GroupNormalization({ groups: 8 }),   // 8 groups of 4 channels, ε 1e-3
 *   tf.layers.reLU(),
 * ] });
 * ```
 */
export class GroupNormalization extends tf.layers.Layer {
  /** The registered class name. */
  static className = 'normlab>GroupNormalization';
  /** The number of groups as given (`-1`: one per channel). */
  readonly groups: number;
  /** The channel axis as given. */
  readonly axis: number;
  /** ε, convention, center, scale and the γ/β initializers, regularizers and constraints. */
  readonly affine: ResolvedAffine;
  private affineWeights: AffineWeights = { gamma: null, beta: null };
  private builtInput: BuiltChannels = { rank: 0, channelAxis: -1, channels: 0 };
  private groupCount = 1;

  constructor(args: GroupNormalizationArgs = {}) {
    super({ ...args, name: args.name ?? defaultLayerName('normlab_group_norm') });
    this.affine = resolveAffine(args);
    this.groups = args.groups ?? 32;
    if (this.groups !== -1) checkGroups(this.groups);
    this.axis = checkInteger(args.axis ?? -1, 'axis');
    this.supportsMasking = true;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = singleShape(inputShape, 'GroupNormalization');
    checkRank(shape, 2, 'GroupNormalization', 'batch, spatial..., channels');
    this.builtInput = channelsLastInput(shape, this.axis, 'GroupNormalization');
    const channels = this.builtInput.channels;
    this.groupCount = this.groups === -1 ? channels : this.groups;
    checkGroupsDivide(this.groupCount, channels);
    this.affineWeights = addAffineWeights(this.addWeight.bind(this), [channels], this.affine);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: CallKwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = singleInput(inputs, 'GroupNormalization');
      checkBuiltShape('GroupNormalization', this.builtInput, x);
      // One fused op with a closed-form gradient (groupNormAffine in core.ts); γ = 1 / β = 0 when absent.
      const { gamma, beta } = readAffine(this.affineWeights, this.builtInput.channels);
      return groupNormAffine(x, gamma, beta, this.groupCount, this.affine.epsilon);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { groups: this.groups, axis: this.axis, ...affineConfig(this.affine), ...super.getConfig() };
  }
}
tf.serialization.registerClass(GroupNormalization);

/** The same layer under Keras' own name, so Keras models with `GroupNormalization` load. */
class KerasGroupNormalization extends GroupNormalization {
  static override className = 'GroupNormalization';
}
tf.serialization.registerClass(KerasGroupNormalization);

/** The same layer under tensorflow-addons' registered name. */
class AddonsGroupNormalization extends GroupNormalization {
  static override className = 'Addons>GroupNormalization';
}
tf.serialization.registerClass(AddonsGroupNormalization);
