import assert from 'node:assert/strict';
import { test } from 'node:test';
import { executeNotebook } from '../helpers/notebooks';
import { notebookText } from './notebook-text';

test('03 layer, instance and group norm: runs clean, five charts, the group dial ends at LN and IN, the family grows', () => {
  const run = executeNotebook('03-layer-instance-group-norm.ipynb', 300);
  assert.equal(run.failed, null, run.failed ?? '');
  assert.deepEqual(run.errors, []);
  assert.deepEqual(run.stderr, [], 'no stderr noise');
  assert.equal(run.figures.length, 5, JSON.stringify(run.figures));
  for (const f of run.figures)
    assert.ok(f.tracesWithData > 0 && f.tracesWithData === f.traces, JSON.stringify(f));
  const text = notebookText(run.executed);
  const diff = (re: RegExp): number => {
    const m = re.exec(text);
    assert.ok(m, `printed: ${re}`);
    return Number(m[1]);
  };
  assert.ok(diff(/GN\(G=1\)\s+vs LN over \(H, W, C\): max \|Δ\| = ([0-9.e+-]+)/) < 1e-5);
  assert.ok(diff(/GN\(G=16\) vs IN:\s+max \|Δ\| = ([0-9.e+-]+)/) < 1e-5);
  assert.ok(
    diff(/BatchNorm\s+image 0 in batch A vs batch B: max \|Δ\| = ([0-9.e+-]+)/) > 1e-3,
    'batch norm depends on the batch',
  );
  for (const kind of ['LayerNorm', 'InstanceNorm', 'GroupNorm']) {
    assert.ok(
      diff(new RegExp(`${kind}\\s+image 0 in batch A vs batch B: max \\|Δ\\| = ([0-9.e+-]+)`)) < 1e-5,
      kind,
    );
  }
  for (const kind of ['layer', 'instance', 'group', 'batch']) {
    assert.ok(
      // Relative to the largest value: batch norm runs TensorFlow's fused kernel on the native
      // backend, which sums each channel in another order (float32 round-off, about 1e-5).
      diff(
        new RegExp(
          `normLayer\\('${kind}'\\) vs functional: max \\|Δ\\| / max \\|reference\\| = ([0-9.e+-]+)`,
        ),
      ) < 1e-4,
      kind,
    );
  }
  // The grown family: RMS norm is layer norm on centred input, batch renorm trains with what it
  // infers where batch norm does not, weight standardization ignores a filter's scale and shift.
  assert.ok(diff(/RMS norm of centred x vs layer norm: max \|Δ\| = ([0-9.e+-]+)/) < 1e-4);
  assert.ok(diff(/RMS norm of x\s+vs layer norm: max \|Δ\| = ([0-9.e+-]+)/) > 1e-2);
  assert.ok(diff(/normLayer\('rms'\) vs functional: max \|Δ\| = ([0-9.e+-]+)/) < 1e-5);
  assert.ok(
    diff(/batch norm,\s+batches of 4: train vs inference gap, min over steps 2-30 = ([0-9.e+-]+)/) > 0.05,
  );
  assert.ok(
    diff(/batch renorm, batches of 4: train vs inference gap, max over steps 2-30 = ([0-9.e+-]+)/) < 1e-4,
  );
  assert.ok(diff(/kernel \+ 0\.5, same output: max \|Δ\| = ([0-9.e+-]+)/) < 1e-4);
  assert.ok(diff(/kernel × 3,\s+same output up to ε: max \|Δ\| = ([0-9.e+-]+)/) < 1e-2);
  assert.match(text, /vgg\/group\+ws: [0-9,]+ trainable parameters/);
  const tensors = /tensors: (\d+) at the start, (\d+) now/.exec(text);
  assert.ok(tensors);
  assert.equal(tensors[2], tensors[1]);
});
