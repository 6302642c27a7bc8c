/**
 * Fit a figure's text to the width it is drawn at. Plotly neither wraps titles nor shrinks
 * labels: a long title is cut at the chart's edge, an axis title longer than its axis is clipped,
 * and subplot titles in a row run into each other on a phone. {@link fitLayoutToWidth} wraps the
 * title, axis titles and annotations at word boundaries to the room each has at a given width
 * (shrinking a label's font when a single word does not fit), makes room for the extra lines, and
 * gives charts with a fixed aspect ratio (images) the height their width calls for.
 *
 * The site's chart component applies it at draw time and whenever the chart's width changes; the
 * notebook display applies it for JupyterLab's usual output width. Pure: layout in, layout out.
 *
 * @module
 */
import type { PlotAnnotation, PlotAxis, PlotLayout } from './types';

/** Average glyph width of the theme's sans-serif font, as a fraction of the font size. */
const GLYPH = 0.6;
/** Line height as a multiple of the font size. */
const LINE = 1.3;
/** The smallest font a label may shrink to, px. */
const MIN_FONT = 8;

type Layout = PlotLayout & Record<string, unknown>;

/** `text` with `<br>` at word boundaries so that no line exceeds `maxChars` (existing breaks kept). */
export function wrapText(text: string, maxChars: number): string {
  const limit = Math.max(4, Math.floor(maxChars));
  return text
    .split(/<br\s*\/?>/i)
    .map((line) => {
      const out: string[] = [];
      let current = '';
      // A word longer than a line may break where its case changes (InstanceNorm → Instance|Norm).
      const words = line
        .split(' ')
        .flatMap((w) => (visibleLength(w) > limit ? w.split(/(?<=[a-z])(?=[A-Z])/) : [w]));
      for (const word of words) {
        const candidate = current ? `${current} ${word}` : word;
        if (visibleLength(candidate) > limit && current) {
          out.push(current);
          current = word;
        } else current = candidate;
      }
      out.push(current);
      return out.join('<br>');
    })
    .join('<br>');
}

/** The names a figure's legend shows: one per legend group (or trace), in order. */
export function legendEntries(
  data: readonly { name?: string; showlegend?: boolean; legendgroup?: string }[],
): string[] {
  const seen = new Set<string>();
  const names: string[] = [];
  for (const t of data) {
    if (t.showlegend === false || !t.name) continue;
    const key = t.legendgroup ?? t.name;
    if (seen.has(key)) continue;
    seen.add(key);
    names.push(t.name);
  }
  return names;
}

/** Characters a reader sees (tags such as `<b>` do not count). */
function visibleLength(text: string): number {
  return text.replace(/<[^>]*>/g, '').length;
}

function lines(text: string): string[] {
  return text.split(/<br\s*\/?>/i);
}

function longestLine(text: string): number {
  return Math.max(0, ...lines(text).map(visibleLength));
}

function titleText(title: unknown): string | undefined {
  if (typeof title === 'string') return title;
  return (title as { text?: string } | undefined)?.text;
}

function fontSize(layout: Layout, own?: { size?: number }, scale = 1): number {
  return own?.size ?? Math.round(((layout.font as { size?: number } | undefined)?.size ?? 12) * scale);
}

function axisKeys(layout: Layout, letter: 'x' | 'y'): string[] {
  return Object.keys(layout).filter((k) => new RegExp(`^${letter}axis\\d*$`).test(k));
}

function domainSpan(axis: PlotAxis | undefined): number {
  const domain = (axis as { domain?: number[] } | undefined)?.domain;
  return domain && domain.length === 2 ? Math.max(0.05, domain[1] - domain[0]) : 1;
}

/**
 * The layout with its text fitted to a chart `width` pixels wide (see the module comment). The
 * input is not changed. A layout whose height grows (extra title lines, a fixed aspect ratio)
 * says so in `height`.
 *
 * @param layout - a Plotly layout.
 * @param width - the chart's width in pixels.
 * @param legendNames - the legend's entries (see {@link legendEntries}): a horizontal legend under
 *   the chart gets the rows it needs at this width in the bottom margin.
 */
