/**
 * What the browser test measures on each page, at each width and colour mode: content that a
 * reader cannot see. Run in the page (as source text: tsx would wrap named inner functions in a
 * helper the page lacks) with `page.evaluate(layoutProbe(wide))`; returns a list of problems, empty
 * when the page is fine.
 *
 * - **equations**: a display equation fits its column at desktop width (long ones are broken into
 *   lines); on a phone one wider than the column must scroll inside it with a visible scrollbar,
 *   and an inline one may only sit in a table that does;
 * - **tables**: a table wider than its column must scroll inside it with a visible scrollbar (its
 *   cells wrap at spaces, never inside a word, so wide ones scroll), and the tables of text that
 *   notebooks and the home page show (`.normlab-table`, `.scorecard`) must fit without scrolling
 *   at all (their cells wrap, or stack as cards on a phone);
 * - **code**: notebook code cells do not scroll sideways (the notebook column is wide and long
 *   lines wrap);
 * - **the page**: nothing makes the whole page scroll sideways;
 * - **charts**: no two of a chart's title, axis titles, subplot titles (annotations) and legend
 *   overlap, none of them overlaps tick labels, and none sticks out of the chart (cut off);
 * - **badges**: verdict badges keep a text contrast of at least 4.5 against their tinted
 *   background in the current colour mode;
 * - **words**: no word of the page's text (prose, tables, the playground's numbers) is split across
 *   two lines between two letters or digits ("BatchNo|rmalization", "-1.92|9"). Each run of
 *   non-space characters is measured as a Range; one that spans two lines is broken at a hyphen, a
 *   slash or another legal break, or else counted as a mid-word break. Code blocks and equations
 *   are left out (a code line longer than its column has to break somewhere), and so is a word
 *   wider than the whole column.
 */

/** The probe's result. */
export interface LayoutReport {
  /** One line per problem found. */
  problems: string[];
  /** How much was checked (so a test can tell that the probe saw something). */
  counted: {
    equations: number;
    tables: number;
    charts: number;
    chartTexts: number;
    badges: number;
    words: number;
  };
}

/**
 * The in-page probe (a JavaScript expression evaluating to a {@link LayoutReport}).
 *
 * @param wide - a desktop-width window (1280 px): there, display equations must fit their column
 *   without scrolling, and notebook code cells must not scroll sideways either.
 */
