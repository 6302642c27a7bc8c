/**
 * Options shared by the normalization layers (ε, γ/β and their initializers, regularizers and
 * constraints, the convention) and their (de)serialization in Keras-style configs. Part of the
 * shared core the layer files build on.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { assertConvention, CONVENTION_DEFAULTS, type Convention } from './conventions';
import { checkBoolean, checkEpsilon } from './validate';

/** The base options every tfjs layer takes (`name`, `inputShape`, `trainable`, `dtype`, ...). */
export type BaseLayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

/** The keyword arguments of `Layer.call` (normlab's layers read `training`). */
export type CallKwargs = Parameters<tf.layers.Layer['call']>[1];

/** A tfjs weight initializer, such as `tf.initializers.ones()`. */
export type Initializer = ReturnType<typeof tf.initializers.ones>;

/** A tfjs weight regularizer, such as `tf.regularizers.l2()`. */
export interface Regularizer extends tf.serialization.Serializable {
  /** The penalty for a weight tensor. */
  apply(x: tf.Tensor): tf.Scalar;
}

/** A tfjs weight constraint, such as `tf.constraints.nonNeg()`. */
export interface Constraint extends tf.serialization.Serializable {
  /** Project a weight tensor onto the constraint. */
  apply(w: tf.Tensor): tf.Tensor;
}

/**
 * An initializer given as an object, as the names `'zeros'`/`'ones'` (or any tfjs initializer's
 * class name, e.g. `'GlorotUniform'`), or as a serialized `{ className, config }` (what a saved
 * model holds).
 */
export type InitializerSpec = Initializer | string | tf.serialization.ConfigDict;

/** A regularizer as an object or serialized `{ className, config }`; `null` for none. */
export type RegularizerSpec = Regularizer | tf.serialization.ConfigDict | null;

/** A constraint as an object or serialized `{ className, config }`; `null` for none. */
export type ConstraintSpec = Constraint | tf.serialization.ConfigDict | null;

/** The options of the learned affine map `γ·x̂ + β` and of ε, shared by all four layers. */
export interface AffineArgs {
  /**
   * Which framework's meanings and defaults to follow, `'keras'` or `'pytorch'` (default
   * `'keras'`); see `conventions.ts`. It sets the defaults of `epsilon`, of `momentum` and of
   * the running variance (batch norm), and of `center`/`scale` (instance norm).
   */
  convention?: Convention;
  /** ε added to the variance; a finite number > 0. Default: 1e-3 (`keras`) or 1e-5 (`pytorch`). */
  epsilon?: number;
  /** Learn a shift β (default `true`; instance norm under `pytorch`: `false`). */
  center?: boolean;
  /** Learn a scale γ (default `true`; instance norm under `pytorch`: `false`). */
  scale?: boolean;
  /** Initializer of β (default `'zeros'`). */
  betaInitializer?: InitializerSpec;
  /** Initializer of γ (default `'ones'`). */
  gammaInitializer?: InitializerSpec;
  /** Regularizer of β (default none). */
  betaRegularizer?: RegularizerSpec;
  /** Regularizer of γ (default none). */
  gammaRegularizer?: RegularizerSpec;
  /** Constraint on β (default none). */
  betaConstraint?: ConstraintSpec;
  /** Constraint on γ (default none). */
  gammaConstraint?: ConstraintSpec;
}

/** {@link AffineArgs} with every default applied and every spec turned into an object. */
export interface ResolvedAffine {
  convention: Convention;
  epsilon: number;
  center: boolean;
  scale: boolean;
  betaInitializer: Initializer;
  gammaInitializer: Initializer;
  betaRegularizer: Regularizer | null;
  gammaRegularizer: Regularizer | null;
  betaConstraint: Constraint | null;
  gammaConstraint: Constraint | null;
}

