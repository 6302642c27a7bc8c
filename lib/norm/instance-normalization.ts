/**
 * Instance normalization as a TensorFlow.js layer.
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
import { CONVENTION_DEFAULTS, type Convention } from './conventions';
import { groupNormAffine } from './group-norm-op';
import { NormalizationLayer } from './normalization-layer';

/** Options of {@link InstanceNormalization} (plus tfjs' own layer options). */
export interface InstanceNormalizationArgs extends BaseLayerArgs, AffineArgs, ActivationArgs {
  /** The channel axis; must be the last one (channels-last). Default `-1`. */
  axis?: number;
  /**
   * Accepted for tensorflow-addons configs, whose InstanceNormalization is a group norm with
   * `groups: -1`, saved after building with the channel count in its place: `-1` (or absent) or
   * the number of channels (checked when the layer is built).
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
 * Arguments and defaults: `axis` −1 (the last; the only one allowed); `epsilon` 1e-3 (`keras`) /
 * 1e-5 (`pytorch`); `center`, `scale` true (`keras`) / false (`pytorch`); `gammaInitializer`
 * `'ones'`, `betaInitializer` `'zeros'`; γ/β regularizers and constraints none; `groups` −1 or the
 * channel count (tensorflow-addons configs); `activation` `'linear'` (`'relu'`: the layer returns
 * the ReLU of its output, fused into the kernel on tfjs-node); `convention` `'keras'`. Output:
 * the input's shape.
 *
 * Weights, in `getWeights()`/`setWeights()` order: `[gamma, beta]`, each `[channels]`, each
 * absent when `scale`/`center` is false.
 *
 * Masking is not supported: the statistics span the spatial (or time) positions a mask would
 * exclude, so a masked input is refused with an Error rather than counted.
 *
 * Paper: Ulyanov, Vedaldi & Lempitsky 2016, "Instance Normalization: The Missing Ingredient for
 * Fast Stylization".
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
export class InstanceNormalization extends NormalizationLayer {
  /** The registered class name. */
  static className = 'normlab>InstanceNormalization';
  /** The channel axis as given. */
  readonly axis: number;
  /** `groups` as a loaded config gave it (`-1` when absent), checked against the channels in `build`. */
  private readonly groupsGiven: number;

  constructor(args: InstanceNormalizationArgs = {}) {
    const affine = (c: Convention): boolean => CONVENTION_DEFAULTS[c].instanceAffine;
    super(
      args,
      { displayName: 'InstanceNormalization', defaultName: 'normlab_instance_norm' },
      { scale: affine, center: affine },
    );
    this.axis = checkInteger(args.axis ?? -1, 'axis');
    this.groupsGiven = args.groups ?? -1;
    if (this.groupsGiven !== -1 && !(Number.isInteger(this.groupsGiven) && this.groupsGiven > 0)) {
      throw new Error(
        `groups must be -1 or the channel count (one group per channel) for InstanceNormalization; got ${args.groups}`,
      );
    }
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = this.buildShape(
      inputShape,
      3,
      'batch, spatial..., channels',
      'instance norm normalizes over spatial axes, which a 2-D input does not have; use layer or batch norm',
    );
    const built = channelsLastInput(shape, this.axis, 'InstanceNormalization');
    if (this.groupsGiven !== -1 && this.groupsGiven !== built.channels) {
      throw new Error(
        `groups must be -1 or the channel count (${built.channels}) for InstanceNormalization; got ${this.groupsGiven}`,
      );
    }
    this.addAffine(built, [built.channels]);
    this.built = true;
  }

  protected override normalize(
    inputs: tf.Tensor | tf.Tensor[],
    kwargs: CallKwargs,
    activation: NormActivation,
  ): tf.Tensor {
    return tf.tidy(() => {
      const x = this.checkedInput(inputs, kwargs);
      const { rank, channels } = this.builtInput as BuiltChannels;
      const axes: number[] = [];
      for (let a = 1; a < rank - 1; a++) axes.push(a);
      if (axes.reduce((n, a) => n * x.shape[a], 1) < 2) {
        throw new Error(
          `InstanceNormalization needs more than one spatial position per channel; got input shape [${x.shape}]`,
        );
      }
      // One fused op with a closed-form gradient (groupNormAffine in group-norm-op.ts); γ = 1 / β = 0 when absent.
      const { gamma, beta } = this.affineOrIdentity(channels);
      return groupNormAffine(x, gamma, beta, channels, this.affine.epsilon, activation);
    });
  }

  protected override layerConfig(): tf.serialization.ConfigDict {
    return { axis: this.axis };
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
