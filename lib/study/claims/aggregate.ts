/**
 * Aggregation of run records across seeds: mean, SD and 95% Student-t CI of every claim metric
 * per grid point; robustness across a swept factor (init scale, learning rate) with the share of
 * diverged runs; accuracy against batch size; time per step relative to no normalization.
 *
 * @module
 */
import type { Architecture } from '../../models/types';
import { type MeanCI, meanCI } from '../../stats/basics';
import type { StudyNorm } from '../spec/arms';
import {
  isOverheadRecord,
  isTrainRecord,
  type OverheadRunMetrics,
  type RunRecord,
  type TrainRunMetrics,
} from '../spec/records';
import type { TrainRunConfig } from '../spec/run-config';
import { accuracyOrChance, runFailed } from '../spec/tuning';

/**
 * Names of the numeric train-run metrics that are aggregated.
 *
 * @example
 * ```ts
 * for (const metric of AGGREGATED_METRICS) show(metricBarsFigure(study.records, metric));
 * ```
 */
export const AGGREGATED_METRICS = [
  'stepsToTarget',
  'secondsToTarget',
  'lossAuc',
  'lossRoughness',
  'epochsToPlateau',
  'bestValAccuracy',
  'valAccuracy',
  'testAccuracy',
  'trainAccuracy',
  'trainTestGap',
  'medianStepMs',
  'samplesPerSecond',
] as const;
/** An aggregated metric name. */
export type AggregatedMetric = (typeof AGGREGATED_METRICS)[number];

/** A train record, narrowed. */
export type TrainRecord = RunRecord & { metrics: TrainRunMetrics; config: TrainRunConfig };

/**
 * The train records of a list, optionally only those of one experiment or of any of several.
 *
 * @example
 * ```ts
 * const headline = trainRecords(study.records, 'headline');
 * ```
 */
export function trainRecords(
  records: readonly RunRecord[],
  experiment?: string | readonly string[],
): TrainRecord[] {
  const names =
    experiment === undefined ? undefined : typeof experiment === 'string' ? [experiment] : experiment;
  return records.filter(
    (r): r is TrainRecord =>
      isTrainRecord(r) && (names === undefined || r.experiments.some((e) => names.includes(e))),
  );
}

/** The grid point of a train run: its config without the seed (and the fixed settings). */
export interface GridPoint {
  /** Architecture. */
  arch: Architecture;
  /** Norm kind. */
  norm: StudyNorm;
  /** Batch size. */
  batchSize: number;
  /** Learning rate. */
  learningRate: number;
  /** Init scale. */
  initScale: number;
  /** Training examples. */
  trainSize: number;
  /** Epochs. */
  epochs: number;
}

/** Aggregate of one grid point across seeds. */
export interface GroupSummary {
  /** The grid point. */
  point: GridPoint;
  /** Seeds aggregated. */
  seeds: number[];
  /** Share of its runs that diverged. */
  divergedShare: number;
  /** Share of its runs that reached the target validation accuracy. */
  reachedShare: number;
  /**
   * Each metric over the runs where it is defined (non-null): mean, SD, 95% CI. For
   * `stepsToTarget`/`secondsToTarget` that is the runs that reached the target.
   */
  metrics: Record<AggregatedMetric, MeanCI>;
}

const pointKey = (p: GridPoint): string =>
  `${p.arch}|${p.norm}|${p.batchSize}|${p.learningRate}|${p.initScale}|${p.trainSize}|${p.epochs}`;

/** The grid point of a train config. */
export function gridPoint(c: TrainRunConfig): GridPoint {
  return {
    arch: c.arch,
    norm: c.norm,
    batchSize: c.batchSize,
    learningRate: c.learningRate,
    initScale: c.initScale,
    trainSize: c.dataset.trainSize,
    epochs: c.epochs,
  };
}

/** Values of one metric over records, nulls dropped. */
export function metricValues(records: readonly TrainRecord[], metric: AggregatedMetric): number[] {
  return records
    .map((r) => r.metrics[metric])
    .filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
}

/**
 * Group train records by grid point and aggregate every metric across seeds.
 *
 * @param records - run records (overhead records are ignored).
 * @param level - CI level, default 0.95.
 *
 * @example
 * ```ts
 * for (const g of summarizeGroups(study.records)) console.log(g.point, formatCI(g.metrics.testAccuracy));
 * ```
 */
