/**
 * metricBarsFigure's axis and its empty slots: an accuracy axis starts near the data when a
 * zero-based one would hide the differences, and a kind that never reached the target gets a
 * marked bar instead of a gap. On the smoke profile's runs from the fake executor, with the
 * metrics set per kind.
 */
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

async function smokeRecords(): Promise<RunRecord[]> {
  const out = await runStudy({
    spec: profileSpec('smoke'),
    outDir: mkdtempSync(join(tmpdir(), 'normlab-bars-')),
    executor: fakeExecutor(),
  });
  return out.records;
}

/** The records with `metrics` changed by `edit(config, metrics)` for train runs. */
function withMetrics(
  records: RunRecord[],
  edit: (config: { arch: string; norm: string; seed: number }, metrics: Record<string, unknown>) => void,
): RunRecord[] {
  return records.map((r) => {
    if ((r.config as { kind?: string }).kind !== 'train') return r;
    const metrics = { ...(r.metrics as unknown as Record<string, unknown>) };
    edit(r.config as { arch: string; norm: string; seed: number }, metrics);
    return { ...r, metrics } as unknown as RunRecord;
  });
}

test('metricBarsFigure: test accuracy 0.86 against 0.91 gets an axis that starts near the data', async () => {
  const records = withMetrics(await smokeRecords(), (c, m) => {
    m.testAccuracy = (c.norm === 'none' ? 0.86 : 0.91) + 0.002 * c.seed;
  });
  const fig = metricBarsFigure(records, 'testAccuracy');
  const range = fig.layout.yaxis?.range as number[] | undefined;
  assert.ok(range, 'the axis has a range of its own');
  assert.ok(range[0] >= 0.7 && range[0] < 0.86, `it starts near the lowest bar, below it: ${range}`);
  assert.ok(range[1] > 0.91 && range[1] <= 1, `it ends above the highest bar, at most 1: ${range}`);
  assert.match(
    String(fig.layout.yaxis?.title?.text),
    /axis from 0\.\d+/,
    'the axis title says where the axis starts',
  );
  // Differences as large as the values themselves show on a zero-based axis: no range then.
  const spread = withMetrics(await smokeRecords(), (c, m) => {
    m.testAccuracy = c.norm === 'none' ? 0.2 : 0.9;
  });
  assert.equal(metricBarsFigure(spread, 'testAccuracy').layout.yaxis?.range, undefined);
  // Counts keep their zero.
  assert.equal(metricBarsFigure(records, 'stepsToTarget').layout.yaxis?.range, undefined);
});

test('metricBarsFigure: a kind that never reached the target is marked, not left as a gap', async () => {
  const records = withMetrics(await smokeRecords(), (c, m) => {
    if (c.norm === 'none' && c.arch === 'mlp') {
      m.stepsToTarget = null;
      m.secondsToTarget = null;
    }
  });
  const fig = metricBarsFigure(records, 'stepsToTarget');
  const none = fig.data.find((t) => t.name === 'no norm');
  assert.ok(none, 'no norm has its trace');
  const x = none.x as string[];
  const at = x.indexOf('mlp');
  assert.ok(at >= 0, 'the mlp slot is there');
  const y = none.y as (number | null)[];
  const bar = y[at];
  assert.ok(typeof bar === 'number' && bar > 0, `the slot has a bar: ${y}`);
  assert.equal((none.text as string[])[at], 'never reached');
  assert.equal(((none.marker?.pattern?.shape ?? []) as string[])[at], '/', 'the bar is hatched');
  assert.equal(none.error_y?.array[at] ?? null, null, 'no error bar on it');
  assert.match(String(none.customdata?.[at]), /none of its \d+ runs reached the target/);
  // It stands above every real bar (it took longer than any run shown).
  const real = fig.data.flatMap((t) =>
    (t.y as (number | null)[]).filter(
      (v, i) => v !== null && (t.text as string[] | undefined)?.[i] !== 'never reached',
    ),
  ) as number[];
  assert.ok(bar > Math.max(...real), `${bar} above ${Math.max(...real)}`);
  // The other architectures' bars of the same kind are plain.
  for (const [i, arch] of x.entries())
    if (arch !== 'mlp') assert.notEqual((none.text as string[])[i], 'never reached', arch);
  // Accuracy bars are never marked.
  assert.ok(metricBarsFigure(records, 'testAccuracy').data.every((t) => t.text === undefined));
});
