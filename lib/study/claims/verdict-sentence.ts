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
 * A kind's small-batch penalty in words: its test accuracy fell or rose by `penalty` (a fraction;
 * positive means it fell) from batch `from` to `to`, or did not change when the change rounds to
 * 0.0 points, so that the sentence never names a direction its own number does not show.
 *
 * @example
 * ```ts
 * accuracyChange('batch', -0.009, 'batch 32', 'batch 2'); // "batch norm’s test accuracy rose 0.9 points from batch 32 to batch 2"
 * ```
 */
export function accuracyChange(name: string, penalty: number, from: string, to: string): string {
  // The printed figure decides, so the words and the number can never disagree at the rounding edge.
  const how =
    points(penalty) !== points(0)
      ? `${penalty > 0 ? 'fell' : 'rose'} ${points(penalty)}`
      : 'did not change (under 0.05 points)';
  return `${possessive(name)} test accuracy ${how} from ${from} to ${to}`;
}

/**
 * One comparison as the parts of a clause: `head` says whose measure (shared by clauses that can be
 * joined), `value` how it stood against the reference, `short` the same without the reference's
 * name (for a clause joined to the one before), `where` the architecture.
 */
interface ClauseParts {
  head: string;
  value: string;
  short: string;
  where: string;
}

function clauseParts(c: ClaimComparison): ClauseParts {
  const e = c.effect.estimate;
  const at = where(c);
  const whole = (text: string): ClauseParts => ({ head: '', value: text, short: text, where: '' });
  if (c.metric === 'small-batch penalty') {
    // Per kind: its own change from the base batch to the small one (Wu & He's measure).
    const [from, to] = [c.facets.from ?? 'the base batch', c.facets.to ?? 'the small batch'];
    return whole(
      `${accuracyChange(c.subject.name, c.subject.ci.mean, from, to)}; ${accuracyChange(c.reference.name, c.reference.ci.mean, from, to)}${at}`,
    );
  }
  if (!Number.isFinite(e)) return whole(`${c.metric}${at}: ${c.effectText}`);
  if (c.test === 'log-rank')
    return whole(
      `${c.metric}${at}, ${kindName(c.subject.name)} vs ${kindName(c.reference.name)}: ${c.effectText}`,
    );
  if (c.scale === 'log-ratio') {
    const ratio = `${Math.exp(e).toFixed(2)}×`;
    return {
      head: `${possessive(c.subject.name)} ${c.metric} is`,
      value: `${ratio} ${possessive(c.reference.name)}`,
      short: ratio,
      where: at,
    };
  }
  const accuracyLike = /accuracy|gap|drop|penalty/.test(c.metric);
  const size = accuracyLike
    ? points(e)
    : `${Math.abs(e).toFixed(2)} ${c.metric.includes('decades') ? 'decades' : ''}`.trim();
  const metric = c.metric.replace(/ \([^)]*\)$/, '');
  const wider = metric.includes('range') ? (e >= 0 ? 'wider' : 'narrower') : e >= 0 ? 'higher' : 'lower';
  return {
    head: `${possessive(c.subject.name)} ${metric} is`,
    value: `${size} ${wider} than ${possessive(c.reference.name)}`,
    short: `${size} ${wider}`,
    where: at,
  };
}

/**
 * One comparison as a clause: how the subject's measure stood against the reference's.
 *
 * @example
 * ```ts
 * comparisonClause(c); // 'batch norm’s test accuracy is 0.9 points higher than no norm’s on the MLP'
 * ```
 */
export function comparisonClause(c: ClaimComparison): string {
  const p = clauseParts(c);
  return `${p.head ? `${p.head} ` : ''}${p.value}${p.where}`;
}

/** The words after a clause that say how the comparison came out when it did not decide alone. */
function outcomeTail(c: ClaimComparison): string {
  return c.outcome === 'equivalent'
    ? ' (the same within the margin)'
    : c.outcome === 'inconclusive'
      ? ' (not resolved by these seeds)'
      : '';
}

/** One tail for a joined clause whose comparisons all came out the same undecided way. */
function sharedTail(outcome: ClaimComparison['outcome'], count: number): string {
  if (outcome === 'equivalent') return ` (${count === 2 ? 'both' : 'all'} the same within the margin)`;
  return ` (${count === 2 ? 'neither' : 'none'} resolved by these seeds)`;
}

/**
 * The clauses of a sentence, with comparisons of the same measure between the same two kinds
 * joined into one ("batch norm’s loss AUC is 0.74× no norm’s on the MLP, 0.90× on the VGG"), in the
 * order each measure first appears. When every comparison of a joined clause is equivalent, or
 * every one unresolved, the clause says so once at its end.
 */
function joinedClauses(comparisons: readonly ClaimComparison[]): string[] {
  const groups = new Map<string, { head: string; items: { text: string; c: ClaimComparison }[] }>();
  const order: string[] = [];
  comparisons.forEach((c, i) => {
    const p = clauseParts(c);
    const key = p.head ? `${p.head}|${c.reference.name}|${c.scale}` : `#${i}`;
    let group = groups.get(key);
    if (!group) {
      group = { head: p.head, items: [] };
      groups.set(key, group);
      order.push(key);
    }
    const first = group.items.length === 0;
    group.items.push({ text: `${first ? p.value : p.short}${p.where}`, c });
  });
  return order.map((key) => {
    const g = groups.get(key)!;
    const outcomes = new Set(g.items.map((item) => item.c.outcome));
    const [only] = outcomes;
    const shared = g.items.length > 1 && outcomes.size === 1 && outcomeTail(g.items[0].c) !== '';
    const items = shared
      ? `${g.items.map((item) => item.text).join(', ')}${sharedTail(only, g.items.length)}`
      : g.items.map((item) => `${item.text}${outcomeTail(item.c)}`).join(', ');
    return `${g.head ? `${g.head} ` : ''}${items}`;
  });
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
  const clauses = joinedClauses(deciding);
  return `${lead(verdict, dependsOn)}: ${clauses.join('; ')}.`;
}
