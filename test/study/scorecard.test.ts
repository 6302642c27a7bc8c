import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { profileSpec } from '../../lib/study/profiles';
import { runStudy } from '../../lib/study/runner';
import {
  type ClaimComparison,
  combineComparisons,
  compareSamples,
  comparisonOutcome,
  overheadComparison,
  scorecard,
} from '../../lib/study/scorecard';
import { validateSpec } from '../../lib/study/spec';
import { meanCI } from '../../lib/study/stats';
import { fakeExecutor } from './fake-executor';

test('rule 1: CI excluding 0 with the minimum effect supports; the opposite contradicts; else inconclusive', () => {
  assert.equal(
    comparisonOutcome({ diff: 0.03, lo: 0.01, hi: 0.05, df: 4, level: 0.95 }, 'higher', 0.005),
    'supports',
  );
  assert.equal(
    comparisonOutcome({ diff: 0.03, lo: 0.01, hi: 0.05, df: 4, level: 0.95 }, 'lower', 0.005),
    'contradicts',
  );
  assert.equal(
    comparisonOutcome({ diff: 0.03, lo: -0.01, hi: 0.07, df: 4, level: 0.95 }, 'higher', 0.005),
    'inconclusive',
  );
  // Significant but below the minimum effect.
  assert.equal(
    comparisonOutcome({ diff: 0.003, lo: 0.001, hi: 0.005, df: 4, level: 0.95 }, 'higher', 0.005),
    'inconclusive',
  );
  assert.equal(
    comparisonOutcome({ diff: 1, lo: Number.NaN, hi: Number.NaN, df: 0, level: 0.95 }, 'higher', 0),
    'insufficient data',
  );
  const c = compareSamples(
    'x',
    {},
    'steps',
    'lower',
    { name: 'batch', values: [10, 11, 12] },
    { name: 'none', values: [20, 21, 22] },
    'relative',
  );
  assert.equal(c.outcome, 'supports');
  assert.equal(c.minEffect, 1.05, '5% of the reference mean 21');
});

const cmp = (arch: string, metric: string, outcome: ClaimComparison['outcome']): ClaimComparison => ({
  label: `${arch}: ${metric}`,
  facets: { architecture: arch, metric },
  metric,
  supportsWhen: 'higher',
  subject: { name: 'batch', ci: meanCI([1, 2]) },
  reference: { name: 'none', ci: meanCI([1, 2]) },
  diff: { diff: 0, lo: 0, hi: 0, df: 1, level: 0.95 },
  minEffect: 0,
  outcome,
});

test('rule 2: holds / does not hold / depends on the deciding facet / not tested', () => {
  assert.equal(
    combineComparisons([cmp('mlp', 'a', 'supports'), cmp('vgg', 'a', 'supports')]).verdict,
    'holds',
  );
  assert.equal(
    combineComparisons([
      cmp('mlp', 'a', 'supports'),
      cmp('vgg', 'a', 'supports'),
      cmp('vgg', 'b', 'insufficient data'),
    ]).verdict,
    'holds',
    'comparisons without data do not count',
  );
  assert.equal(
    combineComparisons([cmp('mlp', 'a', 'inconclusive'), cmp('vgg', 'a', 'contradicts')]).verdict,
    'does not hold',
  );
  const byArch = combineComparisons([
    cmp('mlp', 'a', 'supports'),
    cmp('mlp', 'b', 'supports'),
    cmp('vgg', 'a', 'inconclusive'),
    cmp('vgg', 'b', 'contradicts'),
  ]);
  assert.equal(byArch.verdict, 'depends');
  assert.equal(byArch.dependsOn, 'architecture: holds for mlp; not for vgg');
  const byMetric = combineComparisons([
    cmp('mlp', 'steps', 'supports'),
    cmp('vgg', 'steps', 'supports'),
    cmp('mlp', 'seconds', 'inconclusive'),
    cmp('vgg', 'seconds', 'inconclusive'),
  ]);
  assert.equal(byMetric.dependsOn, 'metric: holds for steps; not for seconds');
  const mixed = combineComparisons([
    cmp('mlp', 'a', 'supports'),
    cmp('vgg', 'a', 'inconclusive'),
    cmp('vgg', 'b', 'supports'),
    cmp('mlp', 'b', 'inconclusive'),
  ]);
  assert.equal(mixed.verdict, 'depends');
  assert.match(mixed.dependsOn ?? '', /^the combination: holds for mlp: a; vgg: b$/);
  assert.equal(combineComparisons([cmp('mlp', 'a', 'insufficient data')]).verdict, 'not tested');
});

