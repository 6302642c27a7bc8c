/**
 * The claim scorecard: for each claim, the experiments that test it, its deciding comparisons
 * (paired by seed, Holm-corrected inside the claim, with equivalence tests) and the verdict the
 * rules of decision.ts give. No verdict is typed by hand. The claims and margins are in
 * claims.ts; the comparisons in claim-evidence.ts.
 *
 * @module
 */

import type { Architecture } from '../../models/types';
import type { MeanCI } from '../../stats/basics';
import {
  experimentProfile,
  proxyTarget,
  sameTuningTarget,
  type TunedProfile,
  type TuningBudget,
  tunedProfiles,
} from '../spec/plan';
import type { RunRecord } from '../spec/records';
import { CLAIM_IDS, type ClaimId, type StudySpec } from '../spec/schema';
import { trainRecords } from './aggregate';
import { CLAIMS, type Verdict } from './claims';
import { type ClaimComparison, combineComparisons, decideComparisons } from './decision';
import {
  batchControlNotes,
  batchSizeComparisons,
  headlineComparisons,
  initComparisons,
  learningRateComparisons,
  overheadComparisons,
  sharedRateComparisons,
  smallBatchComparisons,
} from './evidence';
import { mechanismVerdict } from './mechanism';
import { type ReferencePoint, referencesFor } from './references';
import { revisionOf } from './revisions';
import { verdictSentence } from './verdict-sentence';

export type { Verdict } from './claims';
export type { ClaimComparison } from './decision';

/** One line of the scorecard. */
export interface ClaimResult {
  /** Claim number. */
  id: ClaimId;
  /** Short title. */
  title: string;
  /** The claim as usually stated. */
  statement: string;
  /** Experiments of the spec that test it. */
  experiments: string[];
  /** The rule applied, in words. */
  rule: string;
  /** Its comparisons, deciding first. */
  comparisons: ClaimComparison[];
  /** The verdict. */
  verdict: Verdict;
  /** For `depends`: on what. */
  dependsOn?: string;
  /** One plain sentence from the deciding numbers: the verdict and which way each went. */
  sentence: string;
  /** One-paragraph explanation computed from the comparisons. */
  explanation: string;
  /** Extra numbers (tuned rates, failures, every kind's overhead), one line each. */
  notes: string[];
  /** Published reference points. */
  references: ReferencePoint[];
  /**
   * For a claim under revision (revisions.ts): why, in one plain sentence, and the verdict its
   * comparisons compute (not shown as the claim's verdict while the revision stands).
   */
  revision?: { reason: string; computedVerdict: Verdict; computedDependsOn?: string };
}

const fmt = (x: number | null | undefined, digits = 3) =>
  x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits);

/**
 * `mean [lo, hi] (n=..)` of a CI.
 *
 * @example
 * ```ts
 * formatCI(meanCI([0.84, 0.86, 0.85])); // '0.850 [0.825, 0.875] (n=3)'
 * ```
 */
export function formatCI(ci: MeanCI, digits = 3): string {
  return Number.isFinite(ci.lo)
    ? `${ci.mean.toFixed(digits)} [${ci.lo.toFixed(digits)}, ${ci.hi.toFixed(digits)}] (n=${ci.n})`
    : `${Number.isFinite(ci.mean) ? ci.mean.toFixed(digits) : '–'} (n=${ci.n})`;
}

/** Per (arch, kind): runs, failures (diverged / collapsed), mean test accuracy. */
function failureNotes(records: ReturnType<typeof trainRecords>): string[] {
  const keys = [...new Set(records.map((r) => `${r.config.arch}/${r.config.norm}`))].sort();
  return keys.map((k) => {
    const runs = records.filter((r) => `${r.config.arch}/${r.config.norm}` === k);
    const diverged = runs.filter((r) => r.metrics.diverged).length;
    const collapsed = runs.filter((r) => r.metrics.collapsed).length;
    const acc = runs.map((r) => r.metrics.testAccuracy).filter((a): a is number => a !== null);
    const mean = acc.length ? acc.reduce((s, x) => s + x, 0) / acc.length : Number.NaN;
    return `${k}: ${runs.length} runs, mean test accuracy ${fmt(mean)}, ${diverged} diverged, ${collapsed} collapsed`;
  });
}

