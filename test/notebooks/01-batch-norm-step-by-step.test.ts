import assert from 'node:assert/strict';
import { test } from 'node:test';
import { executeNotebook } from '../helpers/notebooks';
import { markdownOf, notebookText } from './notebook-text';

test('01 batch norm step by step: runs clean, six charts, library layer matches the hand computation', () => {
  const run = executeNotebook('01-batch-norm-step-by-step.ipynb', 300);
  assert.equal(run.failed, null, run.failed ?? '');
  assert.deepEqual(run.errors, []);
  assert.deepEqual(run.stderr, [], 'no stderr noise');
  assert.equal(run.figures.length, 6, JSON.stringify(run.figures));
  for (const f of run.figures)
    assert.ok(f.tracesWithData > 0 && f.tracesWithData === f.traces, JSON.stringify(f));
  const text = notebookText(run.executed);
  assert.match(text, /backend tensorflow/);
  // The native backend's fused kernel sums each channel in another order than the hand-made
  // steps: the training output agrees to float32 round-off relative to its largest value.
  const training =
    /training output:\s+max \|layer − by hand\| = [0-9.e+-]+ \(relative to max \|y\| = [0-9.]+: ([0-9.e+-]+)\)/.exec(
      text,
    );
  assert.ok(training, 'training output printed');
  assert.ok(Number(training[1]) < 1e-4, `training output, relative: ${training[1]}`);
  for (const what of ['running mean update', 'running variance', 'inference output']) {
    const m = new RegExp(`${what}:\\s+max \\|layer − by hand\\| = ([0-9.e+-]+)`).exec(text);
    assert.ok(m, `${what} printed`);
    assert.ok(Number(m[1]) < 1e-5, `${what}: ${m[1]}`);
  }
  // The prose's bound on the four differences holds for the numbers printed above it.
  const largest = /largest of the four:\s+([0-9.e+-]+)/.exec(text);
  assert.ok(largest, 'the largest difference printed');
  const prose = markdownOf(run.executed).find((m) => m.includes('All four differences'));
  assert.ok(prose, 'the sentence about the four differences is there');
  const bound = /\$10\^\{-(\d+)\}\$/.exec(prose);
  assert.ok(bound, `the sentence states a bound: ${prose}`);
  assert.ok(
    Number(largest[1]) < 10 ** -Number(bound[1]),
    `the sentence's bound 1e-${bound[1]} holds for the largest difference ${largest[1]}`,
  );
  assert.match(text, /image 0, inference, +batch A vs batch B: max \|Δ\| = 0\.0000/);
  const tensors = /tensors: (\d+) at the start, (\d+) now/.exec(text);
  assert.ok(tensors);
  assert.equal(tensors[2], tensors[1], 'the notebook frees every tensor it made');
});
