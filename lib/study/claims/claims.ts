/**
 * The eight claims the study tests, what decides each of them, and the numbers of the decision
 * rules (level, minimum seeds, equivalence margins). The rules themselves are applied in
 * decision.ts; the site's "Study design" page (docs/guide/study-design.md) explains them.
 *
 * @module
 */
import type { ClaimId } from '../spec/schema';

/**
 * A claim's verdict. `under revision`: the published verdict was found wrong and the claim is being
 * redone (see revisions.ts); the computed one is kept beside it.
 */
export type Verdict =
  | 'holds'
  | 'does not hold'
  | 'depends'
  | 'inconclusive'
  | 'not tested'
  | 'under revision';

/**
 * Family-wise significance level of each claim's tests (Holm-corrected inside the claim).
 *
 * @example
 * ```ts
 * console.log(`tests at the ${ALPHA} level, Holm-corrected`);
 * ```
 */
export const ALPHA = 0.05;

/**
 * Seeds (pairs) a comparison needs to decide a verdict.
 *
 * @example
 * ```ts
 * const enoughSeeds = seeds >= MIN_DECIDING_SEEDS;
 * ```
 */
export const MIN_DECIDING_SEEDS = 5;

/**
 * Equivalence margins, on each metric's comparison scale.
 *
 * @example
 * ```ts
 * const equivalent = Math.abs(diff) < MARGINS.accuracy; // within ±1 point
 * ```
 */
export const MARGINS = {
  /** Accuracies (test accuracy, worst accuracy, accuracy drop): ±1 point. */
  accuracy: 0.01,
  /** Steps, seconds, loss AUC, roughness: ±10%, as a log-ratio. */
  relative: Math.log(1.1),
  /** Step-time ratios (claim 7): ±5%, as a log-ratio. */
  stepTime: Math.log(1.05),
  /** Epochs to plateau: ±half an epoch. */
  epochs: 0.5,
  /** Width of the good learning-rate range (claim 5): ±half a decade (one grid step). */
  decades: 0.5,
} as const;

/** What a claim says and how it is decided. */
export interface ClaimDefinition {
  /** Short title. */
  title: string;
  /** The claim as usually stated. */
  statement: string;
  /** The deciding comparisons and their rule, in words. */
  rule: string;
}

/**
 * The claims.
 *
 * @example
 * ```ts
 * for (const id of CLAIM_IDS) console.log(id, CLAIMS[id].title);
 * ```
 */
export const CLAIMS: Readonly<Record<ClaimId, ClaimDefinition>> = {
  1: {
    title: 'Speeds up training',
    statement: 'BN speeds up training (fewer steps to a target accuracy).',
    rule: 'steps to the target validation accuracy, batch vs none at their tuned rates, per architecture (fewer supports); runs that never reach it are censored (log-rank test), else a paired t-test on log steps with a ±10% equivalence margin',
  },
  2: {
    title: 'Faster, more stable convergence',
    statement: 'BN converges faster and more stably.',
    rule: 'loss AUC (faster) and loss jitter, the mean step-to-step change of the loss in absolute terms (more stable), batch vs none at tuned rates, per architecture: paired t-test on log ratios, ±10% equivalence margin (lower supports); the jitter relative to the loss level is shown, not deciding',
  },
  3: {
    title: 'Generalizes better',
    statement: 'BN generalizes better (acts as a regularizer).',
    rule: 'the train–test gap (training accuracy minus test accuracy), batch vs none at tuned rates, per architecture: paired t-test, ±1 point equivalence margin (a smaller gap supports: a regularizer narrows it); test accuracy, which also measures how well each trains, and the shared-rate view are shown beside it, not deciding',
  },
  4: {
    title: 'Robust to initialization',
    statement: 'BN makes training robust to weight initialization.',
    rule: 'per seed, the worst test accuracy over the init scales (a diverged or collapsed run counts as chance), batch vs none: paired t-test, ±1 point margin (higher supports)',
  },
  5: {
    title: 'Less sensitive to the learning rate',
    statement: 'BN reduces sensitivity to hyperparameters such as the learning rate.',
    rule: 'per seed, the width (decades) of the learning-rate range whose validation accuracy is within 2 points of that seed’s best, batch vs none: paired t-test, ±0.5 decade margin (wider supports)',
  },
  6: {
    title: 'Beats layer and instance norm',
    statement: 'BN outperforms layer and instance normalization on speed and generalization.',
    rule: 'test accuracy (higher, ±1 point) and steps to target (fewer, censored), batch vs layer and vs instance at tuned rates, per architecture',
  },
  7: {
    title: 'Adds computation per step',
    statement: 'Limitation: BN adds computation per step.',
    rule: 'paired per-round step-time ratio batch/none from the interleaved timing (paired t-test on log ratios, ±5% equivalence margin; slower supports); batch vs every other kind says whether the cost is batch norm’s or any normalization’s',
  },
  8: {
    title: 'Depends on the batch size',
    statement: 'Limitation: BN depends on the mini-batch size (small batches give poor estimates).',
    rule: 'per seed and small batch, each kind’s small-batch penalty: its test accuracy at the batch its rate was tuned at minus at the small batch (learning rate scaled linearly with the batch, same epochs), batch vs group norm: paired t-test, ±1 point margin (a larger penalty supports, a smaller one is the opposite); no norm’s penalty is the control, batch norm with recomputed population statistics and the small-batch remedies are shown, not deciding',
  },
  9: {
    title: 'Works by reducing covariate shift',
    statement:
      "The explanation: BN works by reducing internal covariate shift (the change of each layer's input distribution as earlier layers train).",
    rule:
      'A: gradient covariate shift, batch vs none; B: the same, noisy-batch vs batch (did the noise add shift?); C: steps to target and C′: test accuracy, noisy-batch vs batch. ' +
      'Holds when B shows added shift, C or C′ shows it cost batch norm’s advantage, and A shows batch norm with less shift than none; ' +
      'does not hold when B shows added shift and C and C′ are both equivalent (±10% steps, ±1 point); inconclusive otherwise. Smoothness (β, gradient change, loss range) is shown, not deciding',
  },
};
