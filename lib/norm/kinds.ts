/**
 * The kinds of normalization normlab offers, as a closed set of names.
 *
 * @module
 */

/**
 * A normalization kind:
 * - `none`: identity (no normalization), the baseline of every comparison;
 * - `batch`: batch norm (Ioffe & Szegedy 2015), statistics over the batch and spatial axes, per channel;
 * - `layer`: layer norm (Ba et al. 2016), statistics over each example's features;
 * - `instance`: instance norm (Ulyanov et al. 2016), statistics over each example's spatial axes, per channel;
 * - `group`: group norm (Wu & He 2018), statistics over each example's spatial axes and a group of channels.
 */
export type NormKind = 'none' | 'batch' | 'layer' | 'instance' | 'group';

/** Every {@link NormKind}, in the order above (handy for loops and for error messages). */
export const NORM_KINDS: readonly NormKind[] = Object.freeze(['none', 'batch', 'layer', 'instance', 'group']);

/** Whether `x` is one of {@link NORM_KINDS}. */
export function isNormKind(x: unknown): x is NormKind {
  return typeof x === 'string' && (NORM_KINDS as readonly string[]).includes(x);
}

/**
 * Check that `x` is a {@link NormKind} and return it typed.
 *
 * @throws Error naming the allowed kinds, e.g. `unknown normalization kind "bn"; expected one of none, batch, layer, instance, group`.
 * @example
 * ```ts
 * const kind = assertNormKind(process.argv[2]); // 'batch'
 * ```
 */
export function assertNormKind(x: unknown): NormKind {
  if (!isNormKind(x)) {
    throw new Error(
      `unknown normalization kind ${JSON.stringify(x)}; expected one of ${NORM_KINDS.join(', ')}`,
    );
  }
  return x;
}
