/**
 * The claim scorecard: for each of the eight claims of DESIGN.md, the experiment that tests it,
 * the numbers with 95% confidence intervals, and a verdict computed from the results by the
 * explicit rules below. No verdict is typed by hand.
 *
 * ## Decision rules
 * 1. **One comparison** (batch norm vs a reference, on one metric, for one architecture): the
 *    Welch 95% CI of the difference of means across seeds. The comparison *supports* the claim
 *    when the CI excludes 0 in the claim's direction and the mean difference is at least the
 *    metric's minimum effect ({@link MIN_EFFECTS}); it *contradicts* it when the CI excludes 0 in
 *    the other direction with at least the minimum effect; otherwise it is *inconclusive*. With
 *    fewer than 2 runs on a side it has *insufficient data*.
 * 2. **A claim** combines its comparisons (architectures × metrics × rivals):
 *    - `holds` when every comparison with data supports it;
 *    - `does not hold` when none supports it;
 *    - `depends` otherwise, and `dependsOn` names the facet (architecture, metric, rival, ...)
 *      whose value alone decides supports vs not, when there is one; else it lists where it
 *      holds and where not.
 *    - `not tested` when the spec has no experiment for it or no comparison has data.
 * 3. **Claim-specific comparisons**:
 *    - 1 speed: steps and training seconds to the target validation accuracy, batch vs none
 *      (lower is better). A run that never reached the target is counted at its planned number
 *      of steps / its (extrapolated) training time: a lower bound, which only makes a difference
 *      harder to show.
 *    - 2 convergence and stability: loss AUC (lower), epochs to plateau (lower), loss roughness
 *      (lower), batch vs none.
 *    - 3 generalization: test accuracy (higher) and train–test gap (lower), batch vs none.
 *    - 4 init robustness / 5 learning-rate robustness: per seed, the worst and the mean test
 *      accuracy over the swept levels (a diverged run counts as chance, 0.1), batch vs none
 *      (higher is better).
 *    - 6 batch vs layer and instance norm: steps to target (lower), loss AUC (lower), test
 *      accuracy (higher), batch vs each rival.
 *    - 7 overhead: the paired per-round step-time ratio batch/none from the interleaved
 *      overhead experiment (geometric mean and 95% CI on the log scale, pooled over rounds and
 *      repetitions); supports when its CI lies above 1 and its mean is ≥ 1 +
 *      {@link OVERHEAD_THRESHOLD}; contradicts when the CI's upper end is below 1 + threshold.
 *    - 9 the explanation "BN reduces internal covariate shift": its own rule, in
 *      `claim-mechanism.ts` (probes of none, batch and noisy batch norm).
 *    - 8 batch-size dependence: per seed, the drop of test accuracy from the largest to the
 *      smallest batch size; batch norm's drop vs the drop of a batch-independent rival (group,
 *      else layer, else none) (larger drop supports), and batch norm's accuracy at the smallest
 *      batch size vs the rival's there (lower supports).
 *
 * @module
 */
import type { Architecture } from '../models/types';
import type { NormKind } from '../norm/kinds';
import {
  type AggregatedMetric,
  batchSizeCurves,
  type OverheadSummary,
  summarizeOverhead,
  sweepRobustness,
  type TrainRecord,
  trainRecords,
} from './aggregate';
import { mechanismVerdict } from './claim-mechanism';
import { type ReferencePoint, referencesFor } from './references';
import { CLAIM_IDS, type ClaimId, type StudySpec } from './spec';
import { type DiffCI, type MeanCI, meanCI, welchDiffCI } from './stats';
import type { RunRecord } from './types';

/** A claim's verdict. */
export type Verdict = 'holds' | 'does not hold' | 'depends' | 'not tested';

/** What one comparison says about a claim. */
export type ComparisonOutcome = 'supports' | 'contradicts' | 'inconclusive' | 'insufficient data';

