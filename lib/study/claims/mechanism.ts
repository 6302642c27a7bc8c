/**
 * Claim 9, the article's explanation: "batch norm works by reducing internal covariate shift".
 * Tested by the `mechanism` experiment as Santurkar et al. (2018) tested it: none, batch and noisy
 * batch norm, each at its own tuned rate and at the full budget, probed across the whole run
 * (lib/mechanism), with a rule written before the run and symmetric between its two answers.
 *
 * Deciding comparisons (per architecture, paired by seed, Holm inside the claim, as every claim's
 * comparisons (decision.ts); "supports" always means "supports claim 9"):
 * - **A. BN reduces the shift**: gradient covariate shift ‖G − G′‖/‖G‖ (Santurkar et al. 2018,
 *   Def. 2.1), batch vs none, log-ratio, ±10%; lower supports.
 * - **B. the noise adds shift** (manipulation check): the same measure, noisy-batch vs batch;
 *   higher supports. Without it the noisy runs say nothing about shift.
 * - **C. noisy BN loses BN's speed**: steps to the target validation accuracy (inference mode, so
 *   without the noise; censored runs use the log-rank test), noisy-batch vs batch, ±10%; more
 *   supports.
 * - **C′. noisy BN loses BN's accuracy**: test accuracy, noisy-batch vs batch, ±1 point; lower
 *   supports.
 *
 * Verdict:
 * - `holds` when the noise added shift (B) and noisy BN lost batch norm's advantage (C or C′
 *   supports) while batch norm has less shift than no normalization (A supports);
 * - `does not hold` when the noise added shift (B) and noisy BN kept batch norm's speed and
 *   accuracy within the margins (C and C′ equivalent);
 * - otherwise `inconclusive` (the verdict names the comparisons that left it open), or `not tested`.
 *
 * Shown, not deciding, each with the power it had: noisy BN vs none on steps (D), and the
 * smoothness of the landscape, Santurkar et al.'s alternative (E: β-smoothness, F: the largest
 * gradient change, G: the loss range along the gradient; batch vs none, lower = smoother).
 *
 * @module
 */

import { summarizeProbes } from '../../mechanism/summary';
import type { Architecture } from '../../models/types';
import { meanCI } from '../../stats/basics';
import type { TimeToEvent } from '../../stats/survival';
import type { StudyNorm } from '../spec/arms';
import { accuracyOrChance } from '../spec/tuning';
import type { TrainRecord } from './aggregate';
import type { Verdict } from './claims';
import { MARGINS } from './claims';
import { type ClaimComparison, decideComparisons, pairedComparison, timeToEventComparison } from './decision';

const formatCI = (ci: { mean: number; lo: number; hi: number; n: number }, digits: number): string =>
  Number.isFinite(ci.lo)
    ? `${ci.mean.toFixed(digits)} [${ci.lo.toFixed(digits)}, ${ci.hi.toFixed(digits)}] (n=${ci.n})`
    : `${Number.isFinite(ci.mean) ? ci.mean.toFixed(digits) : '–'} (n=${ci.n})`;

/** What claim 9's rule found. */
export interface MechanismVerdict {
  /** The comparisons A–E (those with runs). */
  comparisons: ClaimComparison[];
  /** The verdict. */
  verdict: Verdict;
  /** For an undecided verdict: why. */
  dependsOn?: string;
  /** One paragraph, from the numbers. */
  explanation: string;
  /** Per kind: the probe summaries and the training metric, mean [95% CI]. */
  notes: string[];
}

type Probed = TrainRecord & { probes: NonNullable<TrainRecord['probes']> };

/** Steps to target as a time to event: censored at the last step when never reached. */
function stepsToTarget(r: TrainRecord): TimeToEvent {
  return { time: r.metrics.stepsToTarget ?? r.metrics.steps, event: r.metrics.stepsToTarget !== null };
}

/** Per-seed values of one measure for one kind. */
function valuesOf(
  runs: readonly Probed[],
  norm: StudyNorm,
  pick: (r: Probed) => number,
): Map<number, number> {
  const out = new Map<number, number>();
  for (const r of runs.filter((x) => x.config.norm === norm)) {
    const v = pick(r);
    if (Number.isFinite(v)) out.set(r.config.seed, v);
  }
  return out;
}

const shiftOf = (r: Probed) => summarizeProbes(r.probes).relativeShift;
const betaOf = (r: Probed) => summarizeProbes(r.probes).betaSmoothness;

/**
 * Apply claim 9's rule (module doc) to the runs of the experiments that test it.
 *
 * @param records - train records of those experiments (runs without probes are ignored).
 */
