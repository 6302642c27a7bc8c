/**
 * The trainer's loss on TensorFlow's SoftmaxCrossEntropyWithLogits kernel equals
 * tf.losses.softmaxCrossEntropy, value and gradient, and leaves no tensor behind; on the portable
 * path it is tf.losses.softmaxCrossEntropy itself.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { softmaxCrossEntropyLoss } from '../../lib/native/softmax-cross-entropy';
import { useNativeBackend } from '../helpers/backend';
import { describeOnKernelPaths } from '../helpers/kernel-paths';

useNativeBackend();

describeOnKernelPaths('softmaxCrossEntropyLoss', () => {
  it('equals tf.losses.softmaxCrossEntropy: value and gradient w.r.t. the logits', () => {
    const before = tf.memory().numTensors;
    const logits = tf.randomNormal([7, 5], 0, 3, 'float32', 3);
    const labels = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 4, 2, 2, 1, 3, 0], 'int32'), 5).toFloat());
    const dy = tf.scalar(1.7);
    const ours = tf.grad((z: tf.Tensor) => softmaxCrossEntropyLoss(labels, z));
    const theirs = tf.grad((z: tf.Tensor) => tf.losses.softmaxCrossEntropy(labels, z));
    const [gOurs, gTheirs] = [ours(logits, dy), theirs(logits, dy)];
    const [vOurs, vTheirs] = [
      softmaxCrossEntropyLoss(labels, logits),
      tf.losses.softmaxCrossEntropy(labels, logits),
    ];
    const value = vOurs.dataSync()[0];
    const want = vTheirs.dataSync()[0];
    assert.ok(Math.abs(value - want) <= 1e-5 * (1 + Math.abs(want)), `loss ${value} vs ${want}`);
    const a = gOurs.dataSync();
    const b = gTheirs.dataSync();
    for (let i = 0; i < b.length; i++) {
      assert.ok(Math.abs(a[i] - b[i]) <= 1e-6 * (1 + Math.abs(b[i])), `∂z[${i}] ${a[i]} vs ${b[i]}`);
    }
    tf.dispose([logits, labels, dy, gOurs, gTheirs, vOurs, vTheirs]);
    assert.equal(tf.memory().numTensors, before);
  });
});