/**
 * Claim 1's resolution check, per architecture: the validation interval in steps against the
 * median steps to target of the runs that reached it (the design asks for at most 5%).
 */
export function resolutionNotes(records: ReturnType<typeof trainRecords>): string[] {
  const notes: string[] = [];
  for (const arch of [...new Set(records.map((r) => r.config.arch))]) {
    const runs = records.filter((r) => r.config.arch === arch);
    const reached = runs
      .map((r) => r.metrics.stepsToTarget)
      .filter((s): s is number => s !== null)
      .sort((a, b) => a - b);
    const c = runs[0].config;
    const interval = Math.max(1, Math.floor(runs[0].metrics.stepsPerEpoch / c.evalsPerEpoch));
    if (reached.length === 0) {
      notes.push(
        `${arch}: validation every ${interval} steps; no run reached the target ${c.targetAccuracy}`,
      );
      continue;
    }
    const median = reached[Math.floor(reached.length / 2)];
    const share = interval / median;
    notes.push(
      `${arch}: validation every ${interval} steps = ${(100 * share).toFixed(1)}% of the median steps to target ${median} ` +
        `(${share <= 0.05 ? 'resolved within 5%' : 'coarser than the 5% the design asks for'}); ${reached.length}/${runs.length} runs reached ${c.targetAccuracy}`,
    );
  }
  return notes;
}

/** The design's plateau bound: a no-norm baseline's mean gain over its last two epochs. */
export const PLATEAU_GAIN = 0.005;

/** One architecture × kind's gain of validation accuracy over its last two epochs. */
export interface PlateauGain {
  /** `arch/kind`, e.g. `vgg/none`. */
  key: string;
  /** Mean gain over the runs, as a fraction (0.005 is half a point). */
  gain: number;
  /** How many runs the mean is over (diverged runs and runs shorter than three epochs are left out). */
  runs: number;
  /** Whether this is a no-norm baseline, the one the design holds to {@link PLATEAU_GAIN}. */
  baseline: boolean;
  /** For a baseline: whether its mean gain is under {@link PLATEAU_GAIN}; true for the other kinds. */
  atPlateau: boolean;
}

/**
 * The plateau check, per architecture × kind: the mean gain of validation accuracy over the last
 * two epochs (the design asks the no-norm baseline for less than half a point).
 */
export function plateauGains(records: ReturnType<typeof trainRecords>): PlateauGain[] {
  const keys = [...new Set(records.map((r) => `${r.config.arch}/${r.config.norm}`))].sort();
  return keys.flatMap((key) => {
    const gains = records
      .filter((r) => `${r.config.arch}/${r.config.norm}` === key && r.history && !r.metrics.diverged)
      .map((r) => r.history!.epochs.map((e) => e.valAccuracy))
      .filter((v) => v.length >= 3 && v[v.length - 1] !== null && v[v.length - 3] !== null)
      .map((v) => (v[v.length - 1] as number) - (v[v.length - 3] as number));
    if (gains.length === 0) return [];
    const gain = gains.reduce((a, b) => a + b, 0) / gains.length;
    const baseline = key.endsWith('/none');
    return [{ key, gain, runs: gains.length, baseline, atPlateau: !baseline || gain < PLATEAU_GAIN }];
  });
}

/** One {@link PlateauGain} as the scorecard's sentence; a baseline's ends in its plateau finding. */
export function plateauNote(p: PlateauGain): string {
  return (
    `${p.key}: validation accuracy gained ${(100 * p.gain).toFixed(2)} points over the last two epochs (mean of ${p.runs} runs)` +
    (p.baseline
      ? p.atPlateau
        ? ': at a plateau'
        : `: still rising, not at a plateau (the design asks < ${100 * PLATEAU_GAIN})`
      : '')
  );
}

