/**
 * The one-time kernel probe (probedOncePerBackend): it asks once per backend, caches the answer,
 * counts an exception as "no", and leaves no tensor behind.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { probedOncePerBackend, setNativeKernels, tensorflowOps } from '../../lib/native/tensorflow-ops';
import { useNativeBackend } from '../helpers/backend';

useNativeBackend();
// The probe runs TensorFlow ops by name, which tensorflowOps() hands out only while the native
// paths are on: switched on here whatever NORMLAB_NATIVE_KERNELS says.
setNativeKernels(true);

describe('probedOncePerBackend', () => {
  it('runs the probe once per backend and keeps its answer', () => {
    const ops = tensorflowOps();
    assert.ok(ops, 'tfjs-node is the backend');
    let calls = 0;
    const before = tf.memory().numTensors;
    const works = probedOncePerBackend((o) => {
      calls++;
      const [y] = o.run('Relu', [o.float32Type('T')], [tf.tensor1d([-1, 2])], 1);
      return y.dataSync()[0] === 0;
    });
    assert.equal(works(ops), true);
    assert.equal(works(ops), true);
    assert.equal(calls, 1);
    assert.equal(tf.memory().numTensors, before, 'the probe tidies its tensors');
  });

  it('counts a kernel that does not exist as "no"', () => {
    const ops = tensorflowOps();
    assert.ok(ops);
    const missing = probedOncePerBackend((o) => {
      o.run('NoSuchKernelInTensorFlow', [o.float32Type('T')], [tf.scalar(1)], 1);
      return true;
    });
    assert.equal(missing(ops), false);
  });
});
