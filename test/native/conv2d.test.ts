/**
 * The convolution on oneDNN's kernels (lib/native/conv2d.ts), with and without a bias, gives the
 * numbers of `tf.conv2d` (+ `tf.add`) to float32 rounding, output and every gradient (oneDNN sums
 * in its own blocked order); it is what runs in the zoo's Conv2D, forward and backward; a first
 * layer still skips the gradient w.r.t. the data; no tensor is left behind; `setNativeKernels(false)`
 * and NORMLAB_NATIVE_KERNELS=0 (child processes) put the layer back on `tf.conv2d`.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { FastConv2D } from '../../lib/layers/conv2d';
import { nativeConv2d } from '../../lib/native/conv2d';
import { setNativeKernels } from '../../lib/native/tensorflow-ops';
import { useNativeBackend } from '../helpers/backend';
import { assertClose } from '../helpers/close';
import { opsRun } from '../helpers/ops-run';

useNativeBackend();
// These tests are about the oneDNN path, so they switch the native paths on whatever
// NORMLAB_NATIVE_KERNELS says (the tests that switch them off say so and switch them back on); the
// variable's effect is checked in child processes, which take it from the test alone.
setNativeKernels(true);
after(() => setNativeKernels(true));

const CASES = [
  { shape: [3, 9, 8, 4], kernel: [3, 3, 4, 6], strides: [1, 1], padding: 'same' },
  { shape: [2, 9, 8, 3], kernel: [3, 2, 3, 5], strides: [2, 2], padding: 'valid' },
  { shape: [2, 7, 7, 2], kernel: [1, 1, 2, 4], strides: [1, 1], padding: 'same' },
  // The ResNet's downsampling: 'same' with stride 2 on an even size pads one side only.
  { shape: [2, 8, 8, 3], kernel: [3, 3, 3, 4], strides: [2, 2], padding: 'same' },
  { shape: [64, 14, 14, 32], kernel: [3, 3, 32, 64], strides: [1, 1], padding: 'same' },
] as const;

/** Output and gradients w.r.t. x, filter and (when `withBias`) bias of `conv` under a random upstream gradient. */
function forwardBackward(
  conv: (x: tf.Tensor4D, w: tf.Tensor4D, b: tf.Tensor | null) => tf.Tensor,
  c: (typeof CASES)[number],
  seed: number,
  withBias: boolean,
): number[][] {
  return tf.tidy(() => {
    const x = tf.randomNormal([...c.shape], 0, 1, 'float32', seed) as tf.Tensor4D;
    const w = tf.randomNormal([...c.kernel], 0, 0.3, 'float32', seed + 1) as tf.Tensor4D;
    const b = tf.randomNormal([c.kernel[3]], 0, 1, 'float32', seed + 2);
    const y = conv(x, w, withBias ? b : null);
    const dy = tf.randomNormal(y.shape, 0, 1, 'float32', seed + 3);
    const grads = withBias
      ? tf.grads((xi, wi, bi) => conv(xi as tf.Tensor4D, wi as tf.Tensor4D, bi))([x, w, b], dy)
      : tf.grads((xi, wi) => conv(xi as tf.Tensor4D, wi as tf.Tensor4D, null))([x, w], dy);
    return [y, ...grads].map((t) => Array.from(t.dataSync()));
  });
}

