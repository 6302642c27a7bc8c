/**
 * The decision rules: one comparison (paired by seed) ends as `supports`, `opposite`,
 * `equivalent`, `inconclusive` or `insufficient data`; the deciding comparisons of a claim are
 * Holm-corrected together and combined into its verdict.
 *
 * 1. **A comparison** pairs the subject's and the reference's runs by seed and tests the per-seed
 *    differences (a log-ratio for steps, seconds, loss AUC, roughness and step times; a difference
 *    for accuracies and widths): the two-sided paired t-test (p), and two one-sided tests against
 *    the metric's equivalence margin (p_eq). Steps to target with any censored run (a run that never
 *    reached the target) use the log-rank test instead, with no equivalence test.
 * 2. **Holm** adjusts the p-values of a claim's deciding comparisons together, and their p_eq
 *    together (a claim is one family).
 * 3. **Outcome**: fewer than {@link MIN_DECIDING_SEEDS} pairs → `insufficient data`; adjusted
 *    p_eq < α → `equivalent` (any difference is inside the margin); else adjusted p < α →
 *    `opposite` when the effect goes against the claim, `supports` when it goes its way and its
 *    95% interval clears the margin; else `inconclusive`, reported with its power to detect an
 *    effect of the margin's size.
 * 4. **Verdict** over the deciding comparisons with data: all support → `holds`; all equivalent
 *    or opposite → `does not hold`; any inconclusive → `inconclusive`; otherwise (some support,
 *    some not) → `depends`, naming the facet (architecture, rival, …) that separates them.
 *
 * @module
 */

import { type MeanCI, meanCI } from '../../stats/basics';
import { pairedTost, pairedTPower } from '../../stats/equivalence';
import { holmAdjust } from '../../stats/holm';
import { pairBySeed, pairedTTestOfDiffs } from '../../stats/paired-test';
import { kaplanMeierMedian, logRankTest, type TimeToEvent } from '../../stats/survival';
import { ALPHA, MIN_DECIDING_SEEDS, type Verdict } from './claims';

/** What one comparison says about a claim. */
export type ComparisonOutcome = 'supports' | 'opposite' | 'equivalent' | 'inconclusive' | 'insufficient data';

/** How a comparison measures the effect. */
export type EffectScale = 'difference' | 'log-ratio';

/** One comparison of a claim. */
export interface ClaimComparison {
  /** Human-readable label, e.g. `vgg: test accuracy, batch vs none`. */
  label: string;
  /** The facets that identify it (architecture, metric, rival, …), for "depends on". */
  facets: Record<string, string>;
  /** Metric name. */
  metric: string;
  /** Which direction supports the claim. */
  supportsWhen: 'higher' | 'lower';
  /** Whether it decides the verdict (secondary comparisons are shown only). */
  deciding: boolean;
  /** The subject's side: name and mean [95% CI] of its values. */
  subject: { name: string; ci: MeanCI };
  /** The reference's side. */
  reference: { name: string; ci: MeanCI };
  /** The test used. */
  test: 'paired t' | 'log-rank';
  /** Scale of `effect`. */
  scale: EffectScale;
  /** Pairs (seeds, or timing replicates) used. */
  n: number;
  /**
   * Effect of subject vs reference on `scale`, with its 95% CI: the mean paired difference, or the
   * mean paired log-ratio (for the log-rank test: the log of the ratio of Kaplan–Meier medians,
   * NaN when one is beyond the budget, and no interval).
   */
  effect: { estimate: number; lo: number; hi: number };
  /** The effect in words, e.g. `+1.2 points [0.4, 2.0]` or `0.82× [0.75, 0.90]`. */
  effectText: string;
  /** Equivalence margin on `scale` (± this). */
  margin: number;
  /** Two-sided p-value of "no difference". */
  p: number;
  /** Holm-adjusted within the claim's deciding (or secondary) comparisons. */
  pAdjusted: number;
  /** TOST p-value of "equivalent within ±margin" (NaN for the log-rank test). */
  pEquivalence: number;
  /** Holm-adjusted. */
  pEquivalenceAdjusted: number;
  /** Power of the paired t-test to detect an effect of size `margin` (NaN for log-rank). */
  power: number;
  /** The outcome by the rules above. */
  outcome: ComparisonOutcome;
}

