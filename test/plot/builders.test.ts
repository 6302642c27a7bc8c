import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  activationHistograms,
  barsWithCI,
  batchSizeSensitivity,
  curvesWithBands,
  type Figure,
  heatmapPanels,
  imageGrid,
  initScaleRobustness,
  learningRateSensitivity,
  NORM_KIND_COLORS,
  normAxesDiagram,
  normalizationSetIds,
  randomSample,
  runningStatsConvergence,
  splitDomains,
  strideSample,
  tableFigure,
} from '../../lib/plot/index';

function roundTrips(fig: Figure): void {
  assert.deepEqual(JSON.parse(JSON.stringify(fig)), fig, 'the figure is plain JSON');
}

test('curvesWithBands: a closed band polygon under each mean line, gaps for non-finite values', () => {
  const fig = curvesWithBands(
    [
      {
        name: 'BN',
        kind: 'batch',
        x: [1, 2, 3],
        mean: [0.5, Number.NaN, 0.8],
        lower: [0.4, 0.5, 0.7],
        upper: [0.6, 0.7, 0.9],
      },
      { name: 'none', kind: 'none', x: [1, 2, 3], mean: [0.4, 0.5, 0.6] },
    ],
    { title: 'acc', bandLabel: '95% CI' },
  );
  roundTrips(fig);
  assert.equal(fig.data.length, 3, 'band + line, then a line without band');
  const [band, line, plain] = fig.data;
  assert.equal(band.fill, 'toself');
  assert.deepEqual(band.x, [1, 2, 3, 3, 2, 1]);
  assert.deepEqual(band.y, [0.6, 0.7, 0.9, 0.7, 0.5, 0.4]);
  assert.equal(band.fillcolor, 'rgba(47, 134, 214, 0.2)');
  assert.deepEqual(line.y, [0.5, null, 0.8]);
  assert.equal(line.line?.color, NORM_KIND_COLORS.batch);
  assert.equal(plain.line?.color, NORM_KIND_COLORS.none);
  assert.equal(band.legendgroup, line.legendgroup);
  assert.throws(() => curvesWithBands([{ name: 'bad', x: [1, 2], mean: [1] }]), /mean has 1 values, x has 2/);
  assert.throws(
    () => curvesWithBands([{ name: 'bad', x: [1], mean: [1], lower: [0] }]),
    /both lower and upper/,
  );
});

test('barsWithCI: asymmetric error bars from the interval ends', () => {
  const fig = barsWithCI(
    [
      {
        name: 'BN',
        kind: 'batch',
        categories: ['mlp', 'vgg'],
        values: [0.8, 0.9],
        lower: [0.7, 0.85],
        upper: [0.85, 0.92],
      },
    ],
    { reference: { y: 0.934, label: 'published' } },
  );
  roundTrips(fig);
  assert.equal(fig.data[0].type, 'bar');
  const err = fig.data[0].error_y!;
  assert.equal(err.symmetric, false);
  assert.deepEqual(
    err.array.map((v) => Number((v as number).toFixed(6))),
    [0.05, 0.02],
  );
  assert.deepEqual(
    err.arrayminus!.map((v) => Number((v as number).toFixed(6))),
    [0.1, 0.05],
  );
  assert.deepEqual(fig.data[1].y, [0.934, 0.934]);
  assert.equal(fig.layout.barmode, 'group');
});

test('sensitivity figures: sorted points, log axes, a diverged panel when runs diverge', () => {
  const series = [
    {
      name: 'none',
      kind: 'none',
      points: [
        { x: 1, mean: null, diverged: 1 },
        { x: 0.01, mean: 0.8, lower: 0.78, upper: 0.82 },
        { x: 0.1, mean: 0.85, lower: 0.84, upper: 0.86, diverged: 0.2 },
      ],
    },
  ];
  const lr = learningRateSensitivity(series);
  roundTrips(lr);
  assert.deepEqual(lr.data[0].x, [0.01, 0.1, 1]);
  assert.deepEqual(lr.data[0].y, [0.8, 0.85, null]);
  assert.equal(lr.data[1].type, 'bar');
  assert.deepEqual(lr.data[1].y, [0, 0.2, 1]);
  assert.equal(lr.layout.xaxis2?.type, 'log');
  const bs = batchSizeSensitivity([
    {
      name: 'BN',
      kind: 'batch',
      points: [
        { x: 2, mean: 0.7 },
        { x: 128, mean: 0.9 },
      ],
    },
  ]);
  assert.equal(bs.data.length, 1, 'no diverged panel when nothing diverged');
  assert.deepEqual(bs.layout.xaxis?.ticktext, ['2', '128']);
  const init = initScaleRobustness([{ name: 'BN', kind: 'batch', points: [{ x: 0.1, mean: 0.7 }] }]);
  assert.equal(init.data.length, 2, 'init-scale robustness always shows the diverged share');
  assert.throws(() => learningRateSensitivity([{ name: 'x', points: [{ x: 0, mean: 1 }] }]), /x must be > 0/);
});

