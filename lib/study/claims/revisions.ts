/**
 * Claims whose published verdict has been found wrong and is being redone: while a claim is listed
 * here, the scorecard of results made with the withdrawn design shows it as `under revision` with
 * one plain sentence why, whatever its comparisons compute (the computed verdict stays in the
 * record, one click down); results of the redesigned experiment are decided as usual. Every page that
 * shows the scorecard reads the flag through `scorecard()`, and the pages written by hand are tested
 * against this list, so the flag changes them all at once.
 *
 * @module
 */
import { type ClaimId, type StudySpec, seedList } from '../spec/schema';

/** Why a claim's verdict is under revision: the sentence every scorecard shows. */
export interface ClaimRevision {
  /** One plain sentence: what is wrong with the published verdict. */
  reason: string;
  /** Whether results of this spec were made with the withdrawn design (the revision applies). */
  appliesTo: (spec: StudySpec) => boolean;
}

/** The experiments of a spec that test a claim. */
const testing = (spec: StudySpec, id: ClaimId) => spec.experiments.filter((e) => e.claims.includes(id));

/**
 * The claims whose verdict was withdrawn and why. An entry applies only to results made with the
 * withdrawn design ({@link ClaimRevision.appliesTo}), so it stays after the redesigned experiment's
 * results are published: a results file of the old design, from the repository's history or a
 * user's own run, still shows the claim as under revision rather than the withdrawn verdict.
 *
 * @example
 * ```ts
 * if (CLAIMS_UNDER_REVISION[8]) console.log(`claim 8: ${CLAIMS_UNDER_REVISION[8].reason}`);
 * ```
 */
export const CLAIMS_UNDER_REVISION: Readonly<Partial<Record<ClaimId, ClaimRevision>>> = {
  7: {
    reason:
      'it counted the rounds timed inside each process as independent samples, though they share that process, and only batch norm ran on a compiled kernel; the redesigned timing pairs replicates, each in a process of its own, with every kind on its kernel',
    // The redesigned timing decides on replicates, so it times at least 5 of them.
    appliesTo: (spec) => testing(spec, 7).some((e) => seedList(e.seeds).length < 5),
  },
  8: {
    reason:
      'the batch-size sweep under-trained the large batches, so no normalization moved as much as batch norm; the redesigned sweep follows Wu & He',
    // Wu & He's design tunes each kind's rate at a base batch (tuneWith.batchSize).
    appliesTo: (spec) =>
      testing(spec, 8).some((e) => !(typeof e.tuneWith === 'object' && e.tuneWith.batchSize !== undefined)),
  },
  9: {
    reason:
      '45 steps at one untuned rate cannot separate the explanations; the redesigned experiment runs the full budget with tuned rates and more seeds',
    // The redesigned experiment trains each kind at its own tuned rate.
    appliesTo: (spec) =>
      testing(spec, 9).some((e) => (e.learningRate ?? spec.defaults.learningRate) !== 'tuned'),
  },
};

/**
 * The revision of a claim for results of a spec: undefined when its verdict stands, or when the
 * spec already has the redesigned experiment.
 *
 * @example
 * ```ts
 * revisionOf(8, study.spec)?.reason; // why claim 8 is under revision in these results
 * ```
 */
export function revisionOf(id: ClaimId, spec: StudySpec): ClaimRevision | undefined {
  const revision = CLAIMS_UNDER_REVISION[id];
  return revision?.appliesTo(spec) ? revision : undefined;
}
