/**
 * Gradients of gradients through the normalization layers: right on the portable path (their
 * closed-form gradients hand over to the formula's autodiff when an enclosing tape records), and
 * right with native kernels on (their paths step aside inside nested tapes: an enclosing tape cannot
 * see a native gradient). Before, both gave a wrong second derivative without a word; a native
 * gradient asked for a further gradient anyway throws.
 *
 * The check: `h(x) = ‖∂L/∂x‖²` for `L = Σ c·layer(x)` (`c` fixed and random), whose gradient
 * needs the layer's gradient differentiated again, against a central difference of `h` along a
 * random direction (`h` itself needs only first-order gradients).
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { setNativeKernels } from '../../lib/native/tensorflow-ops';
import { NORM_KINDS, type NormKind, normLayer } from '../../lib/norm/index';
import { useNativeBackend } from '../helpers/backend';

useNativeBackend();
after(() => setNativeKernels(true));

const SHAPE = [4, 3, 3, 6];

/**
 * The kinds with statistics to differentiate through (`none` is the identity). Not batch renorm and
 * noisy batch norm: each training call moves batch renorm's output (through the running statistics
 * it uses) and redraws noisy batch norm's noise, so the central difference compares different
 * functions.
 */
const KINDS = NORM_KINDS.filter((k) => !['none', 'batch-renorm', 'noisy-batch'].includes(k));

function layerFor(kind: NormKind, activation: 'linear' | 'relu' = 'linear'): tf.layers.Layer {
  return normLayer(kind, { groups: kind === 'group' ? 2 : undefined, activation });
}

/** `h(x) = ‖∂L/∂x‖²` and its gradient by autodiff, then `h` at `x ± εv`. */
function secondOrder(layer: tf.layers.Layer): { slope: number; difference: number } {
  return tf.tidy(() => {
    const x = tf.randomNormal(SHAPE, 0, 1, 'float32', 11);
    const c = tf.randomNormal(SHAPE, 0, 1, 'float32', 12);
    const v = tf.randomNormal(SHAPE, 0, 1, 'float32', 13);
    const loss = (xi: tf.Tensor) => tf.sum(tf.mul(c, layer.apply(xi, { training: true }) as tf.Tensor));
    const h = (xi: tf.Tensor) => tf.sum(tf.square(tf.grad(loss)(xi)));
    const slope = tf.sum(tf.mul(tf.grad(h)(x), v)).dataSync()[0];
    const eps = 1e-2;
    const ahead = h(tf.add(x, tf.mul(v, eps))).dataSync()[0];
    const behind = h(tf.sub(x, tf.mul(v, eps))).dataSync()[0];
    return { slope, difference: (ahead - behind) / (2 * eps) };
  });
}

describe('gradients of gradients through the normalization layers', () => {
  for (const kind of KINDS) {
    it(`${kind}: right on the portable path`, () => {
      setNativeKernels(false);
      const layer = layerFor(kind);
      tf.dispose(layer.apply(tf.zeros(SHAPE), { training: true }) as tf.Tensor); // build
      const before = tf.memory().numTensors;
      const { slope, difference } = secondOrder(layer);
      assert.equal(tf.memory().numTensors, before, 'tensors left behind');
      assert.ok(
        Math.abs(slope - difference) <= 2e-2 * Math.max(1, Math.abs(difference)),
        `${kind}: d‖∂L/∂x‖²/dx along v is ${slope} by autodiff, ${difference} by central difference`,
      );
      for (const w of layer.weights) w.dispose();
    });
  }

  it('batch norm with its ReLU: the second derivative of a ReLU layer after it', () => {
    // A central difference across ReLU's kinks means nothing: compare with batch norm followed by
    // tfjs' own ReLU, whose gradient tfjs differentiates itself.
    setNativeKernels(false);
    const [fused, linear] = [layerFor('batch', 'relu'), layerFor('batch')];
    const x = tf.randomNormal(SHAPE, 0, 1, 'float32', 21);
    tf.dispose([fused.apply(x, { training: true }), linear.apply(x, { training: true })] as tf.Tensor[]);
    const c = tf.randomNormal(SHAPE, 0, 1, 'float32', 22);
    const secondGradient = (f: (xi: tf.Tensor) => tf.Tensor) =>
      tf.tidy(() => {
        const h = (xi: tf.Tensor) =>
          tf.sum(tf.square(tf.grad((xj: tf.Tensor) => tf.sum(tf.mul(c, f(xj))))(xi)));
        return Array.from(tf.grad(h)(x).dataSync());
      });
    const ours = secondGradient((xi) => fused.apply(xi, { training: true }) as tf.Tensor);
    const theirs = secondGradient((xi) => tf.relu(linear.apply(xi, { training: true }) as tf.Tensor));
    const scale = Math.max(1, ...theirs.map(Math.abs));
    const worst = Math.max(...ours.map((v, i) => Math.abs(v - theirs[i])));
    assert.ok(worst <= 1e-4 * scale, `differs by ${worst} (scale ${scale})`);
    assert.ok(
      theirs.some((v) => v !== 0),
      'a second derivative that is not zero',
    );
    tf.dispose([x, c]);
    for (const w of [...fused.weights, ...linear.weights]) w.dispose();
  });

  for (const kind of KINDS) {
    it(`${kind}: right with native kernels on (their paths step aside)`, () => {
      setNativeKernels(true);
      const layer = layerFor(kind);
      tf.dispose(layer.apply(tf.zeros(SHAPE), { training: true }) as tf.Tensor);
      const before = tf.memory().numTensors;
      const { slope, difference } = secondOrder(layer);
      assert.equal(tf.memory().numTensors, before, 'tensors left behind');
      assert.ok(
        Math.abs(slope - difference) <= 2e-2 * Math.max(1, Math.abs(difference)),
        `${kind}: autodiff ${slope}, central difference ${difference}`,
      );
      for (const w of layer.weights) w.dispose();
    });
  }
  it("reads tfjs' count of open gradient tapes, which the rule above depends on", () => {
    // If a tfjs upgrade dropped or renamed it, the checks would silently stop stepping aside.
    const depth = () => (tf.engine() as unknown as { state: { gradientDepth: unknown } }).state.gradientDepth;
    assert.equal(depth(), 0);
    const seen: unknown[] = [];
    tf.dispose(
      tf.grad((x: tf.Tensor) => {
        seen.push(depth());
        return tf.sum(tf.square(x));
      })(tf.ones([2])),
    );
    assert.deepEqual(seen, [1]);
  });

  it('a native gradient asked for a further gradient anyway throws, naming the way out', () => {
    // A gradient taken inside a gradient's function, of a value computed before that inner
    // function ran: the native op ran at one tape, not knowing its gradient would be recorded.
    // (tfjs keeps what the failed gradient saved; no tensor count is checked here.)
    setNativeKernels(true);
    const layer = layerFor('layer');
    const x = tf.randomNormal(SHAPE, 0, 1, 'float32', 31);
    tf.dispose(layer.apply(x, { training: true }) as tf.Tensor);
    assert.throws(
      () =>
        tf.grad((xi: tf.Tensor) => {
          const y = layer.apply(xi, { training: true }) as tf.Tensor;
          return tf.sum(tf.grad((z: tf.Tensor) => tf.sum(tf.mul(z, y)))(xi));
        })(x),
      /cannot be differentiated again; call setNativeKernels\(false\)/,
    );
    x.dispose();
    for (const w of layer.weights) w.dispose();
  });
});
