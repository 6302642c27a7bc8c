/**
 * Colours a Plotly layout for the site's light or dark mode: transparent backgrounds (the page
 * shows through), and text, axis and grid colours of VitePress' palette, so the same figure reads
 * well on both.
 */
/** VitePress' --vp-c-text-1 in each mode (fixed here: when the mode flips, the page's CSS
 * variables may not have switched yet). */
const TEXT = { light: '#3c3c43', dark: '#dfdfd6' };

type Layout = Record<string, unknown>;

/** Layout properties to apply on top of a figure's own layout (Plotly `relayout` paths). */
export function themeUpdate(layout: Layout, dark: boolean): Layout {
  const text = dark ? TEXT.dark : TEXT.light;
  const grid = dark ? 'rgba(255,255,255,0.12)' : 'rgba(0,0,0,0.1)';
  const line = dark ? 'rgba(255,255,255,0.35)' : 'rgba(0,0,0,0.35)';
  const update: Layout = {
    paper_bgcolor: 'rgba(0,0,0,0)',
    plot_bgcolor: 'rgba(0,0,0,0)',
    'font.color': text,
    'title.font.color': text,
    'legend.font.color': text,
    'legend.bgcolor': 'rgba(0,0,0,0)',
    'hoverlabel.font.color': dark ? '#1b1b1f' : '#ffffff',
  };
  for (const key of Object.keys(layout)) {
    if (/^[xy]axis\d*$/.test(key) || key === 'xaxis' || key === 'yaxis') {
      update[`${key}.gridcolor`] = grid;
      update[`${key}.zerolinecolor`] = line;
      update[`${key}.linecolor`] = line;
      update[`${key}.tickfont.color`] = text;
      update[`${key}.title.font.color`] = text;
    }
  }
  if (!('xaxis' in layout)) {
    update['xaxis.gridcolor'] = grid;
    update['xaxis.tickfont.color'] = text;
  }
  if (!('yaxis' in layout)) {
    update['yaxis.gridcolor'] = grid;
    update['yaxis.tickfont.color'] = text;
  }
  return update;
}

/** Apply `update` (relayout paths) to a layout object, for the first draw. */
export function applyUpdate(layout: Layout, update: Layout): Layout {
  const copy = structuredClone(layout);
  for (const [path, value] of Object.entries(update)) {
    const keys = path.split('.');
    let node = copy;
    for (const key of keys.slice(0, -1)) {
      const next = node[key];
      if (typeof next === 'string') node[key] = { text: next };
      else if (typeof next !== 'object' || next === null) node[key] = {};
      node = node[key] as Layout;
    }
    node[keys[keys.length - 1]] = value;
  }
  return copy;
}
