import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import {
  type BatchNormalization,
  GroupNormalization,
  InstanceNormalization,
  NORM_KINDS,
  normLayer,
} from '../../lib/norm/index';
import { assertNormKind } from '../../lib/norm/kinds';
import {
  NOISY_BN_DEFAULT_MAX_SCALE,
  NOISY_BN_DEFAULT_MAX_SHIFT,
  noisyBatchNormDraw,
} from '../../lib/norm/noisy-batch-normalization';
import { useNativeBackend } from '../helpers/backend';

useNativeBackend();

/** Largest absolute difference between two tensors. */
function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

describe('norm API skeleton', () => {
  it('lists the kinds and rejects unknown ones with the list', () => {
    assert.deepEqual(
      [...NORM_KINDS],
      ['none', 'batch', 'layer', 'instance', 'group', 'rms', 'batch-renorm', 'noisy-batch'],
    );
    assert.throws(
      () => assertNormKind('bn'),
      /none, batch, layer, instance, group, rms, batch-renorm, noisy-batch/,
    );
    assert.throws(() => normLayer('bn' as never), /unknown normalization kind "bn"/);
  });

  it('convention defaults: eps, momentum, running variance, instance-norm affine', () => {
    const keras = normLayer('batch') as BatchNormalization;
    const torch = normLayer('batch', { convention: 'pytorch' }) as BatchNormalization;
    assert.deepEqual([keras.affine.epsilon, keras.momentum, keras.runningVariance], [1e-3, 0.99, 'biased']);
    assert.deepEqual([torch.affine.epsilon, torch.momentum, torch.runningVariance], [1e-5, 0.1, 'unbiased']);
    const inKeras = new InstanceNormalization();
    const inTorch = new InstanceNormalization({ convention: 'pytorch' });
    assert.deepEqual([inKeras.affine.center, inKeras.affine.scale], [true, true]);
    assert.deepEqual([inTorch.affine.center, inTorch.affine.scale], [false, false]);
    tf.tidy(() => {
      inTorch.apply(tf.ones([2, 3, 3, 4]));
    });
    assert.equal(
      inTorch.getWeights().length,
      0,
      'PyTorch InstanceNorm2d has no affine parameters by default',
    );
    const gn = new GroupNormalization({ groups: 2, center: false });
    tf.tidy(() => {
      gn.apply(tf.ones([2, 4]));
    });
    assert.deepEqual(
      gn.getWeights().map((w) => w.shape),
      [[4]],
      'only gamma when center is false',
    );
    inTorch.dispose();
    gn.dispose();
  });

  it('normLayer(kind) standardizes as a plain tfjs reference does', () => {
    const x = tf.randomNormal([4, 5, 5, 8], 3, 2, 'float32', 1);
    const eps = 1e-3;
    const reference: Record<string, (x: tf.Tensor) => tf.Tensor> = {
      none: (v) => v.clone(),
      batch: (v) => {
        const m = tf.moments(v, [0, 1, 2], true);
        return tf.div(tf.sub(v, m.mean), tf.sqrt(tf.add(m.variance, eps)));
      },
      layer: (v) => {
        const m = tf.moments(v, [1, 2, 3], true);
        return tf.div(tf.sub(v, m.mean), tf.sqrt(tf.add(m.variance, eps)));
      },
      instance: (v) => {
        const m = tf.moments(v, [1, 2], true);
        return tf.div(tf.sub(v, m.mean), tf.sqrt(tf.add(m.variance, eps)));
      },
      group: (v) => {
        const g = tf.reshape(v, [4, 5, 5, 2, 4]);
        const m = tf.moments(g, [1, 2, 4], true);
        return tf.reshape(tf.div(tf.sub(g, m.mean), tf.sqrt(tf.add(m.variance, eps))), v.shape);
      },
      // RMS norm's own default ε under keras is 1e-6 (Keras 3's).
      rms: (v) => tf.div(v, tf.sqrt(tf.add(tf.mean(tf.square(v), [1, 2, 3], true), 1e-6))),
      // First step from fresh statistics (renorm mean 0, std 1): r = clip(σ_B, 1/3, 3), d = clip(μ_B, −5, 5).
      'batch-renorm': (v) => {
        const m = tf.moments(v, [0, 1, 2], true);
        const std = tf.sqrt(tf.add(m.variance, eps));
        const r = tf.clipByValue(std, 1 / 3, 3);
        const d = tf.clipByValue(m.mean, -5, 5);
        return tf.add(tf.mul(tf.div(tf.sub(v, m.mean), std), r), d);
      },
      // Batch norm, then the first noise draw of seed 0 (the default): σ_c·BN(x) + μ_c.
      'noisy-batch': (v) => {
        const m = tf.moments(v, [0, 1, 2], true);
        const draw = noisyBatchNormDraw(0, 0, 8, NOISY_BN_DEFAULT_MAX_SHIFT, NOISY_BN_DEFAULT_MAX_SCALE);
        const bn = tf.div(tf.sub(v, m.mean), tf.sqrt(tf.add(m.variance, eps)));
        return tf.add(tf.mul(bn, tf.tensor1d(draw.scale)), tf.tensor1d(draw.shift));
      },
    };
    for (const kind of NORM_KINDS) {
      const layer = normLayer(kind, { groups: 2 });
      const y = layer.apply(x, { training: true }) as tf.Tensor;
      const want = tf.tidy(() => reference[kind](x));
      assert.ok(maxAbsDiff(y, want) < 1e-4, `${kind}: ${maxAbsDiff(y, want)}`);
      tf.dispose([y, want]);
      layer.dispose();
    }
    x.dispose();
  });

  it('every kind trains in a Sequential model with model.fit', async () => {
    for (const kind of NORM_KINDS) {
      const model = tf.sequential({
        layers: [
          tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 4, kernelSize: 3, useBias: false }),
          normLayer(kind, { groups: 2 }),
          tf.layers.reLU(),
          tf.layers.flatten(),
          tf.layers.dense({ units: 2, activation: 'softmax' }),
        ],
      });
      model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
      const xs = tf.randomNormal([8, 6, 6, 1], 0, 1, 'float32', 2);
      const ys = tf.oneHot(tf.tensor1d([0, 1, 0, 1, 0, 1, 0, 1], 'int32'), 2);
      const h = await model.fit(xs, ys, { epochs: 2, batchSize: 4, verbose: 0 });
      const losses = h.history.loss as number[];
      assert.ok(losses.every(Number.isFinite), `${kind}: ${losses}`);
      tf.dispose([xs, ys]);
      model.dispose();
    }
  });
});
