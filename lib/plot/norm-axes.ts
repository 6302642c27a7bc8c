/**
 * Which axes each normalization reduces over, drawn: for an NHWC feature tensor, a grid of
 * samples (N, across) × channels (C, down) where each cell stands for one H×W feature map.
 * Cells that share one mean and variance (one "normalization set") get the same shade; the set
 * holding sample 0, channel 0 is drawn in the kind's colour.
 *
 * @module
 */

import { addMatrixPanelAxes } from './heatmaps';
import { normKindColor, normKindLabel, themedLayout } from './theme';
import type { Figure, PlotAnnotation, PlotTrace } from './types';
import { splitDomains, subplotAxes } from './values';

/** The kinds the diagram draws (`none` normalizes nothing). */
export type DiagramNormKind = 'batch' | 'layer' | 'instance' | 'group';

/** The axes a kind's statistics are computed over, for NHWC features (as text). */
export const REDUCED_AXES: Readonly<Record<DiagramNormKind, string>> = {
  batch: 'N, H, W (one mean per channel)',
  layer: 'H, W, C (one mean per sample)',
  instance: 'H, W (one mean per sample and channel)',
  group: 'H, W and the C/G channels of a group (one mean per sample and group)',
};

const SHORT_AXES: Readonly<Record<DiagramNormKind, string>> = {
  batch: 'N, H, W',
  layer: 'H, W, C',
  instance: 'H, W',
  group: 'H, W, C/G in a group',
};

/**
 * The normalization set of every (sample, channel) cell: `ids[c][n]` is the index of the set
 * whose mean and variance normalize feature map (n, c) (H and W are always reduced for conv
 * features).
 *
 * - batch: one set per channel: `c`.
 * - layer: one set per sample: `n`.
 * - instance: one set per sample and channel: `n·C + c`.
 * - group: one set per sample and group of `C/G` consecutive channels: `n·G + ⌊c / (C/G)⌋`.
 *
 * @param kind - `batch | layer | instance | group`.
 * @param batch - N, ≥ 1.
 * @param channels - C, ≥ 1.
 * @param groups - G for group norm, dividing C. Default 2 (ignored by the other kinds).
 * @throws on an unknown kind, non-positive sizes, or groups not dividing channels.
 */
export function normalizationSetIds(
  kind: DiagramNormKind,
  batch: number,
  channels: number,
  groups = 2,
): number[][] {
  if (!Number.isInteger(batch) || batch < 1)
    throw new Error(`batch must be a positive integer; got ${batch}`);
  if (!Number.isInteger(channels) || channels < 1) {
    throw new Error(`channels must be a positive integer; got ${channels}`);
  }
  if (kind === 'group' && (!Number.isInteger(groups) || groups < 1 || channels % groups !== 0)) {
    throw new Error(`groups must be a positive integer dividing channels (${channels}); got ${groups}`);
  }
  const perGroup = channels / groups;
  const id = (n: number, c: number): number => {
    switch (kind) {
      case 'batch':
        return c;
      case 'layer':
        return n;
      case 'instance':
        return n * channels + c;
      case 'group':
        return n * groups + Math.floor(c / perGroup);
      default:
        throw new Error(`kind must be one of batch, layer, instance, group; got '${kind as string}'`);
    }
  };
  return Array.from({ length: channels }, (_, c) => Array.from({ length: batch }, (_, n) => id(n, c)));
}

/** Options of {@link normAxesDiagram}. */
export interface NormAxesOptions {
  /** Kinds to draw, one panel each, in order. Default all four. */
  kinds?: DiagramNormKind[];
  /** Samples drawn (N). Default 6. */
  batch?: number;
  /** Channels drawn (C). Default 8. */
  channels?: number;
  /** Groups for group norm (must divide `channels`). Default 2. */
  groups?: number;
  /** Figure title. Default `Which cells share one mean and variance`. */
  title?: string;
  /** Height in pixels. Default 380. */
  height?: number;
}

/**
 * The classic picture of batch, layer, instance and group norm as shaded grids (N across, C
 * down; each cell an H×W map). One heatmap per kind; hovering a cell names its set.
 *
 * @example
 * ```ts
 * show(normAxesDiagram({ batch: 4, channels: 6, groups: 3 }));
 * ```
 */
export function normAxesDiagram(options: NormAxesOptions = {}): Figure {
  const kinds = options.kinds ?? (['batch', 'layer', 'instance', 'group'] as DiagramNormKind[]);
  const batch = options.batch ?? 6;
  const channels = options.channels ?? 8;
  const groups = options.groups ?? 2;
  if (kinds.length < 1 || kinds.length > 6)
    throw new Error(`kinds must list 1 to 6 kinds; got ${kinds.length}`);
  const domains = splitDomains(kinds.length, 0.04);
  const layout = themedLayout(
    options.title ?? 'Which cells share one mean and variance (each cell: one H×W feature map)',
    { height: options.height ?? 380, showlegend: false },
  );
  const data: PlotTrace[] = [];
  const annotations: PlotAnnotation[] = [];
  kinds.forEach((kind, i) => {
    const ids = normalizationSetIds(kind, batch, channels, groups);
    const highlighted = ids[0][0];
    const z = ids.map((row) => row.map((id) => (id === highlighted ? 1 : id % 2 === 0 ? 0 : 0.4)));
    const text = ids.map((row, c) =>
      row.map((id, n) => `sample n=${n}, channel c=${c}<br>set ${id}: statistics over ${REDUCED_AXES[kind]}`),
    );
    const color = normKindColor(kind);
    const axes = subplotAxes(i);
    data.push({
      type: 'heatmap',
      name: normKindLabel(kind),
      x: Array.from({ length: batch }, (_, n) => n),
      y: Array.from({ length: channels }, (_, c) => c),
      z,
      zmin: 0,
      zmax: 1,
      colorscale: [
        [0, 'rgba(136, 136, 136, 0.12)'],
        [0.4, 'rgba(136, 136, 136, 0.40)'],
        [1, color],
      ],
      showscale: false,
      xgap: 2,
      ygap: 2,
      text,
      hovertemplate: '%{text}<extra></extra>',
      xaxis: axes.x,
      yaxis: axes.y,
    });
    const label = kind === 'group' ? `${normKindLabel(kind)} (G=${groups})` : normKindLabel(kind);
    addMatrixPanelAxes(layout, annotations, i, domains, {
      title: `<b>${label}</b><br>over ${SHORT_AXES[kind]}`,
      xTitle: 'N (sample)',
      yTitle: 'C (channel)',
      xAxis: { tickvals: Array.from({ length: batch }, (_, n) => n) },
    });
  });
  layout.annotations = annotations;
  layout.margin = { l: 60, r: 20, t: 110, b: 50 };
  return { data, layout };
}
