/**
 * Claims whose published verdict has been found wrong and is being redone: while a claim is listed
 * here, the scorecard shows it as `under revision` with one plain sentence why, whatever its
 * comparisons compute (the computed verdict stays in the record, one click down). Every page that
 * shows the scorecard reads the flag through `scorecard()`, and the pages written by hand are tested
 * against this list, so the flag changes them all at once.
 *
 * @module
 */
import type { ClaimId } from './spec-schema';

/** Why a claim's verdict is under revision: the sentence every scorecard shows. */
export interface ClaimRevision {
  /** One plain sentence: what is wrong with the published verdict. */
  reason: string;
}

/**
 * The claims under revision and why. Remove an entry when the claim's redesigned experiment has
 * been run and its verdict published.
 *
 * @example
 * ```ts
 * if (CLAIMS_UNDER_REVISION[8]) console.log(`claim 8: ${CLAIMS_UNDER_REVISION[8].reason}`);
 * ```
 */
export const CLAIMS_UNDER_REVISION: Readonly<Partial<Record<ClaimId, ClaimRevision>>> = {
  8: {
    reason:
      'the batch-size sweep under-trained the large batches, so no normalization moved as much as batch norm; the claim is being re-run as Wu & He designed it',
  },
  9: {
    reason:
      '45 steps at one untuned rate cannot separate the explanations; the claim is being re-run at the full budget with tuned rates and more seeds',
  },
};

/**
 * The revision of a claim, or undefined when its verdict stands.
 *
 * @example
 * ```ts
 * revisionOf(8)?.reason; // why claim 8 is under revision
 * ```
 */
export function revisionOf(id: ClaimId): ClaimRevision | undefined {
  return CLAIMS_UNDER_REVISION[id];
}