export function fitLayoutToWidth(
  layout: PlotLayout,
  width: number,
  legendNames: readonly string[] = [],
): PlotLayout {
  const out = structuredClone(layout) as Layout;
  const margin = { l: 60, r: 20, t: 60, b: 50, ...(out.margin ?? {}) };
  // Axes without tick labels or titles (an image grid) need no room beside and below the plot.
  const bare = (['x', 'y'] as const).every((letter) =>
    axisKeys(out, letter).every((k) => {
      const axis = out[k] as PlotAxis;
      return axis.showticklabels === false && !titleText(axis.title);
    }),
  );
  if (bare && axisKeys(out, 'x').length > 0) {
    margin.l = Math.min(margin.l, 10);
    margin.r = Math.min(margin.r, 10);
    margin.b = Math.min(margin.b, 10);
    out.margin = { ...margin };
  }
  const plotWidth = Math.max(40, width - margin.l - margin.r);
  let height = typeof out.height === 'number' ? out.height : 450;
  let extraTop = 0;

  // The title: wrapped to the chart's width; its extra lines go into the top margin.
  const title = titleText(out.title);
  if (title) {
    const size = fontSize(out, (out.title as { font?: { size?: number } }).font, 17 / 12);
    const wrapped = wrapText(title, (width - 20) / (size * GLYPH));
    const added = lines(wrapped).length - lines(title).length;
    // Plotly keeps a title's first line where it was and adds lines below it.
    out.title = { ...(typeof out.title === 'object' ? out.title : {}), text: wrapped } as PlotLayout['title'];
    if (added > 0) extraTop += added * size * LINE;
  }

  // Panels side by side too narrow for a title each: an axis title that repeats the first
  // panel's is dropped (it would run into its neighbours).
  for (const letter of ['x', 'y'] as const) {
    const first = titleText((out[`${letter}axis`] as PlotAxis | undefined)?.title);
    for (const key of axisKeys(out, letter)) {
      const axis = out[key] as PlotAxis;
      const xKey = letter === 'x' ? key : `xaxis${(axis.anchor ?? '').replace(/^x/, '')}`;
      const panel = plotWidth * domainSpan(out[xKey] as PlotAxis | undefined);
      if (key !== `${letter}axis` && first && titleText(axis.title) === first && panel < 160) {
        out[key] = { ...axis, title: { ...(axis.title as object), text: '' } as PlotAxis['title'] };
      }
    }
  }

  // Axis titles: as long as their axis at most.
  for (const letter of ['x', 'y'] as const) {
    for (const key of axisKeys(out, letter)) {
      const axis = out[key] as PlotAxis;
      const text = titleText(axis.title);
      if (!text) continue;
      const size = fontSize(out, (axis.title as { font?: { size?: number } }).font);
      const plotHeight = Math.max(40, height - margin.t - margin.b);
      const room = (letter === 'x' ? plotWidth : plotHeight) * domainSpan(axis);
      const wrapped = wrapText(text, room / (size * GLYPH));
      if (wrapped !== text) out[key] = { ...axis, title: { ...(axis.title as object), text: wrapped } };
    }
  }

  // Annotations (subplot titles, labels): each gets the room up to its neighbours in the same row.
  const annotations = (out.annotations ?? []) as PlotAnnotation[];
  if (annotations.length) {
    const xAxis = out.xaxis as (PlotAxis & { range?: number[] }) | undefined;
    const dataSpan = xAxis?.range ? Math.abs(xAxis.range[1] - xAxis.range[0]) : undefined;
    const toPixels = (a: PlotAnnotation): number | undefined => {
      const ref = (a as { xref?: string }).xref ?? 'paper';
      if (ref === 'paper' || ref.endsWith('domain')) return plotWidth;
      if (ref === 'x' && dataSpan) return (plotWidth * domainSpan(xAxis)) / dataSpan;
      return undefined;
    };
    // An annotation's x on the paper (subplot titles may be placed in their axis' domain).
    const paperX = (b: PlotAnnotation): number | undefined => {
      if (typeof b.x !== 'number') return undefined;
      const ref = (b as { xref?: string }).xref ?? 'paper';
      const m = /^x(\d*) domain$/.exec(ref);
      if (!m) return b.x;
      const domain = (out[`xaxis${m[1]}`] as { domain?: number[] } | undefined)?.domain ?? [0, 1];
      return domain[0] + b.x * (domain[1] - domain[0]);
    };
    const rowKey = (b: PlotAnnotation) => `${(b as { xref?: string }).xref === 'x' ? 'x' : 'paper'}|${b.y}`;
    let topGrowth = 0;
    const fitted = annotations.map((a) => {
      const text = (a as { text?: string }).text;
      const scale = toPixels(a);
      if (!text || scale === undefined || typeof a.x !== 'number') return a;
      const rowMates = annotations.filter(
        (b) => b !== a && paperX(b) !== undefined && rowKey(b) === rowKey(a),
      );
      const here = paperX(a) as number;
      const gap = Math.min(
        ...rowMates.map((b) => Math.abs((paperX(b) as number) - here)).filter((d) => d > 0),
      );
      const room = Number.isFinite(gap) ? gap * scale - 6 : plotWidth;
      // Bold labels are wider.
      const glyph = GLYPH * (/<b>/i.test(text) ? 1.1 : 1);
      const ownSize = fontSize(out, (a as { font?: { size?: number } }).font);
      const wrapped = wrapText(text, room / (ownSize * glyph));
      const widest = longestLine(wrapped);
      const size =
        widest * ownSize * glyph > room ? Math.max(MIN_FONT, Math.floor(room / (widest * glyph))) : ownSize;
      if (wrapped === text && size === ownSize) return a;
      // A label on the data (an image's class) that cannot fit even small is left out rather than
      // drawn over its neighbours.
      if ((a as { xref?: string }).xref === 'x' && widest * size * glyph > room)
        return { ...a, visible: false };
      const added = lines(wrapped).length - lines(text).length;
      if (added > 0 && (a as { yref?: string }).yref === 'paper' && typeof a.y === 'number' && a.y >= 1)
        topGrowth = Math.max(topGrowth, added * size * LINE);
      return {
        ...a,
        text: wrapped,
        font: { ...((a as { font?: object }).font ?? {}), size },
      } as PlotAnnotation;
    });
    out.annotations = fitted;
    extraTop += topGrowth;
  }

  // The top margin holds the title (from 14 px down) and the subplot titles above the plots.
  const titleNow = titleText(out.title);
  const titleSize = fontSize(out, (out.title as { font?: { size?: number } } | undefined)?.font, 17 / 12);
  const titleBlock = titleNow ? 14 + lines(titleNow).length * titleSize * LINE : 0;
  const above = ((out.annotations ?? []) as PlotAnnotation[]).filter(
    (a) =>
      a.visible !== false && (a as { yref?: string }).yref === 'paper' && typeof a.y === 'number' && a.y >= 1,
  );
  const aboveBlock = Math.max(
    0,
    ...above.map(
      (a) => lines(a.text).length * fontSize(out, a.font as { size?: number } | undefined) * LINE + 4,
    ),
  );
  const needed = Math.ceil(titleBlock + aboveBlock + 14);
  const top = Math.max(Math.round(margin.t + extraTop), needed);
  if (top !== margin.t) {
    out.margin = { ...margin, ...(out.margin ?? {}), t: top };
    height += top - margin.t;
  }
  // Plotly centres a title in the top margin: pinned to the top instead, so that a taller margin
  // leaves the room under it to the subplot titles (Plotly lifts a multi-line title by one line's
  // worth, hence the larger pad).
  if (titleNow && (top !== margin.t || lines(titleNow).length > 1)) {
    out.title = {
      ...(out.title as { text: string }),
      yref: 'container',
      y: 1,
      yanchor: 'top',
      pad: { t: lines(titleNow).length > 1 ? 30 : 17 },
    };
  }

  // A horizontal legend at the bottom of the chart: as many rows as its entries need at this width.
  const legend = out.legend as { orientation?: string; yref?: string; font?: { size?: number } } | undefined;
  if (
    legendNames.length > 1 &&
    out.showlegend !== false &&
    legend?.orientation === 'h' &&
    legend.yref === 'container'
  ) {
    const size = fontSize(out, legend.font);
    let rows = 1;
    let used = 0;
    for (const name of legendNames) {
      const item = visibleLength(name) * size * GLYPH + 46;
      if (used > 0 && used + item > width - 10) {
        rows += 1;
        used = 0;
      }
      used += item;
    }
    const current = (out.margin as { b?: number } | undefined)?.b ?? margin.b;
    const wanted = Math.ceil(56 + rows * (size * LINE + 6) + 6);
    if (wanted > current) {
      out.margin = { ...margin, ...(out.margin ?? {}), b: wanted };
      height += wanted - current;
    }
  }

  // A fixed aspect ratio (images, matrices): the height that fills the width without blank bands.
  const x = out.xaxis as (PlotAxis & { range?: number[]; scaleanchor?: string }) | undefined;
  const y = out.yaxis as (PlotAxis & { range?: number[] }) | undefined;
  if (x?.scaleanchor === 'y' && x.range && y?.range && axisKeys(out, 'x').length === 1) {
    const ratio = Math.abs(y.range[1] - y.range[0]) / Math.abs(x.range[1] - x.range[0]);
    const top = (out.margin as { t: number } | undefined)?.t ?? margin.t;
    height = Math.round(Math.min(height, top + margin.b + plotWidth * domainSpan(x) * ratio));
  }
  if (height !== (typeof layout.height === 'number' ? layout.height : 450)) out.height = height;
  return out;
}
