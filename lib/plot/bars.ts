/**
 * Bars with confidence intervals: grouped bars, one group per category (architecture, metric...)
 * and one colour per series (norm kind), with asymmetric error bars.
 *
 * @module
 */
import { seriesColorOf } from './curves';
import { THEME_FONT_COLOR, themedAxis, themedLayout } from './theme';
import type { Figure, PlotTrace } from './types';
import { finiteList, finiteOrNull, formatPlotNumber } from './values';

/** One series of bars: a value per category, with an optional interval. */
export interface BarSeries {
  /** Legend name. */
  name: string;
  /** Category labels (x axis), one per value. */
  categories: string[];
  /** Bar heights (usually the mean across seeds); non-finite values leave the bar out. */
  values: (number | null)[];
  /** Lower ends of the intervals, one per value. Default: no error bars. */
  lower?: (number | null)[];
  /** Upper ends of the intervals, one per value. Default: no error bars. */
  upper?: (number | null)[];
  /** A norm kind: picks the kind's colour. */
  kind?: string;
  /** Colour (`#rrggbb`); overrides `kind`. */
  color?: string;
  /** Extra hover text per bar (e.g. `n = 5 seeds`). */
  hoverText?: string[];
}

/** Options of {@link barsWithCI}. */
export interface BarsOptions {
  /** Figure title. */
  title?: string;
  /** x axis title. */
  xTitle?: string;
  /** y axis title. */
  yTitle?: string;
  /** Fixed y range. Default automatic. */
  yRange?: [number, number];
  /** What the error bars mean (hover), e.g. `95% CI`. Default `interval`. */
  intervalLabel?: string;
  /** Horizontal reference line at this y (e.g. a published accuracy). Default none. */
  reference?: { y: number; label: string };
  /** Height in pixels. Default 420. */
  height?: number;
}

/**
 * The error-bar half-widths of values with intervals: `array` = upper − value,
 * `arrayminus` = value − lower (`null` where anything is missing).
 */
export function errorHalfWidths(
  values: (number | null)[],
  lower: (number | null)[],
  upper: (number | null)[],
): { array: (number | null)[]; arrayminus: (number | null)[] } {
  const array = values.map((v, i) => {
    const u = finiteOrNull(upper[i]);
    const m = finiteOrNull(v);
    return u === null || m === null ? null : Math.max(0, u - m);
  });
  const arrayminus = values.map((v, i) => {
    const l = finiteOrNull(lower[i]);
    const m = finiteOrNull(v);
    return l === null || m === null ? null : Math.max(0, m - l);
  });
  return { array, arrayminus };
}

/**
 * Grouped bar chart with asymmetric error bars.
 *
 * @example
 * ```ts
 * barsWithCI([
 *   { name: 'BatchNorm', kind: 'batch', categories: ['mlp', 'vgg'], values: [0.88, 0.91], lower: [0.87, 0.9], upper: [0.89, 0.92] },
 *   { name: 'no norm', kind: 'none', categories: ['mlp', 'vgg'], values: [0.86, 0.89], lower: [0.85, 0.88], upper: [0.87, 0.9] },
 * ], { title: 'Test accuracy', yTitle: 'accuracy', intervalLabel: '95% CI' });
 * ```
 * @throws when a series' arrays differ in length.
 */
export function barsWithCI(series: BarSeries[], options: BarsOptions = {}): Figure {
  const data: PlotTrace[] = series.map((s, i) => {
    const n = s.categories.length;
    for (const key of ['values', 'lower', 'upper', 'hoverText'] as const) {
      const v = s[key];
      if (v !== undefined && v.length !== n) {
        throw new Error(
          `series '${s.name}': ${key} has ${v.length} entries, categories has ${n}; they must match`,
        );
      }
    }
    const color = seriesColorOf(s, i);
    const text = s.values.map((v, j) => {
      const parts = [`${s.name}: ${v === null ? 'n/a' : formatPlotNumber(v)}`];
      if (s.lower && s.upper && s.lower[j] !== null && s.upper[j] !== null) {
        parts.push(
          `${options.intervalLabel ?? 'interval'} [${formatPlotNumber(s.lower[j] as number)}, ${formatPlotNumber(s.upper[j] as number)}]`,
        );
      }
      if (s.hoverText) parts.push(s.hoverText[j]);
      return parts.join('<br>');
    });
    const trace: PlotTrace = {
      type: 'bar',
      name: s.name,
      x: s.categories,
      y: finiteList(s.values),
      marker: { color },
      text,
      hovertemplate: '%{text}<extra></extra>',
      textposition: 'none',
    };
    if (s.lower && s.upper) {
      trace.error_y = {
        type: 'data',
        symmetric: false,
        ...errorHalfWidths(s.values, s.lower, s.upper),
        // Mid grey, not Plotly's default #444 that vanishes on a dark page.
        color: THEME_FONT_COLOR,
        thickness: 1.5,
        width: 4,
      };
    }
    return trace;
  });
  if (options.reference && series.length > 0) {
    const cats = series[0].categories;
    data.push({
      type: 'scatter',
      name: options.reference.label,
      x: cats,
      y: cats.map(() => options.reference!.y),
      mode: 'lines',
      line: { color: '#888888', dash: 'dash', width: 1.5 },
    });
  }
  return {
    data,
    layout: themedLayout(options.title, {
      height: options.height ?? 420,
      barmode: 'group',
      xaxis: themedAxis(options.xTitle, { type: 'category' }),
      yaxis: themedAxis(options.yTitle, options.yRange ? { range: options.yRange } : {}),
    }),
  };
}