export function layoutProbe(wide: boolean): string {
  return `((wide) => {
  const problems = [];
  const counted = { equations: 0, tables: 0, charts: 0, chartTexts: 0, badges: 0, words: 0 };
  const px = (v) => Math.round(v);
  const column = (el) => el.closest('.vp-doc') || el.closest('.VPContent') || document.body;
  const short = (text) => (text || '').replace(/\\s+/g, ' ').trim().slice(0, 50);
  const scrollsX = (el) => /(auto|scroll)/.test(getComputedStyle(el).overflowX) && el.scrollWidth > el.clientWidth + 1;
  // A horizontal scrollbar takes room at the bottom of its box: offsetHeight counts it, clientHeight does not.
  const scrollbarHeight = (el) => {
    const s = getComputedStyle(el);
    return el.offsetHeight - el.clientHeight - parseFloat(s.borderTopWidth) - parseFloat(s.borderBottomWidth);
  };
  const inside = (inner, outer, slack = 1) =>
    inner.left >= outer.left - slack && inner.right <= outer.right + slack;

  // Equations.
  for (const c of document.querySelectorAll('mjx-container')) {
    const formula = c.querySelector('svg');
    if (!formula || c.closest('.VPLocalSearchBox')) continue;
    counted.equations += 1;
    const col = column(c).getBoundingClientRect();
    const f = formula.getBoundingClientRect();
    const box = c.getBoundingClientRect();
    if (f.width < 1 || inside(f, col)) continue;
    const display = c.getAttribute('display') === 'true';
    const label = '"' + short(c.getAttribute('aria-label') || c.textContent) + '"';
    if (wide && display) {
      problems.push('equation ' + px(f.width) + ' px wide in a ' + px(col.width) + ' px column (break it into lines): ' + label);
      continue;
    }
    // The equation itself, or a table around it, may scroll within the column.
    let scroller = c;
    while (scroller && scroller !== column(c) && !scrollsX(scroller)) scroller = scroller.parentElement;
    if (scroller && scroller !== column(c) && inside(scroller.getBoundingClientRect(), col) && scrollbarHeight(scroller) >= 3) continue;
    problems.push('equation ' + px(f.width) + ' px wide in a ' + px(col.width) + ' px column, cut off without a visible scrollbar: ' + label);
  }

  // Tables.
  for (const t of document.querySelectorAll('.vp-doc table')) {
    counted.tables += 1;
    const colEl = column(t);
    const col = colEl.getBoundingClientRect();
    const strict = t.matches('.normlab-table, .scorecard table');
    let scroller = t;
    while (scroller && scroller !== colEl && !/(auto|scroll)/.test(getComputedStyle(scroller).overflowX)) scroller = scroller.parentElement;
    const label = (t.matches('.normlab-table, .scorecard table') ? 'text table' : 'table') + ' "' + short(t.querySelector('th, td, caption')?.textContent) + '"';
    if (scroller && scroller !== colEl) {
      const box = scroller.getBoundingClientRect();
      if (!inside(box, col)) problems.push(label + ' sticks out of its column (' + px(box.right - col.right) + ' px)');
      else if (scrollsX(scroller)) {
        if (strict) problems.push(label + ' is ' + px(scroller.scrollWidth) + ' px wide in ' + px(scroller.clientWidth) + ' px: its cells should wrap');
        else if (scrollbarHeight(scroller) < 3) problems.push(label + ' scrolls sideways without a visible scrollbar');
      }
    } else if (!inside(t.getBoundingClientRect(), col)) {
      problems.push(label + ' overflows its column by ' + px(t.getBoundingClientRect().right - col.right) + ' px');
    }
  }

  // Notebook code cells wrap instead of scrolling sideways.
  if (document.querySelector('.Layout.notebook-page')) {
    for (const pre of document.querySelectorAll('.vp-doc div[class*="language-"] pre')) {
      if (pre.scrollWidth > pre.clientWidth + 1)
        problems.push('code block scrolls sideways (' + px(pre.scrollWidth) + ' px in ' + px(pre.clientWidth) + ' px): "' + short(pre.textContent) + '"');
    }
  }

  // The page as a whole.
  const pageWidth = document.documentElement.scrollWidth;
  if (pageWidth > window.innerWidth + 1) {
    const wide = [...document.querySelectorAll('.VPContent *')].find((el) => el.getBoundingClientRect().right > window.innerWidth + 1 && !el.closest('.VPSidebar'));
    problems.push('the page scrolls sideways: ' + pageWidth + ' px in a ' + window.innerWidth + ' px window' + (wide ? ' (e.g. <' + wide.tagName.toLowerCase() + ' class="' + wide.className + '">)' : ''));
  }

  // Charts.
  const overlap = (a, b) => {
    const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
    const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
    return w > 2 && h > 2;
  };
  for (const [i, plot] of [...document.querySelectorAll('.js-plotly-plot')].entries()) {
    const svg = plot.querySelector('svg.main-svg');
    if (!svg) continue;
    counted.charts += 1;
    const area = svg.getBoundingClientRect();
    const name = 'chart ' + (i + 1) + ' "' + short(plot.querySelector('.gtitle')?.textContent || plot.closest('[aria-label]')?.getAttribute('aria-label')) + '"';
    const labelled = [];
    const add = (el, kind) => {
      const r = el.getBoundingClientRect();
      if (r.width < 1 || r.height < 1 || !(el.textContent || '').trim() && kind !== 'legend') return;
      labelled.push({ kind, text: kind === 'legend' ? 'legend' : short(el.textContent), r });
    };
    for (const el of plot.querySelectorAll('text.gtitle')) add(el, 'title');
    for (const el of plot.querySelectorAll('g[class*="title"]:not(.g-gtitle) > text[class*="title"]')) add(el, 'axis title');
    for (const el of plot.querySelectorAll('g.annotation text.annotation-text')) add(el, 'annotation');
    for (const el of plot.querySelectorAll('g.legend')) add(el, 'legend');
    counted.chartTexts += labelled.length;
    for (const a of labelled) {
      if (a.r.left < area.left - 2 || a.r.right > area.right + 2 || a.r.top < area.top - 2 || a.r.bottom > area.bottom + 2)
        problems.push(name + ': ' + a.kind + ' "' + a.text + '" is cut off at the chart edge');
    }
    for (let x = 0; x < labelled.length; x++)
      for (let y = x + 1; y < labelled.length; y++)
        if (overlap(labelled[x].r, labelled[y].r))
          problems.push(name + ': ' + labelled[x].kind + ' "' + labelled[x].text + '" overlaps ' + labelled[y].kind + ' "' + labelled[y].text + '"');
    const ticks = [...plot.querySelectorAll('g[class*="tick"] > text')].map((el) => ({ text: short(el.textContent), r: el.getBoundingClientRect() })).filter((t) => t.r.width > 0);
    for (const a of labelled)
      for (const t of ticks)
        if (overlap(a.r, t.r)) {
          problems.push(name + ': ' + a.kind + ' "' + a.text + '" overlaps tick label "' + t.text + '"');
          break;
        }
  }

  // Verdict badges: text against the badge's tint laid over the page background.
  const rgba = (c) => { const v = (c.match(/[\\d.]+/g) || []).map(Number); return [v[0], v[1], v[2], v.length > 3 ? v[3] : 1]; };
  const channel = (v) => { const s = v / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; };
  const lum = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  const over = (top, under) => [0, 1, 2].map((k) => top[k] * top[3] + under[k] * (1 - top[3]));
  const pageBg = rgba(getComputedStyle(document.querySelector('.VPContent') ? document.body : document.body).backgroundColor);
  for (const b of document.querySelectorAll('.nl-badge, .scorecard-verdict')) {
    counted.badges += 1;
    let under = pageBg;
    const cell = b.closest('tr');
    if (cell) { const bg = rgba(getComputedStyle(cell).backgroundColor); if (bg[3] > 0) under = over(bg, under); }
    const bg = over(rgba(getComputedStyle(b).backgroundColor), under);
    const fg = over(rgba(getComputedStyle(b).color), bg);
    const [hi, lo] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    const ratio = (hi + 0.05) / (lo + 0.05);
    if (ratio < 4.5) problems.push('badge "' + short(b.textContent) + '" has text contrast ' + ratio.toFixed(2) + ' (< 4.5)');
  }
  // Words split between two letters or digits.
  const skip = 'pre, mjx-container, svg, script, style, .VPLocalSearchBox, .VPSidebar, .VPNav, .VPLocalNav';
  const wordChar = /[\\p{L}\\p{N}]/u;
  const lineOf = (range, node, at) => {
    range.setStart(node, at);
    range.setEnd(node, at + 1);
    const r = range.getClientRects()[0];
    return r ? r.top : null;
  };
  const broken = [];
  const root = document.querySelector('.VPContent');
  const nodes = [];
  if (root) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
      acceptNode: (n) => (n.parentElement && !n.parentElement.closest(skip) && n.textContent.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT),
    });
    for (let node = walker.nextNode(); node; node = walker.nextNode()) nodes.push(node);
  }
  const range = document.createRange();
  // The width of the whole token a word belongs to: text nodes that touch without a space
  // (<code>NormalizationLayer</code>.<a>computeOutputShape</a>) read as one word.
  const tokenWidth = (k, start, end) => {
    let [sn, so, en, eo] = [k, start, k, end];
    while (so === 0 && sn > 0 && /\\S$/.test(nodes[sn - 1].textContent)) {
      sn -= 1;
      so = nodes[sn].textContent.search(/\\S+$/);
    }
    while (eo === nodes[en].textContent.length && en < nodes.length - 1 && /^\\S/.test(nodes[en + 1].textContent)) {
      en += 1;
      eo = nodes[en].textContent.search(/\\s|$/);
    }
    range.setStart(nodes[sn], so);
    range.setEnd(nodes[en], eo);
    return [...range.getClientRects()].reduce((sum, r) => sum + r.width, 0);
  };
  for (const [k, node] of nodes.entries()) {
    const text = node.textContent;
    for (const m of text.matchAll(/\\S{2,}/g)) {
      counted.words += 1;
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const rects = [...range.getClientRects()].filter((r) => r.width > 0);
      if (rects.length < 2 || rects.every((r) => Math.abs(r.top - rects[0].top) < 2)) continue;
      // A word wider than the whole column has to break (or scroll): not counted.
      if (tokenWidth(k, m.index, m.index + m[0].length) > column(node.parentElement).getBoundingClientRect().width) continue;
      // Find where the word goes to the next line, and what is on either side of that point.
      let previous = lineOf(range, node, m.index);
      for (let i = 1; i < m[0].length; i++) {
        const top = lineOf(range, node, m.index + i);
        if (top === null || previous === null || Math.abs(top - previous) < 2) { if (top !== null) previous = top; continue; }
        if (wordChar.test(m[0][i - 1]) && wordChar.test(m[0][i])) broken.push(m[0].slice(0, i) + '|' + m[0].slice(i));
        previous = top;
      }
    }
  }
  if (broken.length)
    problems.push(broken.length + ' word(s) broken mid-word, e.g. ' + broken.slice(0, 4).map((w) => '"' + short(w) + '"').join(', '));
  return { problems, counted };
})(${JSON.stringify(wide)})`;
}
