/**
 * The two conventions for normalization hyper-parameters, Keras' and PyTorch's, made explicit.
 *
 * The same words mean different things in the two frameworks:
 *
 * | quantity                      | `keras` (default)                    | `pytorch`                               |
 * |-------------------------------|--------------------------------------|-----------------------------------------|
 * | `momentum`                    | weight of the OLD running value, 0.99 | weight of the NEW batch value, 0.1     |
 * | running variance              | biased batch variance (÷ n)          | unbiased batch variance (÷ (n − 1))     |
 * | default `epsilon`             | 1e-3                                 | 1e-5                                    |
 * | instance norm γ/β by default  | yes (`center`, `scale` true)         | no (`InstanceNorm2d(affine=False)`)     |
 * | batch/layer/group norm γ/β    | yes                                  | yes                                     |
 *
 * Conversion: a Keras momentum `m` equals a PyTorch momentum `1 − m` (Keras 0.99 ≡ PyTorch 0.01;
 * PyTorch 0.1 ≡ Keras 0.9). A biased variance `v` over `n` values equals the unbiased `v·n/(n − 1)`.
 * Batch norm's normalization of the batch itself always uses the biased variance in both.
 *
 * normlab's layers take `convention` (default `'keras'`, the convention of TensorFlow.js' own
 * layers) and read `momentum` in that convention; `runningVariance` overrides the variance choice.
 *
 * @module
 */

/** Which framework's meaning the hyper-parameters follow. See the module documentation. */
export type Convention = 'keras' | 'pytorch';

/**
 * Every {@link Convention}.
 *
 * @example
 * ```ts
 * for (const convention of CONVENTIONS) console.log(convention, CONVENTION_DEFAULTS[convention].momentum);
 * ```
 */
export const CONVENTIONS: readonly Convention[] = Object.freeze(['keras', 'pytorch']);

/** How the running variance is accumulated: the batch variance divided by `n` or by `n − 1`. */
export type RunningVarianceKind = 'biased' | 'unbiased';

/** The defaults a {@link Convention} implies. */
export interface ConventionDefaults {
  /** Default momentum, in the convention's own meaning (Keras 0.99, PyTorch 0.1). */
  readonly momentum: number;
  /** Default ε added to the variance (Keras 1e-3, PyTorch 1e-5). */
  readonly epsilon: number;
  /** Running variance accumulated biased (Keras) or unbiased (PyTorch). */
  readonly runningVariance: RunningVarianceKind;
  /** Whether instance norm has γ and β by default (Keras true, PyTorch false). */
  readonly instanceAffine: boolean;
}

/**
 * The defaults of each convention.
 *
 * @example
 * ```ts
 * const { momentum, epsilon } = CONVENTION_DEFAULTS.pytorch; // 0.1, 1e-5
 * ```
 */
export const CONVENTION_DEFAULTS: Readonly<Record<Convention, ConventionDefaults>> = Object.freeze({
  keras: Object.freeze({ momentum: 0.99, epsilon: 1e-3, runningVariance: 'biased', instanceAffine: true }),
  pytorch: Object.freeze({
    momentum: 0.1,
    epsilon: 1e-5,
    runningVariance: 'unbiased',
    instanceAffine: false,
  }),
});

/**
 * Check a convention name.
 *
 * @throws Error naming the option and the allowed values.
 */
export function assertConvention(x: unknown): Convention {
  if (x !== 'keras' && x !== 'pytorch') {
    throw new Error(`convention must be one of ${CONVENTIONS.join(', ')}; got ${JSON.stringify(x)}`);
  }
  return x;
}

/**
 * The weight of the OLD running value in the update `running ← w·running + (1 − w)·batch`,
 * from a momentum given in `convention`'s meaning: Keras' momentum is that weight, PyTorch's
 * momentum is `1 − w`.
 *
 * @example
 * ```ts
 * decayFromMomentum(0.99, 'keras');  // 0.99
 * decayFromMomentum(0.1, 'pytorch'); // 0.9
 * ```
 */
export function decayFromMomentum(momentum: number, convention: Convention): number {
  return convention === 'keras' ? momentum : 1 - momentum;
}

/**
 * Convert a momentum from one convention to the other: `m ↦ 1 − m` when they differ.
 *
 * @example
 * ```ts
 * convertMomentum(0.99, 'keras', 'pytorch'); // 0.01 (up to rounding)
 * ```
 */
export function convertMomentum(momentum: number, from: Convention, to: Convention): number {
  return from === to ? momentum : 1 - momentum;
}
