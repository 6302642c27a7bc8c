/**
 * The mechanism experiment's figures, on the smoke profile's runs from the fake executor (whose
 * probes put batch norm's gradient shift at 0.1, none's at 0.3 and noisy batch norm's at 0.6).
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  activationPercentilesFigure,
  checkpointMeasureFigure,
  mechanismFigures,
  mechanismLossFigure,
  probedRecords,
} from '../../lib/report/mechanism-figures';
import {
  mechanismSummaryRows,
  mechanismVerdictMarkdown,
  mechanismVerdictRows,
} from '../../lib/report/mechanism-tables';
import { scorecard } from '../../lib/study/claims/scorecard';
import { runStudy } from '../../lib/study/run/runner';
import { profileSpec } from '../../lib/study/spec/profiles';
import { fakeExecutor } from '../study/fake-executor';

async function probed() {
  const spec = profileSpec('smoke');
  const { records } = await runStudy({
    spec,
    outDir: mkdtempSync(join(tmpdir(), 'normlab-mech-fig-')),
    executor: fakeExecutor(),
  });
  return { spec, records, runs: probedRecords(records, spec) };
}

test('probedRecords: the claim-9 runs, ordered by kind and seed', async () => {
  const { runs } = await probed();
  assert.deepEqual(
    runs.map((r) => `${r.config.norm}${r.config.seed}`),
    ['none0', 'none1', 'batch0', 'batch1', 'noisy-batch0', 'noisy-batch1'],
  );
});

test('percentile figure: median line and 15th–85th band per kind, from one seed', async () => {
  const { runs } = await probed();
  const fig = activationPercentilesFigure(runs);
  const lines = fig.data.filter((t) => t.showlegend !== false);
  assert.deepEqual(
    lines.map((t) => t.name),
    ['no norm (seed 0)', 'BatchNorm (seed 0)', 'noisy BatchNorm (seed 0)'],
  );
  // The fake noisy run's median moves from 0 to its shift level 0.6.
  assert.deepEqual(lines[2].y, [0, 0.6]);
  assert.match(fig.layout.title?.text ?? '', /15th–85th percentile/);
});

test('checkpoint measures: mean across seeds per kind, in the fake levels’ order', async () => {
  const { runs } = await probed();
  const shift = checkpointMeasureFigure(runs, 'relativeShift');
  const means = shift.data.filter((t) => t.showlegend !== false).map((t) => (t.y as number[])[0]);
  assert.equal(means.length, 3);
  assert.ok(means[1] < means[0] && means[0] < means[2], `${means}`);
  const beta = checkpointMeasureFigure(runs, 'betaSmoothness');
  assert.equal(beta.layout.yaxis?.type, 'log');
  // At least three labelled ticks, framing every value drawn (Plotly's one label per decade
  // leaves a single label on data within a decade).
  const ticks = (beta.layout.yaxis?.tickvals ?? []) as number[];
  const labels = beta.layout.yaxis?.ticktext ?? [];
  assert.ok(ticks.length >= 3 && labels.length === ticks.length, `β-smoothness ticks: ${ticks}`);
  const drawn = beta.data.flatMap((t) =>
    (t.y as (number | null)[]).filter((v): v is number => v !== null && v > 0),
  );
  assert.ok(drawn.length > 0);
  assert.ok(
    ticks[0] <= Math.min(...drawn) && ticks[ticks.length - 1] >= Math.max(...drawn),
    `${ticks} frame ${drawn}`,
  );
  const [from, to] = (beta.layout.yaxis?.range ?? []) as number[];
  assert.ok(
    from <= Math.log10(ticks[0]) && to >= Math.log10(ticks[ticks.length - 1]),
    'every tick is inside the range',
  );
  assert.ok(mechanismLossFigure(runs).data.length >= 3);
});

test('report sections: four figures with data; none without probed runs', async () => {
  const { spec, records } = await probed();
  const sections = mechanismFigures(records, spec);
  assert.equal(sections.length, 4);
  for (const s of sections) assert.deepEqual(JSON.parse(JSON.stringify(s.figure)), s.figure);
  assert.deepEqual(
    mechanismFigures(
      records.filter((r) => !r.probes),
      spec,
    ),
    [],
  );
});

test('tables: one row per kind with the probe summaries; one row per comparison of the rule', async () => {
  const { spec, records, runs } = await probed();
  const summary = mechanismSummaryRows(runs);
  assert.deepEqual(
    summary.rows.map((r) => r[0]),
    ['no norm', 'BatchNorm', 'noisy BatchNorm'],
  );
  assert.equal(summary.rows[0].length, summary.columns.length);
  // The fake probes: shift 0.3 + 0.01·e for none; one decimal place of three.
  assert.match(String(summary.rows[0][4]), /^0\.30\d/);
  const verdict = scorecard(spec, records).find((c) => c.id === 9)!;
  const rows = mechanismVerdictRows(verdict);
  assert.equal(rows.rows.length, 8, 'A, B, C, C′ decide; D–G are shown');
  assert.match(String(rows.rows[0][0]), /^A\. BN reduces the shift/);
  assert.match(
    mechanismVerdictMarkdown(verdict),
    /^\*\*Claim 9, "batch norm works by reducing internal covariate shift": /,
  );
});
