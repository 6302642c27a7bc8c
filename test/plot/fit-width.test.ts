/**
 * Chart text fitted to the width it is drawn at (titles wrap instead of being cut, subplot titles
 * and labels fit between their neighbours, images keep their aspect without blank bands), and
 * the theme's fixes for dark pages and log axes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { barsWithCI } from '../../lib/plot/bars';
import { plotlyBundle } from '../../lib/plot/display';
import { fitLayoutToWidth, wrapText } from '../../lib/plot/fit-width';
import { imageGrid } from '../../lib/plot/images';
import { initScaleRobustness } from '../../lib/plot/sensitivity';
import { relativeLuminance, themedAxis, themedLayout } from '../../lib/plot/theme';
import type { PlotAnnotation } from '../../lib/plot/types';

const GLYPH = 0.56;
const lines = (text: string) => text.split('<br>');
const widest = (text: string) => Math.max(...lines(text).map((l) => l.replace(/<[^>]*>/g, '').length));

test('wrapText breaks at spaces, keeps existing breaks and tags', () => {
  assert.equal(
    wrapText('Validation accuracy in inference mode during warm-up', 20),
    'Validation accuracy<br>in inference mode<br>during warm-up',
  );
  assert.equal(wrapText('a<br>b c', 10), 'a<br>b c');
  assert.equal(wrapText('<b>bold</b> words here', 10), '<b>bold</b> words<br>here');
  assert.equal(wrapText('unbreakable-long-word', 5), 'unbreakable-long-word');
  assert.equal(wrapText('InstanceNorm', 9), 'Instance<br>Norm', 'a long word breaks where its case changes');
});

test('a long title wraps at phone width and the chart grows by the extra lines; at desktop width nothing changes', () => {
  const layout = themedLayout(
    'Validation accuracy in inference mode during warm-up, with a band across seeds',
    { height: 400 },
  );
  const wide = fitLayoutToWidth(layout, 1200);
  assert.deepEqual(wide, layout, 'fits at 1200 px: unchanged');
  const phone = fitLayoutToWidth(layout, 360);
  const text = (phone.title as { text: string }).text;
  assert.ok(lines(text).length >= 3, text);
  assert.ok(widest(text) * 18 * GLYPH <= 360 - 20, `every line fits 360 px: ${text}`);
  const added = lines(text).length - 1;
  assert.equal(phone.margin?.t, Math.round(60 + added * 18 * 1.3), 'title font: 17/12 of the 13 px base');
  assert.equal(phone.height, 400 + Math.round(added * 18 * 1.3));
  assert.equal((layout.title as { text: string }).text.includes('<br>'), false, 'the input is not changed');
});

test('subplot titles in a row fit between their neighbours; long axis titles wrap to their axis', () => {
  const annotations: PlotAnnotation[] = [0.15, 0.5, 0.85].map((x, i) => ({
    text: [
      'y, training mode (batch statistics)<br>mean -0.25, std 0.9',
      'y, inference (running statistics)<br>mean -0.26',
      'difference<br>mean 0.0106, std 0.0139',
    ][i],
    x,
    y: 1,
    xref: 'paper',
    yref: 'paper',
    showarrow: false,
    xanchor: 'center',
    yanchor: 'bottom',
  }));
  const layout = themedLayout('Step 5', {
    annotations,
    yaxis: themedAxis('mean absolute difference between training and inference outputs'),
  });
  for (const width of [360, 700]) {
    const fitted = fitLayoutToWidth(layout, width);
    const room = 0.35 * (width - 80) - 6;
    for (const a of fitted.annotations as PlotAnnotation[]) {
      const size = (a.font as { size?: number } | undefined)?.size ?? 13;
      assert.ok(
        widest(a.text) * size * GLYPH <= room + 1e-9,
        `${width} px: "${a.text}" at ${size}px fits ${room.toFixed(0)} px`,
      );
      assert.ok(size >= 9);
    }
    const yTitle = (fitted.yaxis as { title: { text: string } }).title.text;
    assert.ok(widest(yTitle) * 13 * GLYPH <= 450 - 60 - 50 + 1, yTitle);
  }
  assert.ok(
    (fitLayoutToWidth(layout, 360).margin?.t ?? 0) > 60,
    'wrapped subplot titles get room above the plots',
  );
});

test('an image grid gets the height its width calls for (no blank bands on a phone)', () => {
  const count = 32;
  const pixels = new Float32Array(count * 28 * 28).map((_, i) => i % 255);
  const grid = imageGrid(pixels, 28, 28, {
    columns: 8,
    labels: Array.from({ length: count }, () => 'Ankle boot'),
  });
  const phone = fitLayoutToWidth(grid.layout, 360);
  const desktop = fitLayoutToWidth(grid.layout, 880);
  assert.ok((phone.height ?? 0) < (desktop.height ?? 0), `${phone.height} < ${desktop.height}`);
  assert.ok((phone.height ?? 0) < (grid.layout.height ?? 450));
  for (const a of phone.annotations as PlotAnnotation[])
    assert.ok(((a.font as { size?: number }).size ?? 13) >= 9);
});

test('error bars are visible on light and dark pages; log axes label decades only; notebooks get fitted figures', () => {
  const contrast = (a: number, b: number) => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  const bars = barsWithCI([
    { name: 'BN', kind: 'batch', categories: ['mlp'], values: [0.8], lower: [0.7], upper: [0.9] },
  ]);
  const sweep = initScaleRobustness([
    {
      name: 'BN',
      kind: 'batch',
      points: [
        { x: 0.1, mean: 0.5, lower: 0.4, upper: 0.6 },
        { x: 10, mean: 0.6, lower: 0.5, upper: 0.7 },
      ],
    },
  ]);
  for (const fig of [bars, sweep]) {
    const colors = fig.data
      .map((t) => (t.error_y as { color?: string } | undefined)?.color)
      .filter((c) => c !== undefined);
    assert.ok(colors.length > 0, 'the figure has error bars');
    for (const c of colors) {
      const l = relativeLuminance(c as string);
      assert.ok(
        contrast(l, relativeLuminance('#ffffff')) >= 3 && contrast(l, relativeLuminance('#1b1b1f')) >= 3,
        `error bar colour ${c}`,
      );
    }
  }
  assert.equal(themedAxis('init scale', { type: 'log' }).dtick, 1);
  assert.equal(themedAxis('batch', { type: 'log', tickvals: [2, 64] }).dtick, undefined);
  assert.equal((sweep.layout.xaxis as { dtick?: number }).dtick, 1);
  const long = {
    data: [],
    layout: themedLayout(
      'time per step relative to no normalization (geometric mean of paired ratios, 95% CI) per architecture',
    ),
  };
  assert.match((plotlyBundle(long).layout.title as { text: string }).text, /<br>/);
});
