/**
 * One plain sentence per verdict, generated from the numbers that decide it: the verdict, then
 * what each deciding comparison measured, in words a reader needs no statistics for ("batch norm's
 * test accuracy is 0.9 points higher than no norm's on the MLP"). The p-values and intervals stay
 * one click down; this sentence says what the verdict rests on and which way the numbers went.
 *
 * @module
 */
import type { Verdict } from './claims';
import type { ClaimComparison } from './decision';

/** How the scorecard names a kind in prose. */
const KIND_NAMES: Readonly<Record<string, string>> = {
  none: 'no norm',
  batch: 'batch norm',
  layer: 'layer norm',
  instance: 'instance norm',
  group: 'group norm',
  rms: 'RMS norm',
  'batch-renorm': 'batch renorm',
  'noisy-batch': 'noisy batch norm',
  'group-ws': 'group norm + weight standardization',
};

/** A kind (or a side's name such as `batch (population statistics)`) in prose. */
export function kindName(name: string): string {
  return KIND_NAMES[name] ?? name.replace(/^(\S+)/, (k) => KIND_NAMES[k] ?? k);
}

const possessive = (name: string) => `${kindName(name)}’s`;

/** The architecture a comparison is about, as the sentence names it. */
function where(c: ClaimComparison): string {
  const arch = c.facets.architecture;
  if (!arch) return '';
  const names: Record<string, string> = { mlp: 'the MLP', vgg: 'the VGG', resnet: 'the ResNet' };
  return ` on ${names[arch] ?? arch}`;
}

const points = (x: number) => `${Math.abs(100 * x).toFixed(1)} points`;

/**
 * One comparison as a clause: how the subject's measure stood against the reference's.
 *
 * @example
 * ```ts
 * comparisonClause(c); // 'batch norm’s test accuracy is 0.9 points higher than no norm’s on the MLP'
 * ```
 */
export function comparisonClause(c: ClaimComparison): string {
  const e = c.effect.estimate;
  if (c.metric === 'small-batch penalty') {
    // Per kind: its own change from the base batch to the small one (Wu & He's measure).
    const [from, to] = [c.facets.from ?? 'the base batch', c.facets.to ?? 'the small batch'];
    const change = (name: string, mean: number) =>
      `${possessive(name)} test accuracy ${mean > 0 ? 'fell' : 'rose'} ${points(mean)} from ${from} to ${to}`;
    return `${change(c.subject.name, c.subject.ci.mean)}; ${change(c.reference.name, c.reference.ci.mean)}${where(c)}`;
  }
  if (!Number.isFinite(e)) return `${c.metric}${where(c)}: ${c.effectText}`;
  if (c.test === 'log-rank')
    return `${c.metric}${where(c)}, ${kindName(c.subject.name)} vs ${kindName(c.reference.name)}: ${c.effectText}`;
  if (c.scale === 'log-ratio')
    return `${possessive(c.subject.name)} ${c.metric} is ${Math.exp(e).toFixed(2)}× ${possessive(c.reference.name)}${where(c)}`;
  const accuracyLike = /accuracy|gap|drop|penalty/.test(c.metric);
  const size = accuracyLike
    ? points(e)
    : `${Math.abs(e).toFixed(2)} ${c.metric.includes('decades') ? 'decades' : ''}`.trim();
  const metric = c.metric.replace(/ \([^)]*\)$/, '');
  const wider = metric.includes('range') ? (e >= 0 ? 'wider' : 'narrower') : e >= 0 ? 'higher' : 'lower';
  return `${possessive(c.subject.name)} ${metric} is ${size} ${wider} than ${possessive(c.reference.name)}${where(c)}`;
}

/** The verdict's opening words. */
function lead(verdict: Verdict, dependsOn?: string): string {
  switch (verdict) {
    case 'holds':
      return 'Holds';
    case 'does not hold':
      return 'Does not hold';
    case 'depends':
      return `Depends on the ${dependsOn?.split(':')[0].trim() || 'setting'}`;
    case 'inconclusive':
      return 'Inconclusive';
    case 'under revision':
      return 'Under revision';
    case 'not tested':
      return 'Not tested';
  }
}

/**
 * The plain sentence of a verdict, from its deciding comparisons with data.
 *
 * @param verdict - the verdict (and what it depends on).
 * @param comparisons - the claim's decided comparisons; the deciding ones with data are used.
 * @example
 * ```ts
 * verdictSentence('holds', undefined, card[0].comparisons);
 * // 'Holds: batch norm’s steps to target is 0.60× no norm’s on the MLP; …'
 * ```
 */
export function verdictSentence(
  verdict: Verdict,
  dependsOn: string | undefined,
  comparisons: readonly ClaimComparison[],
): string {
  const deciding = comparisons.filter((c) => c.deciding && c.outcome !== 'insufficient data');
  if (deciding.length === 0)
    return `${lead(verdict, dependsOn)}: no deciding comparison has enough paired seeds yet.`;
  const clauses = deciding.map((c) => {
    const tail =
      c.outcome === 'equivalent'
        ? ' (the same within the margin)'
        : c.outcome === 'inconclusive'
          ? ' (not resolved by these seeds)'
          : '';
    return `${comparisonClause(c)}${tail}`;
  });
  return `${lead(verdict, dependsOn)}: ${clauses.join('; ')}.`;
}
