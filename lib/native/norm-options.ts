/**
 * The small option types that the native batch-norm kernels share with the normalization layers
 * above them: they live here, in the lowest room, so the kernels need nothing from the layers.
 *
 * @module
 */

/**
 * The activations a normalization layer can fuse: `'linear'` (none) or `'relu'`.
 *
 * @example
 * ```ts
 * const bn = new BatchNormalization({ activation: 'relu' }); // relu(γ·x̂ + β), one kernel on tfjs-node
 * NORM_ACTIVATIONS.includes('relu'); // true
 * ```
 */
export const NORM_ACTIVATIONS = ['linear', 'relu'] as const;

/** An activation a normalization layer can apply to its output (see {@link NORM_ACTIVATIONS}). */
export type NormActivation = (typeof NORM_ACTIVATIONS)[number];

/** How the running variance is accumulated: the batch variance divided by `n` or by `n − 1`. */
export type RunningVarianceKind = 'biased' | 'unbiased';
