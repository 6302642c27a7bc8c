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
  affineConfig,
  type BaseLayerArgs,
  type CallKwargs,
  defaultLayerName,
  type ResolvedAffine,
  resolveAffine,
  singleInput,
  singleShape,
} from './layer_options';
import { checkRank, resolveAxis } from './validate';

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
  private gamma: tf.LayerVariable | null = null;
  private beta: tf.LayerVariable | null = null;
  private builtShape: tf.Shape = [];

  constructor(args: InstanceNormalizationArgs = {}) {
    super({ ...args, name: args.name ?? defaultLayerName('normlab_instance_norm') });
    this.affine = resolveAffine(args, (c) => CONVENTION_DEFAULTS[c].instanceAffine);
    this.axis = args.axis ?? -1;
    if (!Number.isInteger(this.axis))
      throw new Error(`axis must be an integer; got ${JSON.stringify(args.axis)}`);
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
    if (resolveAxis(this.axis, shape.length) !== shape.length - 1) {
      throw new Error(
        `axis must be the last axis (-1 or ${shape.length - 1}): InstanceNormalization supports channels-last input only; got ${this.axis}`,
      );
    }
    const channels = shape[shape.length - 1];
    if (channels == null) throw new Error('InstanceNormalization: the number of channels must be known');
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
      const x = singleInput(inputs, 'InstanceNormalization');
      const rank = this.builtShape.length;
      if (x.rank !== rank || x.shape[rank - 1] !== this.builtShape[rank - 1]) {
        throw new Error(
          `InstanceNormalization was built for input shape [${this.builtShape}]; got [${x.shape}]`,
        );
      }
      const axes: number[] = [];
      for (let a = 1; a < rank - 1; a++) axes.push(a);
      if (axes.reduce((n, a) => n * x.shape[a], 1) < 2) {
        throw new Error(
          `InstanceNormalization needs more than one spatial position per channel; got input shape [${x.shape}]`,
        );
      }
      const channels = x.shape[rank - 1];
      // One fused op with a closed-form gradient (groupNormAffine in core.ts); γ = 1 / β = 0 when absent.
      const gamma = this.gamma ? this.gamma.read() : tf.ones([channels]);
      const beta = this.beta ? this.beta.read() : tf.zeros([channels]);
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
