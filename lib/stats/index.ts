/**
 * Statistics that know nothing of the study: sample summaries, Student's t and normal
 * distributions, confidence intervals, the paired t-test, equivalence tests (TOST), Holm's
 * correction and survival analysis (Kaplan-Meier, log-rank). The trainer and the study both use
 * them.
 *
 * @module
 */
export * from './basics';
export * from './equivalence';
export * from './holm';
export * from './paired-test';
export * from './survival';
