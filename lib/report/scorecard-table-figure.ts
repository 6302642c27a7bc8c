/**
 * The claim scorecard as a Plotly table figure (one row per comparison, coloured by verdict).
 * The notebooks and the site show the scorecard as an HTML table (`study-tables.ts`); this figure
 * is for contexts that only take figures.
 *
 * @module
 */

import { tableFigure } from '../plot/table';
import type { Figure } from '../plot/types';
import { formatReferenceValues } from '../study/claims/references';
import type { ClaimResult, Verdict } from '../study/claims/scorecard';

const formatP = (p: number): string =>
  Number.isFinite(p) ? (p < 0.001 ? p.toExponential(1) : p.toFixed(3)) : 'n/a';

/**
 * Row colours of `scorecardTableFigure` by verdict (translucent, readable on light and dark).
 *
 * @example
 * ```ts
 * const background = VERDICT_COLORS.holds;
 * ```
 */
export const VERDICT_COLORS: Readonly<Record<Verdict, string>> = {
  holds: 'rgba(0, 158, 115, 0.18)',
  'does not hold': 'rgba(213, 94, 0, 0.18)',
  depends: 'rgba(201, 122, 0, 0.16)',
  inconclusive: 'rgba(86, 180, 233, 0.16)',
  'not tested': 'rgba(136, 136, 136, 0.10)',
  'under revision': 'rgba(204, 121, 167, 0.18)',
};

/** Column headers of `scorecardTableFigure`. */
export const SCORECARD_TABLE_COLUMNS: readonly string[] = [
  'claim',
  'verdict',
  'comparison',
  'effect [95% CI] (pairs)',
  'adjusted p (equivalence p)',
  'outcome',
  'published reference',
];

/** Options of `scorecardTableFigure`. */
export interface ScorecardTableOptions {
  /** Figure title. Default `Claim scorecard`. */
  title?: string;
}

/**
 * The claim scorecard (from `scorecard(spec, records)` in lib/study/claims/scorecard.ts) as a table: one
 * row per comparison, coloured by the claim's verdict ({@link VERDICT_COLORS}). The claim, its
 * verdict (with what it depends on) and its published reference points fill the claim's first
 * row; a claim without comparisons gets one `no data (<experiments>)` row. Columns:
 * `SCORECARD_TABLE_COLUMNS`; each comparison's effect with its 95% CI, its Holm-adjusted
 * p-values and its outcome. The height grows by 64 px per row so that wrapped cells fit.
 *
 * @example
 * ```ts
 * show(scorecardTableFigure(scorecard(spec, records), { title: `Claim scorecard: ${records.length} runs` }));
 * ```
 */
export function scorecardTableFigure(
  card: readonly ClaimResult[],
  options: ScorecardTableOptions = {},
): Figure {
  const rows: string[][] = [];
  const rowColors: string[] = [];
  for (const c of card) {
    const comparisons = c.comparisons.length ? c.comparisons : [null];
    comparisons.forEach((k, i) => {
      const first = i === 0;
      rows.push([
        first ? `${c.id}. ${c.title}` : '',
        first ? c.verdict + (c.dependsOn ? ` (on ${c.dependsOn})` : '') : '',
        k ? k.label : `no data (${c.experiments.join(', ') || 'no experiment'})`,
        k ? `${k.effectText} (n=${k.n})` : '-',
        k ? `${formatP(k.pAdjusted)} (${formatP(k.pEquivalenceAdjusted)})` : '-',
        k ? `${k.outcome}${k.deciding ? '' : ' (shown)'}` : '-',
        first
          ? c.references.map((r) => `${r.setting}: ${formatReferenceValues(r)} (${r.unit})`).join('; ')
          : '',
      ]);
      rowColors.push(VERDICT_COLORS[c.verdict] ?? 'rgba(0, 0, 0, 0)');
    });
  }
  return tableFigure([...SCORECARD_TABLE_COLUMNS], rows, {
    title: options.title ?? 'Claim scorecard',
    columnWidths: [1.6, 1.8, 2.6, 1.9, 1.9, 1.1, 2.6],
    rowColors,
    height: 140 + 64 * rows.length,
  });
}
