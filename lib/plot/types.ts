/**
 * A typed, JSON-serialisable Plotly figure: the `data` traces and the `layout`, exactly what
 * `Plotly.newPlot(el, figure.data, figure.layout)` takes and what Jupyter's
 * `application/vnd.plotly.v1+json` MIME bundle holds.
 *
 * Only the fields normlab's builders use are typed; every value is plain JSON (numbers, strings,
 * booleans, arrays, objects, `null`), so `JSON.parse(JSON.stringify(figure))` gives the same
 * figure back. Non-finite numbers are not JSON: builders write `null` for a missing point
 * (Plotly draws a gap there).
 *
 * @module
 */

/** A number, or `null` for a missing point (JSON has no NaN). */
export type PlotNumber = number | null;

/** One axis' values: numbers (with gaps) or category labels. */
export type PlotValues = PlotNumber[] | string[];

/** Line style of a trace. */
export interface PlotLine {
  /** CSS colour. */
  color?: string;
  /** Width in pixels. */
  width?: number;
  /** `solid`, `dot`, `dash`, `longdash`, `dashdot`. */
  dash?: 'solid' | 'dot' | 'dash' | 'longdash' | 'dashdot';
  /** `linear`, `spline`, `hv` (steps)... */
  shape?: 'linear' | 'spline' | 'hv' | 'vh';
}

/** Marker style of a trace (points, bars, histogram bins). */
export interface PlotMarker {
  /** One CSS colour, or one per point. */
  color?: string | string[];
  /** Size in pixels. */
  size?: number;
  /** Marker symbol: `circle`, `square`, `diamond`, `x`... */
  symbol?: string;
  /** 0..1. */
  opacity?: number;
  /** Outline; a width per point picks out single bars. */
  line?: { color?: string; width?: number | number[] };
  /** Bars: a fill pattern (`/` hatches), one shape per bar (`''` for a plain one). */
  pattern?: { shape?: string | string[]; fgcolor?: string };
}

/** Error bars (`error_y` / `error_x`): symmetric or asymmetric, absolute values. */
export interface PlotErrorBars {
  type: 'data';
  /** Upper half-widths (or both, when `symmetric`). */
  array: PlotNumber[];
  /** Lower half-widths when not symmetric. */
  arrayminus?: PlotNumber[];
  symmetric?: boolean;
  visible?: boolean;
  color?: string;
  thickness?: number;
  width?: number;
}

/** One Plotly trace. `type` selects the chart; the other fields apply where Plotly uses them. */
export interface PlotTrace {
  type: 'scatter' | 'bar' | 'histogram' | 'heatmap' | 'box' | 'table';
  name?: string;
  x?: PlotValues;
  y?: PlotValues;
  /** Heatmap cell values, one row per y. */
  z?: PlotNumber[][];
  /** Scatter: `lines`, `markers`, `lines+markers`, `text`... */
  mode?: string;
  line?: PlotLine;
  marker?: PlotMarker;
  /** `toself`, `tonexty`, `none`: shaded bands are a closed `toself` polygon. */
  fill?: 'none' | 'toself' | 'tonexty' | 'tozeroy';
  fillcolor?: string;
  opacity?: number;
  showlegend?: boolean;
  legendgroup?: string;
  hoverinfo?: string;
  hovertemplate?: string;
  /** Hover/label text: one string, one per point, or (heatmaps) one per cell. */
  text?: string | string[] | string[][];
  textposition?: string;
  /** Bars: where text inside a bar sits (`middle`, `start`, `end`). */
  insidetextanchor?: 'middle' | 'start' | 'end';
  /** Degrees; -90 runs text up a bar. */
  textangle?: number;
  /** Per point, a value hover templates can show as `%{customdata}`. */
  customdata?: (string | number)[];
  error_y?: PlotErrorBars;
  error_x?: PlotErrorBars;
  /** Bar width in x units (one number for all bars). */
  width?: number;
  /** Bar and histogram orientation. */
  orientation?: 'v' | 'h';
  /** Histogram: number of bins (upper bound). */
  nbinsx?: number;
  /** Histogram normalisation: `''` (counts), `probability density`... */
  histnorm?: '' | 'percent' | 'probability' | 'density' | 'probability density';
  /** Axis references for subplots: `x2`, `y2`... */
  xaxis?: string;
  yaxis?: string;
  /** Heatmap colour scale: a named one or `[position, colour]` stops. */
  colorscale?: string | [number, string][];
  showscale?: boolean;
  zmin?: number;
  zmax?: number;
  xgap?: number;
  ygap?: number;
  /** Whether Plotly connects across `null` gaps. */
  connectgaps?: boolean;
  /** Initial visibility: `legendonly` hides the trace until its legend entry is clicked. */
  visible?: boolean | 'legendonly';
  /** Table trace: header and cells. */
  header?: { values: string[]; align?: string; fill?: { color?: string }; font?: PlotFont };
  cells?: {
    values: (string | number)[][];
    align?: string;
    /** One colour, or per column a colour per row. */
    fill?: { color?: string | string[][] };
    font?: PlotFont;
  };
  /** Table: relative column widths. */
  columnwidth?: number[];
}

/** Font settings. */
export interface PlotFont {
  family?: string;
  size?: number;
  color?: string;
}

