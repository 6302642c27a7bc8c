/**
 * Running-statistics convergence: how the exponential moving average of batch means (or
 * variances) approaches the population value, against the noisy per-batch estimates.
 *
 * @module
 */
import { seriesColorOf } from './curves';
import { themedAxis, themedLayout } from './theme';
import type { Figure, PlotLine, PlotTrace } from './types';
import { finiteList } from './values';

/** One estimate over steps (a running average, or the per-batch values). */
export interface StatSeries {
  /** Legend name, e.g. `running mean (momentum 0.9)`. */
  name: string;
  /** Training steps (x). */
  steps: number[];
  /** The estimate after each step. */
  values: number[];
  /** Colour (`#rrggbb`). Default: the series palette. */
  color?: string;
  /** A norm kind: picks the kind's colour. */
  kind?: string;
  /** Line dash. Default `solid`. */
  dash?: PlotLine['dash'];
}

/** Input of {@link runningStatsConvergence}. */
export interface RunningStatsFigureInput {
  /** Running estimates (one line each, e.g. one per momentum). */
  running: StatSeries[];
  /** Per-batch estimates, drawn as faint points. Default none. */
  batch?: StatSeries;
  /** The value the estimates should approach (e.g. the statistic over the whole training set). */
  target?: { value: number; label: string };
}

/** Options of {@link runningStatsConvergence}. */
export interface RunningStatsFigureOptions {
  /** Figure title. */
  title?: string;
  /** y axis title. Default `estimate`. */
  yTitle?: string;
  /** x axis title. Default `training step`. */
  xTitle?: string;
  /** Logarithmic x axis (early steps visible). Default false. */
  logX?: boolean;
  /** Height in pixels. Default 420. */
  height?: number;
}

/**
 * Running estimates converging to a target: running lines, faint batch points, and the target
 * as a dashed horizontal line.
 *
 * @example
 * ```ts
 * runningStatsConvergence({
 *   running: [{ name: 'running mean', steps: [1, 2, 3], values: [0.05, 0.09, 0.13] }],
 *   batch: { name: 'batch mean', steps: [1, 2, 3], values: [0.5, 0.45, 0.52] },
 *   target: { value: 0.49, label: 'mean over the training set' },
 * }, { title: 'Running mean of channel 0' });
 * ```
 * @throws when a series' steps and values differ in length.
 */
export function runningStatsConvergence(
  input: RunningStatsFigureInput,
  options: RunningStatsFigureOptions = {},
): Figure {
  const data: PlotTrace[] = [];
  const all = [...(input.batch ? [input.batch] : []), ...input.running];
  for (const s of all) {
    if (s.steps.length !== s.values.length) {
      throw new Error(
        `series '${s.name}': steps has ${s.steps.length} entries, values ${s.values.length}; they must match`,
      );
    }
  }
  if (input.batch) {
    const color = input.batch.color ?? '#888888';
    data.push({
      type: 'scatter',
      name: input.batch.name,
      x: input.batch.steps,
      y: finiteList(input.batch.values),
      mode: 'markers',
      marker: { color, size: 4, opacity: 0.5 },
    });
  }
  input.running.forEach((s, i) => {
    const color = seriesColorOf(s, i);
    data.push({
      type: 'scatter',
      name: s.name,
      x: s.steps,
      y: finiteList(s.values),
      mode: 'lines',
      line: { color, width: 2, dash: s.dash ?? 'solid' },
    });
  });
  if (input.target) {
    const steps = all.flatMap((s) => s.steps);
    const lo = steps.length ? Math.min(...steps) : 0;
    const hi = steps.length ? Math.max(...steps) : 1;
    data.push({
      type: 'scatter',
      name: input.target.label,
      x: [lo, hi],
      y: [input.target.value, input.target.value],
      mode: 'lines',
      line: { color: '#888888', dash: 'dash', width: 1.5 },
    });
  }
  return {
    data,
    layout: themedLayout(options.title, {
      height: options.height ?? 420,
      xaxis: themedAxis(options.xTitle ?? 'training step', options.logX ? { type: 'log' } : {}),
      yaxis: themedAxis(options.yTitle ?? 'estimate'),
    }),
  };
}
