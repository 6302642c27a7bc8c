/**
 * A grid of small images (e.g. a Fashion-MNIST batch, or one channel of feature maps) as a
 * single heatmap: the images tiled with one-pixel gaps, labels underneath on hover.
 *
 * @module
 */
import { themedAxis, themedLayout } from './theme';
import type { Figure, PlotAnnotation, PlotNumber } from './types';

/** Options of {@link imageGrid}. */
export interface ImageGridOptions {
  /** Images per row. Default 8. */
  columns?: number;
  /** A label per image, written under it. Default: none. */
  labels?: string[];
  /** Figure title. */
  title?: string;
  /** Lowest value of the colour scale. Default: the smallest pixel. */
  zmin?: number;
  /** Highest value of the colour scale. Default: the largest pixel. */
  zmax?: number;
  /**
   * Colour scale: `gray` (black → white, for pixels) or `diverging` (blue → grey → orange,
   * for signed values such as normalized features). Default `gray`.
   */
  colors?: 'gray' | 'diverging';
  /** Height in pixels. Default: from the number of rows. */
  height?: number;
}

/**
 * Tile `count` images of `height × width` (row-major pixels, one after the other in `pixels`)
 * into one heatmap.
 *
 * @param pixels - `count · height · width` values (one channel), e.g. a batch's `dataSync()`.
 * @param height - image height, ≥ 1.
 * @param width - image width, ≥ 1.
 * @throws when `pixels` does not hold a whole number of images.
 *
 * @example
 * ```ts
 * const { train } = await loadFashionMnist({ trainSize: 16 });
 * show(imageGrid(train.images.subarray(0, 16 * 784), 28, 28, { columns: 8 }));
 * ```
 */
export function imageGrid(
  pixels: ArrayLike<number>,
  height: number,
  width: number,
  options: ImageGridOptions = {},
): Figure {
  if (!Number.isInteger(height) || height < 1 || !Number.isInteger(width) || width < 1) {
    throw new Error(`height and width must be positive integers; got ${height} × ${width}`);
  }
  const size = height * width;
  if (pixels.length === 0 || pixels.length % size !== 0) {
    throw new Error(
      `pixels must hold a whole number of ${height}×${width} images; got ${pixels.length} values`,
    );
  }
  const count = pixels.length / size;
  const columns = Math.min(options.columns ?? 8, count);
  const rows = Math.ceil(count / columns);
  // Rows are separated by one empty pixel row, or by room for a label.
  const gapY = options.labels ? Math.max(2, Math.round(height / 4)) : 1;
  const gridH = rows * (height + gapY) - (options.labels ? 0 : gapY);
  const gridW = columns * (width + 1) - 1;
  const z: PlotNumber[][] = Array.from({ length: gridH }, () => new Array<PlotNumber>(gridW).fill(null));
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < count; i++) {
    const r0 = Math.floor(i / columns) * (height + gapY);
    const c0 = (i % columns) * (width + 1);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const v = pixels[i * size + y * width + x];
        // 4 significant digits are plenty for a colour and keep the figure JSON small.
        z[r0 + y][c0 + x] = Number.isFinite(v) ? Number(v.toPrecision(4)) : null;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
  }
  const colorscale: [number, string][] =
    options.colors === 'diverging'
      ? [
          [0, '#2f86d6'],
          [0.5, '#888888'],
          [1, '#e69f00'],
        ]
      : [
          [0, '#000000'],
          [1, '#ffffff'],
        ];
  const rowPx = Math.round((Math.max(40, Math.round(600 / columns)) * (height + gapY)) / height);
  const annotations: PlotAnnotation[] = (options.labels ?? []).slice(0, count).map((label, i) => ({
    text: label,
    x: (i % columns) * (width + 1) + (width - 1) / 2,
    y: Math.floor(i / columns) * (height + gapY) + height - 0.5 + gapY / 2,
    xref: 'x',
    yref: 'y',
    showarrow: false,
    yanchor: 'middle',
    font: { size: 9 },
  }));
  return {
    data: [
      {
        type: 'heatmap',
        name: 'images',
        z,
        zmin: options.zmin ?? lo,
        zmax: options.zmax ?? hi,
        colorscale,
        showscale: options.colors === 'diverging',
        hovertemplate: 'pixel %{z:.3f}<extra></extra>',
      },
    ],
    layout: themedLayout(options.title, {
      height: options.height ?? Math.min(700, 80 + rows * rowPx),
      xaxis: themedAxis(undefined, {
        showticklabels: false,
        showgrid: false,
        zeroline: false,
        showline: false,
        ticks: '',
        scaleanchor: 'y',
        // Explicit ranges: the grid's aspect ratio is known, so a chart can size itself to its width.
        range: [-0.5, gridW - 0.5],
      }),
      yaxis: themedAxis(undefined, {
        showticklabels: false,
        showgrid: false,
        zeroline: false,
        showline: false,
        ticks: '',
        range: [gridH - 0.5, -0.5],
      }),
      annotations,
    }),
  };
}