/** How to phrase an effect: unit and digits for differences; ratios print as ×. */
export interface EffectFormat {
  /** Unit after a difference, e.g. `points` (values are multiplied by `factor`). */
  unit: string;
  /** Multiplier before printing (100 for accuracies in points). */
  factor: number;
  /** Digits. */
  digits: number;
}

const ACCURACY_FORMAT: EffectFormat = { unit: 'points', factor: 100, digits: 1 };

function effectText(
  scale: EffectScale,
  e: { estimate: number; lo: number; hi: number },
  f: EffectFormat,
): string {
  if (!Number.isFinite(e.estimate)) return 'n/a';
  if (scale === 'log-ratio') {
    const r = (x: number) => Math.exp(x).toFixed(2);
    return Number.isFinite(e.lo) ? `${r(e.estimate)}× [${r(e.lo)}, ${r(e.hi)}]` : `${r(e.estimate)}×`;
  }
  const d = (x: number) => `${x >= 0 ? '+' : ''}${(x * f.factor).toFixed(f.digits)}`;
  return Number.isFinite(e.lo)
    ? `${d(e.estimate)} ${f.unit} [${d(e.lo)}, ${d(e.hi)}]`
    : `${d(e.estimate)} ${f.unit}`;
}

/** Label and identity of a comparison. */
export interface ComparisonSpec {
  /** Label. */
  label: string;
  /** Facets. */
  facets: Record<string, string>;
  /** Metric name. */
  metric: string;
  /** Supporting direction. */
  supportsWhen: 'higher' | 'lower';
  /** Deciding or secondary. */
  deciding: boolean;
  /** Subject's name. */
  subjectName: string;
  /** Reference's name. */
  referenceName: string;
}

/**
 * A paired comparison of two per-seed samples (the outcome is provisional until
 * {@link decideClaim} applies Holm).
 *
 * @param scale - `log-ratio` tests `ln(subject/reference)` (values must be > 0), `difference` tests `subject − reference`.
 * @param margin - equivalence margin on that scale.
 */
export function pairedComparison(
  spec: ComparisonSpec,
  subject: ReadonlyMap<number, number>,
  reference: ReadonlyMap<number, number>,
  scale: EffectScale,
  margin: number,
  format: EffectFormat = ACCURACY_FORMAT,
): ClaimComparison {
  const pairs = pairBySeed(subject, reference).filter((p) => scale === 'difference' || (p.a > 0 && p.b > 0));
  const diffs = pairs.map((p) => (scale === 'log-ratio' ? Math.log(p.a / p.b) : p.a - p.b));
  const t = pairedTTestOfDiffs(diffs);
  const tost = diffs.length >= 2 ? pairedTost(diffs, -margin, margin) : null;
  const effect = { estimate: t.meanDiff, lo: t.lo, hi: t.hi };
  return {
    label: spec.label,
    facets: spec.facets,
    metric: spec.metric,
    supportsWhen: spec.supportsWhen,
    deciding: spec.deciding,
    subject: { name: spec.subjectName, ci: meanCI(pairs.map((p) => p.a)) },
    reference: { name: spec.referenceName, ci: meanCI(pairs.map((p) => p.b)) },
    test: 'paired t',
    scale,
    n: pairs.length,
    effect,
    effectText: effectText(scale, effect, format),
    margin,
    p: t.p,
    pAdjusted: t.p,
    pEquivalence: tost?.p ?? Number.NaN,
    pEquivalenceAdjusted: tost?.p ?? Number.NaN,
    power: pairedTPower(t.n, t.sdDiff, margin),
    outcome: 'inconclusive',
  };
}

/** A Kaplan–Meier median for a message: steps as they are, seconds to 3 significant digits. */
function kmText(median: number | null): string {
  if (median === null) return 'beyond the budget';
  return Number.isInteger(median) ? String(median) : median.toPrecision(3);
}

/**
 * A time-to-event comparison (steps to target): when every run of both sides reached the target,
 * a paired comparison of log steps (margin ±10%); otherwise the log-rank test on the censored
 * times, with the effect as the ratio of Kaplan–Meier medians.
 */
