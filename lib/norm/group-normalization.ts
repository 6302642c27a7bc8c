/**
 * Group normalization as a TensorFlow.js layer.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import type { ActivationArgs, NormActivation } from '../layers/activation';
import type { BaseLayerArgs, CallKwargs } from '../layers/tfjs-types';
import { checkInteger } from '../layers/validate';
import type { AffineArgs } from './affine';
import type { BuiltChannels } from './built-shape';
import { channelsLastInput } from './built-shape';
import { groupNormAffine } from './group-norm-op';
import { NormalizationLayer } from './normalization-layer';
import { checkGroups, checkGroupsDivide } from './validate';

/** Options of {@link GroupNormalization} (plus tfjs' own layer options). Keras' config keys. */
export interface GroupNormalizationArgs extends BaseLayerArgs, AffineArgs, ActivationArgs {
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
 * Arguments and defaults: `groups` 32 (Keras'; −1 = one per channel); `axis` −1 (the last; the
 * only one allowed); `epsilon` 1e-3 (`keras`) / 1e-5 (`pytorch`); `center`, `scale` true;
 * `gammaInitializer` `'ones'`, `betaInitializer` `'zeros'`; γ/β regularizers and constraints none;
 * `activation` `'linear'` (`'relu'`: the layer returns the ReLU of its output, fused into the kernel
 * on tfjs-node); `convention` `'keras'`. Output: the input's shape.
 *
 * Weights, in `getWeights()`/`setWeights()` order: `[gamma, beta]`, each `[channels]`, each
 * absent when `scale`/`center` is false (Keras' order and names).
 *
 * Masking is not supported: the statistics span the spatial (or time) positions a mask would
 * exclude, so a masked input is refused with an Error rather than counted.
 *
 * Paper: Wu & He 2018, "Group Normalization".
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
export class GroupNormalization extends NormalizationLayer {
  /** The registered class name. */
  static className = 'normlab>GroupNormalization';
  /** The number of groups as given (`-1`: one per channel). */
  readonly groups: number;
  /** The channel axis as given. */
  readonly axis: number;
  private groupCount = 1;

  constructor(args: GroupNormalizationArgs = {}) {
    super(args, { displayName: 'GroupNormalization', defaultName: 'normlab_group_norm' });
    this.groups = args.groups ?? 32;
    if (this.groups !== -1) checkGroups(this.groups);
    this.axis = checkInteger(args.axis ?? -1, 'axis');
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = this.buildShape(inputShape, 2, 'batch, spatial..., channels');
    const built = channelsLastInput(shape, this.axis, 'GroupNormalization');
    const channels = built.channels;
    this.groupCount = this.groups === -1 ? channels : this.groups;
    checkGroupsDivide(this.groupCount, channels);
    this.addAffine(built, [channels]);
    this.built = true;
  }

  protected override normalize(
    inputs: tf.Tensor | tf.Tensor[],
    kwargs: CallKwargs,
    activation: NormActivation,
  ): tf.Tensor {
    return tf.tidy(() => {
      const x = this.checkedInput(inputs, kwargs);
      // One fused op with a closed-form gradient (groupNormAffine in group-norm-op.ts); γ = 1 / β = 0 when absent.
      const { gamma, beta } = this.affineOrIdentity((this.builtInput as BuiltChannels).channels);
      return groupNormAffine(x, gamma, beta, this.groupCount, this.affine.epsilon, activation);
    });
  }

  protected override layerConfig(): tf.serialization.ConfigDict {
    return { groups: this.groups, axis: this.axis };
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
