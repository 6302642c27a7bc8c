/**
 * The activations a normalization layer can fuse, shared by the native kernels and the layers
 * above them: defined here, in the lowest room, so the kernels need nothing from the layers.
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
