/**
 * The study's `group-ws` arm (group norm over weight-standardized convolutions): valid in specs,
 * skipped on the MLP, tuned and run on convolutional networks with the weight-standardized
 * convolution, and shown in claim 8 as a remedy beside batch norm, never deciding.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { NORM_KIND_COLORS } from '../../lib/plot/theme';
import { batchSizeErrorFigure } from '../../lib/report/batch-size-figure';
import { scorecard } from '../../lib/study/claims/scorecard';
import { trainingExecutor } from '../../lib/study/run/execute';
import { runStudy } from '../../lib/study/run/runner';
import { armModel, STUDY_NORMS } from '../../lib/study/spec/arms';
import { expandSpec } from '../../lib/study/spec/plan';
import { SMOKE_PROFILE } from '../../lib/study/spec/profiles';
import type { TrainRunConfig } from '../../lib/study/spec/run-config';
import { archTakesNorm, type StudySpecInput, validateSpec } from '../../lib/study/spec/schema';
import { useNativeBackend } from '../helpers/backend';
import { fakeExecutor } from './fake-executor';

useNativeBackend();

/** The smoke profile with its batch-size experiment on the MLP and the VGG, both remedies in it. */
function specWithRemedies(): StudySpecInput {
  return {
    ...SMOKE_PROFILE,
    name: 'arms',
    experiments: SMOKE_PROFILE.experiments.map((e) =>
      e.name === 'batch'
        ? { ...e, archs: ['mlp', 'vgg'], norms: ['none', 'batch', 'group', 'batch-renorm', 'group-ws'] }
        : e,
    ),
  };
}

test('group-ws is a study arm: group norm with weight-standardized convolutions, not on the MLP', () => {
  assert.ok(STUDY_NORMS.includes('group-ws'));
  assert.deepEqual(armModel('group-ws'), { norm: 'group', weightStandardization: true });
  assert.deepEqual(armModel('group'), { norm: 'group', weightStandardization: false });
  assert.equal(archTakesNorm('mlp', 'group-ws'), false);
  assert.equal(archTakesNorm('vgg', 'group-ws'), true);
  const bad = { ...SMOKE_PROFILE, experiments: [{ ...SMOKE_PROFILE.experiments[0], norms: ['group-wz'] }] };
  assert.throws(() => validateSpec(bad as StudySpecInput), /unknown norm kind "group-wz"; valid: .*group-ws/);
});

test('the plan tunes group-ws at the base batch on the VGG, runs it at every batch size, skips the MLP', () => {
  const spec = validateSpec(specWithRemedies());
  const plan = expandSpec(spec);
  assert.ok(plan.skipped.some((s) => s.arch === 'mlp' && s.norm === 'group-ws'));
  const tuning = plan.runs.filter(
    (r) => r.stage === 'tuning' && r.config.kind === 'train' && r.config.norm === 'group-ws',
  );
  assert.ok(tuning.length > 0);
  assert.ok(tuning.every((r) => r.config.arch === 'vgg' && r.config.batchSize === 32));
});

test('a group-ws run trains the weight-standardized network: same seed as group norm, another function', {
  timeout: 120_000,
}, async () => {
  const spec = validateSpec(specWithRemedies());
  const tuning = expandSpec(spec).runs.filter((r) => r.stage === 'tuning' && r.config.arch === 'vgg');
  const pick = (norm: string) =>
    tuning.map((r) => r.config as TrainRunConfig).find((c) => c.norm === norm && c.learningRate === 0.03)!;
  const executor = trainingExecutor();
  const baseline = tf.memory().numTensors;
  const ws = await executor.execute(pick('group-ws'));
  const plain = await executor.execute(pick('group'));
  assert.equal(tf.memory().numTensors, baseline, 'no tensor left behind');
  for (const run of [ws, plain]) assert.equal((run.metrics as { diverged: boolean }).diverged, false);
  assert.ok(ws.history && plain.history);
  const wsLoss = ws.history.curve.loss;
  const plainLoss = plain.history.curve.loss;
  assert.ok(wsLoss.every(Number.isFinite));
  assert.notDeepEqual(wsLoss, plainLoss, 'standardizing the kernels changes the training run');
});

test('claim 8 shows group-ws against batch norm as a remedy, never deciding; the figure draws it', async () => {
  const out = mkdtempSync(join(tmpdir(), 'normlab-arms-'));
  const spec = validateSpec({
    ...specWithRemedies(),
    experiments: specWithRemedies().experiments.map((e) => (e.name === 'batch' ? { ...e, seeds: 5 } : e)),
  });
  const { records } = await runStudy({ spec, outDir: out, executor: fakeExecutor() });
  const claim8 = scorecard(spec, records).find((c) => c.id === 8)!;
  const remedy = claim8.comparisons.filter((c) => c.subject.name === 'group-ws');
  assert.ok(remedy.length > 0, claim8.comparisons.map((c) => c.label).join('\n'));
  for (const c of remedy) {
    assert.equal(c.reference.name, 'batch');
    assert.equal(c.deciding, false);
    assert.equal(c.facets.architecture, 'vgg');
  }
  const figure = batchSizeErrorFigure(records);
  const trace = figure.data.find((t) => t.name === 'vgg · GroupNorm + WS');
  assert.ok(trace, figure.data.map((t) => t.name).join(', '));
  assert.equal((trace as { line?: { color?: string } }).line?.color, NORM_KIND_COLORS['group-ws']);
});