export function summarizeGroups(records: readonly RunRecord[], level = 0.95): GroupSummary[] {
  const groups = new Map<string, TrainRecord[]>();
  for (const r of trainRecords(records)) {
    const key = pointKey(gridPoint(r.config));
    const list = groups.get(key) ?? [];
    list.push(r);
    groups.set(key, list);
  }
  return [...groups.values()].map((runs) => {
    const metrics = {} as Record<AggregatedMetric, MeanCI>;
    for (const m of AGGREGATED_METRICS) metrics[m] = meanCI(metricValues(runs, m), level);
    return {
      point: gridPoint(runs[0].config),
      seeds: runs.map((r) => r.config.seed).sort((a, b) => a - b),
      divergedShare: runs.filter((r) => r.metrics.diverged).length / runs.length,
      reachedShare: runs.filter((r) => r.metrics.stepsToTarget !== null).length / runs.length,
      metrics,
    };
  });
}

/** Factors a sweep can vary. */
export type SweepFactor = 'initScale' | 'learningRate' | 'batchSize';

/** Robustness of one (arch, norm) across a swept factor. */
export interface SweepRobustness {
  /** Architecture. */
  arch: Architecture;
  /** Norm kind. */
  norm: StudyNorm;
  /** The swept factor. */
  factor: SweepFactor;
  /** Factor values seen, ascending. */
  levels: number[];
  /** Test accuracy per level across seeds (diverged runs count as chance accuracy). */
  perLevel: { level: number; accuracy: MeanCI; divergedShare: number }[];
  /** Per seed, the worst test accuracy over the levels; aggregated across seeds. */
  worstAccuracy: MeanCI;
  /** Per seed, the mean test accuracy over the levels; aggregated across seeds. */
  meanAccuracy: MeanCI;
  /** Per seed, best − worst test accuracy over the levels; aggregated across seeds. */
  accuracyRange: MeanCI;
  /** Per-seed worst accuracies (the sample behind `worstAccuracy`, for comparisons). */
  worstBySeed: number[];
  /** Per-seed means over levels (the sample behind `meanAccuracy`). */
  meanBySeed: number[];
  /** Share of all its runs in the sweep that diverged. */
  divergedShare: number;
}

/**
 * Robustness across a swept factor, per (arch, norm): for each seed, the test accuracy at every
 * level of the factor (a diverged run, or one without a test accuracy, counts as `chance`),
 * reduced to its worst, mean and range over the levels; then aggregated across seeds (95% CI).
 * A failed run (diverged, or collapsed to chance / one predicted class) counts as chance.
 * Only seeds that have every level are used, so the reductions compare like with like.
 *
 * @param records - run records of the sweep's experiment.
 * @param factor - the swept factor.
 * @param chance - accuracy given to diverged runs, default 0.1 (10 classes).
 */
export function sweepRobustness(
  records: readonly TrainRecord[],
  factor: SweepFactor,
  chance = 0.1,
): SweepRobustness[] {
  const byArchNorm = new Map<string, TrainRecord[]>();
  for (const r of records) {
    const key = `${r.config.arch}|${r.config.norm}`;
    byArchNorm.set(key, [...(byArchNorm.get(key) ?? []), r]);
  }
  const acc = (r: TrainRecord): number =>
    runFailed(r.metrics) || r.metrics.testAccuracy === null
      ? (r.metrics.chanceAccuracy ?? chance)
      : r.metrics.testAccuracy;
  return [...byArchNorm.values()].map((runs) => {
    const levels = [...new Set(runs.map((r) => r.config[factor]))].sort((a, b) => a - b);
    const seeds = [...new Set(runs.map((r) => r.config.seed))].sort((a, b) => a - b);
    const worst: number[] = [];
    const meanOver: number[] = [];
    const range: number[] = [];
    for (const seed of seeds) {
      const values = levels.map((l) => runs.find((r) => r.config.seed === seed && r.config[factor] === l));
      if (values.some((v) => v === undefined)) continue;
      const a = (values as TrainRecord[]).map(acc);
      worst.push(Math.min(...a));
      meanOver.push(a.reduce((s, x) => s + x, 0) / a.length);
      range.push(Math.max(...a) - Math.min(...a));
    }
    return {
      arch: runs[0].config.arch,
      norm: runs[0].config.norm,
      factor,
      levels,
      perLevel: levels.map((level) => {
        const atLevel = runs.filter((r) => r.config[factor] === level);
        return {
          level,
          accuracy: meanCI(atLevel.map(acc)),
          divergedShare: atLevel.filter((r) => r.metrics.diverged).length / atLevel.length,
        };
      }),
      worstAccuracy: meanCI(worst),
      meanAccuracy: meanCI(meanOver),
      accuracyRange: meanCI(range),
      worstBySeed: worst,
      meanBySeed: meanOver,
      divergedShare: runs.filter((r) => r.metrics.diverged).length / runs.length,
    };
  });
}

/**
 * Mean and CI of ratios on the log scale: `exp(meanCI(ln r))`, i.e. the geometric mean with a
 * Student-t 95% CI. A ratio is symmetric on the log scale (×2 and ×½ are equally far from 1), and
 * one slow round on a busy machine pulls the log mean far less than the arithmetic mean. `sd` is
 * the SD of ln r.
 */
