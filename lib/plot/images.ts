/**
 * A grid of small images (e.g. a Fashion-MNIST batch, or one channel of feature maps) as a
 * single heatmap: the images tiled with one-pixel gaps, labels underneath on hover.
 *
 * @module
 */
import { themedAxis, themedLayout } from './theme';
import type { Figure, PlotNumber } from './types';

/** Options of {@link imageGrid}. */
export interface ImageGridOptions {
  /** Images per row. Default 8. */
  columns?: number;
  /** A label per image (hover). Default `image i`. */
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
  const gridH = rows * (height + 1) - 1;
  const gridW = columns * (width + 1) - 1;
  const z: PlotNumber[][] = Array.from({ length: gridH }, () => new Array<PlotNumber>(gridW).fill(null));
  const text: string[][] = Array.from({ length: gridH }, () => new Array<string>(gridW).fill(''));
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < count; i++) {
    const r0 = Math.floor(i / columns) * (height + 1);
    const c0 = (i % columns) * (width + 1);
    const label = options.labels?.[i] ?? `image ${i}`;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const v = pixels[i * size + y * width + x];
        z[r0 + y][c0 + x] = Number.isFinite(v) ? v : null;
        text[r0 + y][c0 + x] = label;
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
  const rowPx = Math.max(40, Math.round(600 / columns));
  return {
    data: [
      {
        type: 'heatmap',
        name: 'images',
        z,
        text,
        zmin: options.zmin ?? lo,
        zmax: options.zmax ?? hi,
        colorscale,
        showscale: options.colors === 'diverging',
        hovertemplate: '%{text}: %{z:.3f}<extra></extra>',
      },
    ],
    layout: themedLayout(options.title, {
      height: options.height ?? Math.min(700, 80 + rows * rowPx),
      xaxis: themedAxis(undefined, {
        showticklabels: false,
        showgrid: false,
        zeroline: false,
        scaleanchor: 'y',
      }),
      yaxis: themedAxis(undefined, {
        showticklabels: false,
        showgrid: false,
        zeroline: false,
        autorange: 'reversed',
      }),
    }),
  };
}