/** Minimum effects below which a significant difference still counts as inconclusive. */
export const MIN_EFFECTS: Readonly<Record<string, { absolute?: number; relative?: number }>> = {
  /** Accuracies: half a percentage point. */
  accuracy: { absolute: 0.005 },
  /** Steps, seconds, loss AUC, roughness: 5% of the reference's mean. */
  relative: { relative: 0.05 },
  /** Epochs to plateau: half an epoch. */
  epochs: { absolute: 0.5 },
};

/** Overhead that counts as "adds computation": 5% more time per step than no normalization. */
export const OVERHEAD_THRESHOLD = 0.05;

/** One comparison of a claim. */
export interface ClaimComparison {
  /** Human-readable label, e.g. `vgg: steps to target, batch vs none`. */
  label: string;
  /** The facets that identify it (architecture, metric, rival, ...), for "depends on". */
  facets: Record<string, string>;
  /** Metric name. */
  metric: string;
  /** Which direction supports the claim. */
  supportsWhen: 'higher' | 'lower';
  /** Batch norm's side (name and numbers). */
  subject: { name: string; ci: MeanCI };
  /** The reference side. */
  reference: { name: string; ci: MeanCI };
  /** Welch CI of subject − reference (for claim 7: the ratio's CI, as `diff` = ratio − 1). */
  diff: DiffCI;
  /** Minimum effect used. */
  minEffect: number;
  /** The outcome by rule 1. */
  outcome: ComparisonOutcome;
}

/** One line of the scorecard. */
export interface ClaimResult {
  /** Claim number. */
  id: ClaimId;
  /** Short title. */
  title: string;
  /** The claim as stated in DESIGN.md. */
  statement: string;
  /** Experiments of the spec that test it. */
  experiments: string[];
  /** The rule applied, in words. */
  rule: string;
  /** Its comparisons. */
  comparisons: ClaimComparison[];
  /** The verdict. */
  verdict: Verdict;
  /** For `depends`: on what. */
  dependsOn?: string;
  /** One-paragraph explanation computed from the comparisons. */
  explanation: string;
  /** Extra numbers (e.g. all kinds' overhead ratios, diverged shares), as label → text. */
  notes: string[];
  /** Published reference points. */
  references: ReferencePoint[];
}

/** The claims of DESIGN.md. */
export const CLAIMS: Readonly<Record<ClaimId, { title: string; statement: string; rule: string }>> = {
  1: {
    title: 'Speeds up training',
    statement: 'BN speeds up training (fewer steps/seconds to a target accuracy).',
    rule: 'steps and training seconds to the target validation accuracy, batch vs none, per architecture (lower supports)',
  },
  2: {
    title: 'Faster, more stable convergence',
    statement: 'BN converges faster and more stably.',
    rule: 'loss AUC, epochs to plateau and loss roughness, batch vs none, per architecture (lower supports)',
  },
  3: {
    title: 'Generalizes better',
    statement: 'BN generalizes better (acts as a regularizer).',
    rule: 'test accuracy (higher supports) and train–test gap (lower supports), batch vs none, per architecture',
  },
  4: {
    title: 'Robust to initialization',
    statement: 'BN makes training robust to weight initialization.',
    rule: 'per seed worst and mean test accuracy across init scales (diverged = chance), batch vs none (higher supports)',
  },
  5: {
    title: 'Less sensitive to the learning rate',
    statement: 'BN reduces sensitivity to hyperparameters such as the learning rate.',
    rule: 'per seed worst and mean test accuracy across learning rates (diverged = chance), batch vs none (higher supports)',
  },
  6: {
    title: 'Beats layer and instance norm',
    statement: 'BN outperforms layer and instance normalization on speed, convergence and generalization.',
    rule: 'steps to target (lower), loss AUC (lower), test accuracy (higher), batch vs layer and vs instance, per architecture',
  },
  7: {
    title: 'Adds computation per step',
    statement: 'Limitation: BN adds computation per step.',
    rule: `paired per-round step-time ratio batch/none (interleaved timing; geometric mean, 95% CI on the log scale); supports when CI > 1 and mean ≥ ${1 + OVERHEAD_THRESHOLD}`,
  },
  8: {
    title: 'Depends on the batch size',
    statement: 'Limitation: BN depends on the mini-batch size (small batches give poor estimates).',
    rule: 'accuracy drop from the largest to the smallest batch, batch vs a batch-independent norm (larger drop supports); accuracy at the smallest batch (lower supports)',
  },
  9: {
    title: 'Works by reducing covariate shift',
    statement:
      "The explanation: BN works by reducing internal covariate shift (the change of each layer's input distribution as earlier layers train).",
    rule:
      'gradient covariate shift batch vs none (lower supports) and steps to target noisy-batch vs batch (higher supports) → holds; ' +
      'BN with more shift than none, or noisy BN with ≥ BN shift that keeps its speed over none while BN is smoother (β) → does not hold (claim-mechanism.ts)',
  },
};