/** Turn a serialized tfjs object (`{ className, config }`) or a class name into the object. */
function deserializeObject<T>(spec: unknown, option: string): T {
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

/**
 * Apply the defaults to {@link AffineArgs} and check them.
 *
 * @param args the user's options.
 * @param affineByDefault whether γ/β exist by default under each convention.
 * @throws Error naming the option for a bad `convention`, `epsilon`, `center`, `scale` or spec.
 */
export function resolveAffine(
  args: AffineArgs,
  affineByDefault: (convention: Convention) => boolean = () => true,
): ResolvedAffine {
  const convention = assertConvention(args.convention ?? 'keras');
  const affine = affineByDefault(convention);
  const opt = <T>(spec: unknown, option: string): T | null =>
    spec == null ? null : deserializeObject<T>(spec, option);
  return {
    convention,
    epsilon: checkEpsilon(args.epsilon ?? CONVENTION_DEFAULTS[convention].epsilon),
    center: checkBoolean(args.center ?? affine, 'center'),
    scale: checkBoolean(args.scale ?? affine, 'scale'),
    betaInitializer: deserializeObject<Initializer>(args.betaInitializer ?? 'zeros', 'betaInitializer'),
    gammaInitializer: deserializeObject<Initializer>(args.gammaInitializer ?? 'ones', 'gammaInitializer'),
    betaRegularizer: opt<Regularizer>(args.betaRegularizer, 'betaRegularizer'),
    gammaRegularizer: opt<Regularizer>(args.gammaRegularizer, 'gammaRegularizer'),
    betaConstraint: opt<Constraint>(args.betaConstraint, 'betaConstraint'),
    gammaConstraint: opt<Constraint>(args.gammaConstraint, 'gammaConstraint'),
  };
}

/** Deserialize an initializer spec (see {@link InitializerSpec}). */
export function resolveInitializer(spec: InitializerSpec, option: string): Initializer {
  return deserializeObject<Initializer>(spec, option);
}

/** The Keras-style config entries of a {@link ResolvedAffine}. */
export function affineConfig(a: ResolvedAffine): tf.serialization.ConfigDict {
  return {
    convention: a.convention,
    epsilon: a.epsilon,
    center: a.center,
    scale: a.scale,
    betaInitializer: serializeObject(a.betaInitializer),
    gammaInitializer: serializeObject(a.gammaInitializer),
    betaRegularizer: serializeObject(a.betaRegularizer),
    gammaRegularizer: serializeObject(a.gammaRegularizer),
    betaConstraint: serializeObject(a.betaConstraint),
    gammaConstraint: serializeObject(a.gammaConstraint),
  };
}

/**
 * The one input tensor of a layer call.
 *
 * @throws Error naming the layer when given several tensors.
 */
export function singleInput(inputs: tf.Tensor | tf.Tensor[], layer: string): tf.Tensor {
  if (Array.isArray(inputs)) {
    if (inputs.length !== 1)
      throw new Error(`${layer} expects exactly one input tensor; got ${inputs.length}`);
    return inputs[0];
  }
  return inputs;
}

/** The single input shape given to `build`/`computeOutputShape`. */
export function singleShape(shape: tf.Shape | tf.Shape[], layer: string): tf.Shape {
  if (Array.isArray(shape[0]) || (shape.length > 0 && shape[0] !== null && typeof shape[0] === 'object')) {
    const shapes = shape as tf.Shape[];
    if (shapes.length !== 1) throw new Error(`${layer} expects exactly one input; got ${shapes.length}`);
    return shapes[0];
  }
  return shape as tf.Shape;
}

const nameCounters = new Map<string, number>();

/**
 * A fresh default layer name, `<base>_<n>`. normlab's registered class names contain `>`
 * (`normlab>BatchNormalization`), which tfjs does not accept in the default names it derives from
 * the class name, so the layers name themselves.
 */
export function defaultLayerName(base: string): string {
  const n = (nameCounters.get(base) ?? 0) + 1;
  nameCounters.set(base, n);
  return `${base}_${n}`;
}