/** {@link plateauGains} as the scorecard's sentences. */
export function plateauNotes(records: ReturnType<typeof trainRecords>): string[] {
  return plateauGains(records).map(plateauNote);
}

/** Claim 3's accuracy floors of the `full` profile (best kind's mean test accuracy). */
export const ACCURACY_FLOORS: Readonly<Record<string, number>> = { mlp: 0.88, vgg: 0.91, resnet: 0.9 };

/** Per architecture: the best kind's mean test accuracy against the `full` profile's floor. */
export function floorNotes(records: ReturnType<typeof trainRecords>): string[] {
  const notes: string[] = [];
  for (const arch of [...new Set(records.map((r) => r.config.arch))]) {
    const byKind = new Map<string, number[]>();
    for (const r of records.filter((x) => x.config.arch === arch && x.metrics.testAccuracy !== null))
      byKind.set(r.config.norm, [...(byKind.get(r.config.norm) ?? []), r.metrics.testAccuracy as number]);
    const means = [...byKind].map(([k, v]) => [k, v.reduce((a, b) => a + b, 0) / v.length] as const);
    if (!means.length) continue;
    const [kind, best] = means.reduce((a, b) => (b[1] > a[1] ? b : a));
    const floor = ACCURACY_FLOORS[arch];
    notes.push(
      `${arch}: best kind ${kind}, mean test accuracy ${best.toFixed(3)}` +
        (floor === undefined
          ? ''
          : ` (the full profile's floor ${floor}: ${best >= floor ? 'met' : 'not met'})`),
    );
  }
  return notes;
}

/** The claim-7 sentence: whose cost is it? */
function overheadVerdictNote(comparisons: readonly ClaimComparison[]): string[] {
  const notes: string[] = [];
  const archs = [...new Set(comparisons.map((c) => c.facets.architecture))];
  for (const arch of archs) {
    const mine = comparisons.filter((c) => c.facets.architecture === arch);
    const vsNone = mine.filter((c) => c.reference.name === 'none');
    const batchVsOthers = mine.filter((c) => c.subject.name === 'batch' && c.reference.name !== 'none');
    if (!vsNone.length) continue;
    const list = vsNone.map((c) => `${c.subject.name} ${c.effectText}`).join(', ');
    let whose = 'not enough timing replicates to say whose cost it is';
    if (batchVsOthers.length) {
      const costlier = batchVsOthers.filter((c) => c.outcome === 'supports').map((c) => c.reference.name);
      const same = batchVsOthers.filter((c) => c.outcome === 'equivalent').map((c) => c.reference.name);
      const cheaper = batchVsOthers.filter((c) => c.outcome === 'opposite').map((c) => c.reference.name);
      if (costlier.length === batchVsOthers.length)
        whose = 'batch norm costs more than every other kind: the cost is batch norm’s';
      else
        whose = `the cost is normalization’s in general, not batch norm’s in particular: batch norm is ${[
          same.length ? `as costly as ${same.join(', ')} (within ±5%)` : '',
          cheaper.length ? `cheaper than ${cheaper.join(', ')}` : '',
          costlier.length ? `costlier than ${costlier.join(', ')}` : '',
          batchVsOthers.filter((c) => c.outcome === 'inconclusive').length
            ? `undecided against ${batchVsOthers
                .filter((c) => c.outcome === 'inconclusive')
                .map((c) => c.reference.name)
                .join(', ')}`
            : '',
        ]
          .filter(Boolean)
          .join('; ')}`;
    }
    notes.push(`${arch}: step time vs none: ${list}; ${whose}`);
  }
  return notes;
}

/** Load averages and thread settings of the overhead runs (claim 7's conditions). */
function timingConditions(records: readonly RunRecord[]): string[] {
  const runs = records.filter((r) => r.config.kind === 'overhead');
  if (!runs.length) return [];
  const loads = runs
    .flatMap((r) => [r.env.loadAverageStart?.[0], r.env.loadAverageEnd?.[0]])
    .filter((x): x is number => x !== undefined);
  const threads = [...new Set(runs.map((r) => JSON.stringify(r.env.threads ?? {})))];
  return [
    `timing conditions: 1-minute load average ${loads.length ? `${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}` : 'not recorded'} on ${runs[0].env.cpuCount} CPUs; thread settings ${threads.join(' / ')}`,
  ];
}

