/**
 * The display bridge: `show(figure)` draws a figure wherever the code runs.
 *
 * - In a tslab notebook (JupyterLab, nbclient), it emits the figure as
 *   `application/vnd.plotly.v1+json` through tslab's `display.raw`, which JupyterLab renders as
 *   an interactive chart (the `plotly` Python package provides the renderer).
 * - Anywhere else on Node (a script, a test), it writes a standalone HTML file (plotly.js inlined)
 *   and prints its path.
 *
 * tslab is looked up lazily and only when the code runs inside its kernel (tslab defines the
 * global `__tslab__` there), so this module loads in plain Node and in browser bundles.
 *
 * @module
 */
import { fitLayoutToWidth, legendEntries } from './fit-width';
import { writeFiguresHtml } from './html';
import {
  type HtmlTableCell,
  type HtmlTableColumn,
  type HtmlTableOptions,
  htmlTable,
  plainTable,
} from './html-table';
import type { Figure } from './types';

/** The Plotly MIME type Jupyter renders. */
export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

/** The part of tslab's `Display` that normlab uses. */
export interface TslabDisplay {
  /** Emit (or, for a display from `newDisplay()`, replace) one output of the given MIME type. */
  raw(contentType: string, data: string | Uint8Array): unknown;
  /** Emit (or replace) a plain-text output. */
  text(s: string): void;
  /** Emit (or replace) an HTML output. */
  html(s: string): void;
  /** Emit (or replace) a Markdown output (JupyterLab renders it, math included). */
  markdown(s: string): void;
}

/** The part of the `tslab` module that normlab uses. */
export interface TslabModule {
  /** The cell's display. */
  display: TslabDisplay;
  /** A display entry that later calls overwrite in place. */
  newDisplay(): TslabDisplay;
}

/** Whether the code runs inside a tslab kernel (tslab sets the global `__tslab__`). */
export function inTslabKernel(): boolean {
  return typeof (globalThis as { __tslab__?: unknown }).__tslab__ !== 'undefined';
}

/** tslab's public module when running inside its kernel, else `null` (never throws). */
export function tslabModule(): TslabModule | null {
  if (!inTslabKernel() || typeof require !== 'function') return null;
  try {
    // A computed name keeps bundlers from following this kernel-only import.
    const name = 'tslab';
    return require(name) as TslabModule;
  } catch {
    return null;
  }
}

/** Options of {@link show}. */
export interface ShowOptions {
  /**
   * Outside notebooks: the HTML file to write. Default
   * `artifacts/figures/<title-slug>-<n>.html` under the working directory.
   */
  file?: string;
  /** Outside notebooks: print the written path. Default true. */
  log?: boolean;
}

let figureCounter = 0;

/** A file-name-safe slug of a title (`Running mean (BN)` → `running-mean-bn`). */
export function slugify(text: string): string {
  const slug = text
    .toLowerCase()
    .replace(/<[^>]*>/g, ' ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return slug || 'figure';
}

/** The width notebook figures are fitted to: JupyterLab's output area in a 1280 px window. */
export const NOTEBOOK_FIGURE_WIDTH = 860;

/**
 * The figure as the JSON object Jupyter's Plotly renderer takes (`data`, `layout`, `config`), its
 * text fitted to {@link NOTEBOOK_FIGURE_WIDTH} (long titles wrap instead of being cut).
 */
export function plotlyBundle(figure: Figure): Figure {
  return {
    data: figure.data,
    layout: fitLayoutToWidth(figure.layout, NOTEBOOK_FIGURE_WIDTH, legendEntries(figure.data)),
    config: { responsive: true, displaylogo: false, ...figure.config },
  };
}

/**
 * Draw a figure: an interactive Plotly output in a tslab notebook; a standalone HTML file
 * elsewhere on Node.
 *
 * @example
 * ```ts
 * import { show, curvesWithBands } from './lib/index';
 * show(curvesWithBands([{ name: 'loss', x: [1, 2, 3], mean: [2.3, 1.1, 0.7] }], { title: 'Loss' }));
 * ```
 * @returns the HTML file written outside notebooks, `undefined` in a notebook.
 */
export function show(figure: Figure, options: ShowOptions = {}): string | undefined {
  const tslab = tslabModule();
  if (tslab) {
    // tslab sends the object as JSON (its type says string, the kernel protocol takes any JSON).
    tslab.display.raw(PLOTLY_MIME, plotlyBundle(figure) as unknown as string);
    return undefined;
  }
  figureCounter += 1;
  const file =
    options.file ??
    `artifacts/figures/${slugify(figure.layout.title?.text ?? 'figure')}-${figureCounter}.html`;
  const written = writeFiguresHtml(file, [figure], {
    title: figure.layout.title?.text?.replace(/<[^>]*>/g, ' '),
  });
  if (options.log !== false) console.log(`figure written to ${written}`);
  return written;
}

/**
 * Show an HTML fragment (a table, formatted text): an HTML output in a tslab notebook (JupyterLab
 * renders it; the site's notebook pages keep it as HTML); elsewhere `text` (or, without it, the
 * HTML itself) is printed.
 *
 * @param html - the fragment.
 * @param text - what to print outside notebooks. Default the HTML.
 *
 * @example
 * ```ts
 * showHtml('<b>done</b>', 'done'); // HTML in a notebook, the text elsewhere
 * ```
 */
export function showHtml(html: string, text?: string): void {
  const tslab = tslabModule();
  if (tslab) tslab.display.html(html);
  else console.log(text ?? html);
}

/**
 * Show Markdown text (a provenance file, a summary with a table): rendered as Markdown in a tslab
 * notebook and on the site's notebook pages; printed as it is elsewhere.
 *
 * @example
 * ```ts
 * showMarkdown('**289 runs**, see `results/full/PROVENANCE.md`');
 * ```
 */
export function showMarkdown(markdown: string): void {
  const tslab = tslabModule();
  if (tslab) tslab.display.markdown(markdown);
  else console.log(markdown);
}

/**
 * Show rows of text as a table: an HTML table (`htmlTable`) in a tslab notebook, one
 * `label: value` block per row elsewhere (`plainTable`).
 *
 * @example
 * ```ts
 * showTable(['experiment', 'runs'], [['headline', 40], ['init', 30]], { caption: 'Experiments' });
 * ```
 */
export function showTable(
  columns: readonly (string | HtmlTableColumn)[],
  rows: readonly (readonly HtmlTableCell[])[],
  options: HtmlTableOptions = {},
): void {
  const html = htmlTable(columns, rows, options);
  const text = plainTable(columns, rows);
  showHtml(html, options.caption ? `${options.caption}\n\n${text}` : text);
}
