/**
 * Claim 9, the article's explanation: "batch norm works by reducing internal covariate shift".
 * Tested by the `mechanism` experiment (none, batch and noisy batch norm, probed during training;
 * lib/mechanism), with this rule:
 *
 * Comparisons (per architecture, across seeds, Welch 95% CI and minimum effect as in rule 1 of
 * the scorecard; "supports" always means "supports claim 9"):
 * - **A. BN reduces the shift**: gradient covariate shift ‖G − G′‖/‖G‖ (Santurkar et al. 2018,
 *   Def. 2.1), batch vs none, lower supports.
 * - **B. the noise adds shift** (manipulation check): the same measure, noisy-batch vs batch,
 *   higher supports (if the noise did not add measurable shift, C and D say nothing about it).
 * - **C. noisy BN loses BN's advantage**: steps to the target validation accuracy (inference mode,
 *   so without the noise; censored at the planned steps), noisy-batch vs batch, higher supports.
 * - **D. noisy BN keeps an advantage over none**: the same metric, noisy-batch vs none; lower
 *   contradicts (a network with extra shift still trains faster than one without BN).
 * - **E. BN smooths the landscape** (the rival explanation): effective β-smoothness, batch vs
 *   none; lower contradicts.
 *
 * Verdict:
 * - `holds` when A supports and C supports: BN has less shift, and putting shift back costs its
 *   advantage;
 * - `does not hold` when A contradicts (BN has *more* shift than no normalization), or when noisy
 *   BN has at least BN's shift (B not contradicting), does not lose BN's advantage (C not
 *   supporting), still beats no normalization (D contradicts) and BN's landscape is smoother
 *   (E contradicts);
 * - otherwise undecided (reported as `depends`, with the reason), or `not tested` without data.
 *
 * @module
 */

import { summarizeProbes } from '../mechanism/summary';
import type { Architecture } from '../models/types';
import type { NormKind } from '../norm/kinds';
import type { TrainRecord } from './aggregate';
import type { ClaimComparison, compareSamples, formatCI, Verdict } from './scorecard';
import { meanCI } from './stats';

/**
 * The scorecard's comparison builder and interval formatter, passed in by `scorecard()` (this file
 * imports nothing from scorecard.ts at run time, so the two do not import each other).
 */
export interface ComparisonTools {
  /** Rule 1 of the scorecard: one comparison of two samples. */
  compareSamples: typeof compareSamples;
  /** `mean [lo, hi] (n=..)`. */
  formatCI: typeof formatCI;
}

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

function stepsToTarget(r: TrainRecord): number {
  return r.metrics.stepsToTarget ?? r.config.epochs * r.metrics.stepsPerEpoch;
}

/** Per-seed values of one measure for one kind. */
function valuesOf(runs: readonly Probed[], norm: NormKind, pick: (r: Probed) => number): number[] {
  return runs
    .filter((r) => r.config.norm === norm)
    .map(pick)
    .filter((v) => Number.isFinite(v));
}

const shiftOf = (r: Probed) => summarizeProbes(r.probes).relativeShift;
const betaOf = (r: Probed) => summarizeProbes(r.probes).betaSmoothness;

/**
 * Apply claim 9's rule (module doc) to the runs of the experiments that test it. The scorecard
 * calls it for claim 9; read its result there (`scorecard(spec, records)[8]`).
 *
 * @param records - train records of those experiments (runs without probes are ignored).
 * @param tools - the scorecard's `compareSamples` and `formatCI`.
 */
export function mechanismVerdict(records: readonly TrainRecord[], tools: ComparisonTools): MechanismVerdict {
  const { compareSamples, formatCI } = tools;
  const runs = records.filter((r): r is Probed => r.probes !== undefined);
  const comparisons: ClaimComparison[] = [];
  const notes: string[] = [];
  const archs = [...new Set(runs.map((r) => r.config.arch))] as Architecture[];
  const decided: { arch: Architecture; verdict: Verdict; why: string }[] = [];
  for (const arch of archs) {
    const mine = runs.filter((r) => r.config.arch === arch);
    const cmp = (
      key: string,
      what: string,
      supportsWhen: 'higher' | 'lower',
      subject: NormKind,
      reference: NormKind,
      pick: (r: Probed) => number,
    ) => {
      const c = compareSamples(
        `${arch}: ${what}, ${subject} vs ${reference}`,
        { architecture: arch, test: key },
        what,
        supportsWhen,
        { name: subject, values: valuesOf(mine, subject, pick) },
        { name: reference, values: valuesOf(mine, reference, pick) },
        'relative',
      );
      comparisons.push(c);
      return c.outcome;
    };
    const a = cmp('A', 'gradient shift ‖G−G′‖/‖G‖', 'lower', 'batch', 'none', shiftOf);
    const b = cmp('B', 'gradient shift ‖G−G′‖/‖G‖', 'higher', 'noisy-batch', 'batch', shiftOf);
    const c = cmp('C', 'steps to target', 'higher', 'noisy-batch', 'batch', stepsToTarget);
    const d = cmp('D', 'steps to target', 'higher', 'noisy-batch', 'none', stepsToTarget);
    const e = cmp('E', 'β-smoothness', 'higher', 'batch', 'none', betaOf);
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
        verdict: 'depends',
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
          `steps to target ${ci(at.map(stepsToTarget))}`,
      );
    }
  }
  const list = comparisons.map((c) => `${c.label} (${c.outcome})`).join('; ');
  if (decided.length === 0)
    return { comparisons, verdict: 'not tested', explanation: 'no probed runs with enough seeds', notes };
  const verdicts = [...new Set(decided.map((d) => d.verdict))];
  if (verdicts.length === 1 && verdicts[0] !== 'depends')
    return {
      comparisons,
      verdict: verdicts[0],
      explanation: `${decided.map((d) => `${d.arch}: ${d.why}`).join('; ')}. ${list}`,
      notes,
    };
  return {
    comparisons,
    verdict: 'depends',
    dependsOn: decided.map((d) => `${d.arch}: ${d.verdict === 'depends' ? d.why : d.verdict}`).join('; '),
    explanation: list,
    notes,
  };
}
