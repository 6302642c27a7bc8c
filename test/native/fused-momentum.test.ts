/**
 * FusedMomentumOptimizer (TensorFlow's ResourceApplyMomentum on tfjs-node, tfjs' momentum update
 * elsewhere) gives tf.train.momentum's numbers: over several steps, with a learning rate and a
 * changed between steps and a variable overwritten from outside; tensors read before an
 * update keep their values; nothing is left behind after dispose.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { FusedMomentumOptimizer } from '../../lib/native/fused-momentum';
import { useNativeBackend } from '../helpers/backend';
import { describeOnKernelPaths } from '../helpers/kernel-paths';

useNativeBackend();

/** Run 6 steps of `optimizer` on two variables; returns their values after each step. */
function trajectory(
  optimizer: tf.Optimizer & { setLearningRate(lr: number): void; setMomentum(m: number): void },
): number[][] {
  const w = tf.tidy(() => tf.variable(tf.randomNormal([5, 3], 0, 1, 'float32', 11)));
  const b = tf.tidy(() => tf.variable(tf.randomNormal([3], 0, 1, 'float32', 12)));
  const x = tf.randomNormal([4, 5], 0, 1, 'float32', 13);
  const out: number[][] = [];
  for (let step = 0; step < 6; step++) {
    if (step === 2) optimizer.setLearningRate(0.05);
    if (step === 4) tf.tidy(() => b.assign(tf.fill([3], 0.25))); // written from outside
    const before = w.dataSync().slice();
    const held = w.clone(); // a tensor read before the update
    tf.tidy(() => {
      optimizer.minimize(() => tf.sum(tf.square(tf.add(tf.matMul(x, w), b))) as tf.Scalar, false, [w, b]);
    });
    assert.deepEqual(
      Array.from(held.dataSync()),
      Array.from(before),
      'a tensor read before the update changed',
    );
    held.dispose();
    out.push([...w.dataSync(), ...b.dataSync()]);
  }
  tf.dispose([w, b, x]);
  return out;
}

describeOnKernelPaths('FusedMomentumOptimizer', () => {
  it("follows tf.train.momentum's updates, a learning-rate change included", () => {
    const start = tf.memory().numTensors;
    const fused = new FusedMomentumOptimizer(0.1, 0.9);
    const ours = trajectory(fused);
    fused.dispose();
    const reference = tf.train.momentum(0.1, 0.9);
    const theirs = trajectory(reference);
    reference.dispose();
    for (let s = 0; s < theirs.length; s++) {
      for (let i = 0; i < theirs[s].length; i++) {
        const err = Math.abs(ours[s][i] - theirs[s][i]) / (1 + Math.abs(theirs[s][i]));
        assert.ok(err <= 1e-5, `step ${s}, value ${i}: ${ours[s][i]} vs ${theirs[s][i]}`);
      }
    }
    // tfjs' MomentumOptimizer.dispose leaves its learning-rate scalar (see disposeOptimizer); the
    // fused optimizer adds nothing to that.
    const leftover = tf.memory().numTensors - start;
    assert.ok(leftover <= 2, `${leftover} tensors left behind`);
  });
});
