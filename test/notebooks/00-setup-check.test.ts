import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { executeNotebook } from '../helpers/notebooks';

test('00-setup-check runs in the tslab kernel on the native backend', () => {
  const run = executeNotebook('00-setup-check.ipynb', 180);
  assert.equal(run.failed, null, run.failed ?? '');
  assert.deepEqual(run.errors, []);
  assert.deepEqual(run.stderr, [], 'no stderr noise (no duplicate kernel registration, no TF logs)');
  const executed = JSON.parse(readFileSync(run.executed, 'utf8')) as {
    cells: { cell_type: string; outputs?: { text?: string | string[] }[] }[];
  };
  const text = executed.cells
    .flatMap((c) => c.outputs ?? [])
    .map((o) => (Array.isArray(o.text) ? o.text.join('') : (o.text ?? '')))
    .join('');
  assert.match(text, /backend tensorflow \(native TensorFlow \d+\.\d+/);
  const m = /loss after one step: ([\d.]+); tensors before (\d+), after (\d+)/.exec(text);
  assert.ok(m, `the training cell printed its loss:\n${text}`);
  assert.ok(Number.isFinite(Number(m[1])));
  assert.equal(m[3], m[2], 'the training step freed every tensor it made');
});
