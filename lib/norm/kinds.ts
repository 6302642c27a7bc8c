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
 * - `group`: group norm (Wu & He 2018), statistics over each example's spatial axes and a group of channels;
 * - `rms`: RMS norm (Zhang & Sennrich 2019), layer norm without centering: each example divided by
 *   its root mean square;
 * - `batch-renorm`: batch renormalization (Ioffe 2017), batch norm corrected towards its running
 *   statistics, for small or non-i.i.d. batches;
 * - `noisy-batch`: batch norm followed by noise whose mean and variance change every training step
 *   (Santurkar et al. 2018), a diagnostic kind for the "internal covariate shift" question.
 *
 * Weight standardization (Qiao et al. 2019) is not a kind: it standardizes a convolution's kernel,
 * not its output (`WeightStandardizedConv2D`, and `weightStandardization` in the model zoo's specs
 * to pair it with a kind, typically `group`).
 */
export type NormKind =
  | 'none'
  | 'batch'
  | 'layer'
  | 'instance'
  | 'group'
  | 'rms'
  | 'batch-renorm'
  | 'noisy-batch';

/**
 * Every {@link NormKind}, in the order above (handy for loops and for error messages).
 *
 * @example
 * ```ts
 * for (const kind of NORM_KINDS) console.log(kind, normLayer(kind).getClassName());
 * ```
 */
export const NORM_KINDS: readonly NormKind[] = Object.freeze([
  'none',
  'batch',
  'layer',
  'instance',
  'group',
  'rms',
  'batch-renorm',
  'noisy-batch',
]);

/**
 * Whether `x` is one of {@link NORM_KINDS}.
 *
 * @example
 * ```ts
 * const arg = process.argv[2];
 * const layer = isNormKind(arg) ? normLayer(arg) : normLayer('batch');
 * ```
 */
export function isNormKind(x: unknown): x is NormKind {
  return typeof x === 'string' && (NORM_KINDS as readonly string[]).includes(x);
}

/**
 * Check that `x` is a {@link NormKind} and return it typed.
 *
 * @throws Error naming the allowed kinds, e.g. `unknown normalization kind "bn"; expected one of none, batch, layer, instance, group, rms, batch-renorm, noisy-batch`.
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