/**
 * Rule 1: the outcome of one comparison from the Welch CI of subject − reference.
 *
 * @param diff - Welch CI of subject − reference.
 * @param supportsWhen - `higher`: a positive difference supports the claim; `lower`: negative.
 * @param minEffect - minimum |difference| that counts (≥ 0).
 */
export function comparisonOutcome(
  diff: DiffCI,
  supportsWhen: 'higher' | 'lower',
  minEffect: number,
): ComparisonOutcome {
  if (!Number.isFinite(diff.lo) || !Number.isFinite(diff.hi)) return 'insufficient data';
  const sign = supportsWhen === 'higher' ? 1 : -1;
  const lo = sign === 1 ? diff.lo : -diff.hi;
  const hi = sign === 1 ? diff.hi : -diff.lo;
  const d = sign * diff.diff;
  if (lo > 0 && d >= minEffect) return 'supports';
  if (hi < 0 && -d >= minEffect) return 'contradicts';
  return 'inconclusive';
}

/**
 * Build a comparison of two samples (rule 1).
 *
 * @param effect - `accuracy` (0.005 absolute), `relative` (5% of the reference mean) or `epochs` (0.5).
 */
export function compareSamples(
  label: string,
  facets: Record<string, string>,
  metric: string,
  supportsWhen: 'higher' | 'lower',
  subject: { name: string; values: number[] },
  reference: { name: string; values: number[] },
  effect: keyof typeof MIN_EFFECTS,
): ClaimComparison {
  const refCI = meanCI(reference.values);
  const e = MIN_EFFECTS[effect];
  const minEffect = e.absolute ?? (e.relative ?? 0) * Math.abs(refCI.mean);
  const diff = welchDiffCI(subject.values, reference.values);
  return {
    label,
    facets,
    metric,
    supportsWhen,
    subject: { name: subject.name, ci: meanCI(subject.values) },
    reference: { name: reference.name, ci: refCI },
    diff,
    minEffect: Number.isFinite(minEffect) ? minEffect : 0,
    outcome: comparisonOutcome(diff, supportsWhen, Number.isFinite(minEffect) ? minEffect : 0),
  };
}

/**
 * Rule 2: combine comparisons into a verdict (see the module doc).
 */