/**
 * A claim's result with its revision applied: a claim listed in revisions.ts shows `under revision`
 * and the reason, and keeps its computed verdict in `revision`.
 */
function underRevision(c: ClaimResult, spec: StudySpec): ClaimResult {
  const revision = revisionOf(c.id, spec);
  if (!revision) return c;
  const computed = c.verdict + (c.dependsOn ? ` on ${c.dependsOn}` : '');
  return {
    ...c,
    verdict: 'under revision',
    dependsOn: undefined,
    sentence: `Under revision: ${revision.reason}.`,
    explanation: `Under revision: ${revision.reason}. (The rules computed "${computed}" from these runs: ${c.explanation})`,
    revision: { reason: revision.reason, computedVerdict: c.verdict, computedDependsOn: c.dependsOn },
  };
}

/**
 * The rate of claim 3's shared-rate view on an architecture: no normalization's tuned rate as the
 * first claim-3 experiment on that architecture trains it (for a two-stage tuning, the evaluation
 * budget's pick), else the first tuned profile of that architecture's none.
 */
function sharedRate(spec: StudySpec, profiles: readonly TunedProfile[], arch: Architecture): number | null {
  for (const e of spec.experiments)
    if (e.claims.includes(3) && e.archs.includes(arch)) {
      const p = experimentProfile(spec, profiles, e, arch, 'none');
      if (p) return p.bestRate;
    }
  return profiles.find((p) => p.arch === arch && p.norm === 'none')?.bestRate ?? null;
}

const budgetText = (b: TuningBudget) =>
  `${b.trainSize.toLocaleString('en-US')} images × ${b.epochs} epoch${b.epochs === 1 ? '' : 's'} at batch ${b.batchSize}`;

/**
 * Claim 5's note on one tuned profile. A whole grid gives its best rate, largest stable rate and
 * good range, with its budget when the architecture × kind was tuned at more than one. A local grid
 * (the evaluation budget near the proxy's pick) spans a few rates only, so it gives its best rate
 * and its rates, not a range it cannot measure.
 */
function tuningNote(p: TunedProfile, profiles: readonly TunedProfile[], tolerance: number): string {
  const head = `${p.arch}/${p.norm}`;
  if (p.near) {
    const near = p.near;
    const proxy = profiles.find((q) => sameTuningTarget(q, proxyTarget(p)));
    return `${head} (tuning stage, local grid at ${budgetText(p)} around the pick of ${budgetText(near)}${proxy ? `, ${proxy.bestRate}` : ''}): best rate ${p.bestRate} (validation ${fmt(p.bestAccuracy)}) of ${p.rates.map((r) => r.learningRate).join(', ')}`;
  }
  const several = profiles.filter((q) => q.arch === p.arch && q.norm === p.norm).length > 1;
  return `${head} (tuning stage${several ? `, ${budgetText(p)}` : ''}): best rate ${p.bestRate} (validation ${fmt(p.bestAccuracy)}), largest stable rate ${p.largestStableRate ?? 'none'}, within ${Math.round(tolerance * 100)} points of the best: ${p.goodRates.join(', ')} (${p.widthDecades.toFixed(1)} decades)`;
}

/**
 * Compute the scorecard of a study from its spec and run records.
 *
 * @param spec - the validated spec (its experiments say which claims they test).
 * @param records - the run records (e.g. `loadResults(file).runs`).
 * @returns one {@link ClaimResult} per claim, in order.
 * @example
 * ```ts
 * const { header, runs } = loadResults('results/quick/results.jsonl');
 * for (const c of scorecard(header.spec, runs)) console.log(c.id, c.verdict, c.dependsOn ?? '');
 * ```
 */
