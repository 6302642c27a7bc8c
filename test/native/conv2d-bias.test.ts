/**
 * The convolution with its bias on oneDNN's one kernel (lib/native/conv2d-bias.ts) gives the
 * numbers of `tf.conv2d` + `tf.add`: every gradient bit for bit, the output to float32 rounding
 * (oneDNN may add the bias inside its accumulation, depending on the CPU); it is the kernel that runs in the zoo's Conv2D; a first layer still
 * skips the gradient w.r.t. the data; no tensor is left behind.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { FastConv2D } from '../../lib/layers/conv2d';
import { nativeConv2dWithBias } from '../../lib/native/conv2d-bias';
import { setNativeKernels } from '../../lib/native/tensorflow-ops';
import { useNativeBackend } from '../helpers/backend';
import { assertClose } from '../helpers/close';
import { opsRun } from '../helpers/ops-run';

useNativeBackend();
after(() => setNativeKernels(true));

const CASES = [
  { shape: [3, 9, 8, 4], kernel: [3, 3, 4, 6], strides: [1, 1], padding: 'same' },
  { shape: [2, 9, 8, 3], kernel: [3, 2, 3, 5], strides: [2, 2], padding: 'valid' },
  { shape: [2, 7, 7, 2], kernel: [1, 1, 2, 4], strides: [2, 1], padding: 'same' },
  { shape: [64, 14, 14, 32], kernel: [3, 3, 32, 64], strides: [1, 1], padding: 'same' },
] as const;

/** Output and gradients w.r.t. x, filter and bias of `conv` under a random upstream gradient. */
function forwardBackward(
  conv: (x: tf.Tensor4D, w: tf.Tensor4D, b: tf.Tensor) => tf.Tensor,
  c: (typeof CASES)[number],
  seed: number,
): number[][] {
  return tf.tidy(() => {
    const x = tf.randomNormal([...c.shape], 0, 1, 'float32', seed) as tf.Tensor4D;
    const w = tf.randomNormal([...c.kernel], 0, 0.3, 'float32', seed + 1) as tf.Tensor4D;
    const b = tf.randomNormal([c.kernel[3]], 0, 1, 'float32', seed + 2);
    const y = conv(x, w, b);
    const dy = tf.randomNormal(y.shape, 0, 1, 'float32', seed + 3);
    const grads = tf.grads((xi, wi, bi) => conv(xi as tf.Tensor4D, wi as tf.Tensor4D, bi))([x, w, b], dy);
    return [y, ...grads].map((t) => Array.from(t.dataSync()));
  });
}

describe('convolution + bias in one kernel', () => {
  for (const [i, c] of CASES.entries()) {
    it(`gives conv2d + add (gradients bit for bit): [${c.shape}] * [${c.kernel}], strides ${c.strides}, ${c.padding}`, () => {
      const before = tf.memory().numTensors;
      const strides = [...c.strides] as [number, number];
      const fused = forwardBackward(
        (x, w, b) => {
          const y = nativeConv2dWithBias(x, w, b, strides, c.padding);
          assert.ok(y, 'the fused kernel runs on tfjs-node');
          return y;
        },
        c,
        10 * i + 1,
      );
      const plain = forwardBackward(
        (x, w, b) => tf.add(tf.conv2d(x, w, strides, c.padding), b),
        c,
        10 * i + 1,
      );
      assert.equal(fused.length, 4);
      assertClose(fused[0], plain[0], 'output');
      for (const [k, name] of ['dx', 'dW', 'db'].entries()) {
        assert.deepEqual(fused[k + 1], plain[k + 1], `${name} differs`);
      }
      assert.equal(tf.memory().numTensors, before);
    });
  }

  it("runs in the zoo's FastConv2D with a bias, and the portable path when native kernels are off", () => {
    const x = tf.randomNormal([2, 6, 6, 3]);
    const conv = new FastConv2D({ filters: 4, kernelSize: 3, padding: 'same' });
    const native = opsRun(() => tf.dispose(conv.apply(x) as tf.Tensor));
    assert.ok(native.includes('_MklNativeConv2DWithBias'), `ops: ${native}`);
    assert.ok(!native.includes('Add') && !native.includes('AddV2'), `ops: ${native}`);
    setNativeKernels(false);
    try {
      const portable = opsRun(() => tf.dispose(conv.apply(x) as tf.Tensor));
      assert.ok(!portable.includes('_MklNativeConv2DWithBias'), `ops: ${portable}`);
      assert.ok(portable.includes('Conv2D'), `ops: ${portable}`);
    } finally {
      setNativeKernels(true);
    }
    const noBias = opsRun(() =>
      tf.dispose(new FastConv2D({ filters: 4, kernelSize: 3, useBias: false }).apply(x) as tf.Tensor),
    );
    assert.ok(noBias.includes('Conv2D') && !noBias.includes('_MklNativeConv2DWithBias'), `ops: ${noBias}`);
    x.dispose();
  });

  it('computes only the gradients asked for: none w.r.t. data that is not differentiated', () => {
    const x = tf.randomNormal([2, 6, 6, 1]);
    const w = tf.variable(tf.randomNormal([3, 3, 1, 4]));
    const b = tf.variable(tf.zeros([4]));
    const before = tf.memory().numTensors;
    const ops = opsRun(() => {
      const { value, grads } = tf.variableGrads(
        () => tf.sum(nativeConv2dWithBias(x as tf.Tensor4D, w as tf.Tensor4D, b, [1, 1], 'same')!),
        [w, b],
      );
      tf.dispose([value, ...Object.values(grads)]);
    });
    assert.ok(ops.includes('Conv2DBackpropFilter'), `ops: ${ops}`);
    assert.ok(!ops.includes('Conv2DBackpropInput'), `ops: ${ops}`);
    assert.equal(tf.memory().numTensors, before);
    tf.dispose([x, w, b]);
  });
});
