/** A bar chart leaves out an architecture that has no value at all, and its title says why. */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { metricBarsFigure } from '../../lib/report/metric-figures';
import { runStudy } from '../../lib/study/run/runner';
import { profileSpec } from '../../lib/study/spec/profiles';
import type { RunRecord } from '../../lib/study/spec/records';
import { fakeExecutor } from '../study/fake-executor';

test('metricBarsFigure: no empty slot for an architecture without data, and a caption in the title', async () => {
  const spec = profileSpec('smoke');
  const out = await runStudy({
    spec,
    outDir: mkdtempSync(join(tmpdir(), 'normlab-slot-')),
    executor: fakeExecutor(),
  });
  // No vgg run reaches the target.
  const records = out.records.map((r) =>
    (r.config as { arch?: string }).arch === 'vgg'
      ? ({ ...r, metrics: { ...r.metrics, stepsToTarget: null, secondsToTarget: null } } as RunRecord)
      : r,
  );
  const full = metricBarsFigure(out.records, 'stepsToTarget');
  const fig = metricBarsFigure(records, 'stepsToTarget');
  assert.ok(
    full.data.every((t) => (t.x as string[]).includes('vgg')),
    'with data, vgg has its slot',
  );
  assert.ok(
    fig.data.every((t) => !(t.x as string[]).includes('vgg')),
    'without data, no vgg slot',
  );
  assert.match(fig.layout.title?.text ?? '', /not shown: vgg \(no run reached the target\)/);
  assert.doesNotMatch(full.layout.title?.text ?? '', /not shown/);
});
