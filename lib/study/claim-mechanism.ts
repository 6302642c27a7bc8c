/**
 * Claim 9, the article's explanation: "batch norm works by reducing internal covariate shift".
 * Tested by the `mechanism` experiment (none, batch and noisy batch norm, probed during training;
 * lib/mechanism), with this rule:
 *
 * Comparisons (per architecture, paired by seed on the log-ratio scale with a ±10% equivalence
 * margin and Holm inside the claim, as every claim's comparisons (decision.ts); steps to target
 * with censored runs use the log-rank test; "supports" always means "supports claim 9"):
 * - **A. BN reduces the shift**: gradient covariate shift ‖G − G′‖/‖G‖ (Santurkar et al. 2018,
 *   Def. 2.1), batch vs none, lower supports.
 * - **B. the noise adds shift** (manipulation check): the same measure, noisy-batch vs batch,
 *   higher supports (if the noise did not add measurable shift, C and D say nothing about it).
 * - **C. noisy BN loses BN's advantage**: steps to the target validation accuracy (inference mode,
 *   so without the noise; runs that never reach it are censored), noisy-batch vs batch, higher supports.
 * - **D. noisy BN keeps an advantage over none**: the same metric, noisy-batch vs none; lower
 *   contradicts (a network with extra shift still trains faster than one without BN).
 * - **E. BN smooths the landscape** (the rival explanation): effective β-smoothness, batch vs
 *   none; lower contradicts.
 *
 * Verdict:
 * - `holds` when A supports and C supports: BN has less shift, and putting shift back costs its
 *   advantage;
 * - `does not hold` when A is the opposite (BN has *more* shift than no normalization), or when
 *   noisy BN has at least BN's shift (B not the opposite), does not lose BN's advantage (C not
 *   supporting), still beats no normalization (D the opposite) and BN's landscape is smoother
 *   (E the opposite);
 * - otherwise `inconclusive` (with the reason), or `not tested` without data.
 *
 * @module
 */

import { summarizeProbes } from '../mechanism/summary';
import type { Architecture } from '../models/types';
import type { NormKind } from '../norm/kinds';
import type { TrainRecord } from './aggregate';
import type { Verdict } from './claims';
import { MARGINS } from './claims';
import { type ClaimComparison, decideComparisons, pairedComparison, timeToEventComparison } from './decision';
import { meanCI } from './stats';
import type { TimeToEvent } from './survival';

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
function valuesOf(runs: readonly Probed[], norm: NormKind, pick: (r: Probed) => number): Map<number, number> {
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
      subject: NormKind,
      reference: NormKind,
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
      subject: NormKind,
      reference: NormKind,
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
    const steps = (key: string, subject: NormKind, reference: NormKind) =>
      timeToEventComparison(
        spec(key, 'steps to target', 'higher', subject, reference),
        new Map(mine.filter((r) => r.config.norm === subject).map((r) => [r.config.seed, stepsToTarget(r)])),
        new Map(
          mine.filter((r) => r.config.norm === reference).map((r) => [r.config.seed, stepsToTarget(r)]),
        ),
        MARGINS.relative,
      );
    const here = decideComparisons([
      shift('A', 'lower', 'batch', 'none'),
      shift('B', 'higher', 'noisy-batch', 'batch'),
      steps('C', 'noisy-batch', 'batch'),
      steps('D', 'noisy-batch', 'none'),
      shift('E', 'higher', 'batch', 'none', betaOf),
    ]);
    comparisons.push(...here);
    // The rule's words: 'contradicts' = significant the other way.
    const word = (c: ClaimComparison) => (c.outcome === 'opposite' ? 'contradicts' : c.outcome);
    const [a, b, c, d, e] = here.map(word);
    if ([a, b, c, d, e].every((o) => o === 'insufficient data')) continue;
    if (a === 'supports' && c === 'supports')
      decided.push({ arch, verdict: 'holds', why: 'BN has less shift and noisy BN loses its speed' });
    else if (a === 'contradicts')
      decided.push({
        arch,
        verdict: 'does not hold',
        why: 'BN has more gradient shift than no normalization',
      });
    else if (b !== 'contradicts' && c !== 'supports' && d === 'contradicts' && e === 'contradicts')
      decided.push({
        arch,
        verdict: 'does not hold',
        why: 'noisy BN has at least BN’s shift yet keeps its speed over no normalization, and BN’s landscape is smoother',
      });
    else
      decided.push({
        arch,
        verdict: 'inconclusive',
        why: `undecided: A ${a}, B ${b}, C ${c}, D ${d}, E ${e}`,
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
