/**
 * The learned affine map `γ·x̂ + β` of the normalization layers: its options (ε, γ/β and their
 * initializers, regularizers and constraints, the convention) with their defaults and Keras-style
 * config entries, and the γ and β weights.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { deserializeObject, serializeObject } from '../layers/serialization';
import type {
  AddWeight,
  Constraint,
  ConstraintSpec,
  Initializer,
  InitializerSpec,
  Regularizer,
  RegularizerSpec,
} from '../layers/tfjs-types';
import { checkBoolean } from '../layers/validate';
import { assertConvention, CONVENTION_DEFAULTS, type Convention } from './conventions';
import { checkEpsilon } from './validate';

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
