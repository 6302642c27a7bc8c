/**
 * Standalone HTML for figures: one self-contained file with plotly.js inlined (works offline,
 * from `file://`), transparent charts on a page that follows the reader's light/dark preference.
 *
 * Node only: the file system and the `plotly.js-dist-min` package are reached through lazy
 * `require` calls inside the functions, so importing this module in a browser bundle is harmless.
 *
 * @module
 */
import { THEME_CONFIG } from './theme';
import type { Figure } from './types';

/** One figure in a page, with optional text around it. */
export interface HtmlSection {
  /** The figure. */
  figure: Figure;
  /** A heading above it. Default none. */
  heading?: string;
  /** A paragraph under it (plain text; HTML is escaped). Default none. */
  caption?: string;
}

/** Options of `standaloneHtml`. */
export interface HtmlOptions {
  /** The page `<title>` and top heading. Default `normlab figures`. */
  title?: string;
  /** Page background: follow the reader's system setting (`auto`), or force `light`/`dark`. Default `auto`. */
  theme?: 'auto' | 'light' | 'dark';
  /**
   * plotly.js source to inline. Default: `plotly.min.js` from the installed `plotly.js-dist-min`
   * package (read once and cached).
   */
  plotlyJs?: string;
}

type NodeRequire = (id: string) => unknown;

function nodeRequire(): NodeRequire {
  if (typeof require !== 'function') {
    throw new Error(
      'writing HTML needs Node.js (the file system); in a browser, draw the figure with Plotly directly',
    );
  }
  return require as NodeRequire;
}

let cachedPlotly: string | undefined;

/** The source of plotly.js (`plotly.js-dist-min/plotly.min.js`), read once. Node only. */
export function plotlySource(): string {
  if (cachedPlotly === undefined) {
    const req = nodeRequire() as NodeRequire & { resolve(id: string): string };
    const fs = req('fs') as { readFileSync(path: string, encoding: 'utf8'): string };
    const pkg = 'plotly.js-dist-min/plotly.min.js';
    cachedPlotly = fs.readFileSync(req.resolve(pkg), 'utf8');
  }
  return cachedPlotly;
}

/** Escape text for HTML element content and attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** JSON that is safe inside a `<script>` element (no `</script>`, no `<!--`). */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * A complete, self-contained HTML page drawing the figures with plotly.js (inlined).
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * writeFileSync('report.html', standaloneHtml([{ figure: fig, heading: 'Accuracy' }], { title: 'My run' }));
 * ```
 */
export function standaloneHtml(sections: (HtmlSection | Figure)[], options: HtmlOptions = {}): string {
  const title = options.title ?? 'normlab figures';
  const items: HtmlSection[] = sections.map((s) => ('figure' in s ? s : { figure: s }));
  const theme = options.theme ?? 'auto';
  const light = 'color:#222;background:#ffffff;';
  const dark = 'color:#ddd;background:#1e1e1e;';
  const body =
    theme === 'light'
      ? `body{${light}}`
      : theme === 'dark'
        ? `body{${dark}}`
        : `body{${light}}@media (prefers-color-scheme: dark){body{${dark}}}`;
  const blocks = items
    .map((item, i) => {
      const parts: string[] = [];
      if (item.heading) parts.push(`<h2>${escapeHtml(item.heading)}</h2>`);
      parts.push(`<div class="figure" id="figure-${i}"></div>`);
      if (item.caption) parts.push(`<p>${escapeHtml(item.caption)}</p>`);
      return `<section>${parts.join('\n')}</section>`;
    })
    .join('\n');
  const figures = scriptSafeJson(items.map((item) => item.figure));
  const config = scriptSafeJson(THEME_CONFIG);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${body}body{font-family:-apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Arial,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}.figure{width:100%}</style>
<script>${(options.plotlyJs ?? plotlySource()).replace(/<\/script/gi, '<\\/script')}</script>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${blocks}
<script>
const figures = ${figures};
const config = ${config};
figures.forEach(function (fig, i) {
  Plotly.newPlot('figure-' + i, fig.data, fig.layout, Object.assign({}, config, fig.config || {}));
});
</script>
</body>
</html>
`;
}

/**
 * Write `standaloneHtml` to a file (directories created as needed). Node only.
 *
 * @returns the absolute path written.
 *
 * @example
 * ```ts
 * writeFiguresHtml('artifacts/figures.html', [barsWithCI(series), { heading: 'Curves', figure: curvesWithBands(bands) }]);
 * ```
 */
export function writeFiguresHtml(
  path: string,
  sections: (HtmlSection | Figure)[],
  options: HtmlOptions = {},
): string {
  const req = nodeRequire();
  const fs = req('fs') as {
    mkdirSync(p: string, o: { recursive: boolean }): void;
    writeFileSync(p: string, d: string): void;
    renameSync(a: string, b: string): void;
  };
  const pathModule = req('path') as { resolve(p: string): string; dirname(p: string): string };
  const abs = pathModule.resolve(path);
  fs.mkdirSync(pathModule.dirname(abs), { recursive: true });
  const tmp = `${abs}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, standaloneHtml(sections, options));
  fs.renameSync(tmp, abs);
  return abs;
}
