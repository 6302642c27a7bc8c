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
import { formatPlotNumber, splitDomains, subplotAxes, summarizeValues } from './values';

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
  /** Bins per panel (shared by the panel's series, between its smallest and largest value). Default 60. */
  bins?: number;
  /** x axis title under every panel. Default `value`. */
  xTitle?: string;
  /** Height in pixels. Default 380. */
  height?: number;
}

/** Binned density of some values: bin centres, densities and the bin width. */
export interface BinnedDensity {
  /** Bin centres. */
  centers: number[];
  /** `count / (n · width)` per bin (integrates to 1). */
  density: number[];
  /** Bin width. */
  width: number;
}

/**
 * Bin the finite values of a list into `bins` equal bins over `[lo, hi]` (values outside are
 * dropped) and return the probability density per bin.
 *
 * @throws when `bins` is not a positive integer or `hi < lo`.
 */
export function binDensity(values: ArrayLike<number>, lo: number, hi: number, bins: number): BinnedDensity {
  if (!Number.isInteger(bins) || bins < 1) throw new Error(`bins must be a positive integer; got ${bins}`);
  if (!(hi >= lo)) throw new Error(`the range must have hi >= lo; got [${lo}, ${hi}]`);
  const width = hi > lo ? (hi - lo) / bins : 1;
  const counts = new Array<number>(bins).fill(0);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v) || v < lo || v > hi) continue;
    const b = Math.min(bins - 1, Math.floor((v - lo) / width));
    counts[b]++;
    n++;
  }
  return {
    centers: counts.map((_, b) => lo + (b + 0.5) * width),
    density: counts.map((c) => (n > 0 ? c / (n * width) : 0)),
    width,
  };
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
 * Side-by-side histograms, one panel per stage (at most 6), binned here (so the figure stays
 * small whatever the number of values) and drawn as densities so panels with different spreads
 * compare. Each panel's annotation gives the mean and standard deviation of all its values.
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
  const bins = options.bins ?? 60;
  const domains = splitDomains(stages.length, 0.05);
  const data: PlotTrace[] = [];
  const annotations: PlotAnnotation[] = [];
  const layout = themedLayout(options.title, {
    height: options.height ?? 380,
    barmode: 'overlay',
    bargap: 0,
  });
  const seen = new Set<string>();
  stages.forEach((stage, i) => {
    const axes = subplotAxes(i);
    const summary = summarizeValues(concatValues(stage.series.map((s) => s.values)));
    const lo = Number.isFinite(summary.min) ? summary.min : 0;
    const hi = Number.isFinite(summary.max) ? summary.max : 1;
    stage.series.forEach((s, j) => {
      const binned = binDensity(s.values, lo, hi, bins);
      const color = seriesColorOf(s, j);
      data.push({
        type: 'bar',
        name: s.name,
        x: binned.centers.map((c) => Number(c.toPrecision(6))),
        y: binned.density.map((d) => Number(d.toPrecision(5))),
        width: binned.width,
        marker: { color, line: { color, width: 0 } },
        opacity: stage.series.length > 1 ? 0.5 : 0.85,
        xaxis: axes.x,
        yaxis: axes.y,
        legendgroup: s.name,
        showlegend: !seen.has(s.name) && stage.series.length > 1,
        hovertemplate: `${s.name}: %{x:.3g} density %{y:.3g}<extra></extra>`,
      });
      seen.add(s.name);
    });
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
