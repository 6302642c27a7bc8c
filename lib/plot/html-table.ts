/**
 * Tables of text as HTML: readable, wrapping and searchable in JupyterLab and on the site, where a
 * Plotly table would cut its cells and scroll inside itself. Pure: data in, an HTML string out.
 *
 * The markup carries its essential style inline (left-aligned, top-aligned, wrapping cells; a
 * tinted badge for verdict-like cells) so that it reads the same in JupyterLab's light and dark
 * themes; the site adds its own styles through the class names (`normlab-table`, `nl-badge`), and
 * each cell names its column in `data-label` so that narrow screens can stack a row's cells.
 *
 * @module
 */

/**
 * A tint for a badge cell (see {@link HtmlTableCell}): `open` for a question the data left open,
 * `revision` for a result withdrawn while it is redone.
 */
export type BadgeTone = 'positive' | 'negative' | 'mixed' | 'open' | 'revision' | 'neutral';

/**
 * The badges' background tints: translucent, so the text keeps the page's own colour (dark on a
 * light page, light on a dark one) and its contrast in both modes; the tint only adds a hue.
 */
export const BADGE_TINTS: Readonly<Record<BadgeTone, string>> = {
  positive: 'rgba(0, 158, 115, 0.22)',
  negative: 'rgba(213, 94, 0, 0.22)',
  mixed: 'rgba(201, 150, 0, 0.24)',
  open: 'rgba(86, 180, 233, 0.24)',
  revision: 'rgba(204, 121, 167, 0.26)',
  neutral: 'rgba(136, 136, 136, 0.18)',
};

/**
 * One cell: a string or number (shown as text; HTML is escaped, `null` shows as empty), or an
 * object with `text` and/or `lines` (one line each, e.g. a list of comparisons), an optional
 * `badge` tone that shows `text` as a tinted label, a `note` (smaller, on its own line) and
 * `details` (lines folded under a `<details>` element whose summary is `detailsSummary`).
 */
export type HtmlTableCell =
  | string
  | number
  | null
  | {
      /** The cell's main text. */
      text?: string;
      /** Shows `text` as a tinted label (a verdict, an outcome). */
      badge?: BadgeTone;
      /** A smaller line under the text. */
      note?: string;
      /** Lines under the text, one per line. */
      lines?: readonly string[];
      /** Lines folded away under a `<details>` element. */
      details?: readonly string[];
      /** The folded lines' summary. Default `<n> more`. */
      detailsSummary?: string;
    };

/** A column: its header and how its cells sit. */
export interface HtmlTableColumn {
  /** Header text. */
  label: string;
  /** `right` for numbers. Default `left`. */
  align?: 'left' | 'right';
  /** Keep the cells on one line (short labels, numbers). Default false: cells wrap. */
  nowrap?: boolean;
  /** Minimum width as CSS (e.g. `12em`) so a prose column keeps room to wrap. Default none. */
  minWidth?: string;
}

/** Options of `htmlTable`. */
export interface HtmlTableOptions {
  /** A caption above the table. Default none. */
  caption?: string;
  /** Extra class names on the `<table>`. Default none. */
  className?: string;
}

/** Escape text for HTML element content and attribute values. */
function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function cellHtml(cell: HtmlTableCell): string {
  if (cell === null) return '';
  if (typeof cell === 'number') return esc(Number.isFinite(cell) ? String(cell) : '–');
  if (typeof cell === 'string') return esc(cell);
  const parts: string[] = [];
  if (cell.text !== undefined) {
    parts.push(
      cell.badge
        ? `<span class="nl-badge nl-badge-${cell.badge}" style="background:${BADGE_TINTS[cell.badge]};font-weight:600;padding:0.05em 0.45em;border-radius:0.3em;white-space:nowrap">${esc(cell.text)}</span>`
        : esc(cell.text),
    );
  }
  if (cell.note)
    parts.push(`<span class="nl-note" style="font-size:0.9em;opacity:0.85">${esc(cell.note)}</span>`);
  for (const line of cell.lines ?? []) parts.push(esc(line));
  let html = parts.join('<br>');
  if (cell.details?.length) {
    const summary = cell.detailsSummary ?? `${cell.details.length} more`;
    const items = cell.details.map((d) => `<li>${esc(d)}</li>`).join('');
    html += `<details class="nl-details"><summary>${esc(summary)}</summary><ul style="margin:0.3em 0;padding-left:1.2em">${items}</ul></details>`;
  }
  return html;
}

