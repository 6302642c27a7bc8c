/**
 * Every figure a study's results support, as headed and captioned sections for the report and the
 * notebooks; the figures themselves come from `metric-figures.ts`, `batch-size-figure.ts` and
 * `mechanism-figures.ts`.
 *
 * @module
 */

import type { Figure } from '../plot/types';
import { summarizeOverhead, trainRecords } from '../study/claims/aggregate';
import type { RunRecord } from '../study/spec/records';
import type { StudySpec } from '../study/spec/schema';
import { batchSizeErrorFigure } from './batch-size-figure';
import { mechanismFigures } from './mechanism-figures';
import { metricBarsFigure, overheadFigure, sweepFigure, validationCurvesFigure } from './metric-figures';

/** A study figure with a heading and caption, as the report lays it out. */
export interface StudyFigureSection {
  /** Heading. */
  heading: string;
  /** What it shows. */
  caption: string;
  /** The figure. */
  figure: Figure;
}

/**
 * Every figure a study's results support (figures without data are left out; `spec`, when given,
 * says which experiment tests which claim): headline bars
 * (test accuracy, steps to target, loss AUC, train–test gap), validation curves per architecture,
 * init-scale and learning-rate sweeps, batch-size dependence, step-time overhead, and the
 * mechanism experiment's figures (claim 9, `mechanism-figures.ts`).
 */
export function studyFigures(records: readonly RunRecord[], spec?: StudySpec): StudyFigureSection[] {
  const out: StudyFigureSection[] = [];
  // The experiment testing a claim: from the spec when given, else the profiles' names.
  const experimentOf = (claim: number, fallback: string): string[] => {
    const names = spec?.experiments.filter((e) => (e.claims as number[]).includes(claim)).map((e) => e.name);
    return names && names.length > 0 ? names : [fallback];
  };
  const headlineName = experimentOf(1, 'headline');
  const headline = trainRecords(records, headlineName);
  if (headline.length) {
    const opts = { experiment: headlineName };
    out.push(
      {
        heading: 'Test accuracy',
        caption: 'Headline experiment; claims 3 and 6.',
        figure: metricBarsFigure(records, 'testAccuracy', opts),
      },
      {
        heading: 'Steps to the target validation accuracy',
        caption: 'Runs that reached the target; claims 1 and 6.',
        figure: metricBarsFigure(records, 'stepsToTarget', opts),
      },
      {
        heading: 'Loss AUC',
        caption: 'Average training loss over training (lower = faster convergence); claims 2 and 6.',
        figure: metricBarsFigure(records, 'lossAuc', opts),
      },
      {
        heading: 'Train–test gap',
        caption: 'Training accuracy minus test accuracy; claim 3.',
        figure: metricBarsFigure(records, 'trainTestGap', opts),
      },
    );
    for (const arch of [...new Set(headline.map((r) => r.config.arch))])
      out.push({
        heading: `Validation accuracy per epoch: ${arch}`,
        caption: 'Mean across seeds with a 95% CI band; claim 2.',
        figure: validationCurvesFigure(records, arch, opts),
      });
  }
  // A section only when the claim's experiment ran: a spec may leave it out, and an empty figure says nothing.
  const ifRan = (claim: number, fallback: string, section: (experiment: string[]) => StudyFigureSection) => {
    const experiment = experimentOf(claim, fallback);
    if (trainRecords(records, experiment).length) out.push(section(experiment));
  };
  ifRan(4, 'init', (experiment) => ({
    heading: 'Robustness to the init scale',
    caption: 'Claim 4.',
    figure: sweepFigure(records, 'initScale', { experiment }),
  }));
  ifRan(5, 'lr', (experiment) => ({
    heading: 'Sensitivity to the learning rate',
    caption: 'Claim 5.',
    figure: sweepFigure(records, 'learningRate', { experiment }),
  }));
  ifRan(8, 'batch', (experiment) => ({
    heading: 'Dependence on the batch size',
    caption:
      'Test error against batch size (learning rate scaled linearly with the batch, same epochs), one line per kind as in Wu & He (2018), Figure 1; dashed: batch norm evaluated with population statistics recomputed over the training set. Claim 8.',
    figure: batchSizeErrorFigure(records, { experiment }),
  }));
  if (summarizeOverhead(records).length)
    out.push({
      heading: 'Compute overhead per step',
      caption: 'Interleaved timing; claim 7.',
      figure: overheadFigure(records),
    });
  out.push(...mechanismFigures(records, spec));
  return out;
}
