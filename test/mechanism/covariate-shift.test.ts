/**
 * Gradient-based internal covariate shift on networks whose answer is known by hand.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { gradientShift, internalCovariateShift } from '../../lib/mechanism/covariate-shift';
import { useNativeBackend } from '../helpers/backend';

useNativeBackend();

test('gradientShift: norms, ratio and cosine of two gradients', () => {
  const s = gradientShift([3, 4], [3, 0]);
  assert.equal(s.gradNorm, 5);
  assert.equal(s.shiftNorm, 4);
  assert.equal(s.relativeShift, 0.8);
  assert.ok(Math.abs(s.cosine - 0.6) < 1e-12);
});

/** By hand: L = ½(W2·W1·x − y)², W1 2×2, W2 1×2. */
function byHand(w1: number[][], w2: number[], x: number[], y: number, eta: number) {
  const h = (w: number[][]) => [w[0][0] * x[0] + w[0][1] * x[1], w[1][0] * x[0] + w[1][1] * x[1]];
  const h0 = h(w1);
  const r0 = w2[0] * h0[0] + w2[1] * h0[1] - y;
  const g2 = [r0 * h0[0], r0 * h0[1]]; // ∂L/∂W2 = r·hᵀ
  const g1 = w2.map((v) => x.map((xi) => r0 * v * xi)); // ∂L/∂W1 = (W2ᵀ r) xᵀ
  const w1Next = w1.map((row, i) => row.map((v, j) => v - eta * g1[i][j]));
  const h1 = h(w1Next);
  const r1 = w2[0] * h1[0] + w2[1] * h1[1] - y;
  const g2Next = [r1 * h1[0], r1 * h1[1]];
  return { g2, g2Next };
}

test('two-layer linear net: G and G′ of the second layer match the hand computation', () => {
  const w1 = [
    [0.5, -0.3],
    [0.2, 0.8],
  ];
  const w2 = [1.2, -0.7];
  const x = [1.5, -2];
  const y = 0.4;
  const eta = 0.1;
  const start = tf.memory().numTensors;
  const W1 = tf.tidy(() => tf.variable(tf.tensor2d(w1), true, 'w1'));
  const W2 = tf.tidy(() => tf.variable(tf.tensor2d([w2]), true, 'w2'));
  const X = tf.tensor2d(x, [2, 1]);
  const loss = () =>
    tf.tidy(() => tf.mul(0.5, tf.square(tf.sub(tf.sum(tf.matMul(W2, tf.matMul(W1, X))), y))) as tf.Scalar);
  const { shifts, base } = internalCovariateShift(
    { variables: [W1, W2], loss, layerOf: [0, 1], layerNames: ['first', 'second'] },
    eta,
  );
  const want = byHand(w1, w2, x, y, eta);
  const expected = gradientShift(want.g2, want.g2Next);
  assert.equal(shifts.length, 1, 'the first layer has no earlier layers');
  assert.equal(shifts[0].name, 'second');
  assert.ok(
    Math.abs(shifts[0].shiftNorm - expected.shiftNorm) < 1e-5,
    `${shifts[0].shiftNorm} vs ${expected.shiftNorm}`,
  );
  assert.ok(Math.abs(shifts[0].cosine - expected.cosine) < 1e-5);
  assert.ok(Math.abs(shifts[0].gradNorm - expected.gradNorm) < 1e-5);
  assert.ok(expected.shiftNorm > 0.05, 'the test case has a real shift');
  assert.deepEqual(
    Array.from(base.gradients[1]).map((v) => Number(v.toFixed(4))),
    want.g2.map((v) => Number(v.toFixed(4))),
  );
  // The variables are back where they were.
  assert.deepEqual(Array.from(W1.dataSync()), w1.flat().map(Math.fround));
  tf.dispose([W1, W2, X]);
  assert.equal(tf.memory().numTensors, start);
});

test('the shift vanishes with the step size and grows with it', () => {
  const W1 = tf.tidy(() =>
    tf.variable(
      tf.tensor2d([
        [0.9, -0.4],
        [0.3, 0.6],
      ]),
      true,
      'a1',
    ),
  );
  const W2 = tf.tidy(() => tf.variable(tf.tensor2d([[1.1, 0.5]]), true, 'a2'));
  const X = tf.tensor2d([1, 2], [2, 1]);
  const objective = {
    variables: [W1, W2],
    loss: () => tf.tidy(() => tf.mul(0.5, tf.square(tf.sum(tf.matMul(W2, tf.matMul(W1, X))))) as tf.Scalar),
    layerOf: [0, 1],
    layerNames: ['a', 'b'],
  };
  const small = internalCovariateShift(objective, 1e-4).shifts[0];
  const large = internalCovariateShift(objective, 1e-2).shifts[0];
  assert.ok(small.shiftNorm < large.shiftNorm / 50, `${small.shiftNorm} vs ${large.shiftNorm}`);
  assert.ok(small.cosine > 0.999999);
  assert.throws(() => internalCovariateShift(objective, 0), /learningRate must be a finite number > 0/);
  tf.dispose([W1, W2, X]);
});
