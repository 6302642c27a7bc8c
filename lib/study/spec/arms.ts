/**
 * The arms a study compares: every normalization kind of the library, and group norm over
 * weight-standardized convolutions (`group-ws`, Qiao et al. 2019), the small-batch remedy Wu & He's
 * comparison is usually read with. Weight standardization is not a kind of the library (it
 * standardizes a convolution's kernel, not an output), so the study names the pair as one arm and
 * builds it from the model zoo's `weightStandardization` option.
 *
 * @module
 */
import { NORM_KINDS, type NormKind } from '../../norm/kinds';

/** One arm of a study: a norm kind, or `group-ws` (group norm + weight-standardized convolutions). */
export type StudyNorm = NormKind | 'group-ws';

/**
 * Every {@link StudyNorm}: the library's kinds, then `group-ws`.
 *
 * @example
 * ```ts
 * STUDY_NORMS.includes('group-ws'); // true
 * ```
 */
export const STUDY_NORMS: readonly StudyNorm[] = Object.freeze([...NORM_KINDS, 'group-ws']);

/**
 * The model zoo's settings for an arm: the norm layer's kind and whether the convolutions are
 * weight-standardized.
 *
 * @example
 * ```ts
 * armModel('group-ws'); // { norm: 'group', weightStandardization: true }
 * ```
 */
export function armModel(arm: StudyNorm): { norm: NormKind; weightStandardization: boolean } {
  return arm === 'group-ws'
    ? { norm: 'group', weightStandardization: true }
    : { norm: arm, weightStandardization: false };
}
