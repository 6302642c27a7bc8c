/**
 * One entry point for every normalization kind: {@link normLayer}.
 *
 * @module
 */
import type * as tf from '@tensorflow/tfjs';
import { BatchNormalization } from './batch-normalization';
import type { Convention, RunningVarianceKind } from './conventions';
import { GroupNormalization } from './group-normalization';
import { IdentityNormalization } from './identity';
import { InstanceNormalization } from './instance-normalization';
import { assertNormKind, type NormKind } from './kinds';
import { type LayerNormAxis, LayerNormalization } from './layer-normalization';

/**
 * Options of {@link normLayer}. Each kind reads the options that apply to it and ignores the rest,
 * so one options object can serve every kind of a sweep.
 */
export interface NormLayerOptions {
  /**
   * batch/instance/group: the channel axis (default `-1`; instance and group need channels last).
   * layer: the axes to normalize over, a number, a list or `'features'` (every axis but the batch
   * axis); default here `'features'`, i.e. normalize each example as a whole (Ba et al.), which for
   * dense `[N, F]` input is the same as `-1`.
   */
  axis?: LayerNormAxis;
  /** ε > 0. Default: the convention's (1e-3 `keras`, 1e-5 `pytorch`). */
  epsilon?: number;
  /** batch only: momentum in [0, 1), in the convention's meaning. Default 0.99 `keras`, 0.1 `pytorch`. */
  momentum?: number;
  /** batch only: running variance `'biased'`/`'unbiased'`. Default: the convention's. */
  runningVariance?: RunningVarianceKind;
  /** group only: the number of groups, dividing the channel count. Default 32 (Keras'). */
  groups?: number;
  /** Learn β. Default true (instance norm under `pytorch`: false). */
  center?: boolean;
  /** Learn γ. Default true (instance norm under `pytorch`: false). */
  scale?: boolean;
  /** `'keras'` (default) or `'pytorch'`: the meaning of `momentum` and the defaults; see `conventions.ts`. */
  convention?: Convention;
  /** The layer's name (default: tfjs' automatic name). */
  name?: string;
}

/**
 * A normalization layer of the given kind:
 * `none` → {@link IdentityNormalization}, `batch` → {@link BatchNormalization},
 * `layer` → {@link LayerNormalization} (default `axis: 'features'`),
 * `instance` → {@link InstanceNormalization}, `group` → {@link GroupNormalization}.
 *
 * @param kind one of `none | batch | layer | instance | group`.
 * @param options see {@link NormLayerOptions}; options that do not apply to `kind` are ignored.
 * @throws Error listing the kinds for an unknown `kind`, or naming the option for a bad value.
 * @example
 * ```ts
 * for (const kind of NORM_KINDS) {
 *   const model = tf.sequential({ layers: [
 *     tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 3, useBias: kind === 'none' }),
 *     normLayer(kind, { groups: 4 }),
 *     tf.layers.reLU(),
 *   ] });
 * }
 * ```
 */
export function normLayer(kind: NormKind, options: NormLayerOptions = {}): tf.layers.Layer {
  const k = assertNormKind(kind);
  const { axis, epsilon, momentum, runningVariance, groups, center, scale, convention, name } = options;
  const common = { epsilon, center, scale, convention, name };
  const channelAxis = (): number | undefined => {
    if (axis === undefined) return undefined;
    if (typeof axis === 'number') return axis;
    throw new Error(`axis must be an integer for ${k} normalization; got ${JSON.stringify(axis)}`);
  };
  switch (k) {
    case 'none':
      return new IdentityNormalization({ name });
    case 'batch':
      return new BatchNormalization({ ...common, axis: channelAxis(), momentum, runningVariance });
    case 'layer':
      return new LayerNormalization({ ...common, axis: axis ?? 'features' });
    case 'instance':
      return new InstanceNormalization({ ...common, axis: channelAxis() });
    case 'group':
      return new GroupNormalization({ ...common, axis: channelAxis(), groups });
  }
}
