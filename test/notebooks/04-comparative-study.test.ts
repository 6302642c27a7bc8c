import assert from 'node:assert/strict';
import { test } from 'node:test';
import { executeNotebook } from '../helpers/notebooks';
import { notebookText } from './notebook-text';

// Reads results/full/results.jsonl when committed; otherwise runs (or resumes) the quick profile
// into artifacts/study/quick (NORMLAB_STUDY_PROFILE picks another profile, e.g. smoke).
test('04-comparative-study: runs clean and shows its study figures with data', () => {
  const run = executeNotebook('04-comparative-study.ipynb', 1800);
  assert.equal(run.failed, null, run.failed ?? '');
  assert.deepEqual(run.errors, []);
  assert.deepEqual(run.stderr, [], 'no stderr noise');
  const study = run.figures.filter((f) => !/in progress/.test(f.title ?? ''));
  assert.ok(study.length >= 7, JSON.stringify(run.figures));
  for (const f of run.figures) assert.ok(f.tracesWithData > 0, `figure without data: ${JSON.stringify(f)}`);
  const text = notebookText(run.executed);
  assert.match(text, /backend tensorflow/);
  assert.match(text, /(read|no committed full run:) \d+ runs of the '\w+'/);
  assert.match(text, /published: .*2-conv\+BN 0\.934/);
});
