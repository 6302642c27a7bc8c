/**
 * tfjs objects (initializers, regularizers, constraints) given by class name or as a serialized
 * `{ className, config }`, turned into objects and back, as a layer's config holds them.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import type { Initializer, InitializerSpec } from './tfjs-types';

/** Turn a serialized tfjs object (`{ className, config }`) or a class name into the object. */
export function deserializeObject<T>(spec: unknown, option: string): T {
  if (spec instanceof tf.serialization.Serializable) return spec as T;
  let className: string;
  let config: tf.serialization.ConfigDict = {};
  if (typeof spec === 'string') {
    className = spec.charAt(0).toUpperCase() + spec.slice(1);
  } else if (
    spec &&
    typeof spec === 'object' &&
    typeof (spec as { className?: unknown }).className === 'string'
  ) {
    className = (spec as { className: string }).className;
    config = ((spec as { config?: tf.serialization.ConfigDict }).config ?? {}) as tf.serialization.ConfigDict;
  } else {
    throw new Error(
      `${option} must be a tfjs object, a class name or {className, config}; got ${JSON.stringify(spec)}`,
    );
  }
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[className];
  if (!entry) throw new Error(`${option}: unknown class ${JSON.stringify(className)}`);
  const [cls, fromConfig] = entry;
  return fromConfig(cls, config) as unknown as T;
}

/** Serialize a tfjs object as `{ className, config }` (or `null`). */
export function serializeObject(
  obj: tf.serialization.Serializable | null,
): tf.serialization.ConfigDict | null {
  return obj ? { className: obj.getClassName(), config: obj.getConfig() } : null;
}

/** Deserialize an initializer spec (see {@link InitializerSpec}). */
export function resolveInitializer(spec: InitializerSpec, option: string): Initializer {
  return deserializeObject<Initializer>(spec, option);
}
