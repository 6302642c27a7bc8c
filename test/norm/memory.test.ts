/**
 * No leaks: 100 training steps with each layer leave tf.memory().numTensors where it was.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { NORM_KINDS, normLayer } from '../../lib/norm/index';
import { useNativeBackend } from '../helpers/backend';
import { describeOnKernelPaths } from '../helpers/kernel-paths';

useNativeBackend();

describeOnKernelPaths(
  'memory',
  () => {
    for (const kind of NORM_KINDS) {
      it(`${kind}: 100 training steps and inference leave no tensor behind`, () => {
        const start = tf.memory().numTensors;
        const model = tf.sequential({
          layers: [
            tf.layers.conv2d({ inputShape: [5, 5, 2], filters: 4, kernelSize: 3, useBias: false }),
            normLayer(kind, { groups: 2 }),
            tf.layers.reLU(),
            tf.layers.flatten(),
            tf.layers.dense({ units: 3 }),
          ],
        });
        const opt = tf.train.adam(0.01);
        const xs = tf.randomNormal([8, 5, 5, 2], 0, 1, 'float32', 51);
        const ys = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], 'int32'), 3));
        const step = () => {
          const loss = opt.minimize(
            () =>
              tf.losses.softmaxCrossEntropy(
                ys,
                model.apply(xs, { training: true }) as tf.Tensor,
              ) as tf.Scalar,
            true,
          );
          loss?.dispose();
        };
        step(); // creates the optimizer's slots
        const baseline = tf.memory().numTensors;
        for (let i = 0; i < 100; i++) step();
        tf.dispose(model.predict(xs) as tf.Tensor);
        assert.equal(tf.memory().numTensors, baseline, `${kind}: tensors after 100 steps`);
        model.dispose();
        opt.dispose();
        tf.dispose([xs, ys]);
        assert.equal(tf.memory().numTensors, start, `${kind}: tensors after disposing everything`);
      });
    }
  },
  { batchNormKernels: true },
);