export function combineComparisons(comparisons: readonly ClaimComparison[]): {
  verdict: Verdict;
  dependsOn?: string;
  explanation: string;
} {
  const withData = comparisons.filter((c) => c.outcome !== 'insufficient data');
  if (withData.length === 0)
    return { verdict: 'not tested', explanation: 'no comparison has enough runs (≥ 2 per side)' };
  const supports = withData.filter((c) => c.outcome === 'supports');
  const list = (cs: readonly ClaimComparison[]) => cs.map((c) => `${c.label} (${c.outcome})`).join('; ');
  if (supports.length === withData.length)
    return { verdict: 'holds', explanation: `every comparison supports it: ${list(withData)}` };
  if (supports.length === 0)
    return { verdict: 'does not hold', explanation: `no comparison supports it: ${list(withData)}` };
  const facetNames = [...new Set(withData.flatMap((c) => Object.keys(c.facets)))];
  const deciding = facetNames.filter((f) => {
    const byValue = new Map<string, Set<boolean>>();
    for (const c of withData) {
      const v = c.facets[f] ?? '';
      const set = byValue.get(v) ?? new Set<boolean>();
      set.add(c.outcome === 'supports');
      byValue.set(v, set);
    }
    return [...byValue.values()].every((s) => s.size === 1);
  });
  const notSupported = withData.filter((c) => c.outcome !== 'supports');
  if (deciding.length > 0) {
    const f = deciding[0];
    const yes = [...new Set(supports.map((c) => c.facets[f]))];
    const no = [...new Set(notSupported.map((c) => c.facets[f]))];
    return {
      verdict: 'depends',
      dependsOn: `${f}: holds for ${yes.join(', ')}; not for ${no.join(', ')}`,
      explanation: `supported: ${list(supports)}. Not supported: ${list(notSupported)}`,
    };
  }
  return {
    verdict: 'depends',
    dependsOn: `the combination: holds for ${supports.map((c) => c.label).join('; ')}`,
    explanation: `supported: ${list(supports)}. Not supported: ${list(notSupported)}`,
  };
}

const fmtCI = (ci: MeanCI, digits = 3): string =>
  Number.isFinite(ci.lo)
    ? `${ci.mean.toFixed(digits)} [${ci.lo.toFixed(digits)}, ${ci.hi.toFixed(digits)}] (n=${ci.n})`
    : `${Number.isFinite(ci.mean) ? ci.mean.toFixed(digits) : '–'} (n=${ci.n})`;

/** `mean [lo, hi] (n=..)` of a CI. */
export function formatCI(ci: MeanCI, digits = 3): string {
  return fmtCI(ci, digits);
}

/** Values of a metric per seed, for runs of one (arch, norm); never-reached targets censored. */
function sample(
  runs: readonly TrainRecord[],
  metric: AggregatedMetric | 'stepsToTargetCensored' | 'secondsToTargetCensored',
): number[] {
  const out: number[] = [];
  for (const r of runs) {
    const m = r.metrics;
    let v: number | null;
    if (metric === 'stepsToTargetCensored') {
      const planned = r.config.epochs * m.stepsPerEpoch;
      v = m.stepsToTarget ?? planned;
    } else if (metric === 'secondsToTargetCensored') {
      const planned = r.config.epochs * m.stepsPerEpoch;
      v = m.secondsToTarget ?? (m.steps > 0 ? (m.trainSeconds / m.steps) * planned : null);
    } else v = m[metric];
    if (typeof v === 'number' && Number.isFinite(v)) out.push(v);
  }
  return out;
}

interface MetricDef {
  metric: AggregatedMetric | 'stepsToTargetCensored' | 'secondsToTargetCensored';
  name: string;
  supportsWhen: 'higher' | 'lower';
  effect: keyof typeof MIN_EFFECTS;
}

const METRIC_DEFS: Record<string, MetricDef> = {
  steps: {
    metric: 'stepsToTargetCensored',
    name: 'steps to target',
    supportsWhen: 'lower',
    effect: 'relative',
  },
  seconds: {
    metric: 'secondsToTargetCensored',
    name: 'seconds to target',
    supportsWhen: 'lower',
    effect: 'relative',
  },
  lossAuc: { metric: 'lossAuc', name: 'loss AUC', supportsWhen: 'lower', effect: 'relative' },
  plateau: { metric: 'epochsToPlateau', name: 'epochs to plateau', supportsWhen: 'lower', effect: 'epochs' },
  roughness: { metric: 'lossRoughness', name: 'loss roughness', supportsWhen: 'lower', effect: 'relative' },
  testAccuracy: { metric: 'testAccuracy', name: 'test accuracy', supportsWhen: 'higher', effect: 'accuracy' },
  gap: { metric: 'trainTestGap', name: 'train–test gap', supportsWhen: 'lower', effect: 'accuracy' },
};

