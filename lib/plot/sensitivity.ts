/**
 * Sensitivity figures: a metric (mean and interval across seeds) against a swept setting on a log
 * axis (batch size, learning rate, initialization scale), one line per norm kind, optionally with
 * the share of diverged runs in a panel underneath.
 *
 * @module
 */
import { errorHalfWidths } from './bars';
import { seriesColorOf } from './curves';
import { themedAxis, themedLayout } from './theme';
import type { Figure, PlotTrace } from './types';
import { finiteOrNull, formatPlotNumber } from './values';

/** One swept setting's result. */
export interface SensitivityPoint {
  /** The setting's value (batch size, learning rate, init scale), > 0 on log axes. */
  x: number;
  /** The metric (mean across seeds); `NaN`/`null` when every run diverged. */
  mean: number | null;
  /** Lower end of the interval. Default: none. */
  lower?: number | null;
  /** Upper end of the interval. Default: none. */
  upper?: number | null;
  /** Share of runs that diverged, in [0, 1]. Default 0. */
  diverged?: number;
  /** Runs behind the point (hover). */
  n?: number;
}

/** One line of a sensitivity figure. */
export interface SensitivitySeries {
  /** Legend name. */
  name: string;
  /** The points, in any order (sorted by x when drawn). */
  points: SensitivityPoint[];
  /** A norm kind: picks the kind's colour. */
  kind?: string;
  /** Colour; overrides `kind`. */
  color?: string;
}

/** Options of `sensitivityFigure`. */
export interface SensitivityOptions {
  /** Figure title. */
  title?: string;
  /** x axis title (the swept setting). Default `setting`. */
  xTitle?: string;
  /** y axis title (the metric). Default `metric`. */
  yTitle?: string;
  /** Logarithmic x axis. Default true. */
  logX?: boolean;
  /** Fixed y range of the metric panel. Default automatic. */
  yRange?: [number, number];
  /** What the error bars mean, for hover. Default `interval`. */
  intervalLabel?: string;
  /**
   * Add a lower panel with the share of diverged runs per point: `true`, `false`, or `'auto'`
   * (only when some point has diverged runs). Default `'auto'`.
   */
  showDiverged?: boolean | 'auto';
  /** Height in pixels. Default 440 (520 with the diverged panel). */
  height?: number;
}

/**
 * A metric against a swept setting: lines with error bars per series; diverged runs in a panel
 * below when any diverged.
 *
 * @example
 * ```ts
 * sensitivityFigure([{ name: 'BatchNorm', kind: 'batch', points: [{ x: 0.01, mean: 0.85 }, { x: 0.1, mean: 0.88 }, { x: 1, mean: null, diverged: 1 }] }],
 *   { xTitle: 'learning rate', yTitle: 'test accuracy' });
 * ```
 */
