/**
 * Instance normalization as a TensorFlow.js layer.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { CONVENTION_DEFAULTS } from './conventions';
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
import { checkInteger, checkRank } from './validate';

/** Options of {@link InstanceNormalization} (plus tfjs' own layer options). */
export interface InstanceNormalizationArgs extends BaseLayerArgs, AffineArgs {
  /** The channel axis; must be the last one (channels-last). Default `-1`. */
  axis?: number;
  /**
   * Accepted for tensorflow-addons configs, whose InstanceNormalization is a group norm with
   * `groups: -1`; only `-1` (or absent) is allowed.
   */
  groups?: number;
}

/**
 * Instance normalization (Ulyanov et al. 2016): each channel of each example is standardized over
 * the spatial axes, `y = γ·(x − μ)/sqrt(σ² + ε) + β`, with `μ`, `σ²` the mean and biased variance
 * over the spatial axes of one example and one channel, and γ, β per channel. It equals group
 * norm with one group per channel.
 *
 * Input: channels-last, rank ≥ 3 (`[N, W, C]`, `[N, H, W, C]`, ...) with at least two spatial
 * positions; a 2-D `[N, C]` input has nothing to normalize over and is rejected.
 *
 * Defaults differ by convention: `keras` (tensorflow-addons) learns γ/β, `pytorch`
 * (`InstanceNorm2d(affine=False)`) does not; set `center`/`scale` to choose. No running statistics
 * (PyTorch's `track_running_stats=False`); training and inference compute the same thing.
 *
 * Weights, in `getWeights()`/`setWeights()` order: `[gamma, beta]`, each `[channels]`, each
 * absent when `scale`/`center` is false.
 *
 * Registered as `normlab>InstanceNormalization`, and also under `InstanceNormalization` and
 * `Addons>InstanceNormalization` so models converted from Keras/tensorflow-addons load.
 *
 * @example
 * ```ts
 * const model = tf.sequential({ layers: [
 *   tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 3 }),
 *   new InstanceNormalization(),                       // γ/β per channel, ε 1e-3
 * ] });
 * new InstanceNormalization({ convention: 'pytorch' }); // no γ/β, ε 1e-5
 * ```
 */
export class InstanceNormalization extends tf.layers.Layer {
  /** The registered class name. */
  static className = 'normlab>InstanceNormalization';
  /** The channel axis as given. */
  readonly axis: number;
  /** ε, convention, center, scale and the γ/β initializers, regularizers and constraints. */
  readonly affine: ResolvedAffine;
  private affineWeights: AffineWeights = { gamma: null, beta: null };
  private builtInput: BuiltChannels = { rank: 0, channelAxis: -1, channels: 0 };

  constructor(args: InstanceNormalizationArgs = {}) {
    super({ ...args, name: args.name ?? defaultLayerName('normlab_instance_norm') });
    this.affine = resolveAffine(args, (c) => CONVENTION_DEFAULTS[c].instanceAffine);
    this.axis = checkInteger(args.axis ?? -1, 'axis');
    if (args.groups != null && args.groups !== -1) {
      throw new Error(
        `groups must be -1 (one group per channel) for InstanceNormalization; got ${args.groups}`,
      );
    }
    this.supportsMasking = true;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = singleShape(inputShape, 'InstanceNormalization');
    checkRank(
      shape,
      3,
      'InstanceNormalization',
      'batch, spatial..., channels',
      'instance norm normalizes over spatial axes, which a 2-D input does not have; use layer or batch norm',
    );
    this.builtInput = channelsLastInput(shape, this.axis, 'InstanceNormalization');
    const channels = this.builtInput.channels;
    this.affineWeights = addAffineWeights(this.addWeight.bind(this), [channels], this.affine);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: CallKwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = singleInput(inputs, 'InstanceNormalization');
      checkBuiltShape('InstanceNormalization', this.builtInput, x);
      const { rank, channels } = this.builtInput;
      const axes: number[] = [];
      for (let a = 1; a < rank - 1; a++) axes.push(a);
      if (axes.reduce((n, a) => n * x.shape[a], 1) < 2) {
        throw new Error(
          `InstanceNormalization needs more than one spatial position per channel; got input shape [${x.shape}]`,
        );
      }
      // One fused op with a closed-form gradient (groupNormAffine in core.ts); γ = 1 / β = 0 when absent.
      const { gamma, beta } = readAffine(this.affineWeights, channels);
      return groupNormAffine(x, gamma, beta, channels, this.affine.epsilon);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { axis: this.axis, ...affineConfig(this.affine), ...super.getConfig() };
  }
}
tf.serialization.registerClass(InstanceNormalization);

/** The same layer under the plain Keras name, for converted Keras models (`class_name: "InstanceNormalization"`). */
class KerasInstanceNormalization extends InstanceNormalization {
  static override className = 'InstanceNormalization';
}
tf.serialization.registerClass(KerasInstanceNormalization);

/** The same layer under tensorflow-addons' registered name. */
class AddonsInstanceNormalization extends InstanceNormalization {
  static override className = 'Addons>InstanceNormalization';
}
tf.serialization.registerClass(AddonsInstanceNormalization);
