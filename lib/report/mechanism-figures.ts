/**
 * Figures of the mechanism experiment (claim 9): the percentile plot of Ioffe & Szegedy (2015,
 * Figure 1), training curves of none / batch / noisy batch norm, and the probes of Santurkar et
 * al. (2018) over training (gradient covariate shift, β-smoothness, gradient predictiveness, loss
 * range), each as mean across seeds with a 95% CI band. Pure: run records in, figure JSON out,
 * drawn with lib/plot's `curvesWithBands`.
 *
 * @module
 */
import { type BandSeries, curvesWithBands } from '../plot/curves';
import { normKindLabel, PLOT_NORM_KINDS } from '../plot/theme';
import type { Figure } from '../plot/types';
import { type MeanCI, meanCI } from '../stats/basics';
import { type TrainRecord, trainRecords } from '../study/claims/aggregate';
import type { RunRecord } from '../study/spec/records';
import type { StudySpec } from '../study/spec/schema';

/** A probed training run. */
export type ProbedRecord = TrainRecord & { probes: NonNullable<TrainRecord['probes']> };

const byNormOrder = (a: string, b: string) =>
  (PLOT_NORM_KINDS as readonly string[]).indexOf(a) - (PLOT_NORM_KINDS as readonly string[]).indexOf(b);

/**
 * The probed runs of the experiments testing claim 9 (from the spec when given, else every
 * probed run), sorted by norm kind and seed.
 *
 * @example
 * ```ts
 * const runs = probedRecords(study.records, study.spec); // the claim-9 runs that carry probes
 * ```
 */
export function probedRecords(records: readonly RunRecord[], spec?: StudySpec): ProbedRecord[] {
  const experiments = spec?.experiments.filter((e) => (e.claims as number[]).includes(9)).map((e) => e.name);
  return trainRecords(records, experiments && experiments.length > 0 ? experiments : undefined)
    .filter((r): r is ProbedRecord => r.probes !== undefined)
    .sort((a, b) => byNormOrder(a.config.norm, b.config.norm) || a.config.seed - b.config.seed);
}

const kindsOf = (runs: readonly ProbedRecord[]): string[] =>
  [...new Set(runs.map((r) => r.config.norm))].sort(byNormOrder);

/** The line and band of per-point CIs; a point with too few seeds for a CI gets a band of no width. */
const ciBand = (cis: readonly MeanCI[]): Pick<BandSeries, 'mean' | 'lower' | 'upper'> => ({
  mean: cis.map((c) => c.mean),
  lower: cis.map((c) => (Number.isFinite(c.lo) ? c.lo : c.mean)),
  upper: cis.map((c) => (Number.isFinite(c.hi) ? c.hi : c.mean)),
});

/** Options of {@link activationPercentilesFigure}. */
export interface PercentileFigureOptions {
  /** Index of the tracked layer (default: the last, as Ioffe & Szegedy tracked the last hidden layer). */
  layer?: number;
  /** Seed of the run shown per kind (default: the lowest). */
  seed?: number;
  /** Title. */
  title?: string;
}

/**
 * Ioffe & Szegedy's Figure 1 for each kind: the median of the tracked unit's input (its ReLU's
 * input) over training, with the band between the lowest and highest tracked quantiles (15th and
 * 85th percentiles by default), for one seed's run per kind.
 *
 * @example
 * ```ts
 * show(activationPercentilesFigure(probedRecords(study.records, study.spec)));
 * ```
 */
export function activationPercentilesFigure(
  runs: readonly ProbedRecord[],
  options: PercentileFigureOptions = {},
): Figure {
  const series: BandSeries[] = [];
  let label = '';
  for (const kind of kindsOf(runs)) {
    const mine = runs.filter((r) => r.config.norm === kind);
    const run = mine.find((r) => r.config.seed === options.seed) ?? mine[0];
    const p = run.probes;
    const layer = Math.min(options.layer ?? p.trackedLayers.length - 1, p.trackedLayers.length - 1);
    const mid = Math.floor(p.probabilities.length / 2);
    const pct = (q: number) => `${Math.round(100 * q)}th`;
    label = `unit ${p.unit} of the ReLU input in layer ${layer + 1} of ${p.trackedLayers.length}; band ${pct(p.probabilities[0])}–${pct(p.probabilities[p.probabilities.length - 1])} percentile, line ${pct(p.probabilities[mid])}`;
    series.push({
      name: `${normKindLabel(kind)} (seed ${run.config.seed})`,
      kind,
      x: p.activations.map((a) => a.step),
      mean: p.activations.map((a) => a.quantiles[layer][mid]),
      lower: p.activations.map((a) => a.quantiles[layer][0]),
      upper: p.activations.map((a) => a.quantiles[layer][a.quantiles[layer].length - 1]),
    });
  }
  return curvesWithBands(series, {
    title: options.title ?? `Input distribution of one unit over training (${label})`,
    xTitle: 'training step',
    yTitle: 'unit input (before the ReLU)',
    bandLabel: 'percentile band',
  });
}

/** A probe measure per checkpoint. */
export type CheckpointMeasure =
  | 'relativeShift'
  | 'cosine'
  | 'betaSmoothness'
  | 'maxGradientChange'
  | 'lossRange';

