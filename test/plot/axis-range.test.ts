/** Axis ticks and ranges chosen from the data (lib/plot/axis-range.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { logAxis, logTicks, tickLabel, zoomedRange } from '../../lib/plot/axis-range';
import { curvesWithBands } from '../../lib/plot/curves';

test('logTicks: at least three labels framing the data, whatever its span', () => {
  for (const [lo, hi] of [
    [3, 8],
    [0.012, 0.031],
    [5, 5],
    [0.5, 3],
    [2, 30],
    [1e-4, 0.2],
    [150, 420],
  ]) {
    const ticks = logTicks([lo, hi, Number.NaN, 0, -1, null]);
    assert.ok(ticks, `${lo}..${hi}`);
    assert.ok(ticks.tickvals.length >= 3, `${lo}..${hi}: ${ticks.tickvals}`);
    assert.ok(
      ticks.tickvals[0] <= lo && ticks.tickvals[ticks.tickvals.length - 1] >= hi,
      `${ticks.tickvals}`,
    );
    assert.deepEqual(
      [...ticks.tickvals].sort((a, b) => a - b),
      ticks.tickvals,
      'ascending',
    );
  }
  // A span of several decades: one tick per decade.
  assert.deepEqual(logTicks([1e-4, 0.2])?.tickvals, [1e-4, 1e-3, 0.01, 0.1, 1]);
  // Within a decade: the 1-2-5 steps.
  assert.deepEqual(logTicks([3, 8])?.tickvals, [2, 5, 10]);
  assert.equal(logTicks([0, Number.NaN]), undefined);
  assert.deepEqual([0.05, 2, 300, 2e-5, 1e6].map(tickLabel), ['0.05', '2', '300', '2e-5', '1e+6']);
});

test('logAxis and curvesWithBands: a log y axis on data within a decade has its own ticks and range', () => {
  const axis = logAxis([3, 8]);
  assert.equal(axis.type, 'log');
  assert.deepEqual(axis.tickvals, [2, 5, 10]);
  const fig = curvesWithBands(
    [{ name: 'BatchNorm', kind: 'batch', x: [1, 2], mean: [4, 6], lower: [3, 5], upper: [5, 8] }],
    { logY: true },
  );
  assert.deepEqual(fig.layout.yaxis?.tickvals, [2, 5, 10]);
  assert.deepEqual(fig.layout.yaxis?.ticktext, ['2', '5', '10']);
  const [from, to] = (fig.layout.yaxis?.range ?? []) as number[];
  assert.ok(from < Math.log10(2) && to > 1);
  assert.equal(curvesWithBands([{ name: 'a', x: [1], mean: [1] }]).layout.yaxis?.tickvals, undefined);
});

test('zoomedRange: only when a zero-based axis would hide the differences', () => {
  const range = zoomedRange([0.85, 0.9], [0.87, 0.92], 1);
  assert.ok(range);
  assert.ok(range[0] > 0.7 && range[0] < 0.85 && range[1] > 0.92 && range[1] <= 1, `${range}`);
  assert.equal(zoomedRange([0.2, 0.9], [0.3, 0.92], 1), undefined);
  assert.equal(zoomedRange([Number.NaN], [null], 1), undefined);
  assert.equal(zoomedRange([-0.1, 0.05], [0.1, 0.2]), undefined);
});
