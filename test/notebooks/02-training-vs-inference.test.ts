import assert from 'node:assert/strict';
import { test } from 'node:test';
import { executeNotebook } from '../helpers/notebooks';
import { notebookText } from './notebook-text';

test('02 training vs inference: runs clean, live chart plus three charts, the measured effects', () => {
  const run = executeNotebook('02-training-vs-inference.ipynb', 600);
  assert.equal(run.failed, null, run.failed ?? '');
  assert.deepEqual(run.errors, []);
  assert.deepEqual(run.stderr, [], 'no stderr noise');
  assert.equal(run.figures.length, 4, JSON.stringify(run.figures));
  for (const f of run.figures) assert.ok(f.tracesWithData > 0, JSON.stringify(f));
  assert.equal(
    run.figures[0].traces,
    18,
    'the live chart ends with 6 runs × (loss, batch accuracy, validation accuracy)',
  );
  const text = notebookText(run.executed);
  assert.match(text, /Keras 0\.99 in PyTorch's terms: 0\.01/);
  const acc = (label: string): number => {
    const m = new RegExp(`${label}\\s+test accuracy ([0-9.]+)`).exec(text);
    assert.ok(m, `${label} printed`);
    return Number(m[1]);
  };
  const inference = acc('inference mode');
  assert.ok(inference > 0.7, `a trained MLP reaches > 0.7 (got ${inference})`);
  assert.ok(
    acc('training mode, sorted by class') < inference - 0.2,
    'single-class batches in training mode break the model',
  );
  assert.match(text, /tensors left: 0/);
});
