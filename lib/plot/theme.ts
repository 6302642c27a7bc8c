/**
 * normlab's chart theme: one colour per normalization kind, transparent backgrounds and a
 * mid-grey font, so the same figure JSON reads on a light page (JupyterLab's default theme, the
 * site in light mode) and on a dark one (JupyterLab dark, the site in dark mode).
 *
 * Every colour here has a WCAG contrast ratio of at least 3 against white and against a dark
 * background (#1e1e1e): their relative luminance lies between 0.19 and 0.27.
 *
 * @module
 */
import type { Figure, PlotAxis, PlotLayout } from './types';

/**
 * The normalization kinds charts colour: the library's `normLayer` kinds the study compares, and the
 * study's `group-ws` arm (group norm over weight-standardized convolutions).
 */
export type PlotNormKind =
  | 'none'
  | 'batch'
  | 'layer'
  | 'instance'
  | 'group'
  | 'noisy-batch'
  | 'batch-renorm'
  | 'group-ws';

/** The kinds in the order charts list them (legend order, bar order). */
export const PLOT_NORM_KINDS: readonly PlotNormKind[] = [
  'none',
  'batch',
  'layer',
  'instance',
  'group',
  'noisy-batch',
  'batch-renorm',
  'group-ws',
];

/**
 * One colour per normalization kind (hex), readable on light and dark backgrounds and
 * distinguishable with the common colour-vision deficiencies (an Okabe–Ito-like set):
 * none grey, batch blue, layer amber, instance green, group magenta, noisy batch vermilion; the
 * small-batch remedies next to their parents' hues: batch renorm periwinkle, group norm + weight
 * standardization teal.
 *
 * @example
 * ```ts
 * const trace = { type: 'scatter', y: [1, 2], line: { color: NORM_KIND_COLORS.batch } };
 * ```
 */
export const NORM_KIND_COLORS: Readonly<Record<PlotNormKind, string>> = {
  none: '#8c8c8c',
  batch: '#2f86d6',
  layer: '#c97a00',
  instance: '#009e73',
  group: '#c05fa0',
  'noisy-batch': '#d55e00',
  'batch-renorm': '#7b7bd6',
  'group-ws': '#3f9aa0',
};

/** Human labels for legends: `batch` → `BatchNorm`. */
export const NORM_KIND_LABELS: Readonly<Record<PlotNormKind, string>> = {
  none: 'no norm',
  batch: 'BatchNorm',
  layer: 'LayerNorm',
  instance: 'InstanceNorm',
  group: 'GroupNorm',
  'noisy-batch': 'noisy BatchNorm',
  'batch-renorm': 'BatchRenorm',
  'group-ws': 'GroupNorm + WS',
};

/**
 * Colours for series that are not norm kinds (architectures, steps, seeds), in order; the same
 * luminance band as {@link NORM_KIND_COLORS}.
 */
export const SERIES_COLORS: readonly string[] = [
  '#2f86d6',
  '#d55e00',
  '#009e73',
  '#a970d6',
  '#c97a00',
  '#c05fa0',
  '#3c9a3c',
  '#8c8c8c',
];

/** Font colour that reads on white and on near-black backgrounds (mid grey). */
export const THEME_FONT_COLOR = '#888888';

/** Grid lines: the font grey, faint. */
export const THEME_GRID_COLOR = 'rgba(136, 136, 136, 0.25)';

/** Transparent background: the page's own background shows through. */
export const THEME_BACKGROUND = 'rgba(0, 0, 0, 0)';

/** Font family: the platform's UI sans-serif. */
export const THEME_FONT_FAMILY =
  '-apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

function isNormKind(kind: string): kind is PlotNormKind {
  return (PLOT_NORM_KINDS as readonly string[]).includes(kind);
}

/**
 * The colour of a normalization kind.
 *
 * @param kind - `none | batch | layer | instance | group | noisy-batch`.
 * @throws when `kind` is not one of them.
 */
export function normKindColor(kind: string): string {
  if (!isNormKind(kind)) {
    throw new Error(`kind must be one of ${PLOT_NORM_KINDS.join(', ')}; got '${kind}'`);
  }
  return NORM_KIND_COLORS[kind];
}

/** The legend label of a normalization kind (`batch` → `BatchNorm`); unknown names pass through. */
export function normKindLabel(kind: string): string {
  return isNormKind(kind) ? NORM_KIND_LABELS[kind] : kind;
}

