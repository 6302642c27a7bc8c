/**
 * loadTorchStateDict against a real PyTorch file (test/fixtures/norm/torch-state-dict.json, made by
 * scripts/fixtures/torch_state_dict.py): batch, group, layer ([C, H, W] → [H, W, C]), instance and
 * RMS norm weights load into normlab's layers, which then predict what PyTorch predicted; and the
 * errors for keys, shapes and layers that do not fit.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import {
  BatchNormalization,
  BatchRenormalization,
  GroupNormalization,
  InstanceNormalization,
  LayerNormalization,
  loadTorchStateDict,
  parseTorchStateDict,
  RMSNormalization,
  type TorchTensor,
} from '../../../lib/norm/index';
import { useNativeBackend } from '../../helpers/backend';

useNativeBackend();

const fixture = JSON.parse(
  readFileSync(join(__dirname, '..', '..', 'fixtures', 'norm', 'torch-state-dict.json'), 'utf8'),
);
const stateDict = parseTorchStateDict(fixture.stateDict);
const asTensor = (t: TorchTensor): tf.Tensor => tf.tensor(Array.from(t.data), t.shape);

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

describe('loadTorchStateDict', () => {
  it('loads batch, group, layer and instance norm of an NCHW model; predictions match PyTorch', () => {
    const before = tf.memory().numTensors;
    const pytorch = { convention: 'pytorch' as const };
    const model = tf.sequential({
      layers: [
        new BatchNormalization({
          ...pytorch,
          momentum: fixture.image.bnMomentum,
          inputShape: [5, 5, 4],
          name: 'bn',
        }),
        new GroupNormalization({ ...pytorch, groups: 2, name: 'gn' }),
        new LayerNormalization({ ...pytorch, axis: [1, 2, 3], name: 'ln' }),
        new InstanceNormalization({ ...pytorch, center: true, scale: true, name: 'inorm' }),
      ],
    });
    const used = loadTorchStateDict(model, stateDict, {
      modules: { bn: 'image.bn', gn: 'image.gn', ln: 'image.ln', inorm: 'image.inorm' },
    });
    assert.equal(used.length, 10);
    const diff = tf.tidy(() => {
      const x = tf.transpose(asTensor(fixture.image.x), [0, 2, 3, 1]);
      const want = tf.transpose(asTensor(fixture.image.y), [0, 2, 3, 1]);
      return maxAbsDiff(model.predict(x) as tf.Tensor, want);
    });
    console.log(`torch state_dict, image model: max abs difference ${diff.toExponential(1)}`);
    assert.ok(diff <= 2e-6, `max |normlab − PyTorch| = ${diff}`);
    model.dispose();
    assert.equal(tf.memory().numTensors, before, 'every tensor disposed');
  });

  it('loads layer norm and RMS norm over the last axis, one layer at a time', () => {
    const ln = new LayerNormalization({ convention: 'pytorch', axis: -1 });
    const rms = new RMSNormalization({ convention: 'pytorch', axis: -1 });
    const model = tf.sequential({ layers: [tf.layers.inputLayer({ inputShape: [7, 6] }), ln, rms] });
    assert.deepEqual(loadTorchStateDict(ln, stateDict, { prefix: 'seq.ln' }).sort(), [
      'seq.ln.bias',
      'seq.ln.weight',
    ]);
    assert.deepEqual(loadTorchStateDict(rms, stateDict, { prefix: 'seq.rms' }), ['seq.rms.weight']);
    const diff = tf.tidy(() =>
      maxAbsDiff(model.predict(asTensor(fixture.seq.x)) as tf.Tensor, asTensor(fixture.seq.y)),
    );
    console.log(`torch state_dict, sequence model: max abs difference ${diff.toExponential(1)}`);
    assert.ok(diff <= 2e-6, `max |normlab − PyTorch| = ${diff}`);
    model.dispose();
  });

  it('refuses what does not fit, naming the layer and the keys, and loads nothing then', () => {
    const gn = new GroupNormalization({ groups: 2, center: false, name: 'gn_no_beta' });
    const model = tf.sequential({ layers: [tf.layers.inputLayer({ inputShape: [5, 5, 4] }), gn] });
    const gammaBefore = gn.getWeights()[0].dataSync().slice();
    assert.throws(
      () => loadTorchStateDict(gn, stateDict, { prefix: 'image.gn' }),
      /layer 'gn_no_beta'.*also has image\.gn\.bias.*center: true/s,
    );
    assert.deepEqual(gn.getWeights()[0].dataSync(), gammaBefore, 'nothing loaded');
    const noAffine = new InstanceNormalization({ convention: 'keras', name: 'in_keras' });
    tf.sequential({ layers: [tf.layers.inputLayer({ inputShape: [5, 5, 4] }), noAffine] });
    assert.throws(
      () => loadTorchStateDict(noAffine, stateDict, { prefix: 'image.bn' }),
      /also has image\.bn\.running_mean/,
    );
    const wide = new LayerNormalization({ axis: -1, name: 'ln_wide' });
    tf.sequential({ layers: [tf.layers.inputLayer({ inputShape: [7, 8] }), wide] });
    assert.throws(
      () => loadTorchStateDict(wide, stateDict, { prefix: 'seq.ln' }),
      /seq\.ln\.weight has shape \[6\].*\[8\]/,
    );
    assert.throws(() => loadTorchStateDict(wide, stateDict, { prefix: 'nothing' }), /has no nothing\.weight/);
    const renorm = new BatchRenormalization({ name: 'renorm' });
    assert.throws(
      () => loadTorchStateDict(renorm, stateDict, { prefix: 'image.bn' }),
      /load into BatchNormalization/,
    );
    assert.throws(() => loadTorchStateDict(model, stateDict), /needs options\.modules/);
    assert.throws(() => loadTorchStateDict(model, stateDict, { modules: { nope: 'x' } }), /layer 'nope'/);
    assert.throws(() => loadTorchStateDict(wide, stateDict, { layout: 'nhwc' as 'as-is' }), /layout must be/);
    assert.throws(() => parseTorchStateDict({ w: { shape: [2], data: [1] } }), /1 values for shape \[2\]/);
    assert.throws(() => parseTorchStateDict({ w: { shape: [2] } }), /state_dict\['w'\] must be/);
    model.dispose();
  });
});