/**
 * Batch vs rival comparisons on the given metrics, per (arch, batch size, learning rate, init
 * scale) grid point the experiment has (usually one per architecture).
 */
function pairwise(records: readonly TrainRecord[], rivals: NormKind[], metrics: string[]): ClaimComparison[] {
  const out: ClaimComparison[] = [];
  const archs = [...new Set(records.map((r) => r.config.arch))] as Architecture[];
  for (const arch of archs) {
    const mine = records.filter((r) => r.config.arch === arch);
    const keyOf = (r: TrainRecord) =>
      `${r.config.batchSize}|${r.config.learningRate}|${r.config.initScale}|${r.config.dataset.trainSize}|${r.config.epochs}`;
    const points = [...new Set(mine.map(keyOf))];
    for (const p of points) {
      const at = mine.filter((r) => keyOf(r) === p);
      const bn = at.filter((r) => r.config.norm === 'batch');
      if (bn.length === 0) continue;
      const suffix =
        points.length > 1
          ? ` @ batch ${p.split('|')[0]}, lr ${p.split('|')[1]}, init ${p.split('|')[2]}, ${p.split('|')[3]} examples, ${p.split('|')[4]} epochs`
          : '';
      for (const rival of rivals) {
        const other = at.filter((r) => r.config.norm === rival);
        if (other.length === 0) continue;
        for (const key of metrics) {
          const def = METRIC_DEFS[key];
          const facets: Record<string, string> = { architecture: arch + suffix, metric: def.name };
          if (rivals.length > 1) facets.rival = rival;
          out.push(
            compareSamples(
              `${arch}${suffix}: ${def.name}, batch vs ${rival}`,
              facets,
              def.name,
              def.supportsWhen,
              { name: 'batch', values: sample(bn, def.metric) },
              { name: rival, values: sample(other, def.metric) },
              def.effect,
            ),
          );
        }
      }
    }
  }
  return out;
}

function sweepComparisons(
  records: readonly TrainRecord[],
  factor: 'initScale' | 'learningRate',
): {
  comparisons: ClaimComparison[];
  notes: string[];
} {
  const sweeps = sweepRobustness(records, factor);
  const comparisons: ClaimComparison[] = [];
  const notes: string[] = [];
  const what = factor === 'initScale' ? 'init scales' : 'learning rates';
  for (const s of sweeps)
    notes.push(
      `${s.arch}/${s.norm}: over ${what} ${s.levels.join(', ')}: worst ${fmtCI(s.worstAccuracy)}, mean ${fmtCI(s.meanAccuracy)}, diverged ${(100 * s.divergedShare).toFixed(0)}% of runs`,
    );
  for (const bn of sweeps.filter((s) => s.norm === 'batch')) {
    const none = sweeps.find((s) => s.norm === 'none' && s.arch === bn.arch);
    if (!none) continue;
    comparisons.push(
      compareSamples(
        `${bn.arch}: worst accuracy over ${what}, batch vs none`,
        { architecture: bn.arch, metric: 'worst accuracy' },
        'worst accuracy',
        'higher',
        { name: 'batch', values: bn.worstBySeed },
        { name: 'none', values: none.worstBySeed },
        'accuracy',
      ),
      compareSamples(
        `${bn.arch}: mean accuracy over ${what}, batch vs none`,
        { architecture: bn.arch, metric: 'mean accuracy' },
        'mean accuracy',
        'higher',
        { name: 'batch', values: bn.meanBySeed },
        { name: 'none', values: none.meanBySeed },
        'accuracy',
      ),
    );
  }
  return { comparisons, notes };
}