/** The `index`-th series colour, cycling through {@link SERIES_COLORS}. */
export function seriesColor(index: number): string {
  const n = SERIES_COLORS.length;
  return SERIES_COLORS[((Math.trunc(index) % n) + n) % n];
}

/**
 * A hex colour (`#rrggbb`) with an alpha channel, as `rgba(r, g, b, a)`: for confidence bands
 * and highlighted blocks.
 *
 * @param color - `#rrggbb`.
 * @param alpha - opacity in [0, 1].
 * @throws when `color` is not `#rrggbb` or `alpha` is outside [0, 1].
 */
export function withAlpha(color: string, alpha: number): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  if (!m) throw new Error(`color must be a hex colour '#rrggbb'; got '${color}'`);
  if (!(alpha >= 0 && alpha <= 1)) throw new Error(`alpha must be in [0, 1]; got ${alpha}`);
  const [r, g, b] = [m[1], m[2], m[3]].map((h) => Number.parseInt(h, 16));
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

/** WCAG relative luminance of a `#rrggbb` colour (0 black … 1 white). */
export function relativeLuminance(color: string): number {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  if (!m) throw new Error(`color must be a hex colour '#rrggbb'; got '${color}'`);
  const [r, g, b] = [m[1], m[2], m[3]].map((h) => {
    const v = Number.parseInt(h, 16) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio between two `#rrggbb` colours (1 … 21). */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((p, q) => q - p);
  return (hi + 0.05) / (lo + 0.05);
}

/** An axis styled for the theme, with an optional title and overrides. */
export function themedAxis(title?: string, overrides: PlotAxis = {}): PlotAxis {
  const axis: PlotAxis = {
    gridcolor: THEME_GRID_COLOR,
    zerolinecolor: THEME_GRID_COLOR,
    linecolor: THEME_GRID_COLOR,
    automargin: true,
  };
  if (title !== undefined) axis.title = { text: title };
  // Log axes: one labelled tick per decade. Plotly's default labels the digits between decades too
  // when the range is short, which shows as stray "8 9" before 0.1 and 1.
  const log = overrides.type === 'log' && overrides.tickvals === undefined && overrides.dtick === undefined;
  return { ...axis, ...(log ? { dtick: 1 } : {}), ...overrides };
}

/**
 * The base layout every normlab figure starts from: transparent paper and plot backgrounds,
 * mid-grey font, faint grid, horizontal legend under the title, compact margins.
 *
 * @param title - the figure's title (omit for none).
 * @param overrides - layout fields that replace the base ones (shallow merge).
 */
export function themedLayout(title?: string, overrides: PlotLayout = {}): PlotLayout {
  const layout: PlotLayout = {
    paper_bgcolor: THEME_BACKGROUND,
    plot_bgcolor: THEME_BACKGROUND,
    font: { family: THEME_FONT_FAMILY, size: 13, color: THEME_FONT_COLOR },
    margin: { l: 60, r: 20, t: title ? 60 : 20, b: 50 },
    // At the bottom of the whole figure (not of the plotting area), so it never covers axis titles.
    legend: { orientation: 'h', x: 0, y: 0, yref: 'container', yanchor: 'bottom', bgcolor: THEME_BACKGROUND },
    hovermode: 'closest',
    xaxis: themedAxis(),
    yaxis: themedAxis(),
  };
  if (title) layout.title = { text: title, x: 0, xanchor: 'left' };
  return { ...layout, ...overrides };
}

/**
 * Apply the theme to a figure built elsewhere: backgrounds, font, grid colours of every axis.
 * Returns a new figure; the input is not changed.
 */
export function applyTheme(figure: Figure): Figure {
  const base = themedLayout(figure.layout.title?.text);
  const layout: PlotLayout = { ...base, ...figure.layout };
  layout.paper_bgcolor = THEME_BACKGROUND;
  layout.plot_bgcolor = THEME_BACKGROUND;
  layout.font = { ...base.font, ...figure.layout.font, color: THEME_FONT_COLOR };
  const axes = layout as Record<string, unknown>;
  for (const key of Object.keys(axes)) {
    if (/^[xy]axis\d*$/.test(key)) axes[key] = { ...themedAxis(), ...(axes[key] as PlotAxis) };
  }
  return { ...figure, layout };
}

/** Config for interactive display: responsive, no Plotly logo. */
export const THEME_CONFIG: { responsive: boolean; displaylogo: boolean } = {
  responsive: true,
  displaylogo: false,
};