export function timeToEventComparison(
  spec: ComparisonSpec,
  subject: ReadonlyMap<number, TimeToEvent>,
  reference: ReadonlyMap<number, TimeToEvent>,
  margin: number,
): ClaimComparison {
  const seeds = [...subject.keys()].filter((s) => reference.has(s)).sort((a, b) => a - b);
  const a = seeds.map((s) => subject.get(s)!);
  const b = seeds.map((s) => reference.get(s)!);
  if (a.every((o) => o.event) && b.every((o) => o.event)) {
    const times = (xs: TimeToEvent[]) => new Map(seeds.map((s, i) => [s, xs[i].time]));
    return pairedComparison(spec, times(a), times(b), 'log-ratio', margin);
  }
  const lr = logRankTest(a, b);
  const ma = kaplanMeierMedian(a);
  const mb = kaplanMeierMedian(b);
  const estimate = ma !== null && mb !== null ? Math.log(ma / mb) : Number.NaN;
  const nan = Number.NaN;
  const effect = { estimate, lo: nan, hi: nan };
  const reached = (xs: TimeToEvent[]) => meanCI(xs.filter((o) => o.event).map((o) => o.time));
  // log-rank direction +1 = the subject reaches the target sooner; express as a signed effect for
  // the outcome rule: fewer steps = negative log-ratio.
  const signed = Number.isFinite(estimate) ? estimate : lr.direction === 0 ? 0 : -lr.direction;
  return {
    label: spec.label,
    facets: spec.facets,
    metric: spec.metric,
    supportsWhen: spec.supportsWhen,
    deciding: spec.deciding,
    subject: { name: spec.subjectName, ci: reached(a) },
    reference: { name: spec.referenceName, ci: reached(b) },
    test: 'log-rank',
    scale: 'log-ratio',
    n: seeds.length,
    effect: { ...effect, estimate: signed },
    effectText: `${Number.isFinite(estimate) ? `${Math.exp(estimate).toFixed(2)}× (KM medians ${kmText(ma)} vs ${kmText(mb)})` : `KM medians ${kmText(ma)} vs ${kmText(mb)}`}; reached ${a.filter((o) => o.event).length}/${a.length} vs ${b.filter((o) => o.event).length}/${b.length}`,
    margin,
    p: lr.p,
    pAdjusted: lr.p,
    pEquivalence: nan,
    pEquivalenceAdjusted: nan,
    power: nan,
    outcome: 'inconclusive',
  };
}

/**
 * Whether a significant effect in the claim's direction is large enough to support it: its 95%
 * interval lies beyond the margin (an effect that may be smaller than the margin supports nothing),
 * and the two sides' means differ the same way (a mean of per-seed log-ratios can disagree with the
 * ratio of the means). A log-rank comparison has no interval: its estimate must clear the margin.
 */
export function clearsMargin(c: ClaimComparison): boolean {
  const sign = c.supportsWhen === 'higher' ? 1 : -1;
  const nearEnd = sign > 0 ? c.effect.lo : -c.effect.hi;
  const clears = Number.isFinite(nearEnd) ? nearEnd > c.margin : sign * c.effect.estimate > c.margin;
  if (c.test === 'log-rank') return clears;
  const a = c.subject.ci.mean;
  const b = c.reference.ci.mean;
  const meansAgree = !(Number.isFinite(a) && Number.isFinite(b)) || sign * (a - b) > 0;
  return clears && meansAgree;
}

/**
 * The outcome of one comparison from its (adjusted) p-values (rule 3): `supports` also needs the
 * interval to clear the margin ({@link clearsMargin}); a significant effect that does not is
 * `inconclusive` (it may be smaller than the margin).
 */
export function comparisonOutcome(c: ClaimComparison, minSeeds = MIN_DECIDING_SEEDS): ComparisonOutcome {
  if (c.n < minSeeds || !Number.isFinite(c.p)) return 'insufficient data';
  if (c.pEquivalenceAdjusted < ALPHA) return 'equivalent';
  if (c.pAdjusted < ALPHA) {
    const sign = c.supportsWhen === 'higher' ? 1 : -1;
    if (sign * c.effect.estimate <= 0) return 'opposite';
    return clearsMargin(c) ? 'supports' : 'inconclusive';
  }
  return 'inconclusive';
}

/**
 * Rules 2 and 3 on a claim's comparisons: Holm inside the deciding ones and inside the secondary
 * ones, then each outcome.
 */