test('activationHistograms: one panel per stage, density, mean/std annotations, sampled values', () => {
  const values = Float32Array.from({ length: 50000 }, (_, i) => (i % 100) / 10);
  const fig = activationHistograms(
    [
      { title: 'x', series: [{ name: 'c0', values }] },
      {
        title: 'x̂',
        series: [
          { name: 'c0', values: [-1, 1] },
          { name: 'c1', values: [-1, 1] },
        ],
      },
    ],
    { bins: 10 },
  );
  roundTrips(fig);
  assert.equal(fig.data.length, 3);
  assert.equal(fig.data[0].type, 'bar');
  assert.equal((fig.data[0].x as number[]).length, 10, 'binned here: 10 bins, not 50000 raw values');
  const density = fig.data[0].y as number[];
  const width = fig.data[0].width as number;
  assert.ok(Math.abs(density.reduce((a, b) => a + b, 0) * width - 1) < 1e-3, 'densities integrate to 1');
  assert.equal(fig.data[1].xaxis, 'x2');
  assert.deepEqual(fig.layout.xaxis?.domain, [0, 0.475]);
  assert.match(fig.layout.annotations![0].text, /mean 4\.95, std 2\.89/);
  assert.match(fig.layout.annotations![1].text, /mean 0, std 1/);
  assert.throws(() => activationHistograms([]), /1 to 6 panels/);
});

test('runningStatsConvergence: running lines, batch points and the target line', () => {
  const fig = runningStatsConvergence({
    running: [{ name: 'm=0.9', steps: [1, 2, 3], values: [0.1, 0.19, 0.27] }],
    batch: { name: 'batch', steps: [1, 2, 3], values: [1, 1, 1] },
    target: { value: 1, label: 'population' },
  });
  roundTrips(fig);
  assert.deepEqual(
    fig.data.map((t) => t.mode),
    ['markers', 'lines', 'lines'],
  );
  assert.deepEqual(fig.data[2].x, [1, 3]);
  assert.deepEqual(fig.data[2].y, [1, 1]);
});

test('normalizationSetIds: batch per channel, layer per sample, instance per cell, group per sample and group', () => {
  assert.deepEqual(normalizationSetIds('batch', 2, 3), [
    [0, 0],
    [1, 1],
    [2, 2],
  ]);
  assert.deepEqual(normalizationSetIds('layer', 2, 3), [
    [0, 1],
    [0, 1],
    [0, 1],
  ]);
  assert.deepEqual(normalizationSetIds('instance', 2, 2), [
    [0, 2],
    [1, 3],
  ]);
  assert.deepEqual(normalizationSetIds('group', 2, 4, 2), [
    [0, 2],
    [0, 2],
    [1, 3],
    [1, 3],
  ]);
  // The dial: G = 1 is layer norm's partition, G = C is instance norm's.
  assert.deepEqual(normalizationSetIds('group', 3, 4, 1), normalizationSetIds('layer', 3, 4));
  assert.deepEqual(normalizationSetIds('group', 3, 4, 4), normalizationSetIds('instance', 3, 4));
  assert.throws(
    () => normalizationSetIds('group', 2, 6, 4),
    /groups must be a positive integer dividing channels \(6\)/,
  );
});

