import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  applyTheme,
  contrastRatio,
  NORM_KIND_COLORS,
  normKindColor,
  PLOT_NORM_KINDS,
  SERIES_COLORS,
  THEME_BACKGROUND,
  THEME_FONT_COLOR,
  themedLayout,
  withAlpha,
} from '../../lib/plot/theme';

const LIGHT = '#ffffff';
const DARK = '#1e1e1e';

test('every norm-kind colour, series colour and the font read on light and dark backgrounds', () => {
  for (const color of [...Object.values(NORM_KIND_COLORS), ...SERIES_COLORS, THEME_FONT_COLOR]) {
    assert.ok(contrastRatio(color, LIGHT) >= 3, `${color} on white: ${contrastRatio(color, LIGHT)}`);
    assert.ok(contrastRatio(color, DARK) >= 3, `${color} on ${DARK}: ${contrastRatio(color, DARK)}`);
  }
});

test('one distinct colour per norm kind', () => {
  assert.deepEqual(
    [...PLOT_NORM_KINDS],
    ['none', 'batch', 'layer', 'instance', 'group', 'noisy-batch', 'batch-renorm', 'group-ws'],
  );
  assert.equal(new Set(PLOT_NORM_KINDS.map(normKindColor)).size, PLOT_NORM_KINDS.length, 'one colour each');
  assert.throws(
    () => normKindColor('weight'),
    /kind must be one of none, batch, layer, instance, group, noisy-batch, batch-renorm, group-ws; got 'weight'/,
  );
});

test('layouts have transparent backgrounds and the mid-grey font', () => {
  const layout = themedLayout('t');
  assert.equal(layout.paper_bgcolor, THEME_BACKGROUND);
  assert.equal(layout.plot_bgcolor, THEME_BACKGROUND);
  assert.equal(layout.font?.color, THEME_FONT_COLOR);
  assert.equal(layout.title?.text, 't');
  const themed = applyTheme({
    data: [],
    layout: { paper_bgcolor: 'white', yaxis2: { title: { text: 'b' } } },
  });
  assert.equal(themed.layout.paper_bgcolor, THEME_BACKGROUND);
  assert.equal(themed.layout.yaxis2?.title?.text, 'b');
  assert.ok(themed.layout.yaxis2?.gridcolor);
});

test('withAlpha turns #rrggbb into rgba and rejects bad input', () => {
  assert.equal(withAlpha('#2f86d6', 0.2), 'rgba(47, 134, 214, 0.2)');
  assert.throws(() => withAlpha('blue', 0.2), /color must be a hex colour/);
  assert.throws(() => withAlpha('#2f86d6', 2), /alpha must be in \[0, 1\]/);
});
