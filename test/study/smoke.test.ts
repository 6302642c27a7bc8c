/**
 * The smoke profile on the real trainer, in process: it finishes within a minute (the test's
 * timeout), every line of its results file validates against the schema, and no tensor leaks.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { scorecard } from '../../lib/study/claims/scorecard';
import { trainingExecutor } from '../../lib/study/run/execute';
import { runStudy } from '../../lib/study/run/runner';
import { expandSpec } from '../../lib/study/spec/plan';
import { profileSpec } from '../../lib/study/spec/profiles';
import { isTrainRecord } from '../../lib/study/spec/records';
import { validateResultsRecord } from '../../lib/study/store/results-schema';
import { useNativeBackend } from '../helpers/backend';

useNativeBackend();

test('smoke profile: real training, valid results file, every claim scored, no leaked tensors', {
  timeout: 120_000,
}, async () => {
  const spec = profileSpec('smoke');
  const out = mkdtempSync(join(tmpdir(), 'normlab-smoke-'));
  const baseline = tf.memory().numTensors;
  const progress: number[] = [];
  const result = await runStudy({
    spec,
    outDir: out,
    executor: trainingExecutor(),
    onProgress: (p) => progress.push(p.done),
  });
  assert.equal(tf.memory().numTensors, baseline, 'tensors back to the baseline');
  const initial = expandSpec(spec);
  const planned = initial.runs.length + initial.pending.length;
  assert.equal(result.executed, planned);
  assert.equal(Math.max(...progress), planned);
  const lines = readFileSync(result.resultsPath, 'utf8').trimEnd().split('\n');
  assert.equal(lines.length, planned + 1);
  for (const line of lines) validateResultsRecord(JSON.parse(line));
  const train = result.records.filter(isTrainRecord);
  assert.ok(train.every((r) => r.env.backend === 'tensorflow'));
  assert.ok(
    result.records.every((r) => r.data?.name === 'synthetic'),
    'every record names its data',
  );
  assert.ok(
    train.every(
      (r) =>
        r.history &&
        r.history.epochs.length === (r.metrics.diverged ? r.history.epochs.length : r.config.epochs),
    ),
  );
  assert.ok(
    train.some((r) => r.metrics.testAccuracy !== null && r.metrics.testAccuracy > 0.5),
    'the synthetic task is learned',
  );
  const overhead = result.records.find((r) => r.config.kind === 'overhead');
  assert.ok(overhead && 'timings' in overhead.metrics && overhead.metrics.timings.length === 4);
  // The tuning stage ran, and the runs at tuned rates took the tuning stage's choice.
  const plan = expandSpec(spec, result.records);
  assert.equal(plan.pending.length, 0);
  assert.equal(
    plan.tuned.length,
    10,
    'mlp: none, batch, layer, group, batch-renorm; vgg: none, batch, layer, instance, noisy-batch',
  );
  const tuned = (arch: string, norm: string) =>
    plan.tuned.find((p) => p.arch === arch && p.norm === norm)!.bestRate!;
  for (const r of train.filter((r) => r.experiments.includes('headline')))
    assert.equal(
      r.config.learningRate,
      tuned(r.config.arch, r.config.norm),
      `${r.config.arch}/${r.config.norm}`,
    );
  // The batch-size experiment: rate scaled with the batch; batch norm also with population statistics.
  const batchRuns = train.filter((r) => r.experiments.includes('batch'));
  for (const r of batchRuns)
    assert.ok(
      Math.abs(r.config.learningRate - (tuned('mlp', r.config.norm) * r.config.batchSize) / 32) < 1e-12,
    );
  assert.ok(
    batchRuns
      .filter((r) => r.config.norm === 'batch' && !r.metrics.diverged)
      .every((r) => r.metrics.testAccuracyPopulationStats !== null),
    'population statistics evaluated for batch norm',
  );
  assert.ok(
    batchRuns
      .filter((r) => ['none', 'layer', 'group'].includes(r.config.norm))
      .every((r) => r.metrics.testAccuracyPopulationStats === null),
    'kinds without running statistics have none to recompute',
  );
  assert.ok(
    train.every(
      (r) =>
        (typeof r.metrics.collapsed === 'boolean' && r.metrics.valCurve.length > 0 === !r.metrics.diverged) ||
        r.metrics.diverged,
    ),
  );
  const card = scorecard(spec, result.records);
  assert.equal(card.length, 9);
  // The smoke design has the redesigned claims 8 and 9: decided, not under revision. It times one
  // overhead replicate, fewer than claim 7 is decided on, so claim 7 shows its revision notice.
  for (const id of [8, 9])
    assert.notEqual(card.find((c) => c.id === id)?.verdict, 'under revision', `claim ${id}`);
  assert.equal(card.find((c) => c.id === 7)?.verdict, 'under revision', 'claim 7 on one replicate');
  const probed = train.filter((r) => r.experiments.includes('mechanism'));
  assert.equal(probed.length, 6, 'none/batch/noisy-batch × 2 seeds');
  assert.ok(
    probed.every((r) => r.probes && r.probes.checkpoints.length === 3 && r.probes.activations.length >= 3),
  );
  assert.ok(
    card.every((c) =>
      ['holds', 'does not hold', 'depends', 'inconclusive', 'not tested', 'under revision'].includes(
        c.verdict,
      ),
    ),
  );
});
