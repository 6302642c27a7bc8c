/**
 * Side-by-side heatmaps of small matrices (e.g. the mean of every (sample, channel) feature map
 * after each kind of normalization), on one shared diverging colour scale.
 *
 * @module
 */
import { themedAxis, themedLayout } from './theme';
import type { Figure, PlotAnnotation, PlotAxis, PlotLayout, PlotTrace } from './types';
import { finiteOrNull, splitDomains, subplotAxes } from './values';

/** One matrix panel. */
export interface HeatmapPanel {
  /** Panel title. */
  title: string;
  /** The values, `z[row][column]`. */
  z: number[][];
}

/** Options of {@link heatmapPanels}. */
export interface HeatmapPanelsOptions {
  /** Figure title. */
  title?: string;
  /** x axis title under every panel. Default `column`. */
  xTitle?: string;
  /** y axis title of the first panel. Default `row`. */
  yTitle?: string;
  /** Symmetric colour range `[-limit, limit]`. Default: the largest |value| over all panels. */
  limit?: number;
  /** Colour-bar title. Default `value`. */
  valueTitle?: string;
  /** Height in pixels. Default 360. */
  height?: number;
}

/**
 * Heatmaps side by side (at most 6), sharing a diverging colour scale centred on 0 (blue
 * negative, grey zero, amber positive) that reads on light and dark backgrounds; rows top-down.
 *
 * @example
 * ```ts
 * heatmapPanels([{ title: 'BatchNorm', z: [[0.1, -0.1], [0.2, -0.2]] }], { xTitle: 'sample', yTitle: 'channel' });
 * ```
 * @throws when there are no panels, more than 6, or a ragged matrix.
 */
export function heatmapPanels(panels: HeatmapPanel[], options: HeatmapPanelsOptions = {}): Figure {
  if (panels.length < 1 || panels.length > 6)
    throw new Error(`panels must hold 1 to 6 matrices; got ${panels.length}`);
  for (const p of panels) {
    if (p.z.length === 0 || p.z.some((row) => row.length !== p.z[0].length)) {
      throw new Error(`panel '${p.title}': z must be a non-empty rectangular matrix`);
    }
  }
  let limit = options.limit ?? 0;
  if (options.limit === undefined) {
    for (const p of panels)
      for (const row of p.z)
        for (const v of row) if (Number.isFinite(v)) limit = Math.max(limit, Math.abs(v));
  }
  if (!(limit > 0)) limit = 1;
  const domains = splitDomains(panels.length, 0.04);
  const layout = themedLayout(options.title, { height: options.height ?? 360, showlegend: false });
  const data: PlotTrace[] = [];
  const annotations: PlotAnnotation[] = [];
  panels.forEach((p, i) => {
    const axes = subplotAxes(i);
    data.push({
      type: 'heatmap',
      name: p.title,
      z: p.z.map((row) => row.map((v) => finiteOrNull(v))),
      zmin: -limit,
      zmax: limit,
      colorscale: [
        [0, '#2f86d6'],
        [0.5, 'rgba(136, 136, 136, 0.25)'],
        [1, '#d98a00'],
      ],
      showscale: i === panels.length - 1,
      xgap: 1,
      ygap: 1,
      xaxis: axes.x,
      yaxis: axes.y,
      hovertemplate: `${p.title}<br>row %{y}, column %{x}: %{z:.4f}<extra></extra>`,
    });
    addMatrixPanelAxes(layout, annotations, i, domains, {
      title: `<b>${p.title}</b>`,
      xTitle: options.xTitle ?? 'column',
      yTitle: options.yTitle ?? 'row',
    });
  });
  layout.annotations = annotations;
  layout.margin = { l: 60, r: 20, t: options.title ? 90 : 50, b: 50 };
  return { data, layout };
}

/** Titles and extra x-axis settings of one panel for {@link addMatrixPanelAxes}. */
export interface MatrixPanelAxes {
  /** The panel's title (HTML allowed), centred above it. */
  title: string;
  /** x axis title under the panel. */
  xTitle: string;
  /** y axis title, shown on the first panel only. */
  yTitle: string;
  /** Extra settings of the panel's x axis (e.g. `tickvals`). */
  xAxis?: PlotAxis;
}

/**
 * Lay out panel `index` of a row of matrix panels: its title annotation, an x axis over
 * `domains[index]` and a y axis with rows top-down (tick labels and title on the first panel only).
 * Shared by {@link heatmapPanels} and the norm-axes diagram.
 */
export function addMatrixPanelAxes(
  layout: PlotLayout,
  annotations: PlotAnnotation[],
  index: number,
  domains: [number, number][],
  panel: MatrixPanelAxes,
): void {
  const axes = subplotAxes(index);
  const [from, to] = domains[index];
  annotations.push({
    text: panel.title,
    x: (from + to) / 2,
    y: 1,
    xref: 'paper',
    yref: 'paper',
    xanchor: 'center',
    yanchor: 'bottom',
    showarrow: false,
  });
  layout[axes.xKey] = themedAxis(panel.xTitle, {
    domain: [from, to],
    anchor: axes.y,
    showgrid: false,
    zeroline: false,
    ...panel.xAxis,
  });
  layout[axes.yKey] = themedAxis(index === 0 ? panel.yTitle : undefined, {
    anchor: axes.x,
    autorange: 'reversed',
    showgrid: false,
    zeroline: false,
    showticklabels: index === 0,
  });
}