/** Axis titles of the measures. */
export const CHECKPOINT_MEASURE_LABELS: Readonly<Record<CheckpointMeasure, string>> = {
  relativeShift: 'gradient shift ‖G − G′‖ / ‖G‖',
  cosine: 'cos(G, G′)',
  betaSmoothness: 'effective β-smoothness',
  maxGradientChange: 'largest gradient change along the step',
  lossRange: 'loss range along the step',
};

/** The measure at one checkpoint of a run (layer mean for the covariate-shift measures). */
function measureAt(c: ProbedRecord['probes']['checkpoints'][number], measure: CheckpointMeasure): number {
  if (measure === 'relativeShift' || measure === 'cosine') {
    const values = c.covariateShift.map((s) => s[measure]).filter((v): v is number => v !== null);
    return values.length ? values.reduce((a, b) => a + b, 0) / values.length : Number.NaN;
  }
  return c.landscape[measure] ?? Number.NaN;
}

/**
 * One probe measure over training: per kind, the mean across seeds at each checkpoint with a 95%
 * CI band (covariate-shift measures are averaged over the layers first).
 *
 * @param runs - probed runs ({@link probedRecords}).
 * @param measure - which measure.
 * @param options - `title`, `logY` (default true for β-smoothness, gradient change and loss range).
 *
 * @example
 * ```ts
 * show(checkpointMeasureFigure(probedRecords(study.records, study.spec), 'relativeShift', { logY: true }));
 * ```
 */
export function checkpointMeasureFigure(
  runs: readonly ProbedRecord[],
  measure: CheckpointMeasure,
  options: { title?: string; logY?: boolean } = {},
): Figure {
  const series: BandSeries[] = [];
  let seeds = 0;
  for (const kind of kindsOf(runs)) {
    const mine = runs.filter((r) => r.config.norm === kind);
    seeds = Math.max(seeds, mine.length);
    const steps = [...new Set(mine.flatMap((r) => r.probes.checkpoints.map((c) => c.step)))].sort(
      (a, b) => a - b,
    );
    const cis = steps.map((step) =>
      meanCI(
        mine
          .map((r) => r.probes.checkpoints.find((c) => c.step === step))
          .filter((c): c is ProbedRecord['probes']['checkpoints'][number] => c !== undefined)
          .map((c) => measureAt(c, measure))
          .filter(Number.isFinite),
      ),
    );
    series.push({
      name: normKindLabel(kind),
      kind,
      x: steps,
      ...ciBand(cis),
      markers: true,
    });
  }
  return curvesWithBands(series, {
    title: options.title ?? `${CHECKPOINT_MEASURE_LABELS[measure]} over training (mean, 95% CI)`,
    xTitle: 'training step',
    yTitle: CHECKPOINT_MEASURE_LABELS[measure],
    logY: options.logY ?? !(measure === 'relativeShift' || measure === 'cosine'),
    bandLabel: `95% CI across up to ${seeds} seeds`,
  });
}

/**
 * Training loss per step (bucket means of the mini-batch loss, noise included for noisy batch
 * norm), per kind, mean across seeds with a 95% CI band.
 *
 * @example
 * ```ts
 * show(mechanismLossFigure(probedRecords(study.records, study.spec)));
 * ```
 */
export function mechanismLossFigure(runs: readonly ProbedRecord[], options: { title?: string } = {}): Figure {
  const series: BandSeries[] = [];
  for (const kind of kindsOf(runs)) {
    const mine = runs.filter((r) => r.config.norm === kind && r.history);
    const steps = mine[0]?.history?.curve.step ?? [];
    const cis = steps.map((_, i) =>
      meanCI(
        mine
          .map((r) => r.history?.curve.loss[i])
          .filter((v): v is number => typeof v === 'number' && Number.isFinite(v)),
      ),
    );
    series.push({
      name: normKindLabel(kind),
      kind,
      x: steps,
      ...ciBand(cis),
    });
  }
  return curvesWithBands(series, {
    title: options.title ?? 'Training loss (mini-batch, mean across seeds, 95% CI)',
    xTitle: 'training step',
    yTitle: 'training loss',
    bandLabel: '95% CI across seeds',
  });
}

/** A headed figure of the report (same shape as the study figures' sections). */
export interface MechanismFigureSection {
  /** Heading. */
  heading: string;
  /** One-line caption. */
  caption: string;
  /** The figure. */
  figure: Figure;
}

/** The mechanism experiment's figures for the HTML report (none without probed runs). */
export function mechanismFigures(records: readonly RunRecord[], spec?: StudySpec): MechanismFigureSection[] {
  const runs = probedRecords(records, spec);
  if (runs.length === 0) return [];
  return [
    {
      heading: 'Input distribution of one unit over training',
      caption: 'After Ioffe & Szegedy (2015), Figure 1; claim 9.',
      figure: activationPercentilesFigure(runs),
    },
    {
      heading: 'Training loss: none, batch and noisy batch norm',
      caption: 'Does batch norm with injected distribution shift still train as fast? Claim 9.',
      figure: mechanismLossFigure(runs),
    },
    {
      heading: 'Gradient-based internal covariate shift',
      caption: 'Santurkar et al. (2018), Definition 2.1, averaged over layers; claim 9.',
      figure: checkpointMeasureFigure(runs, 'relativeShift'),
    },
    {
      heading: 'Effective β-smoothness along the gradient',
      caption: 'Santurkar et al. (2018), §3.1; lower is smoother; claim 9.',
      figure: checkpointMeasureFigure(runs, 'betaSmoothness'),
    },
  ];
}
