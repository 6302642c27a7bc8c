/**
 * One entry point for every normalization kind: {@link normLayer}.
 *
 * @module
 */
import type * as tf from '@tensorflow/tfjs';
import { checkActivation, type NormActivation } from '../layers/activation';
import { BatchNormalization } from './batch-normalization';
import { BatchRenormalization } from './batch-renormalization';
import type { Convention, RunningVarianceKind } from './conventions';
import { GroupNormalization } from './group-normalization';
import { IdentityNormalization } from './identity';
import { InstanceNormalization } from './instance-normalization';
import { assertNormKind, type NormKind } from './kinds';
import { type LayerNormAxis, LayerNormalization } from './layer-normalization';
import { NoisyBatchNormalization } from './noisy-batch-normalization';
import { RMSNormalization } from './rms-normalization';

/**
 * The kinds whose layers take `activation: 'relu'` (applied inside the layer, fused into the
 * kernel on tfjs-node).
 *
 * @example
 * ```ts
 * const block = normLayer(kind, { activation: FUSED_ACTIVATION_KINDS.includes(kind) ? 'relu' : 'linear' });
 * ```
 */
export const FUSED_ACTIVATION_KINDS: readonly NormKind[] = ['batch', 'layer', 'instance', 'group', 'rms'];

/**
 * Options of {@link normLayer}. Each kind reads the options that apply to it and ignores the rest,
 * so one options object can serve every kind of a sweep.
 */
export interface NormLayerOptions {
  /**
   * batch/instance/group: the channel axis (default `-1`; instance and group need channels last).
   * layer/rms: the axes to normalize over, a number, a list or `'features'` (every axis but the
   * batch axis); default `'features'` (as the classes' own default), i.e. normalize each example as
   * a whole (Ba et al.), which for dense `[N, F]` input is the same as `-1`.
   */
  axis?: LayerNormAxis;
  /**
   * ε > 0. Default: the convention's (1e-3 `keras`, 1e-5 `pytorch`); rms: 1e-6 `keras`, 2⁻²³
   * `pytorch`.
   */
  epsilon?: number;
  /** noisy-batch only: bound of the per-step shift μ ~ U(−maxShift, maxShift). Default 0.5. */
  maxShift?: number;
  /** noisy-batch only: bound of the per-step scale σ ~ U(1, maxScale). Default 1.5. */
  maxScale?: number;
  /** noisy-batch only: seed of the noise sequence. Default 0. */
  noiseSeed?: number;
  /**
   * batch, batch-renorm, noisy-batch: momentum in [0, 1), in the convention's meaning. Default 0.99 `keras`,
   * 0.1 `pytorch`.
   */
  momentum?: number;
  /** batch only: running variance `'biased'`/`'unbiased'`. Default: the convention's. */
  runningVariance?: RunningVarianceKind;
  /**
   * batch, layer, instance, group, rms: `'relu'` applies a ReLU to the output inside the layer
   * (fused into the kernel on tfjs-node); default `'linear'`.
   */
  activation?: NormActivation;
  /** batch-renorm: momentum of the renormalization statistics. Default 0.99 `keras`, 0.01 `pytorch`. */
  renormMomentum?: number;
  /** batch-renorm: upper limit of `r` (default 3; `null` none). */
  rMax?: number | null;
  /** batch-renorm: lower limit of `r` (default `1/rMax`; `null` none). */
  rMin?: number | null;
  /** batch-renorm: limit of `|d|` (default 5; `null` none). */
  dMax?: number | null;
  /** batch-renorm: steps of plain batch norm before the clipping is relaxed (default 0). */
  warmupSteps?: number;
  /** batch-renorm: steps over which the limits are relaxed linearly to their final values (default 0). */
  rampSteps?: number;
  /** group only: the number of groups, dividing the channel count. Default 32 (Keras'). */
  groups?: number;
  /** Learn β. Default true (instance norm under `pytorch`: false; rms: false). */
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
 * `instance` → {@link InstanceNormalization}, `group` → {@link GroupNormalization},
 * `rms` → {@link RMSNormalization} (default `axis: 'features'`),
 * `batch-renorm` → {@link BatchRenormalization},
 * `noisy-batch` → {@link NoisyBatchNormalization}.
 *
 * @param kind one of `none | batch | layer | instance | group | rms | batch-renorm | noisy-batch`.
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
  const activation = checkActivation(options.activation);
  if (activation !== 'linear' && !FUSED_ACTIVATION_KINDS.includes(k)) {
    throw new Error(
      `activation: ${FUSED_ACTIVATION_KINDS.join(', ')} normalization take 'relu'; ${k} takes 'linear'; got ${JSON.stringify(options.activation)}`,
    );
  }
  const { renormMomentum, rMax, rMin, dMax, warmupSteps, rampSteps } = options;
  const { maxShift, maxScale, noiseSeed } = options;
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
      return new BatchNormalization({
        ...common,
        axis: channelAxis(),
        momentum,
        runningVariance,
        activation,
      });
    case 'layer':
      return new LayerNormalization({ ...common, axis: axis ?? 'features', activation });
    case 'instance':
      return new InstanceNormalization({ ...common, axis: channelAxis(), activation });
    case 'group':
      return new GroupNormalization({ ...common, axis: channelAxis(), groups, activation });
    case 'rms':
      return new RMSNormalization({ ...common, axis: axis ?? 'features', activation });
    case 'batch-renorm': {
      const renorm = { renormMomentum, rMax, rMin, dMax, warmupSteps, rampSteps };
      return new BatchRenormalization({ ...common, axis: channelAxis(), momentum, ...renorm });
    }
    case 'noisy-batch':
      return new NoisyBatchNormalization({
        ...common,
        axis: channelAxis(),
        momentum,
        runningVariance,
        maxShift,
        maxScale,
        noiseSeed,
      });
  }
}
