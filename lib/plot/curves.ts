/**
 * Curves with confidence bands: one line per series (the mean across seeds) and a shaded band
 * around it (e.g. a 95% confidence interval or min–max across seeds).
 *
 * @module
 */
import { logAxis } from './axis-range';
import { normKindColor, seriesColor, themedAxis, themedLayout, withAlpha } from './theme';
import type { Figure, PlotLine, PlotTrace } from './types';
import { finiteList, finiteOrNull } from './values';

/** One curve: x values, the central line and an optional band. */
export interface BandSeries {
  /** Legend name. */
  name: string;
  /** x values (steps, epochs, seconds...). */
  x: number[];
  /** The line (usually the mean across seeds); non-finite values become gaps. */
  mean: (number | null)[];
  /** Lower edge of the band, same length as `x`. Default: no band. */
  lower?: (number | null)[];
  /** Upper edge of the band, same length as `x`. Default: no band. */
  upper?: (number | null)[];
  /** A norm kind (`none | batch | layer | instance | group`): picks the kind's colour. */
  kind?: string;
  /** Colour (`#rrggbb`); overrides `kind`. Default: the kind's colour, else the series palette. */
  color?: string;
  /** Line dash. Default `solid`. */
  dash?: PlotLine['dash'];
  /** Also draw markers at the points. Default false. */
  markers?: boolean;
}

/** Options of {@link curvesWithBands}. */
export interface CurvesOptions {
  /** Figure title. Default none. */
  title?: string;
  /** x axis title. Default none. */
  xTitle?: string;
  /** y axis title. Default none. */
  yTitle?: string;
  /** Logarithmic x axis. Default false. */
  logX?: boolean;
  /** Logarithmic y axis, with at least three labelled ticks framing the data. Default false. */
  logY?: boolean;
  /** Fixed y range `[min, max]`. Default: automatic. */
  yRange?: [number, number];
  /** What the band means, shown on hover (e.g. `95% CI across 5 seeds`). Default `band`. */
  bandLabel?: string;
  /** Band opacity in [0, 1]. Default 0.2. */
  bandOpacity?: number;
  /** Height in pixels. Default 420. */
  height?: number;
}

function check(series: BandSeries): void {
  const n = series.x.length;
  for (const key of ['mean', 'lower', 'upper'] as const) {
    const v = series[key];
    if (v !== undefined && v.length !== n) {
      throw new Error(`series '${series.name}': ${key} has ${v.length} values, x has ${n}; they must match`);
    }
  }
  if ((series.lower === undefined) !== (series.upper === undefined)) {
    throw new Error(`series '${series.name}': give both lower and upper, or neither`);
  }
}

/** The colour of a series: explicit, else its norm kind's, else the `index`-th palette colour. */
export function seriesColorOf(series: { color?: string; kind?: string }, index: number): string {
  if (series.color) return series.color;
  if (series.kind) return normKindColor(series.kind);
  return seriesColor(index);
}

/**
 * The closed polygon of a band (upper edge left to right, lower edge right to left) as a
 * `fill: 'toself'` scatter trace; points where either edge is missing are left out.
 */
export function bandTrace(
  x: number[],
  lower: (number | null)[],
  upper: (number | null)[],
  color: string,
  options: { name: string; legendgroup?: string; opacity?: number; xaxis?: string; yaxis?: string } = {
    name: 'band',
  },
): PlotTrace {
  const keep = x
    .map((_, i) => i)
    .filter((i) => finiteOrNull(lower[i]) !== null && finiteOrNull(upper[i]) !== null);
  const xs = [...keep.map((i) => x[i]), ...keep.map((i) => x[i]).reverse()];
  const ys = [...keep.map((i) => upper[i] as number), ...keep.map((i) => lower[i] as number).reverse()];
  const trace: PlotTrace = {
    type: 'scatter',
    name: options.name,
    x: xs,
    y: ys,
    fill: 'toself',
    fillcolor: withAlpha(color, options.opacity ?? 0.2),
    line: { color: 'rgba(0, 0, 0, 0)', width: 0 },
    mode: 'lines',
    hoverinfo: 'skip',
    showlegend: false,
  };
  if (options.legendgroup) trace.legendgroup = options.legendgroup;
  if (options.xaxis) trace.xaxis = options.xaxis;
  if (options.yaxis) trace.yaxis = options.yaxis;
  return trace;
}

/**
 * Line chart with shaded bands: for each series, a band trace (when `lower`/`upper` are given)
 * drawn under its mean line; a legend click toggles both.
 *
 * @example
 * ```ts
 * const fig = curvesWithBands(
 *   [{ name: 'BatchNorm', kind: 'batch', x: [1, 2, 3], mean: [0.7, 0.8, 0.85], lower: [0.68, 0.79, 0.84], upper: [0.72, 0.81, 0.86] }],
 *   { title: 'Validation accuracy', xTitle: 'epoch', yTitle: 'accuracy', bandLabel: '95% CI over 5 seeds' },
 * );
 * ```
 * @throws when a series' arrays differ in length, or only one of `lower`/`upper` is given.
 */
export function curvesWithBands(series: BandSeries[], options: CurvesOptions = {}): Figure {
  const data: PlotTrace[] = [];
  series.forEach((s, i) => {
    check(s);
    const color = seriesColorOf(s, i);
    const group = `series-${i}`;
    if (s.lower && s.upper) {
      data.push(
        bandTrace(s.x, s.lower, s.upper, color, {
          name: `${s.name} (${options.bandLabel ?? 'band'})`,
          legendgroup: group,
          opacity: options.bandOpacity,
        }),
      );
    }
    data.push({
      type: 'scatter',
      name: s.name,
      x: s.x,
      y: finiteList(s.mean),
      mode: s.markers ? 'lines+markers' : 'lines',
      line: { color, width: 2, dash: s.dash ?? 'solid' },
      marker: { color, size: 6 },
      legendgroup: group,
    });
  });
  return {
    data,
    layout: themedLayout(options.title, {
      height: options.height ?? 420,
      xaxis: themedAxis(options.xTitle, options.logX ? { type: 'log' } : {}),
      yaxis: themedAxis(options.yTitle, {
        // Ticks from the data: Plotly labels a log axis once per decade, a single label (or none)
        // for data within a decade.
        ...(options.logY
          ? logAxis(series.flatMap((s) => [...s.mean, ...(s.lower ?? []), ...(s.upper ?? [])]))
          : {}),
        ...(options.yRange ? { range: options.yRange } : {}),
      }),
    }),
  };
}
