/**
 * Plain-text rendering of the claim scorecard (the CLI's per-claim summary).
 *
 * @module
 */

import { formatReferenceValues } from './references';
import type { ClaimComparison, ClaimResult } from './scorecard';
import { formatCI } from './scorecard';

function comparisonLine(c: ClaimComparison): string {
  const digits = Math.abs(c.reference.ci.mean) >= 10 ? 1 : 3;
  return `${c.label}: ${c.subject.name} ${formatCI(c.subject.ci, digits)} vs ${c.reference.name} ${formatCI(
    c.reference.ci,
    digits,
  )} → ${c.outcome}`;
}

/**
 * The per-claim summary as text: for each claim, its verdict (and on what it depends), the
 * experiments, each comparison with its 95% CIs, and the reference points.
 *
 * @param card - the scorecard ({@link scorecard}).
 * @param options - `comparisons`: include each comparison line (default true); `notes`: include the
 *   per-group numbers (default false).
 */
export function formatScorecard(
  card: readonly ClaimResult[],
  options: { comparisons?: boolean; notes?: boolean } = {},
): string {
  const lines: string[] = [];
  for (const c of card) {
    const verdict = c.verdict.toUpperCase() + (c.dependsOn ? ` on ${c.dependsOn}` : '');
    lines.push(`Claim ${c.id}. ${c.title}: ${verdict}`);
    lines.push(`  ${c.statement}`);
    lines.push(`  experiment: ${c.experiments.join(', ') || '(none)'}; rule: ${c.rule}`);
    if (options.comparisons ?? true)
      for (const cmp of c.comparisons) lines.push(`    ${comparisonLine(cmp)}`);
    if (options.notes) for (const n of c.notes) lines.push(`    · ${n}`);
    for (const r of c.references)
      lines.push(`    ref: ${r.setting}: ${formatReferenceValues(r)} (${r.unit}; ${r.source})`);
  }
  return lines.join('\n');
}
