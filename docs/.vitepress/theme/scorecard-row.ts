/**
 * The shape of docs/public/generated/scorecard.json: written by scripts/docs/scorecard.ts, read by
 * scorecard.data.mts for the home page. One definition, so the writer and the page cannot drift.
 */

/** One claim of the study, as the scorecard states it. */
export interface ScorecardRow {
  /** `<id>. <title>`. */
  claim: string;
  /** The experiments that test it, or `–`. */
  experiment: string;
  /** The verdict's plain sentence. */
  evidence: string;
  /** The deciding comparison with its statistics (shown folded), or empty. */
  detail: string;
  /** The notebook page with the claim's evidence. */
  link: string;
  /** The verdict as the page names it (`depends on …`, `pending re-run`). */
  verdict: string;
  /** How to colour the verdict (a CSS class): one tone per verdict (`revision`: under revision). */
  tone: 'holds' | 'fails' | 'depends' | 'open' | 'revision' | 'untested';
}

/** The scorecard and where its numbers come from. */
export interface ScorecardData {
  /** The results file(s) the verdicts were computed from, in words. */
  source: string;
  /** One row per claim. */
  rows: ScorecardRow[];
}