describe("convolution on oneDNN's kernels", () => {
  for (const withBias of [true, false]) {
    for (const [i, c] of CASES.entries()) {
      it(`gives conv2d${withBias ? ' + add' : ''} forward and backward: [${c.shape}] * [${c.kernel}], strides ${c.strides}, ${c.padding}`, () => {
        const before = tf.memory().numTensors;
        const strides = [...c.strides] as [number, number];
        const native = forwardBackward(
          (x, w, b) => {
            const y = nativeConv2d(x, w, b, strides, c.padding);
            assert.ok(y, 'the oneDNN kernel runs on tfjs-node');
            return y;
          },
          c,
          10 * i + 1,
          withBias,
        );
        const plain = forwardBackward(
          (x, w, b) =>
            b ? tf.add(tf.conv2d(x, w, strides, c.padding), b) : tf.conv2d(x, w, strides, c.padding),
          c,
          10 * i + 1,
          withBias,
        );
        assert.equal(native.length, withBias ? 4 : 3);
        for (const [k, name] of ['output', 'dx', 'dW', 'db'].slice(0, native.length).entries()) {
          assertClose(native[k], plain[k], name);
        }
        assert.equal(tf.memory().numTensors, before);
      });
    }
  }

  it("runs in the zoo's FastConv2D, forward and backward, and the portable path when native kernels are off", () => {
    const before = tf.memory().numTensors;
    const x = tf.randomNormal([2, 6, 6, 3]);
    const conv = new FastConv2D({ filters: 4, kernelSize: 3, padding: 'same' });
    const step = (layer: FastConv2D) => {
      if (!layer.built) tf.dispose(layer.apply(x) as tf.Tensor);
      const weights = layer.trainableWeights.map((w) => w.read() as tf.Variable);
      return opsRun(() => {
        const { value, grads } = tf.variableGrads(() => tf.sum(layer.apply(x) as tf.Tensor), weights);
        tf.dispose([value, ...Object.values(grads)]);
      });
    };
    const native = step(conv);
    for (const op of ['_MklNativeConv2DWithBias', '_MklNativeConv2DBackpropFilter'])
      assert.ok(native.includes(op), `ops: ${native}`);
    for (const op of ['Add', 'AddV2', 'Conv2D', 'Conv2DBackpropFilter'])
      assert.ok(!native.includes(op), `ops: ${native}`);
    setNativeKernels(false);
    try {
      const portable = step(conv);
      assert.ok(!portable.some((op) => op.startsWith('_Mkl')), `ops: ${portable}`);
      assert.ok(portable.includes('Conv2D') && portable.includes('Conv2DBackpropFilter'), `ops: ${portable}`);
    } finally {
      setNativeKernels(true);
    }
    const noBiasLayer = new FastConv2D({ filters: 4, kernelSize: 3, useBias: false });
    const noBias = step(noBiasLayer);
    const noBiasWeights = noBiasLayer.weights.length;
    assert.ok(
      noBias.includes('_MklNativeConv2D') && !noBias.includes('_MklNativeConv2DWithBias'),
      `ops: ${noBias}`,
    );
    assert.ok(!noBias.includes('Conv2D'), `ops: ${noBias}`);
    x.dispose();
    conv.dispose();
    assert.equal(tf.memory().numTensors, before + noBiasWeights, 'tensors left behind');
  });

  it('computes only the gradients asked for: none w.r.t. data that is not differentiated', () => {
    const x = tf.randomNormal([2, 6, 6, 1]);
    const w = tf.variable(tf.randomNormal([3, 3, 1, 4]));
    const b = tf.variable(tf.zeros([4]));
    const before = tf.memory().numTensors;
    const ops = opsRun(() => {
      const { value, grads } = tf.variableGrads(
        () => tf.sum(nativeConv2d(x as tf.Tensor4D, w as tf.Tensor4D, b, [1, 1], 'same')!),
        [w, b],
      );
      tf.dispose([value, ...Object.values(grads)]);
    });
    assert.ok(ops.includes('_MklNativeConv2DBackpropFilter'), `ops: ${ops}`);
    assert.ok(!ops.some((op) => op.includes('BackpropInput')), `ops: ${ops}`);
    assert.equal(tf.memory().numTensors, before);
    tf.dispose([x, w, b]);
  });
  it("gives FastConv2D's gradients of gradients as tf.conv2d's (tf.conv2d runs in nested tapes)", () => {
    const before = tf.memory().numTensors;
    const layer = new FastConv2D({ filters: 4, kernelSize: 3, strides: [2, 1], padding: 'same' });
    const x = tf.randomNormal([2, 6, 5, 3], 0, 1, 'float32', 7);
    tf.dispose(layer.apply(x) as tf.Tensor);
    const [kernel, bias] = layer.getWeights();
    // ‖dL/dx‖² differentiated w.r.t. x, for L = Σ y²: the layer against tf.conv2d + tf.add.
    const second = (conv: (xi: tf.Tensor) => tf.Tensor) =>
      tf.tidy(() => {
        const loss = (xi: tf.Tensor) => tf.sum(tf.square(conv(xi)));
        const h = (xi: tf.Tensor) => tf.sum(tf.square(tf.grad(loss)(xi)));
        return Array.from(tf.grad(h)(x).dataSync());
      });
    const ours = second((xi) => layer.apply(xi) as tf.Tensor);
    const theirs = second((xi) =>
      tf.add(tf.conv2d(xi as tf.Tensor4D, kernel as tf.Tensor4D, [2, 1], 'same'), bias),
    );
    assertClose(ours, theirs, 'd/dx of ‖dL/dx‖²', 1e-4);
    tf.dispose(x);
    layer.dispose();
    assert.equal(tf.memory().numTensors, before);
  });

  it('leaves to tf.conv2d what oneDNN gets wrong or cannot shape: strided 1×1 kernels, empty tensors', () => {
    const w1 = tf.randomNormal([1, 1, 2, 4]) as tf.Tensor4D;
    const w3 = tf.randomNormal([3, 3, 1, 4]) as tf.Tensor4D;
    const cases: [string, tf.Tensor4D, tf.Tensor4D, [number, number], 'same' | 'valid'][] = [
      ['1×1, stride 2, few channels', tf.randomNormal([2, 8, 8, 2]) as tf.Tensor4D, w1, [2, 2], 'same'],
      ['an empty batch', tf.zeros([0, 5, 5, 1]) as tf.Tensor4D, w3, [1, 1], 'valid'],
      ['an input smaller than the kernel', tf.zeros([1, 2, 2, 1]) as tf.Tensor4D, w3, [1, 1], 'valid'],
    ];
    for (const [what, x, w, strides, padding] of cases) {
      assert.equal(nativeConv2d(x, w, null, strides, padding), null, what);
      x.dispose();
    }
    // Through the layer, the strided 1×1 convolution's gradients are tf.conv2d's, bit for bit.
    const x = tf.randomNormal([2, 8, 8, 2], 0, 1, 'float32', 5);
    const gradients = () =>
      tf.tidy(() => {
        const layer = new FastConv2D({
          filters: 4,
          kernelSize: 1,
          strides: 2,
          padding: 'same',
          useBias: false,
        });
        tf.dispose(layer.apply(x) as tf.Tensor);
        layer.setWeights([w1]);
        const [kernel] = layer.trainableWeights.map((v) => v.read() as tf.Variable);
        const { grads } = tf.variableGrads(() => tf.sum(tf.square(layer.apply(x) as tf.Tensor)), [kernel]);
        const out = Array.from(grads[kernel.name].dataSync());
        layer.dispose();
        return out;
      });
    const ours = gradients();
    setNativeKernels(false);
    try {
      assert.deepEqual(ours, gradients());
    } finally {
      setNativeKernels(true);
    }
    tf.dispose([x, w1, w3]);
  });

  it("takes a gradient on tfjs' kernels when native kernels were switched off after the forward pass", () => {
    const before = tf.memory().numTensors;
    const x = tf.randomNormal([2, 6, 6, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
    const w = tf.randomNormal([3, 3, 3, 4], 0, 0.3, 'float32', 4) as tf.Tensor4D;
    const [ours, theirs] = [true, false].map((switchOff) =>
      tf.tidy(() => {
        const [dx, dw] = tf.grads((xi: tf.Tensor, wi: tf.Tensor) => {
          const y = nativeConv2d(xi as tf.Tensor4D, wi as tf.Tensor4D, null, [1, 1], 'same')!;
          if (switchOff) setNativeKernels(false);
          return tf.sum(tf.square(y));
        })([x, w]);
        setNativeKernels(true);
        return [dx, dw].map((g) => Array.from(g.dataSync()));
      }),
    );
    assertClose(ours[0], theirs[0], 'dx');
    assertClose(ours[1], theirs[1], 'dW');
    tf.dispose([x, w]);
    assert.equal(tf.memory().numTensors, before);
  });

  it('NORMLAB_NATIVE_KERNELS=0 runs the layer on tf.conv2d, unset on oneDNN (child processes)', () => {
    const script = `
      const tf = require('@tensorflow/tfjs');
      const { initBackend } = require('./lib/backend');
      const { opsRun } = require('./test/helpers/ops-run');
      const { FastConv2D } = require('./lib/layers/conv2d');
      initBackend().then(() => {
        const layer = new FastConv2D({ filters: 4, kernelSize: 3, padding: 'same' });
        const x = tf.ones([2, 6, 6, 3]);
        tf.dispose(layer.apply(x)); // builds the layer (and probes the kernels once)
        const weights = layer.trainableWeights.map((w) => w.read());
        console.log(JSON.stringify(opsRun(() => {
          const { value, grads } = tf.variableGrads(() => tf.sum(layer.apply(x)), weights);
          tf.dispose([value, ...Object.values(grads)]);
        })));
      });`;
    const opsWith = (env: Record<string, string>): string[] => {
      // The choice under test comes from `env` alone, not from the environment the tests run in.
      const inherited = { ...process.env };
      delete inherited.NORMLAB_NATIVE_KERNELS;
      const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], {
        env: { ...inherited, TF_CPP_MIN_LOG_LEVEL: '3', ...env },
        encoding: 'utf8',
      });
      return JSON.parse(out.trim().split('\n').pop() as string) as string[];
    };
    const portable = opsWith({ NORMLAB_NATIVE_KERNELS: '0' });
    assert.ok(!portable.some((op) => op.startsWith('_Mkl')), `ops: ${portable}`);
    assert.ok(portable.includes('Conv2D') && portable.includes('Conv2DBackpropFilter'), `ops: ${portable}`);
    const native = opsWith({});
    for (const op of ['_MklNativeConv2DWithBias', '_MklNativeConv2DBackpropFilter'])
      assert.ok(native.includes(op), `ops: ${native}`);
    assert.ok(!native.includes('Conv2D'), `ops: ${native}`);
  });
});