export function scorecard(spec: StudySpec, records: readonly RunRecord[]): ClaimResult[] {
  const profiles = tunedProfiles(spec, records);
  return CLAIM_IDS.map((id) => {
    const experiments = spec.experiments.filter((e) => e.claims.includes(id)).map((e) => e.name);
    const runs = trainRecords(records, experiments);
    let comparisons: ClaimComparison[] = [];
    let notes: string[] = [];
    switch (id) {
      case 1:
        comparisons = headlineComparisons(
          runs,
          ['none'],
          [
            { key: 'steps', deciding: true },
            { key: 'seconds', deciding: false },
          ],
        );
        notes = resolutionNotes(runs);
        break;
      case 2:
        comparisons = headlineComparisons(
          runs,
          ['none'],
          [
            { key: 'lossAuc', deciding: true },
            { key: 'jitter', deciding: true },
            { key: 'roughness', deciding: false },
            { key: 'plateau', deciding: false },
          ],
        );
        notes = plateauNotes(runs);
        break;
      case 3: {
        comparisons = headlineComparisons(
          runs,
          ['none'],
          [
            { key: 'gap', deciding: true },
            { key: 'testAccuracy', deciding: false },
          ],
        );
        const lrRuns = trainRecords(
          records,
          spec.experiments.filter((e) => e.claims.includes(5)).map((e) => e.name),
        );
        comparisons.push(...sharedRateComparisons(lrRuns, (arch) => sharedRate(spec, profiles, arch)));
        notes = [...floorNotes(runs), ...failureNotes(runs)];
        break;
      }
      case 4:
        comparisons = experiments.flatMap((e) => initComparisons(trainRecords(records, e)));
        notes = failureNotes(runs);
        break;
      case 5:
        comparisons = experiments.flatMap((e) =>
          learningRateComparisons(trainRecords(records, e), spec.tuning?.tolerance ?? 0.02),
        );
        notes = profiles.map((p) => tuningNote(p, profiles, spec.tuning?.tolerance ?? 0.02));
        break;
      case 6:
        comparisons = headlineComparisons(
          runs,
          ['layer', 'instance'],
          [
            { key: 'testAccuracy', deciding: true },
            { key: 'steps', deciding: true },
          ],
        );
        break;
      case 7:
        comparisons = overheadComparisons(
          records.filter((r) => r.experiments.some((e) => experiments.includes(e))),
        );
        break;
      case 8:
        // Wu & He's design (rates tuned at a base batch, tuneWith.batchSize) decides on each kind's
        // small-batch penalty; the first design (drop from the largest batch) is read as it was.
        comparisons = spec.experiments
          .filter((e) => experiments.includes(e.name))
          .flatMap((e) => {
            const base = typeof e.tuneWith === 'object' ? e.tuneWith.batchSize : undefined;
            const mine = trainRecords(records, e.name);
            return base ? smallBatchComparisons(mine, base) : batchSizeComparisons(mine);
          });
        notes = [...batchControlNotes(runs), ...failureNotes(runs)];
        break;
    }
    // Claim 9 has its own rule (claim-mechanism.ts), on comparisons decided the same way.
    const mechanism = id === 9 ? mechanismVerdict(runs) : undefined;
    const decided = mechanism
      ? mechanism.comparisons
      : decideComparisons(comparisons).sort((a, b) => Number(b.deciding) - Number(a.deciding));
    if (mechanism) notes = mechanism.notes;
    if (id === 7) notes = [...overheadVerdictNote(decided), ...timingConditions(records)];
    const combined =
      experiments.length === 0
        ? { verdict: 'not tested' as Verdict, explanation: 'the spec has no experiment for this claim' }
        : mechanism
          ? { verdict: mechanism.verdict, dependsOn: mechanism.dependsOn, explanation: mechanism.explanation }
          : combineComparisons(decided);
    const result: ClaimResult = {
      id,
      title: CLAIMS[id].title,
      statement: CLAIMS[id].statement,
      experiments,
      rule: CLAIMS[id].rule,
      comparisons: decided,
      ...combined,
      sentence: verdictSentence(combined.verdict, combined.dependsOn, decided),
      notes,
      references: referencesFor(id),
    };
    return underRevision(result, spec);
  });
}
