/**
 * Bad input gets an Error that names the option and the allowed values or range.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import {
  BatchNormalization,
  GroupNormalization,
  InstanceNormalization,
  LayerNormalization,
  NoisyBatchNormalization,
  normLayer,
} from '../../lib/norm/index';
import { useNativeBackend } from '../helpers/backend';

useNativeBackend();

function applyTo(layer: tf.layers.Layer, shape: number[], training = true): void {
  tf.tidy(() => {
    layer.apply(tf.ones(shape), { training });
  });
}

describe('bad options', () => {
  it('epsilon <= 0 or not finite', () => {
    for (const epsilon of [0, -1e-3, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => new BatchNormalization({ epsilon }), /epsilon must be a finite number > 0/);
      assert.throws(() => normLayer('group', { epsilon }), /epsilon must be a finite number > 0/);
    }
  });

  it('momentum outside [0, 1)', () => {
    for (const momentum of [1, 1.5, -0.1, Number.NaN]) {
      assert.throws(() => new BatchNormalization({ momentum }), /momentum must be a number in \[0, 1\)/);
    }
    assert.doesNotThrow(() => new BatchNormalization({ momentum: 0 }));
  });

  it('activation other than linear/relu, or relu on a kind that does not fuse it', () => {
    assert.throws(
      () => new BatchNormalization({ activation: 'tanh' as never }),
      /activation must be one of linear, relu; got "tanh"/,
    );
    assert.throws(
      () => normLayer('batch-renorm', { activation: 'relu' }),
      /activation: batch, layer, instance, group, rms normalization take 'relu'; batch-renorm takes 'linear'/,
    );
    assert.throws(() => normLayer('noisy-batch', { activation: 'relu' }), /noisy-batch takes 'linear'/);
    assert.throws(
      () => normLayer('group', { activation: 'elu' as never }),
      /activation must be one of linear, relu; got "elu"/,
    );
    assert.throws(
      () => new NoisyBatchNormalization({ activation: 'relu' }),
      /NoisyBatchNormalization: activation must be 'linear'/,
    );
    assert.doesNotThrow(() => normLayer('group', { activation: 'linear', groups: 1 }));
  });

  it('unknown kind and convention', () => {
    assert.throws(() => normLayer('weight' as never), /expected one of none, batch, layer, instance, group/);
    assert.throws(
      () => new LayerNormalization({ convention: 'torch' as never }),
      /convention must be one of keras, pytorch/,
    );
  });

  it('groups not an integer >= 1, or not dividing the channels', () => {
    assert.throws(() => new GroupNormalization({ groups: 0 }), /groups must be an integer >= 1/);
    assert.throws(() => new GroupNormalization({ groups: 2.5 }), /groups must be an integer >= 1/);
    assert.throws(
      () => applyTo(new GroupNormalization({ groups: 3 }), [2, 4, 4, 8]),
      /groups \(3\) must divide the number of channels \(8\); allowed: 1, 2, 4, 8/,
    );
    assert.throws(() => applyTo(normLayer('group'), [2, 4, 4, 16]), /groups \(32\) must divide/);
  });

  it('axis out of range', () => {
    assert.throws(
      () => applyTo(new BatchNormalization({ axis: 4 }), [2, 3, 3, 4]),
      /axis must be an integer in \[-3, 3\]/,
    );
    assert.throws(() => applyTo(new BatchNormalization({ axis: 0 }), [2, 3]), /other than the batch axis 0/);
    assert.throws(
      () => applyTo(new LayerNormalization({ axis: [1, -5] }), [2, 3, 3, 4]),
      /axis must be an integer in/,
    );
    assert.throws(
      () => applyTo(new LayerNormalization({ axis: [1, 1] }), [2, 3, 3, 4]),
      /lists axis 1 twice/,
    );
    assert.throws(
      () => new LayerNormalization({ axis: 'all' as never }),
      /axis must be an integer, a non-empty list/,
    );
    assert.throws(
      () => normLayer('batch', { axis: 'features' }),
      /axis must be an integer for batch normalization/,
    );
    assert.throws(
      () => applyTo(new GroupNormalization({ groups: 1, axis: 1 }), [2, 3, 3, 4]),
      /axis must be the last axis.*channels-last/,
    );
  });

  it('center/scale must be booleans', () => {
    assert.throws(() => new InstanceNormalization({ scale: 'yes' as never }), /scale must be true or false/);
  });
});

describe('wrong rank and degenerate batches', () => {
  it('instance norm of a 2-D input is rejected with the reason', () => {
    assert.throws(
      () => applyTo(new InstanceNormalization(), [4, 8]),
      /InstanceNormalization expects an input of rank >= 3 .* got rank 2 .*spatial axes/,
    );
  });

  it('rank-1 input is rejected by every layer', () => {
    for (const kind of ['batch', 'layer', 'group'] as const) {
      assert.throws(() => applyTo(normLayer(kind, { groups: 1 }), [4]), /expects an input of rank >= 2/);
    }
  });

  it('an input of another shape than the built one is rejected', () => {
    const bn = new BatchNormalization();
    applyTo(bn, [4, 8]);
    assert.throws(() => applyTo(bn, [4, 6]), /built for rank-2 inputs with 8 channels/);
    bn.dispose();
  });

  it('batch norm in training mode with one value per channel: a clear error, never NaN', () => {
    const bn = new BatchNormalization();
    assert.throws(() => applyTo(bn, [1, 8]), /needs more than one value per channel.*batch of 2 or more/);
    // Inference on a batch of one is fine (running statistics), and so is a batch of one image.
    const y = tf.tidy(() => (bn.apply(tf.ones([1, 8]).mul(3)) as tf.Tensor).dataSync());
    assert.ok(Array.from(y).every(Number.isFinite));
    const conv = new BatchNormalization({ convention: 'pytorch' });
    const z = tf.tidy(() =>
      Array.from(
        (
          conv.apply(tf.randomNormal([1, 3, 3, 2], 0, 1, 'float32', 5), { training: true }) as tf.Tensor
        ).dataSync(),
      ),
    );
    assert.ok(z.every(Number.isFinite));
    assert.ok(conv.getWeights().every((w) => Array.from(w.dataSync()).every(Number.isFinite)));
    bn.dispose();
    conv.dispose();
  });

  it('instance norm with a single spatial position is rejected', () => {
    assert.throws(() => applyTo(new InstanceNormalization(), [2, 1, 1, 4]), /more than one spatial position/);
  });

  it('constant input gives finite output (zero variance handled by epsilon)', () => {
    for (const kind of ['batch', 'layer', 'instance', 'group'] as const) {
      const layer = normLayer(kind, { groups: 2 });
      const y = tf.tidy(() =>
        Array.from((layer.apply(tf.fill([2, 3, 3, 4], 7), { training: true }) as tf.Tensor).dataSync()),
      );
      assert.ok(
        y.every((v) => v === 0),
        `${kind}: ${y.slice(0, 4)}`,
      );
      layer.dispose();
    }
  });
});