/** Claim 7 comparison from an overhead summary (ratio batch/none). */
export function overheadComparison(summary: OverheadSummary): ClaimComparison {
  const ci = summary.ratio;
  const diff: DiffCI = { diff: ci.mean - 1, lo: ci.lo - 1, hi: ci.hi - 1, df: ci.n - 1, level: ci.level };
  let outcome: ComparisonOutcome;
  if (!Number.isFinite(ci.lo)) outcome = 'insufficient data';
  else if (ci.lo > 1 && ci.mean >= 1 + OVERHEAD_THRESHOLD) outcome = 'supports';
  else if (ci.hi < 1 + OVERHEAD_THRESHOLD) outcome = 'contradicts';
  else outcome = 'inconclusive';
  return {
    label: `${summary.arch} @ batch ${summary.batchSize}: step time ratio batch/none`,
    facets: { architecture: summary.arch },
    metric: 'step time ratio to none',
    supportsWhen: 'higher',
    subject: { name: 'batch/none', ci },
    reference: { name: 'none', ci: { n: ci.n, mean: 1, sd: 0, lo: 1, hi: 1, level: ci.level } },
    diff,
    minEffect: OVERHEAD_THRESHOLD,
    outcome,
  };
}

function batchSizeComparisons(records: readonly TrainRecord[]): {
  comparisons: ClaimComparison[];
  notes: string[];
} {
  const curves = batchSizeCurves(records);
  const comparisons: ClaimComparison[] = [];
  const notes: string[] = [];
  for (const c of curves)
    notes.push(
      `${c.arch}/${c.norm}: ${c.points.map((p) => `batch ${p.batchSize}: ${fmtCI(p.accuracy)}`).join('; ')}`,
    );
  for (const bn of curves.filter((c) => c.norm === 'batch')) {
    const rival =
      curves.find((c) => c.arch === bn.arch && c.norm === 'group') ??
      curves.find((c) => c.arch === bn.arch && c.norm === 'layer') ??
      curves.find((c) => c.arch === bn.arch && c.norm === 'none');
    if (!rival || bn.points.length < 2) continue;
    const drop = (curve: typeof bn): number[] => {
      const small = curve.points[0];
      const large = curve.points[curve.points.length - 1];
      return large.bySeed
        .map((l) => {
          const s = small.bySeed.find((x) => x.seed === l.seed);
          return s ? l.accuracy - s.accuracy : Number.NaN;
        })
        .filter((x) => Number.isFinite(x));
    };
    const small = bn.points[0].batchSize;
    const large = bn.points[bn.points.length - 1].batchSize;
    comparisons.push(
      compareSamples(
        `${bn.arch}: accuracy drop from batch ${large} to ${small}, batch vs ${rival.norm}`,
        { architecture: bn.arch, metric: 'accuracy drop' },
        'accuracy drop',
        'higher',
        { name: 'batch', values: drop(bn) },
        { name: rival.norm, values: drop(rival) },
        'accuracy',
      ),
      compareSamples(
        `${bn.arch}: test accuracy at batch ${small}, batch vs ${rival.norm}`,
        { architecture: bn.arch, metric: 'accuracy at smallest batch' },
        'accuracy at smallest batch',
        'lower',
        { name: 'batch', values: bn.points[0].bySeed.map((b) => b.accuracy) },
        {
          name: rival.norm,
          values: (rival.points.find((p) => p.batchSize === small)?.bySeed ?? []).map((b) => b.accuracy),
        },
        'accuracy',
      ),
    );
  }
  return { comparisons, notes };
}

function groupNotes(records: readonly TrainRecord[], keys: string[]): string[] {
  const notes: string[] = [];
  const combos = [...new Set(records.map((r) => `${r.config.arch}|${r.config.norm}`))].sort();
  for (const combo of combos) {
    const [arch, norm] = combo.split('|');
    const runs = records.filter((r) => r.config.arch === arch && r.config.norm === norm);
    const parts = keys.map(
      (k) => `${METRIC_DEFS[k].name} ${fmtCI(meanCI(sample(runs, METRIC_DEFS[k].metric)))}`,
    );
    const diverged = runs.filter((r) => r.metrics.diverged).length;
    notes.push(
      `${arch}/${norm}: ${parts.join(', ')}${diverged ? `, ${diverged}/${runs.length} diverged` : ''}`,
    );
  }
  return notes;
}

