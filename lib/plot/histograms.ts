/**
 * Histograms of activations: one panel per stage of a normalization (input, normalized x̂,
 * scaled-and-shifted y...), each with one or several overlaid series (e.g. per channel), and the
 * mean and standard deviation written on each panel.
 *
 * @module
 */
import { seriesColorOf } from './curves';
import { themedAxis, themedLayout } from './theme';
import type { Figure, PlotAnnotation, PlotTrace } from './types';
import { formatPlotNumber, randomSample, splitDomains, subplotAxes, summarizeValues } from './values';

/** One distribution in a panel. */
export interface HistogramSeries {
  /** Legend name (e.g. `channel 0`). */
  name: string;
  /** The values (a typed array from `tensor.dataSync()` is fine). */
  values: ArrayLike<number>;
  /** A norm kind: picks the kind's colour. */
  kind?: string;
  /** Colour; overrides `kind`. */
  color?: string;
}

/** One panel: a stage of the computation. */
export interface HistogramStage {
  /** Panel title, e.g. `x̂ = (x − μ) / √(σ² + ε)`. */
  title: string;
  /** The distributions drawn in it. */
  series: HistogramSeries[];
}

/** Options of {@link activationHistograms}. */
export interface HistogramOptions {
  /** Figure title. */
  title?: string;
  /** Bins per series (upper bound; Plotly picks nice edges). Default 60. */
  bins?: number;
  /** Values drawn per series (seeded random sample; the mean/std annotation uses all values) to keep the JSON small. Default 20000. */
  maxValues?: number;
  /** x axis title under every panel. Default `value`. */
  xTitle?: string;
  /** Height in pixels. Default 380. */
  height?: number;
}

function concatValues(lists: ArrayLike<number>[]): Float64Array {
  const out = new Float64Array(lists.reduce((n, l) => n + l.length, 0));
  let offset = 0;
  for (const l of lists) {
    for (let i = 0; i < l.length; i++) out[offset + i] = l[i];
    offset += l.length;
  }
  return out;
}

/**
 * Side-by-side histograms, one panel per stage (at most 6), y as probability density so panels
 * with different spreads compare. Each panel's annotation gives the mean and standard deviation
 * of all its values.
 *
 * @example
 * ```ts
 * activationHistograms([
 *   { title: 'x', series: [{ name: 'x', values: x.dataSync() }] },
 *   { title: 'x̂', series: [{ name: 'x̂', values: xHat.dataSync() }] },
 * ], { title: 'Before and after normalization' });
 * ```
 * @throws when there are no stages or more than 6.
 */
export function activationHistograms(stages: HistogramStage[], options: HistogramOptions = {}): Figure {
  if (stages.length < 1 || stages.length > 6) {
    throw new Error(`stages must hold 1 to 6 panels; got ${stages.length}`);
  }
  const maxValues = options.maxValues ?? 20000;
  const domains = splitDomains(stages.length, 0.05);
  const data: PlotTrace[] = [];
  const annotations: PlotAnnotation[] = [];
  const layout = themedLayout(options.title, {
    height: options.height ?? 380,
    barmode: 'overlay',
    bargap: 0.02,
  });
  const seen = new Set<string>();
  stages.forEach((stage, i) => {
    const axes = subplotAxes(i);
    const all: ArrayLike<number>[] = [];
    stage.series.forEach((s, j) => {
      const values = randomSample(s.values, maxValues, j);
      all.push(s.values);
      data.push({
        type: 'histogram',
        name: s.name,
        x: values,
        nbinsx: options.bins ?? 60,
        histnorm: 'probability density',
        marker: { color: seriesColorOf(s, j) },
        opacity: stage.series.length > 1 ? 0.55 : 0.85,
        xaxis: axes.x,
        yaxis: axes.y,
        legendgroup: s.name,
        showlegend: !seen.has(s.name) && stage.series.length > 1,
      });
      seen.add(s.name);
    });
    const summary = summarizeValues(concatValues(all));
    annotations.push({
      text: `<b>${stage.title}</b><br>mean ${formatPlotNumber(summary.mean)}, std ${formatPlotNumber(summary.std)}`,
      x: (domains[i][0] + domains[i][1]) / 2,
      y: 1.0,
      xref: 'paper',
      yref: 'paper',
      xanchor: 'center',
      yanchor: 'bottom',
      showarrow: false,
    });
    layout[axes.xKey] = themedAxis(options.xTitle ?? 'value', { domain: domains[i], anchor: axes.y });
    layout[axes.yKey] = themedAxis(i === 0 ? 'density' : undefined, { anchor: axes.x });
  });
  layout.annotations = annotations;
  layout.margin = { ...layout.margin, t: options.title ? 90 : 50 };
  return { data, layout };
}