export function sensitivityFigure(series: SensitivitySeries[], options: SensitivityOptions = {}): Figure {
  const anyDiverged = series.some((s) => s.points.some((p) => (p.diverged ?? 0) > 0));
  const showDiverged =
    options.showDiverged === 'auto' || options.showDiverged === undefined
      ? anyDiverged
      : options.showDiverged;
  const data: PlotTrace[] = [];
  series.forEach((s, i) => {
    const color = seriesColorOf(s, i);
    const points = [...s.points].sort((a, b) => a.x - b.x);
    for (const p of points) {
      if (options.logX !== false && !(p.x > 0)) {
        throw new Error(`series '${s.name}': x must be > 0 on a log axis; got ${p.x}`);
      }
    }
    const means = points.map((p) => finiteOrNull(p.mean));
    const hasInterval = points.some((p) => p.lower !== undefined && p.upper !== undefined);
    const text = points.map((p) => {
      const parts = [
        `${s.name} @ ${formatPlotNumber(p.x)}: ${p.mean === null || !Number.isFinite(p.mean) ? 'n/a' : formatPlotNumber(p.mean)}`,
      ];
      if (finiteOrNull(p.lower) !== null && finiteOrNull(p.upper) !== null) {
        parts.push(
          `${options.intervalLabel ?? 'interval'} [${formatPlotNumber(p.lower as number)}, ${formatPlotNumber(p.upper as number)}]`,
        );
      }
      if ((p.diverged ?? 0) > 0) parts.push(`diverged ${Math.round((p.diverged ?? 0) * 100)}%`);
      if (p.n !== undefined) parts.push(`n = ${p.n}`);
      return parts.join('<br>');
    });
    const line: PlotTrace = {
      type: 'scatter',
      name: s.name,
      x: points.map((p) => p.x),
      y: means,
      mode: 'lines+markers',
      line: { color, width: 2 },
      marker: { color, size: 7 },
      legendgroup: `series-${i}`,
      text,
      hovertemplate: '%{text}<extra></extra>',
    };
    if (hasInterval) {
      line.error_y = {
        type: 'data',
        symmetric: false,
        ...errorHalfWidths(
          means,
          points.map((p) => p.lower ?? null),
          points.map((p) => p.upper ?? null),
        ),
        color,
        thickness: 1.5,
        width: 4,
      };
    }
    data.push(line);
    if (showDiverged) {
      data.push({
        type: 'bar',
        name: `${s.name} diverged`,
        x: points.map((p) => p.x),
        y: points.map((p) => p.diverged ?? 0),
        marker: { color },
        xaxis: 'x2',
        yaxis: 'y2',
        legendgroup: `series-${i}`,
        showlegend: false,
        hovertemplate: `${s.name}: %{y:.0%} diverged<extra></extra>`,
      });
    }
  });
  const xType = options.logX === false ? undefined : ('log' as const);
  const layout = themedLayout(options.title, {
    height: options.height ?? (showDiverged ? 520 : 440),
    xaxis: themedAxis(showDiverged ? undefined : (options.xTitle ?? 'setting'), {
      ...(xType ? { type: xType } : {}),
      ...(showDiverged ? { domain: [0, 1] as [number, number], anchor: 'y', showticklabels: false } : {}),
    }),
    yaxis: themedAxis(options.yTitle ?? 'metric', {
      ...(options.yRange ? { range: options.yRange } : {}),
      ...(showDiverged ? { domain: [0.32, 1] as [number, number] } : {}),
    }),
  });
  if (showDiverged) {
    layout.xaxis2 = themedAxis(options.xTitle ?? 'setting', {
      ...(xType ? { type: xType } : {}),
      anchor: 'y2',
      matches: 'x',
    });
    layout.yaxis2 = themedAxis('diverged', {
      domain: [0, 0.22],
      range: [0, 1],
      tickformat: '.0%',
      anchor: 'x2',
    });
    layout.barmode = 'group';
  }
  return { data, layout };
}

/**
 * `sensitivityFigure` with batch size on a log₂ axis (ticks at the swept sizes).
 *
 * @example
 * ```ts
 * show(batchSizeSensitivity([
 *   { name: 'batch norm', kind: 'batch', points: [{ x: 2, mean: 0.31 }, { x: 16, mean: 0.8 }, { x: 64, mean: 0.85 }] },
 *   { name: 'group norm', kind: 'group', points: [{ x: 2, mean: 0.78 }, { x: 16, mean: 0.8 }, { x: 64, mean: 0.82 }] },
 * ]));
 * ```
 */
export function batchSizeSensitivity(series: SensitivitySeries[], options: SensitivityOptions = {}): Figure {
  const fig = sensitivityFigure(series, { xTitle: 'batch size', yTitle: 'test accuracy', ...options });
  const sizes = [...new Set(series.flatMap((s) => s.points.map((p) => p.x)))].sort((a, b) => a - b);
  const ticks = { tickvals: sizes, ticktext: sizes.map(String) };
  const key = fig.layout.xaxis2 ? 'xaxis2' : 'xaxis';
  fig.layout[key] = { ...fig.layout[key], ...ticks };
  return fig;
}

/**
 * `sensitivityFigure` with the learning rate on a log axis.
 *
 * @example
 * ```ts
 * show(learningRateSensitivity([{ name: 'batch norm', kind: 'batch', points: [{ x: 0.01, mean: 0.8 }, { x: 0.3, mean: 0.85 }, { x: 3, mean: null, diverged: 3 }] }]));
 * ```
 */
export function learningRateSensitivity(
  series: SensitivitySeries[],
  options: SensitivityOptions = {},
): Figure {
  return sensitivityFigure(series, { xTitle: 'learning rate', yTitle: 'test accuracy', ...options });
}

/**
 * Initialization-scale robustness: the metric against the multiplier of the initial weights'
 * standard deviation (log axis), with the share of diverged runs underneath (always shown).
 *
 * @example
 * ```ts
 * show(initScaleRobustness([{ name: 'none', kind: 'none', points: [{ x: 0.1, mean: 0.1 }, { x: 1, mean: 0.84 }, { x: 10, mean: 0.1 }] }]));
 * ```
 */
export function initScaleRobustness(series: SensitivitySeries[], options: SensitivityOptions = {}): Figure {
  return sensitivityFigure(series, {
    xTitle: 'initialization scale (× default std)',
    yTitle: 'test accuracy',
    showDiverged: true,
    ...options,
  });
}
