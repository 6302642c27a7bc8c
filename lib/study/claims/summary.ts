/**
 * Plain-text rendering of the claim scorecard (the CLI's per-claim summary).
 *
 * @module
 */

import { describeComparison } from './decision';
import { formatReferenceValues } from './references';
import type { ClaimResult } from './scorecard';

/**
 * The per-claim summary as text: for each claim, its verdict (and on what it depends), the
 * experiments, the explanation, each comparison with its effect, interval and adjusted p-values,
 * and the reference points.
 *
 * @param card - the scorecard ({@link scorecard}).
 * @param options - `comparisons`: include each comparison line (default true); `notes`: include the
 *   per-group numbers (default false).
 *
 * @example
 * ```ts
 * console.log(formatScorecard(scorecard(study.spec, study.records)));
 * ```
 */
export function formatScorecard(
  card: readonly ClaimResult[],
  options: {
    comparisons?: boolean;
    notes?: boolean;
    /** Mark every verdict as indicative (a small-budget profile). */
    indicative?: boolean;
    /** Another study's scorecard to set beside each verdict (e.g. the committed full study). */
    reference?: { card: readonly ClaimResult[]; label: string };
  } = {},
): string {
  const lines: string[] = [];
  for (const c of card) {
    const verdict = c.verdict.toUpperCase() + (c.dependsOn ? ` on ${c.dependsOn}` : '');
    const other = options.reference?.card.find((r) => r.id === c.id);
    const beside = other
      ? ` | ${options.reference!.label}: ${other.verdict} (${verdictAgreement(c, other)})`
      : '';
    lines.push(`Claim ${c.id}. ${c.title}: ${verdict}${options.indicative ? ' (indicative)' : ''}${beside}`);
    lines.push(`  ${c.sentence}`);
    lines.push(`  ${c.statement}`);
    lines.push(`  experiment: ${c.experiments.join(', ') || '(none)'}; rule: ${c.rule}`);
    lines.push(`  ${c.explanation}`);
    if (options.comparisons ?? true)
      for (const cmp of c.comparisons)
        lines.push(`    ${cmp.deciding ? '' : '(shown) '}${describeComparison(cmp)}`);
    if (options.notes) for (const n of c.notes) lines.push(`    · ${n}`);
    for (const r of c.references)
      lines.push(`    ref: ${r.setting}: ${formatReferenceValues(r)} (${r.unit}; ${r.source})`);
  }
  return lines.join('\n');
}

/**
 * Whether two studies' verdicts on a claim agree: `agrees` when the verdicts are the same,
 * `differs` when not, `not comparable` when either is not tested or under revision.
 *
 * @example
 * ```ts
 * verdictAgreement(quickCard[0], fullCard[0]); // 'agrees'
 * ```
 */
export function verdictAgreement(a: ClaimResult, b: ClaimResult): 'agrees' | 'differs' | 'not comparable' {
  const open = (v: ClaimResult['verdict']) => v === 'not tested' || v === 'under revision';
  if (open(a.verdict) || open(b.verdict)) return 'not comparable';
  return a.verdict === b.verdict ? 'agrees' : 'differs';
}
