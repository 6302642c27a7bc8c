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
import { trainingExecutor } from '../../lib/study/execute';
import { profileSpec } from '../../lib/study/profiles';
import { validateResultsRecord } from '../../lib/study/results-schema';
import { runStudy } from '../../lib/study/runner';
import { scorecard } from '../../lib/study/scorecard';
import { expandSpec } from '../../lib/study/spec';
import { isTrainRecord } from '../../lib/study/types';
import { useNativeBackend } from '../helpers/backend';

useNativeBackend();

test('smoke profile: real training, valid results file, every claim scored, no leaked tensors', {
  timeout: 60_000,
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
  const planned = expandSpec(spec).runs.length;
  assert.equal(result.executed, planned);
  assert.equal(Math.max(...progress), planned);
  const lines = readFileSync(result.resultsPath, 'utf8').trimEnd().split('\n');
  assert.equal(lines.length, planned + 1);
  for (const line of lines) validateResultsRecord(JSON.parse(line));
  const train = result.records.filter(isTrainRecord);
  assert.ok(train.every((r) => r.env.backend === 'tensorflow'));
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
  assert.ok(overhead && 'timings' in overhead.metrics && overhead.metrics.timings.length === 3);
  const card = scorecard(spec, result.records);
  assert.equal(card.length, 9);
  const probed = train.filter((r) => r.experiments.includes('mechanism'));
  assert.equal(probed.length, 6, 'none/batch/noisy-batch × 2 seeds');
  assert.ok(
    probed.every((r) => r.probes && r.probes.checkpoints.length === 3 && r.probes.activations.length >= 3),
  );
  assert.ok(card.every((c) => ['holds', 'does not hold', 'depends', 'not tested'].includes(c.verdict)));
});
