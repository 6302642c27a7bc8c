import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { inTslabKernel, show, slugify, tslabModule } from '../../lib/plot/display';
import { scriptSafeJson, standaloneHtml } from '../../lib/plot/html';
import { liveTraining } from '../../lib/plot/live';
import type { Figure } from '../../lib/plot/types';
import { liveStudy } from '../../lib/report/live-study';

const fig: Figure = {
  data: [{ type: 'scatter', name: '</script><b>', x: [1, 2], y: [3, 4] }],
  layout: { title: { text: 'Loss (BN)' } },
};

test('outside a notebook, show() writes a standalone HTML page with plotly inlined', () => {
  assert.equal(inTslabKernel(), false);
  assert.equal(tslabModule(), null);
  const dir = mkdtempSync(join(tmpdir(), 'normlab-plot-'));
  const file = show(fig, { file: join(dir, 'fig.html'), log: false });
  assert.equal(file, join(dir, 'fig.html'));
  const html = readFileSync(file!, 'utf8');
  assert.match(html, /^<!doctype html>/);
  assert.ok(html.length > 1_000_000, 'plotly.min.js is inlined (works offline)');
  assert.match(html, /Plotly\.newPlot\('figure-' \+ i/);
  assert.ok(!html.includes('</script><b>'), 'figure JSON cannot close the script element');
  assert.ok(html.includes(scriptSafeJson([fig])));
  assert.match(html, /prefers-color-scheme: dark/);
});

test('standaloneHtml accepts sections with headings and escapes them', () => {
  const html = standaloneHtml([{ figure: fig, heading: 'A & B', caption: '<i>x</i>' }], {
    plotlyJs: '/*plotly*/',
    theme: 'dark',
  });
  assert.match(html, /<h2>A &amp; B<\/h2>/);
  assert.match(html, /<p>&lt;i&gt;x&lt;\/i&gt;<\/p>/);
  assert.match(html, /id="figure-0"/);
  assert.ok(!html.includes('prefers-color-scheme'));
  assert.equal(slugify('Running mean (BN) <b>x</b>'), 'running-mean-bn-x');
});

test('liveTraining collects runs into one figure and progress text (no display outside notebooks)', () => {
  const lines: string[] = [];
  const log = console.log;
  console.log = (s: string) => lines.push(s);
  try {
    const live = liveTraining({ title: 'demo', totalSteps: 4 });
    const a = live.run('BatchNorm', { kind: 'batch' });
    for (let step = 1; step <= 4; step++)
      a.onStep({ step, epoch: 1, loss: 2 / step, accuracy: step / 5, ms: 1 });
    a.onEval({ step: 4, epoch: 1, trainSeconds: 0.5, validation: { loss: 0.5, accuracy: 0.8, count: 10 } });
    a.onEpoch({
      epoch: 1,
      step: 4,
      trainLoss: 1,
      trainAccuracy: 0.5,
      seconds: 0.5,
      evalSeconds: 0.1,
      validation: { loss: 0.5, accuracy: 0.8, count: 10 },
    });
    const b = live.run('none', { kind: 'none' });
    b.onStep({ step: 1, epoch: 1, loss: Number.NaN, accuracy: 0.1, ms: 1 });
    live.done('finished');
    const figure = live.figure();
    assert.equal(figure.data.length, 6, 'loss, batch accuracy, validation accuracy per run');
    assert.deepEqual(figure.data[0].y, [2, 1, 2 / 3, 0.5]);
    assert.deepEqual(figure.data[2].y, [0.8]);
    assert.equal(figure.data[0].line?.color, '#2f86d6');
    assert.match(
      live.progressText(),
      /BatchNorm · epoch 1 · step 4\/4 · loss 0\.5 · batch acc 0\.800 · val acc 0\.800/,
    );
    assert.match(live.progressText(), /finished$/);
    assert.ok(
      lines.some((l) => /BatchNorm · epoch 1 · step 4 · train loss 1 · val acc 0\.800/.test(l)),
      lines.join('\n'),
    );
  } finally {
    console.log = log;
  }
});

test('liveTraining: one legend entry per legend label, however many runs and curves', () => {
  const live = liveTraining({ title: 'warm-up', totalSteps: 2 });
  for (const d of [0.99, 0.9])
    for (const seed of [1, 2, 3]) {
      const run = live.run(`d = ${d} · seed ${seed}`, { legend: `d = ${d}` });
      run.onStep({ step: 1, epoch: 1, loss: 1, accuracy: 0.5, ms: 1 });
      run.onEval({ step: 1, epoch: 1, trainSeconds: 0.1, validation: { loss: 1, accuracy: 0.6, count: 10 } });
    }
  const figure = live.figure();
  assert.equal(figure.data.length, 18, 'six runs, three curves each');
  // Plotly draws a legend item for every trace that does not say showlegend: false.
  const items = figure.data.filter((t) => t.showlegend !== false).map((t) => t.name);
  assert.deepEqual(items, ['d = 0.99', 'd = 0.9']);
  // Without labels: one entry per run, not one per curve.
  const plain = liveTraining({ title: 'two runs' });
  plain.run('BatchNorm', { kind: 'batch' }).onStep({ step: 1, epoch: 1, loss: 1, accuracy: 0.5, ms: 1 });
  plain.run('none', { kind: 'none' }).onStep({ step: 1, epoch: 1, loss: 1, accuracy: 0.5, ms: 1 });
  assert.deepEqual(
    plain
      .figure()
      .data.filter((t) => t.showlegend !== false)
      .map((t) => t.name),
    ['BatchNorm', 'none'],
  );
});

test('liveStudy tracks finished train runs by norm kind and reports progress', () => {
  const lines: string[] = [];
  const log = console.log;
  console.log = (s: string) => lines.push(s);
  try {
    const live = liveStudy({ logEvery: 1 });
    const base = { total: 3, resumed: 0, elapsedSeconds: 12, etaSeconds: 30 };
    const record = (norm: string, acc: number) =>
      ({ config: { kind: 'train', arch: 'mlp', norm, seed: 1 }, metrics: { testAccuracy: acc } }) as never;
    live.onProgress({ ...base, done: 1, finished: record('batch', 0.8) });
    live.onProgress({ ...base, done: 2, finished: record('none', 0.7) });
    const fig = live.figure();
    assert.deepEqual(
      fig.data.map((t) => t.name),
      ['no norm', 'BatchNorm'],
    );
    assert.deepEqual(fig.data[1].y, [0.8]);
    assert.deepEqual(fig.data[0].x, [2]);
    assert.match(live.progressText(), /^runs 2\/3 · elapsed 12s · ETA 30s/);
    assert.equal(lines.length, 2);
  } finally {
    console.log = log;
  }
});
