/**
 * Loading Keras' `BatchNormalization(renorm=True)`: tfjs' own `BatchNormalization` has no batch
 * renormalization, so a converted Keras model with one fails on its extra weights
 * (`moving_stddev`, ...). Importing this file wraps the deserializer registered under
 * `BatchNormalization`: a config with `renorm: true` becomes normlab's {@link BatchRenormalization},
 * every other config goes to tfjs' layer exactly as before.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { BatchRenormalization, type BatchRenormalizationArgs } from '../batch-renormalization';

/** The Keras config keys this mapping reads (camel-cased, as tfjs hands them to `fromConfig`). */
const BASE_KEYS = ['name', 'trainable', 'dtype', 'batchInputShape', 'inputShape', 'batchSize'] as const;
const AFFINE_KEYS = [
  'epsilon',
  'center',
  'scale',
  'betaInitializer',
  'gammaInitializer',
  'movingMeanInitializer',
  'movingVarianceInitializer',
  'betaRegularizer',
  'gammaRegularizer',
  'betaConstraint',
  'gammaConstraint',
] as const;

/**
 * The options of normlab's {@link BatchRenormalization} for a Keras
 * `BatchNormalization(renorm=True)` config (as tfjs deserializes it: camel-cased keys).
 *
 * Mapping: `momentum` and `renorm_momentum` as they are (both frameworks are Keras-convention
 * here: the weight of the old value); `renorm_clipping` `{rmax, rmin, dmax}` to `rMax`, `rMin`,
 * `dMax`, a missing key (or `renorm_clipping: null`) meaning no limit, as in Keras; no warm-up or
 * ramp and no step counter (`countSteps: false`), since Keras has neither; `axis` an integer or a
 * list of one integer.
 *
 * @throws Error for a config normlab cannot reproduce: an `axis` list of several axes, a
 *   `virtual_batch_size`, an `adjustment`, or a `renorm_clipping` that is not an object.
 *
 * @example
 * ```ts
 * batchRenormArgsFromKeras({ renorm: true, renormClipping: { rmax: 3, dmax: 5 }, momentum: 0.9 });
 * // { ..., rMax: 3, rMin: null, dMax: 5, momentum: 0.9, renormMomentum: 0.99, countSteps: false }
 * ```
 */
export function batchRenormArgsFromKeras(config: tf.serialization.ConfigDict): BatchRenormalizationArgs {
  const name = typeof config.name === 'string' ? config.name : 'batch_normalization';
  const refuse = (what: string): never => {
    throw new Error(`BatchNormalization(renorm=True) '${name}': ${what}`);
  };
  const given: unknown = config.axis ?? -1;
  let axis = given;
  if (Array.isArray(given)) {
    if (given.length !== 1)
      refuse(`axis ${JSON.stringify(given)} lists several axes; normlab's batch renorm takes one`);
    axis = given[0];
  }
  if (config.virtualBatchSize != null) refuse('virtual_batch_size is not supported; set it to None');
  if (config.adjustment != null) refuse('adjustment is not supported; set it to None');
  const clipping = config.renormClipping ?? {};
  if (typeof clipping !== 'object' || Array.isArray(clipping)) {
    refuse(`renorm_clipping must be a dict with keys rmax, rmin, dmax; got ${JSON.stringify(clipping)}`);
  }
  const limit = (key: string): number | null => {
    const v = (clipping as Record<string, unknown>)[key];
    if (v == null) return null;
    if (typeof v !== 'number')
      refuse(`renorm_clipping.${key} must be a number or None; got ${JSON.stringify(v)}`);
    return v as number;
  };
  const args: Record<string, unknown> = {
    axis,
    momentum: config.momentum ?? 0.99,
    renormMomentum: config.renormMomentum ?? 0.99,
    rMax: limit('rmax'),
    rMin: limit('rmin'),
    dMax: limit('dmax'),
    countSteps: false,
    convention: 'keras',
  };
  for (const key of [...BASE_KEYS, ...AFFINE_KEYS]) {
    if (config[key] !== undefined && config[key] !== null) args[key] = config[key];
  }
  return args as BatchRenormalizationArgs;
}

/** Marks the wrapping deserializer, so that importing this file twice wraps only once. */
const WRAPPED = Symbol.for('normlab.kerasRenormFromConfig');

type FromConfig = (
  cls: tf.serialization.SerializableConstructor<tf.serialization.Serializable>,
  config: tf.serialization.ConfigDict,
) => tf.serialization.Serializable;

/**
 * Route `BatchNormalization` configs with `renorm: true` to {@link BatchRenormalization}; leave
 * tfjs' class in the map (so `tf.layers.batchNormalization()` and plain configs are untouched).
 * Called once when this module loads; calling it again does nothing.
 */
export function registerKerasRenormLoading(): void {
  const map = tf.serialization.SerializationMap.getMap().classNameMap;
  const entry = map.BatchNormalization;
  if (!entry) throw new Error("tfjs has no 'BatchNormalization' registered: load @tensorflow/tfjs first");
  const [cls, original] = entry as unknown as [
    tf.serialization.SerializableConstructor<tf.serialization.Serializable>,
    FromConfig & { [WRAPPED]?: true },
  ];
  if (original[WRAPPED]) return;
  const fromConfig: FromConfig & { [WRAPPED]?: true } = (c, config) =>
    config.renorm === true ? new BatchRenormalization(batchRenormArgsFromKeras(config)) : original(c, config);
  fromConfig[WRAPPED] = true;
  map.BatchNormalization = [cls, fromConfig as unknown as (typeof entry)[1]];
}
registerKerasRenormLoading();
