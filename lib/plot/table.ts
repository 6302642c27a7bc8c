/**
 * A table as a Plotly figure (for results such as the claim scorecard), readable on light and dark
 * backgrounds.
 *
 * @module
 */
import { THEME_FONT_COLOR, themedLayout } from './theme';
import type { Figure } from './types';

/** Options of `tableFigure`. */
export interface TableOptions {
  /** Figure title. */
  title?: string;
  /** Relative column widths (Plotly `columnwidth`). Default equal. */
  columnWidths?: number[];
  /** Height in pixels. Default: 80 + 34 per row (long cells wrap; raise it then). */
  height?: number;
  /** Per-row cell colour (e.g. by verdict), CSS colours; default transparent. */
  rowColors?: string[];
}

/**
 * Rows of text/numbers as a Plotly table.
 *
 * @param columns - header labels.
 * @param rows - one array per row, as many cells as `columns`.
 * @throws when a row has a different number of cells than `columns`.
 * @example
 * ```ts
 * tableFigure(['claim', 'verdict'], [['1. speeds up training', 'holds']], { title: 'Scorecard' });
 * ```
 */
export function tableFigure(
  columns: string[],
  rows: (string | number)[][],
  options: TableOptions = {},
): Figure {
  rows.forEach((row, i) => {
    if (row.length !== columns.length) {
      throw new Error(`row ${i} has ${row.length} cells; columns has ${columns.length}`);
    }
  });
  const byColumn = columns.map((_, c) => rows.map((row) => row[c]));
  const fill: string | string[][] = options.rowColors
    ? columns.map(() => options.rowColors as string[])
    : 'rgba(0, 0, 0, 0)';
  const figure: Figure = {
    data: [
      {
        type: 'table',
        header: {
          values: columns.map((c) => `<b>${c}</b>`),
          align: 'left',
          fill: { color: 'rgba(136, 136, 136, 0.18)' },
          font: { color: THEME_FONT_COLOR, size: 13 },
        },
        cells: {
          values: byColumn,
          align: 'left',
          fill: { color: fill },
          font: { color: THEME_FONT_COLOR, size: 12 },
        },
      },
    ],
    layout: themedLayout(options.title, { height: options.height ?? 80 + 34 * rows.length }),
  };
  if (options.columnWidths) figure.data[0].columnwidth = options.columnWidths;
  return figure;
}