/** One axis of the layout (`xaxis`, `yaxis`, `xaxis2`...). */
export interface PlotAxis {
  title?: { text: string; font?: PlotFont };
  type?: 'linear' | 'log' | 'category';
  range?: PlotNumber[];
  autorange?: boolean | 'reversed';
  /** Fraction of the plotting area [start, end] this axis spans (subplots). */
  domain?: [number, number];
  /** The axis this one is drawn against, e.g. `x2` for `yaxis2`. */
  anchor?: string;
  /** Share another axis' scale, e.g. `y`. */
  matches?: string;
  showgrid?: boolean;
  gridcolor?: string;
  zeroline?: boolean;
  zerolinecolor?: string;
  linecolor?: string;
  tickfont?: PlotFont;
  tickformat?: string;
  tickvals?: PlotValues;
  ticktext?: string[];
  /** Distance between ticks; on a log axis `1` is one tick per decade. */
  dtick?: number | string;
  showticklabels?: boolean;
  /** Tick marks: `''` (none), `outside`, `inside`. */
  ticks?: '' | 'outside' | 'inside';
  /** Draw the axis line. */
  showline?: boolean;
  automargin?: boolean;
  scaleanchor?: string;
  fixedrange?: boolean;
}

/** A text annotation placed on the figure. */
export interface PlotAnnotation {
  text: string;
  x: number | string;
  y: number | string;
  xref?: string;
  yref?: string;
  showarrow?: boolean;
  font?: PlotFont;
  xanchor?: 'left' | 'center' | 'right' | 'auto';
  yanchor?: 'top' | 'middle' | 'bottom' | 'auto';
  align?: 'left' | 'center' | 'right';
  /** Draw it. Default true. */
  visible?: boolean;
}

/** A shape drawn on the figure (rectangles for the axis diagrams, reference lines). */
export interface PlotShape {
  type: 'rect' | 'line' | 'circle' | 'path';
  x0?: number | string;
  x1?: number | string;
  y0?: number | string;
  y1?: number | string;
  path?: string;
  xref?: string;
  yref?: string;
  line?: PlotLine;
  fillcolor?: string;
  opacity?: number;
  layer?: 'above' | 'below';
}

/** The layout: titles, axes, legend, colours, size, annotations and shapes. */
export interface PlotLayout {
  title?: {
    text: string;
    font?: PlotFont;
    x?: number;
    xanchor?: 'left' | 'center' | 'right';
    /** Vertical position; with `yref: 'container'`, 1 is the chart's top edge. */
    y?: number;
    yref?: 'container' | 'paper';
    yanchor?: 'top' | 'middle' | 'bottom' | 'auto';
    /** Space between the title and its anchor, px. */
    pad?: { t?: number; b?: number; l?: number; r?: number };
  };
  xaxis?: PlotAxis;
  yaxis?: PlotAxis;
  /** Further x axes of subplots: `xaxis2`, `xaxis3`... */
  [xaxisN: `xaxis${number}`]: PlotAxis | undefined;
  /** Further y axes of subplots: `yaxis2`, `yaxis3`... */
  [yaxisN: `yaxis${number}`]: PlotAxis | undefined;
  /** Background outside the plotting area; normlab keeps it transparent. */
  paper_bgcolor?: string;
  /** Background of the plotting area; normlab keeps it transparent. */
  plot_bgcolor?: string;
  font?: PlotFont;
  legend?: {
    orientation?: 'v' | 'h';
    x?: number;
    y?: number;
    xanchor?: 'left' | 'center' | 'right' | 'auto';
    yanchor?: 'top' | 'middle' | 'bottom' | 'auto';
    /** What `x` is relative to: the plotting area (`paper`, default) or the whole figure (`container`). */
    xref?: 'paper' | 'container';
    /** What `y` is relative to: the plotting area (`paper`, default) or the whole figure (`container`). */
    yref?: 'paper' | 'container';
    font?: PlotFont;
    bgcolor?: string;
    title?: { text: string };
  };
  showlegend?: boolean;
  margin?: { l?: number; r?: number; t?: number; b?: number; pad?: number };
  width?: number;
  height?: number;
  autosize?: boolean;
  /** Bars side by side (`group`) or stacked (`stack`). */
  barmode?: 'group' | 'stack' | 'overlay' | 'relative';
  bargap?: number;
  hovermode?: 'closest' | 'x' | 'y' | 'x unified' | false;
  annotations?: PlotAnnotation[];
  shapes?: PlotShape[];
  /** Text on hover labels, colours and so on. */
  hoverlabel?: { bgcolor?: string; font?: PlotFont };
}

/** Plotly's config (the third argument of `newPlot`). */
export interface PlotConfig {
  responsive?: boolean;
  displaylogo?: boolean;
  displayModeBar?: boolean | 'hover';
  staticPlot?: boolean;
}

/**
 * A whole figure: what every builder in `lib/plot` returns and what `show` (lib/plot/display.ts, Node) and the
 * site's chart component display.
 *
 * @example
 * ```ts
 * const fig: Figure = { data: [{ type: 'scatter', x: [0, 1], y: [1, 0] }], layout: { title: { text: 'a line' } } };
 * JSON.stringify(fig); // plain JSON, ready for application/vnd.plotly.v1+json
 * ```
 */
export interface Figure {
  data: PlotTrace[];
  layout: PlotLayout;
  config?: PlotConfig;
}