/**
 * Compute the scorecard of a study from its spec and run records.
 *
 * @param spec - the validated spec (its experiments say which claims they test).
 * @param records - the run records (e.g. `loadResults(file).runs`).
 * @returns one {@link ClaimResult} per claim 1..9, in order.
 * @example
 * ```ts
 * const { header, runs } = loadResults('results/quick/results.jsonl');
 * for (const c of scorecard(header.spec, runs)) console.log(c.id, c.verdict, c.dependsOn ?? '');
 * ```
 */
export function scorecard(spec: StudySpec, records: readonly RunRecord[]): ClaimResult[] {
  return CLAIM_IDS.map((id) => {
    const experiments = spec.experiments.filter((e) => e.claims.includes(id)).map((e) => e.name);
    const runs = trainRecords(records).filter((r) => r.experiments.some((e) => experiments.includes(e)));
    let comparisons: ClaimComparison[] = [];
    let notes: string[] = [];
    switch (id) {
      case 1:
        comparisons = pairwise(runs, ['none'], ['steps', 'seconds']);
        notes = groupNotes(runs, ['steps', 'seconds']);
        break;
      case 2:
        comparisons = pairwise(runs, ['none'], ['lossAuc', 'plateau', 'roughness']);
        notes = groupNotes(runs, ['lossAuc', 'plateau', 'roughness']);
        break;
      case 3:
        comparisons = pairwise(runs, ['none'], ['testAccuracy', 'gap']);
        notes = groupNotes(runs, ['testAccuracy', 'gap']);
        break;
      case 4:
      case 5: {
        const factor = id === 4 ? 'initScale' : 'learningRate';
        const perExperiment = experiments.map((e) => sweepComparisons(trainRecords(records, e), factor));
        comparisons = perExperiment.flatMap((p) => p.comparisons);
        notes = perExperiment.flatMap((p) => p.notes);
        break;
      }
      case 6:
        comparisons = pairwise(runs, ['layer', 'instance'], ['steps', 'lossAuc', 'testAccuracy']);
        notes = groupNotes(runs, ['steps', 'lossAuc', 'testAccuracy']);
        break;
      case 7: {
        const overhead = summarizeOverhead(
          records.filter(
            (r) => r.config.kind === 'overhead' && r.experiments.some((e) => experiments.includes(e)),
          ),
        );
        comparisons = overhead.filter((s) => s.norm === 'batch').map(overheadComparison);
        notes = overhead
          .filter((s) => s.norm !== 'none')
          .map(
            (s) =>
              `${s.arch} @ batch ${s.batchSize}: ${s.norm}/none step time ${fmtCI(s.ratio)} (none: ${overhead.find((o) => o.arch === s.arch && o.batchSize === s.batchSize && o.norm === 'none')?.medianMs.toFixed(2) ?? '?'} ms/step)`,
          );
        break;
      }
      case 8: {
        const per = experiments.map((e) => batchSizeComparisons(trainRecords(records, e)));
        comparisons = per.flatMap((p) => p.comparisons);
        notes = per.flatMap((p) => p.notes);
        break;
      }
    }
    let mechanism: ReturnType<typeof mechanismVerdict> | undefined;
    if (id === 9) {
      mechanism = mechanismVerdict(runs, { compareSamples, formatCI });
      comparisons = mechanism.comparisons;
      notes = mechanism.notes;
    }
    const combined =
      experiments.length === 0
        ? { verdict: 'not tested' as Verdict, explanation: 'the spec has no experiment for this claim' }
        : mechanism
          ? { verdict: mechanism.verdict, dependsOn: mechanism.dependsOn, explanation: mechanism.explanation }
          : combineComparisons(comparisons);
    return {
      id,
      title: CLAIMS[id].title,
      statement: CLAIMS[id].statement,
      experiments,
      rule: CLAIMS[id].rule,
      comparisons,
      ...combined,
      notes,
      references: referencesFor(id),
    };
  });
}