export function ratioCI(ratios: readonly number[], level = 0.95): MeanCI {
  const logs = ratios.filter((r) => r > 0 && Number.isFinite(r)).map((r) => Math.log(r));
  const ci = meanCI(logs, level);
  return { ...ci, mean: Math.exp(ci.mean), lo: Math.exp(ci.lo), hi: Math.exp(ci.hi) };
}

/** Step-time overhead of one norm kind relative to none, for one (arch, batch size). */
export interface OverheadSummary {
  /** Architecture. */
  arch: Architecture;
  /** Batch size timed. */
  batchSize: number;
  /** Norm kind. */
  norm: StudyNorm;
  /** Median step ms across all rounds of all repetitions. */
  medianMs: number;
  /**
   * Paired per-round ratios (kind ms / none ms in the same round), pooled over repetitions,
   * summarized on the log scale ({@link ratioCI}): geometric mean and its 95% CI.
   */
  ratio: MeanCI;
  /** The pooled per-round ratios. */
  ratios: number[];
}

/**
 * Time per step relative to no normalization, from overhead runs (which alternate the kinds
 * round by round, so each ratio compares steps timed moments apart on the same machine state).
 */
export function summarizeOverhead(records: readonly RunRecord[]): OverheadSummary[] {
  const out = new Map<string, OverheadSummary & { allMs: number[] }>();
  for (const r of records) {
    if (!isOverheadRecord(r) || r.config.kind !== 'overhead') continue;
    for (const t of (r.metrics as OverheadRunMetrics).timings) {
      const key = `${r.config.arch}|${r.config.batchSize}|${t.norm}`;
      const s = out.get(key) ?? {
        arch: r.config.arch,
        batchSize: r.config.batchSize,
        norm: t.norm,
        medianMs: Number.NaN,
        ratio: meanCI([]),
        ratios: [],
        allMs: [],
      };
      s.ratios.push(...t.ratioToNone);
      s.allMs.push(...t.roundMs);
      out.set(key, s);
    }
  }
  return [...out.values()].map(({ allMs, ...s }) => {
    const sorted = [...allMs].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    const medianMs =
      sorted.length === 0
        ? Number.NaN
        : sorted.length % 2
          ? sorted[mid]
          : (sorted[mid - 1] + sorted[mid]) / 2;
    return { ...s, medianMs, ratio: ratioCI(s.ratios) };
  });
}

/** Test accuracy of one (arch, norm) at each batch size. */
export interface BatchSizeCurve {
  /** Architecture. */
  arch: Architecture;
  /** Norm kind. */
  norm: StudyNorm;
  /** Per batch size, test accuracy across seeds (diverged runs count as `chance`). */
  points: { batchSize: number; accuracy: MeanCI; bySeed: { seed: number; accuracy: number }[] }[];
}

/**
 * Accuracy against batch size, per (arch, norm); failed runs count as chance.
 *
 * @param populationStats - use the accuracy with recomputed population statistics (runs without
 *   it are left out) instead of the running-statistics accuracy.
 */
export function batchSizeCurves(
  records: readonly TrainRecord[],
  chance = 0.1,
  populationStats = false,
): BatchSizeCurve[] {
  const byArchNorm = new Map<string, TrainRecord[]>();
  for (const r of records) {
    if (populationStats && r.metrics.testAccuracyPopulationStats === null && !runFailed(r.metrics)) continue;
    const key = `${r.config.arch}|${r.config.norm}`;
    byArchNorm.set(key, [...(byArchNorm.get(key) ?? []), r]);
  }
  const value = (r: TrainRecord): number =>
    populationStats && !runFailed(r.metrics)
      ? (r.metrics.testAccuracyPopulationStats as number)
      : r.metrics.chanceAccuracy === undefined
        ? r.metrics.diverged || r.metrics.testAccuracy === null
          ? chance
          : r.metrics.testAccuracy
        : accuracyOrChance(r.metrics);
  return [...byArchNorm.values()].map((runs) => {
    const sizes = [...new Set(runs.map((r) => r.config.batchSize))].sort((a, b) => a - b);
    return {
      arch: runs[0].config.arch,
      norm: runs[0].config.norm,
      points: sizes.map((batchSize) => {
        const at = runs.filter((r) => r.config.batchSize === batchSize);
        const bySeed = at
          .map((r) => ({
            seed: r.config.seed,
            accuracy: value(r),
          }))
          .sort((a, b) => a.seed - b.seed);
        return { batchSize, accuracy: meanCI(bySeed.map((b) => b.accuracy)), bySeed };
      }),
    };
  });
}