function column(c: string | HtmlTableColumn): HtmlTableColumn {
  return typeof c === 'string' ? { label: c } : c;
}

function cellStyle(c: HtmlTableColumn): string {
  const style = [
    `text-align:${c.align ?? 'left'}`,
    'vertical-align:top',
    `white-space:${c.nowrap ? 'nowrap' : 'normal'}`,
    // Break a word only when it cannot fit a line of its own (anywhere would also let the
    // table squeeze columns narrower than their words, splitting every word).
    'overflow-wrap:break-word',
    'padding:0.35em 0.6em',
  ];
  if (c.minWidth) style.push(`min-width:${c.minWidth}`);
  return style.join(';');
}

/**
 * Rows of text as an HTML `<table>`, wrapped in a `<div>` that scrolls sideways only when the
 * table cannot fit its column even with wrapped cells.
 *
 * @param columns - header labels, or {@link HtmlTableColumn}s.
 * @param rows - one array per row, as many cells as `columns` ({@link HtmlTableCell}).
 * @param options - {@link HtmlTableOptions}.
 * @throws when a row has a different number of cells than `columns`.
 * @example
 * ```ts
 * showHtml(htmlTable(['claim', 'verdict'], [['1. speeds up training', { text: 'holds', badge: 'positive' }]]));
 * ```
 */
export function htmlTable(
  columns: readonly (string | HtmlTableColumn)[],
  rows: readonly (readonly HtmlTableCell[])[],
  options: HtmlTableOptions = {},
): string {
  const cols = columns.map(column);
  rows.forEach((row, i) => {
    if (row.length !== cols.length) {
      throw new Error(`htmlTable: row ${i} has ${row.length} cells; columns has ${cols.length}`);
    }
  });
  const styles = cols.map(cellStyle);
  const head = cols
    .map(
      (c) =>
        `<th scope="col" style="${cellStyle({ ...c, nowrap: false })};font-weight:600">${esc(c.label)}</th>`,
    )
    .join('');
  const body = rows
    .map(
      (row) =>
        `<tr>${row
          .map(
            (cell, i) => `<td data-label="${esc(cols[i].label)}" style="${styles[i]}">${cellHtml(cell)}</td>`,
          )
          .join('')}</tr>`,
    )
    .join('');
  const caption = options.caption
    ? `<caption style="text-align:left;font-weight:600;padding:0.3em 0">${esc(options.caption)}</caption>`
    : '';
  const className = ['normlab-table', options.className].filter(Boolean).join(' ');
  return `<div class="normlab-table-wrap" style="max-width:100%;overflow-x:auto"><table class="${esc(className)}" style="border-collapse:collapse;margin:0.5em 0">${caption}<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}

/** A cell's text without markup (for the plain-text form of a table). */
export function cellText(cell: HtmlTableCell): string {
  if (cell === null) return '';
  if (typeof cell === 'number') return Number.isFinite(cell) ? String(cell) : '–';
  if (typeof cell === 'string') return cell;
  return [cell.text, cell.note, ...(cell.lines ?? []), ...(cell.details ?? [])]
    .filter((s) => s !== undefined && s !== '')
    .join('; ');
}

/**
 * The same rows as plain text, one block per row (`label: value` lines), for terminals and logs
 * where an HTML table cannot be drawn.
 *
 * @param columns - header labels, or {@link HtmlTableColumn}s.
 * @param rows - the cells ({@link HtmlTableCell}).
 *
 * @example
 * ```ts
 * console.log(plainTable(['kind', 'accuracy'], [['batch', '0.87'], ['group', '0.85']]));
 * ```
 */
export function plainTable(
  columns: readonly (string | HtmlTableColumn)[],
  rows: readonly (readonly HtmlTableCell[])[],
): string {
  const labels = columns.map((c) => column(c).label);
  return rows
    .map((row) =>
      row
        .map((cell, i) => `${labels[i]}: ${cellText(cell)}`)
        .filter((line) => !line.endsWith(': '))
        .join('\n'),
    )
    .join('\n\n');
}
