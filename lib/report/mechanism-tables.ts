/**
 * The mechanism experiment's tables (claim 9) as rows for `showTable`/`htmlTable`: one row per
 * norm kind with the training numbers and the probe summaries, and one row per comparison of
 * claim 9's rule (lib/study/claims/mechanism.ts) with its outcome.
 *
 * @module
 */

import { summarizeProbes } from '../mechanism/summary';
import type { HtmlTableCell } from '../plot/html-table';
import { normKindLabel } from '../plot/theme';
import { meanCI } from '../stats/basics';
import type { ClaimComparison, Verdict } from '../study/claims/scorecard';
import type { ProbedRecord } from './mechanism-figures';
import { comparisonText, formatInterval, type TableRows } from './study-tables';

const interval = (values: number[], floor?: number): string =>
  formatInterval(meanCI(values.filter(Number.isFinite)), floor === undefined ? {} : { floor });

/**
 * Per kind (mean [95% CI] across seeds): steps to the target validation accuracy (a run that
 * never reached it counts at its planned steps), test accuracy, and the probe summaries of
 * `summarizeProbes` (gradient shift, cos(G, G′), β-smoothness, gradient change, loss range,
 * activation drift).
 *
 * @example
 * ```ts
 * const { columns, rows } = mechanismSummaryRows(probedRecords(study.records, study.spec));
 * showTable(columns, rows);
 * ```
 */
export function mechanismSummaryRows(runs: readonly ProbedRecord[]): TableRows {
  const kinds = [...new Set(runs.map((r) => r.config.norm))];
  const rows: HtmlTableCell[][] = kinds.map((kind) => {
    const mine = runs.filter((r) => r.config.norm === kind);
    const s = mine.map((r) => summarizeProbes(r.probes));
    const steps = mine.map((r) => r.metrics.stepsToTarget ?? r.config.epochs * r.metrics.stepsPerEpoch);
    return [
      normKindLabel(kind),
      mine.length,
      interval(steps, 0),
      interval(mine.map((r) => r.metrics.testAccuracy ?? Number.NaN)),
      interval(
        s.map((x) => x.relativeShift),
        0,
      ),
      interval(s.map((x) => x.cosine)),
      interval(
        s.map((x) => x.betaSmoothness),
        0,
      ),
      interval(
        s.map((x) => x.maxGradientChange),
        0,
      ),
      interval(
        s.map((x) => x.lossRange),
        0,
      ),
      interval(
        s.map((x) => x.activationDrift),
        0,
      ),
    ];
  });
  const num = (label: string) => ({ label, align: 'right' as const });
  return {
    columns: [
      { label: 'kind', nowrap: true },
      num('runs'),
      num('steps to target'),
      num('test accuracy'),
      num('gradient shift ‖G−G′‖/‖G‖'),
      num('cos(G, G′)'),
      num('β-smoothness'),
      num('gradient change'),
      num('loss range'),
      num('activation drift'),
    ],
    rows,
  };
}

/** What each comparison of claim 9's rule tests, by its `test` facet (A–C′ decide; D–G are shown). */
export const MECHANISM_TESTS: Readonly<Record<string, string>> = {
  A: 'A. BN reduces the shift',
  B: 'B. the noise adds shift (check)',
  C: 'C. noisy BN loses BN’s speed',
  'C′': 'C′. noisy BN loses BN’s accuracy',
  D: 'D. noisy BN vs none, speed (shown)',
  E: 'E. BN’s landscape is smoother: β (shown)',
  F: 'F. BN’s gradient changes less (shown)',
  G: 'G. BN’s loss varies less along the gradient (shown)',
};

/** Claim 9's result: its scorecard line (`scorecard(spec, records)`), or `mechanismVerdict`'s. */
export interface MechanismClaim {
  /** The comparisons A–E. */
  comparisons: readonly ClaimComparison[];
  /** The verdict. */
  verdict: Verdict;
  /** Why it is undecided, when it is. */
  dependsOn?: string;
  /** The explanation. */
  explanation: string;
  /** Set while the claim is under revision: why. */
  revision?: { reason: string };
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * One row per comparison of claim 9's rule: what it tests, the numbers, the outcome (for claim 9).
 *
 * @example
 * ```ts
 * const claim9 = scorecard(study.spec, study.records).find((c) => c.id === 9);
 * if (claim9) showTable(...Object.values(mechanismVerdictRows(claim9)) as [never, never]);
 * ```
 */
export function mechanismVerdictRows(verdict: MechanismClaim): TableRows {
  return {
    columns: [
      { label: 'test', minWidth: '10em' },
      { label: 'comparison (mean [95% CI])', minWidth: '18em' },
      { label: 'outcome for claim 9', nowrap: true },
    ],
    rows: verdict.comparisons.map((c) => [
      MECHANISM_TESTS[c.facets.test] ?? c.facets.test,
      comparisonText(c),
      {
        text: c.outcome,
        badge: c.outcome === 'supports' ? 'positive' : c.outcome === 'opposite' ? 'negative' : 'neutral',
      },
    ]),
  };
}

/**
 * The verdict in Markdown: `**Claim 9 … : does not hold.** <why>`.
 *
 * @example
 * ```ts
 * const claim9 = scorecard(study.spec, study.records).find((c) => c.id === 9);
 * if (claim9) showMarkdown(mechanismVerdictMarkdown(claim9));
 * ```
 */
export function mechanismVerdictMarkdown(verdict: MechanismClaim): string {
  if (verdict.revision)
    return `**Claim 9, "batch norm works by reducing internal covariate shift": under revision.** ${capitalize(verdict.revision.reason)}. The comparisons below are those of the withdrawn run, shown as a record.`;
  const why = verdict.verdict === 'depends' ? (verdict.dependsOn ?? '') : verdict.explanation.split('. ')[0];
  const label = verdict.verdict === 'depends' ? 'undecided' : verdict.verdict;
  return `**Claim 9, "batch norm works by reducing internal covariate shift": ${label}.** ${why}.`;
}
