import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { studyReportHtml } from '../../lib/report/html-report';
import { metricBarsFigure, overheadFigure } from '../../lib/report/metric-figures';
import { studyFigures } from '../../lib/report/study-figures';
import { scorecard } from '../../lib/study/claims/scorecard';
import { formatScorecard } from '../../lib/study/claims/summary';
import { runStudy } from '../../lib/study/run/runner';
import { loadSpecFile } from '../../lib/study/spec/file';
import { expandSpec } from '../../lib/study/spec/plan';
import { profileSpec } from '../../lib/study/spec/profiles';
import { fakeExecutor } from './fake-executor';

async function smokeRecords() {
  const spec = profileSpec('smoke');
  const { records } = await runStudy({
    spec,
    outDir: mkdtempSync(join(tmpdir(), 'normlab-report-')),
    executor: fakeExecutor(),
  });
  return { spec, records };
}

test('study figures: one per experiment kind, each with data, JSON-serialisable', async () => {
  const { spec, records } = await smokeRecords();
  const sections = studyFigures(records, spec);
  // 4 headline bars + 2 validation-curve figures (mlp, vgg) + init + lr + batch + overhead
  // + 4 mechanism figures.
  assert.equal(sections.length, 14);
  for (const s of sections) {
    assert.ok(s.figure.data.length > 0, s.heading);
    assert.ok(
      s.figure.data.some((t) => (t.y ?? []).some((v) => typeof v === 'number')),
      `${s.heading} has numbers`,
    );
    assert.deepEqual(JSON.parse(JSON.stringify(s.figure)), s.figure);
  }
  const bars = metricBarsFigure(records, 'testAccuracy');
  assert.deepEqual(
    bars.data.map((t) => t.name),
    ['no norm', 'BatchNorm', 'LayerNorm', 'InstanceNorm'],
  );
  assert.deepEqual(bars.data[0].x, ['mlp', 'vgg']);
  assert.equal(bars.data.find((t) => t.name === 'InstanceNorm')?.y?.[0], null, 'no instance norm on the MLP');
  const overhead = overheadFigure(records);
  assert.ok(
    overhead.data.every((t) => t.name !== 'no norm'),
    'ratios to none, so none is not a bar',
  );
});

test('HTML report: scorecard rows, provenance, inline scripts only, escaped text', async () => {
  const { spec, records } = await smokeRecords();
  const card = scorecard(spec, records);
  const html = studyReportHtml({
    spec: { ...spec, description: '<b>not bold</b>' },
    specHash: expandSpec(spec).specHash,
    records,
    scorecard: card,
    plannedRuns: expandSpec(spec, records).runs.length,
    provenance: { command: 'study --profile smoke' },
    plotlyJs: '/* plotly stand-in */',
  });
  assert.equal((html.match(/<tr>\n<td>/g) ?? []).length, 9, 'one body row per claim');
  assert.match(html, /&#60;b&#62;not bold&#60;\/b&#62;/);
  assert.match(html, /(\d+) of \1 planned/);
  assert.match(html, /study --profile smoke/);
  assert.doesNotMatch(html, /<script[^>]+src=/);
  assert.equal((html.match(/Plotly\.newPlot\(/g) ?? []).length, 14);
  const text = formatScorecard(card, { notes: true });
  assert.match(text, /^Claim 1\. Speeds up training: /m);
  assert.match(text, /ref: ResNet-50 on ImageNet, 8 GPUs, batch 2 images per GPU: BN 0\.347, GN 0\.241/);
  assert.match(text, / {4}· mlp\/batch: /, 'per-group notes');
});

test('the example YAML spec validates and expands', () => {
  const spec = loadSpecFile(join(__dirname, 'fixtures', 'bn-vs-gn.yaml'));
  const plan = expandSpec(spec);
  // headline 3 norms x 3 seeds = 9; batch 2 norms x 3 sizes x 3 seeds = 18, of which batch 64 for batch/group (6) are shared.
  assert.equal(plan.runs.length, 9 + 18 - 6);
});
