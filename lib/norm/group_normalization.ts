/**
 * Group normalization as a TensorFlow.js layer.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { groupNormAffine } from './core';
import {
  type AffineArgs,
  affineConfig,
  type BaseLayerArgs,
  type CallKwargs,
  defaultLayerName,
  type ResolvedAffine,
  resolveAffine,
  singleInput,
  singleShape,
} from './layer_options';
import { checkGroups, checkGroupsDivide, checkRank, resolveAxis } from './validate';

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
  private gamma: tf.LayerVariable | null = null;
  private beta: tf.LayerVariable | null = null;
  private builtShape: tf.Shape = [];
  private groupCount = 1;

  constructor(args: GroupNormalizationArgs = {}) {
    super({ ...args, name: args.name ?? defaultLayerName('normlab_group_norm') });
    this.affine = resolveAffine(args);
    this.groups = args.groups ?? 32;
    if (this.groups !== -1) checkGroups(this.groups);
    this.axis = args.axis ?? -1;
    if (!Number.isInteger(this.axis))
      throw new Error(`axis must be an integer; got ${JSON.stringify(args.axis)}`);
    this.supportsMasking = true;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = singleShape(inputShape, 'GroupNormalization');
    checkRank(shape, 2, 'GroupNormalization', 'batch, spatial..., channels');
    if (resolveAxis(this.axis, shape.length) !== shape.length - 1) {
      throw new Error(
        `axis must be the last axis (-1 or ${shape.length - 1}): GroupNormalization supports channels-last input only; got ${this.axis}`,
      );
    }
    const channels = shape[shape.length - 1];
    if (channels == null) throw new Error('GroupNormalization: the number of channels must be known');
    this.groupCount = this.groups === -1 ? channels : this.groups;
    checkGroupsDivide(this.groupCount, channels);
    this.builtShape = shape;
    const a = this.affine;
    if (a.scale) {
      this.gamma = this.addWeight(
        'gamma',
        [channels],
        'float32',
        a.gammaInitializer,
        a.gammaRegularizer ?? undefined,
        true,
        a.gammaConstraint ?? undefined,
      );
    }
    if (a.center) {
      this.beta = this.addWeight(
        'beta',
        [channels],
        'float32',
        a.betaInitializer,
        a.betaRegularizer ?? undefined,
        true,
        a.betaConstraint ?? undefined,
      );
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: CallKwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = singleInput(inputs, 'GroupNormalization');
      const rank = this.builtShape.length;
      if (x.rank !== rank || x.shape[rank - 1] !== this.builtShape[rank - 1]) {
        throw new Error(
          `GroupNormalization was built for input shape [${this.builtShape}]; got [${x.shape}]`,
        );
      }
      const channels = x.shape[rank - 1];
      // One fused op with a closed-form gradient (groupNormAffine in core.ts); γ = 1 / β = 0 when absent.
      const gamma = this.gamma ? this.gamma.read() : tf.ones([channels]);
      const beta = this.beta ? this.beta.read() : tf.zeros([channels]);
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