test('claim 7: step-time ratio CI above 1 + 5% supports, below contradicts', () => {
  const s = (ratios: number[]) => ({
    arch: 'vgg' as const,
    batchSize: 64,
    norm: 'batch' as const,
    medianMs: 10,
    ratio: meanCI(ratios),
    ratios,
  });
  assert.equal(overheadComparison(s([1.3, 1.32, 1.28, 1.31])).outcome, 'supports');
  assert.equal(overheadComparison(s([1.0, 1.01, 0.99, 1.0])).outcome, 'contradicts');
  assert.equal(overheadComparison(s([0.9, 1.3, 1.0, 1.2])).outcome, 'inconclusive');
  assert.equal(overheadComparison(s([1.3])).outcome, 'insufficient data');
});

test('scorecard on constructed results: verdicts follow the numbers', async () => {
  // The fake executor makes batch norm faster, better and robust; 'none' diverges at large init
  // scales and learning rates; batch norm loses 0.1 accuracy at batch 4 while group norm does not;
  // batch norm's steps cost 1.3x.
  const smoke = profileSpec('smoke');
  const spec = validateSpec({
    ...smoke,
    experiments: smoke.experiments.map((e) =>
      e.name === 'headline' || e.name === 'mechanism' ? { ...e, seeds: 5 } : e,
    ),
  });
  const dir = mkdtempSync(join(tmpdir(), 'normlab-score-'));
  const { records } = await runStudy({ spec, outDir: dir, executor: fakeExecutor() });
  const card = scorecard(spec, records);
  assert.deepEqual(
    card.map((c) => c.id),
    [1, 2, 3, 4, 5, 6, 7, 8, 9],
  );
  const v = Object.fromEntries(card.map((c) => [c.id, c]));
  assert.equal(v[1].verdict, 'holds', v[1].explanation);
  // Loss roughness and epochs to plateau are equal by construction, loss AUC better: depends on the metric.
  assert.equal(v[2].verdict, 'depends');
  assert.match(v[2].dependsOn ?? '', /^metric: holds for loss AUC; not for/);
  // Test accuracy better, gap equal: depends on the metric.
  assert.equal(v[3].verdict, 'depends');
  assert.match(v[3].dependsOn ?? '', /^metric: holds for test accuracy/);
  assert.equal(v[4].verdict, 'holds', v[4].explanation);
  assert.equal(v[5].verdict, 'holds', v[5].explanation);
  assert.equal(v[6].verdict, 'holds', v[6].explanation);
  assert.equal(v[7].verdict, 'holds', v[7].explanation);
  assert.match(v[7].notes.join('\n'), /layer\/none step time/);
  assert.equal(v[8].verdict, 'holds', v[8].explanation);
  // Batch norm has less gradient shift than none, noisy batch norm more and slower training.
  assert.equal(v[9].verdict, 'holds', v[9].explanation);
  for (const c of card) assert.ok(c.rule.length > 0 && c.statement.length > 0);
  assert.ok(v[8].references.some((r) => r.values.BN === 0.347 && r.values.GN === 0.241));
  assert.ok(v[3].references.some((r) => r.values['2-conv+BN'] === 0.934));
});