test('normAxesDiagram: one heatmap per kind with the highlighted set in the kind colour', () => {
  const fig = normAxesDiagram({ batch: 3, channels: 4, groups: 2 });
  roundTrips(fig);
  assert.equal(fig.data.length, 4);
  assert.deepEqual(
    fig.data.map((t) => t.type),
    ['heatmap', 'heatmap', 'heatmap', 'heatmap'],
  );
  const bn = fig.data[0];
  assert.deepEqual(bn.z![0], [1, 1, 1], 'channel 0 across all samples is one set');
  assert.notEqual(bn.z![1][0], 1);
  const colorscale = fig.data[3].colorscale as [number, string][];
  assert.equal(colorscale[colorscale.length - 1][1], NORM_KIND_COLORS.group);
  assert.equal(fig.layout.annotations!.length, 4);
});

test('imageGrid tiles images with gaps and checks the pixel count', () => {
  const pixels = Float32Array.from({ length: 3 * 2 * 2 }, (_, i) => i);
  const fig = imageGrid(pixels, 2, 2, { columns: 2 });
  roundTrips(fig);
  const z = fig.data[0].z!;
  assert.equal(z.length, 5, '2 rows of 2 pixels + 1 gap row');
  assert.equal(z[0].length, 5);
  assert.deepEqual(z[0], [0, 1, null, 4, 5]);
  assert.deepEqual(z[3], [8, 9, null, null, null]);
  assert.throws(() => imageGrid([1, 2, 3], 2, 2), /whole number of 2×2 images/);
  const labelled = imageGrid(pixels, 2, 2, { columns: 2, labels: ['a', 'b', 'c'] });
  assert.deepEqual(
    labelled.layout.annotations?.map((a) => a.text),
    ['a', 'b', 'c'],
  );
  assert.equal(labelled.data[0].z!.length, 8, 'two rows of 2 pixels, each followed by 2 rows of label room');
});

test('helpers: sampling and subplot domains', () => {
  const big = Array.from({ length: 1000 }, (_, i) => i % 4);
  const sample = randomSample(big, 200, 3);
  assert.equal(sample.length, 200);
  assert.deepEqual(randomSample(big, 200, 3), sample, 'seeded: the same sample again');
  assert.equal(new Set(sample).size, 4, 'a random sample does not alias with a period-4 layout');
  const distinct = randomSample(
    Array.from({ length: 50 }, (_, i) => i),
    50 - 1,
    1,
  );
  assert.equal(new Set(distinct).size, 49, 'without replacement');
  assert.deepEqual(strideSample([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 5), [0, 2, 4, 6, 8]);
  assert.deepEqual(strideSample([1, 2], 5), [1, 2]);
  assert.deepEqual(splitDomains(2, 0.1), [
    [0, 0.45],
    [0.55, 1],
  ]);
});

test('heatmapPanels: one heatmap per panel on a shared symmetric colour range', () => {
  const fig = heatmapPanels([
    {
      title: 'a',
      z: [
        [1, -2],
        [0, 0.5],
      ],
    },
    { title: 'b', z: [[0.1, Number.NaN]] },
  ]);
  roundTrips(fig);
  assert.equal(fig.data.length, 2);
  assert.equal(fig.data[0].zmin, -2);
  assert.equal(fig.data[1].zmax, 2);
  assert.deepEqual(fig.data[1].z, [[0.1, null]]);
  assert.equal(fig.data[1].xaxis, 'x2');
  assert.equal(fig.data[0].showscale, false);
  assert.equal(fig.data[1].showscale, true);
  assert.throws(() => heatmapPanels([{ title: 'r', z: [[1], [1, 2]] }]), /rectangular/);
});

test('tableFigure: column-major cells, per-row colours, checked row lengths', () => {
  const fig = tableFigure(
    ['claim', 'verdict'],
    [
      ['1', 'holds'],
      ['2', 'depends'],
    ],
    { rowColors: ['a', 'b'], columnWidths: [3, 1] },
  );
  roundTrips(fig);
  assert.deepEqual(fig.data[0].cells?.values, [
    ['1', '2'],
    ['holds', 'depends'],
  ]);
  assert.deepEqual(fig.data[0].cells?.fill?.color, [
    ['a', 'b'],
    ['a', 'b'],
  ]);
  assert.deepEqual(fig.data[0].columnwidth, [3, 1]);
  assert.throws(() => tableFigure(['a'], [['x', 'y']]), /row 0 has 2 cells; columns has 1/);
});