export function mechanismVerdict(records: readonly TrainRecord[]): MechanismVerdict {
  const runs = records.filter((r): r is Probed => r.probes !== undefined);
  const comparisons: ClaimComparison[] = [];
  const notes: string[] = [];
  const archs = [...new Set(runs.map((r) => r.config.arch))] as Architecture[];
  const decided: { arch: Architecture; verdict: Verdict; why: string }[] = [];
  for (const arch of archs) {
    const mine = runs.filter((r) => r.config.arch === arch);
    const spec = (
      key: string,
      what: string,
      supportsWhen: 'higher' | 'lower',
      subject: StudyNorm,
      reference: StudyNorm,
    ) => ({
      label: `${arch}: ${what}, ${subject} vs ${reference}`,
      facets: { architecture: arch, test: key },
      metric: what,
      supportsWhen,
      deciding: true,
      subjectName: subject,
      referenceName: reference,
    });
    const shift = (
      key: string,
      supportsWhen: 'higher' | 'lower',
      subject: StudyNorm,
      reference: StudyNorm,
      pick = shiftOf,
    ) =>
      pairedComparison(
        spec(
          key,
          key === 'E' ? 'β-smoothness' : 'gradient shift ‖G−G′‖/‖G‖',
          supportsWhen,
          subject,
          reference,
        ),
        valuesOf(mine, subject, pick),
        valuesOf(mine, reference, pick),
        'log-ratio',
        MARGINS.relative,
      );
    const steps = (key: string, subject: StudyNorm, reference: StudyNorm) =>
      timeToEventComparison(
        spec(key, 'steps to target', 'higher', subject, reference),
        new Map(mine.filter((r) => r.config.norm === subject).map((r) => [r.config.seed, stepsToTarget(r)])),
        new Map(
          mine.filter((r) => r.config.norm === reference).map((r) => [r.config.seed, stepsToTarget(r)]),
        ),
        MARGINS.relative,
      );
    const accuracy = (key: string, subject: StudyNorm, reference: StudyNorm) =>
      pairedComparison(
        spec(key, 'test accuracy', 'lower', subject, reference),
        valuesOf(mine, subject, (r) => accuracyOrChance(r.metrics)),
        valuesOf(mine, reference, (r) => accuracyOrChance(r.metrics)),
        'difference',
        MARGINS.accuracy,
      );
    const shown = (c: ClaimComparison) => ({ ...c, deciding: false });
    const smooth = (key: string, what: string, pick: (r: Probed) => number) =>
      shown(
        pairedComparison(
          spec(key, what, 'higher', 'batch', 'none'),
          valuesOf(mine, 'batch', pick),
          valuesOf(mine, 'none', pick),
          'log-ratio',
          MARGINS.relative,
        ),
      );
    const here = decideComparisons([
      shift('A', 'lower', 'batch', 'none'),
      shift('B', 'higher', 'noisy-batch', 'batch'),
      steps('C', 'noisy-batch', 'batch'),
      accuracy('C′', 'noisy-batch', 'batch'),
      shown(steps('D', 'noisy-batch', 'none')),
      smooth('E', 'β-smoothness', betaOf),
      smooth('F', 'largest gradient change', (r) => summarizeProbes(r.probes).maxGradientChange),
      smooth('G', 'loss range along the gradient', (r) => summarizeProbes(r.probes).lossRange),
    ]);
    comparisons.push(...here);
    const [a, b, c, c2] = here.map((k) => k.outcome);
    if ([a, b, c, c2].every((o) => o === 'insufficient data')) continue;
    if (b === 'supports' && a === 'supports' && (c === 'supports' || c2 === 'supports'))
      decided.push({
        arch,
        verdict: 'holds',
        why: 'the noise added shift and cost batch norm’s advantage, and batch norm has less shift than no norm',
      });
    else if (b === 'supports' && c === 'equivalent' && c2 === 'equivalent')
      decided.push({
        arch,
        verdict: 'does not hold',
        why: 'noisy batch norm, with more shift, kept batch norm’s speed and accuracy within the margins',
      });
    else
      decided.push({
        arch,
        verdict: 'inconclusive',
        why: `undecided: A ${a}, B ${b}, C ${c}, C′ ${c2}`,
      });
    for (const norm of ['none', 'batch', 'noisy-batch'] as const) {
      const at = mine.filter((r) => r.config.norm === norm);
      if (at.length === 0) continue;
      const s = at.map((r) => summarizeProbes(r.probes));
      const ci = (xs: number[]) => formatCI(meanCI(xs.filter(Number.isFinite)), 3);
      notes.push(
        `${arch}/${norm}: gradient shift ${ci(s.map((x) => x.relativeShift))}, cos(G, G′) ${ci(s.map((x) => x.cosine))}, ` +
          `β-smoothness ${ci(s.map((x) => x.betaSmoothness))}, gradient change ${ci(s.map((x) => x.maxGradientChange))}, ` +
          `loss range ${ci(s.map((x) => x.lossRange))}, activation drift ${ci(s.map((x) => x.activationDrift))}, ` +
          `steps to target ${ci(at.map((r) => r.metrics.stepsToTarget ?? Number.NaN))} (runs that reached it: ${at.filter((r) => r.metrics.stepsToTarget !== null).length}/${at.length})`,
      );
    }
  }
  const list = comparisons.map((c) => `${c.label} (${c.outcome})`).join('; ');
  if (decided.length === 0)
    return { comparisons, verdict: 'not tested', explanation: 'no probed runs with enough seeds', notes };
  const verdicts = [...new Set(decided.map((d) => d.verdict))];
  if (verdicts.length === 1 && verdicts[0] !== 'inconclusive')
    return {
      comparisons,
      verdict: verdicts[0],
      explanation: `${decided.map((d) => `${d.arch}: ${d.why}`).join('; ')}. ${list}`,
      notes,
    };
  if (verdicts.includes('inconclusive'))
    return {
      comparisons,
      verdict: 'inconclusive',
      explanation: `${decided.map((d) => `${d.arch}: ${d.verdict === 'inconclusive' ? d.why : d.verdict}`).join('; ')}. ${list}`,
      notes,
    };
  return {
    comparisons,
    verdict: 'depends',
    dependsOn: decided.map((d) => `${d.arch}: ${d.verdict}`).join('; '),
    explanation: list,
    notes,
  };
}
