/**
 * Options shared by the normalization layers (ε, γ/β and their initializers, regularizers and
 * constraints, the convention) and their (de)serialization in Keras-style configs. Part of the
 * shared core the layer files build on.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { assertConvention, CONVENTION_DEFAULTS, type Convention } from './conventions';
import { checkBoolean, checkEpsilon, resolveAxis } from './validate';

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
 * A layer's own defaults for {@link AffineArgs}, per convention, where they differ from the
 * convention's (see {@link CONVENTION_DEFAULTS}): every field is optional.
 */
export interface AffineDefaults {
  /** Default ε (default: the convention's, 1e-3 `keras`, 1e-5 `pytorch`). */
  epsilon?: (convention: Convention) => number;
  /** Whether γ exists by default (default: `true`). */
  scale?: (convention: Convention) => boolean;
  /** Whether β exists by default (default: `true`). */
  center?: (convention: Convention) => boolean;
}

/**
 * Apply the defaults to {@link AffineArgs} and check them.
 *
 * @param args the user's options.
 * @param defaults the layer's own defaults (see {@link AffineDefaults}); a function is read as
 *   "whether γ and β exist by default under each convention".
 * @throws Error naming the option for a bad `convention`, `epsilon`, `center`, `scale` or spec.
 */
export function resolveAffine(
  args: AffineArgs,
  defaults: AffineDefaults | ((convention: Convention) => boolean) = {},
): ResolvedAffine {
  const convention = assertConvention(args.convention ?? 'keras');
  const d: AffineDefaults = typeof defaults === 'function' ? { scale: defaults, center: defaults } : defaults;
  const opt = <T>(spec: unknown, option: string): T | null =>
    spec == null ? null : deserializeObject<T>(spec, option);
  return {
    convention,
    epsilon: checkEpsilon(
      args.epsilon ?? (d.epsilon ?? (() => CONVENTION_DEFAULTS[convention].epsilon))(convention),
    ),
    center: checkBoolean(args.center ?? d.center?.(convention) ?? true, 'center'),
    scale: checkBoolean(args.scale ?? d.scale?.(convention) ?? true, 'scale'),
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
 * A layer's `addWeight`, passed bound (`this.addWeight.bind(this)`): tfjs makes the method
 * protected, so a helper outside the class receives it from the layer.
 */
export type AddWeight = (
  name: string,
  shape: tf.Shape,
  dtype?: tf.DataType,
  initializer?: Initializer,
  regularizer?: Regularizer,
  trainable?: boolean,
  constraint?: Constraint,
) => tf.LayerVariable;

/** The learned γ and β of a layer, each `null` when `scale`/`center` is false. */
export interface AffineWeights {
  /** The scale γ (weight name `gamma`), or `null`. */
  gamma: tf.LayerVariable | null;
  /** The shift β (weight name `beta`), or `null`. */
  beta: tf.LayerVariable | null;
}

/**
 * Add a layer's trainable γ and β, in that order (Keras' weight order), named `gamma` and `beta`,
 * float32, with the initializers, regularizers and constraints of `affine`. γ is added only when
 * `affine.scale` is true, β only when `affine.center` is true. Call it from `build`, before any
 * other weight, so `getWeights()` starts with `[gamma, beta]`.
 *
 * @param addWeight the layer's `addWeight`, bound to the layer.
 * @param shape the shape of γ and β (e.g. `[channels]`).
 * @param affine the layer's resolved options.
 * @returns the two weights (`null` for one not added).
 */
export function addAffineWeights(
  addWeight: AddWeight,
  shape: number[],
  affine: ResolvedAffine,
): AffineWeights {
  const a = affine;
  const gamma = a.scale
    ? addWeight(
        'gamma',
        shape,
        'float32',
        a.gammaInitializer,
        a.gammaRegularizer ?? undefined,
        true,
        a.gammaConstraint ?? undefined,
      )
    : null;
  const beta = a.center
    ? addWeight(
        'beta',
        shape,
        'float32',
        a.betaInitializer,
        a.betaRegularizer ?? undefined,
        true,
        a.betaConstraint ?? undefined,
      )
    : null;
  return { gamma, beta };
}

/**
 * γ and β for a fused op that needs both: the weights' values, or ones (γ) / zeros (β) of shape
 * `[channels]` for an absent one. Call it inside the layer's `tf.tidy`.
 */
export function readAffine(weights: AffineWeights, channels: number): { gamma: tf.Tensor; beta: tf.Tensor } {
  return {
    gamma: weights.gamma ? weights.gamma.read() : tf.ones([channels]),
    beta: weights.beta ? weights.beta.read() : tf.zeros([channels]),
  };
}

/** What `build` fixed about the input of a layer with one channel axis (batch, instance, group norm). */
export interface BuiltChannels {
  /** The input rank. */
  rank: number;
  /** The channel axis, resolved (≥ 1). */
  channelAxis: number;
  /** The number of channels. */
  channels: number;
}

/** What `build` fixed about the input of a layer normalizing over given axes (layer norm). */
export interface BuiltAxes {
  /** The input rank. */
  rank: number;
  /** The normalized axes, resolved and sorted. */
  axes: number[];
  /** The input's sizes on `axes` (the shape of γ and β). */
  sizes: number[];
}

/**
 * Check that a call's input matches what the layer was built for: the same rank and the same
 * sizes on the axes the weights span (the batch size and other axes may differ).
 *
 * @param layer the layer's class name, for the message.
 * @param built the rank and sizes recorded by `build`.
 * @param x the call's input.
 * @throws Error `BatchNormalization was built for rank-2 inputs with 8 channels on axis 1; got
 *   input shape [4,6]` (or, for {@link BuiltAxes}, `… with sizes [3,4] on axes [2,3]; …`).
 */
export function checkBuiltShape(layer: string, built: BuiltChannels | BuiltAxes, x: tf.Tensor): void {
  const axes = 'axes' in built ? built.axes : [built.channelAxis];
  const sizes = 'axes' in built ? built.sizes : [built.channels];
  if (x.rank === built.rank && axes.every((a, i) => x.shape[a] === sizes[i])) return;
  const what =
    'axes' in built
      ? `sizes [${built.sizes}] on axes [${built.axes}]`
      : `${built.channels} channels on axis ${built.channelAxis}`;
  throw new Error(
    `${layer} was built for rank-${built.rank} inputs with ${what}; got input shape [${x.shape}]`,
  );
}

/**
 * The channel axis of a channels-last layer (instance and group norm) in `build`: `axis` must be
 * the last axis and the channel count must be known.
 *
 * @param shape the input shape given to `build` (rank already checked).
 * @param axis the `axis` option as given.
 * @param layer the layer's class name, for the messages.
 * @throws Error `axis must be the last axis (-1 or 3): GroupNormalization supports channels-last
 *   input only; got 1`, or the range error of {@link resolveAxis}.
 */
export function channelsLastInput(shape: tf.Shape, axis: number, layer: string): BuiltChannels {
  const rank = shape.length;
  if (resolveAxis(axis, rank) !== rank - 1) {
    throw new Error(
      `axis must be the last axis (-1 or ${rank - 1}): ${layer} supports channels-last input only; got ${axis}`,
    );
  }
  const channels = shape[rank - 1];
  if (channels == null) throw new Error(`${layer}: the number of channels must be known`);
  return { rank, channelAxis: rank - 1, channels };
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