export function decideComparisons(
  comparisons: readonly ClaimComparison[],
  minSeeds = MIN_DECIDING_SEEDS,
): ClaimComparison[] {
  const out = comparisons.map((c) => ({ ...c }));
  for (const deciding of [true, false]) {
    const family = out.filter((c) => c.deciding === deciding && c.n >= minSeeds);
    const p = holmAdjust(family.map((c) => c.p));
    const peq = holmAdjust(family.map((c) => c.pEquivalence));
    family.forEach((c, i) => {
      c.pAdjusted = p[i];
      c.pEquivalenceAdjusted = peq[i];
    });
  }
  for (const c of out) c.outcome = comparisonOutcome(c, minSeeds);
  return out;
}

const pct = (x: number) => (Number.isFinite(x) ? `${Math.round(100 * x)}%` : 'n/a');
const pText = (x: number) => (Number.isFinite(x) ? (x < 0.001 ? x.toExponential(1) : x.toFixed(3)) : 'n/a');

/**
 * One comparison in plain words: label, effect, adjusted p-values, outcome (and power when inconclusive).
 *
 * @example
 * ```ts
 * for (const c of scorecard(study.spec, study.records)[0].comparisons) console.log(describeComparison(c));
 * ```
 */
export function describeComparison(c: ClaimComparison): string {
  const eq = Number.isFinite(c.pEquivalence) ? `, p_eq ${pText(c.pEquivalenceAdjusted)}` : '';
  const small =
    c.outcome === 'inconclusive' && c.pAdjusted < ALPHA
      ? ', significant but not clearly beyond the margin'
      : '';
  const power =
    c.outcome === 'inconclusive' && Number.isFinite(c.power) ? `${small}, power ${pct(c.power)}` : '';
  return `${c.label}: ${c.effectText} (n=${c.n}, ${c.test}, adjusted p ${pText(c.pAdjusted)}${eq}) → ${c.outcome}${power}`;
}

/** Rule 4: the verdict of a claim from its decided comparisons. */
export function combineComparisons(comparisons: readonly ClaimComparison[]): {
  verdict: Verdict;
  dependsOn?: string;
  explanation: string;
} {
  const deciding = comparisons.filter((c) => c.deciding && c.outcome !== 'insufficient data');
  if (deciding.length === 0) {
    const few = comparisons.filter((c) => c.deciding);
    return {
      verdict: 'not tested',
      explanation: few.length
        ? `no deciding comparison has ${MIN_DECIDING_SEEDS} paired seeds (${few.map((c) => `${c.label}: n=${c.n}`).join('; ')})`
        : 'no experiment of the results tests it',
    };
  }
  const list = (cs: readonly ClaimComparison[]) => cs.map(describeComparison).join('; ');
  const supports = deciding.filter((c) => c.outcome === 'supports');
  const against = deciding.filter((c) => c.outcome === 'equivalent' || c.outcome === 'opposite');
  const open = deciding.filter((c) => c.outcome === 'inconclusive');
  if (supports.length === deciding.length)
    return { verdict: 'holds', explanation: `every deciding comparison supports it: ${list(deciding)}` };
  if (against.length === deciding.length)
    return {
      verdict: 'does not hold',
      explanation: `no deciding comparison supports it (equivalent within the margin, or the opposite): ${list(deciding)}`,
    };
  if (open.length > 0)
    return {
      verdict: 'inconclusive',
      explanation: `not enough evidence either way for ${open.map((c) => `${c.label} (power ${pct(c.power)})`).join('; ')}. All deciding comparisons: ${list(deciding)}`,
    };
  const facetNames = [...new Set(deciding.flatMap((c) => Object.keys(c.facets)))];
  const separating = facetNames.find((f) => {
    const byValue = new Map<string, Set<boolean>>();
    for (const c of deciding) {
      const set = byValue.get(c.facets[f] ?? '') ?? new Set<boolean>();
      set.add(c.outcome === 'supports');
      byValue.set(c.facets[f] ?? '', set);
    }
    return [...byValue.values()].every((s) => s.size === 1);
  });
  const yes = separating
    ? [...new Set(supports.map((c) => c.facets[separating]))]
    : supports.map((c) => c.label);
  const no = separating
    ? [...new Set(against.map((c) => c.facets[separating]))]
    : against.map((c) => c.label);
  return {
    verdict: 'depends',
    dependsOn: separating
      ? `${separating}: holds for ${yes.join(', ')}; not for ${no.join(', ')}`
      : `the combination: holds for ${yes.join('; ')}`,
    explanation: `supported: ${list(supports)}. Not supported: ${list(against)}`,
  };
}
