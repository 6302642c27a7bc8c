/**
 * Landscape probes on a quadratic, whose effective β-smoothness along an eigenvector of its
 * Hessian is that eigenvalue.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { probeLandscape } from '../../lib/mechanism/landscape';
import { useNativeBackend } from '../helpers/backend';

useNativeBackend();

/** L(w) = ½ wᵀ A w with A = R·diag(4, 1)·Rᵀ (R a rotation by 30°): top eigenvalue 4 along R·e1. */
function quadratic(w0: number[]) {
  const c = Math.cos(Math.PI / 6);
  const s = Math.sin(Math.PI / 6);
  const a = [
    [4 * c * c + s * s, 3 * c * s],
    [3 * c * s, 4 * s * s + c * c],
  ];
  const w = tf.tidy(() => tf.variable(tf.tensor2d(w0, [2, 1]), true, `q${w0.join('_')}`));
  const A = tf.tensor2d(a);
  const loss = () => tf.tidy(() => tf.mul(0.5, tf.sum(tf.mul(w, tf.matMul(A, w)))) as tf.Scalar);
  return { w, A, a, loss, top: [c, s] };
}

test('along the top eigenvector: β = 4, gradient change = 16·η, losses = 2(1 − 4η)²', () => {
  const start = tf.memory().numTensors;
  const q = quadratic([Math.cos(Math.PI / 6), Math.sin(Math.PI / 6)]);
  const steps = [0.05, 0.1, 0.2];
  const probe = probeLandscape({ variables: [q.w], loss: q.loss }, steps);
  assert.ok(Math.abs(probe.betaSmoothness - 4) < 1e-4, `β ${probe.betaSmoothness}`);
  probe.gradientChanges.forEach((d, i) => {
    assert.ok(Math.abs(d - 16 * steps[i]) < 1e-4, `change ${d}`);
  });
  probe.losses.forEach((l, i) => {
    assert.ok(Math.abs(l - 2 * (1 - 4 * steps[i]) ** 2) < 1e-5, `loss ${l}`);
  });
  assert.ok(Math.abs(probe.lossRange - (2 * 0.8 ** 2 - 2 * 0.2 ** 2)) < 1e-5);
  assert.ok(Math.abs(probe.gradNorm - 4) < 1e-5);
  assert.ok(Math.abs(probe.loss - 2) < 1e-5);
  assert.deepEqual(
    Array.from(q.w.dataSync()),
    [Math.cos(Math.PI / 6), Math.sin(Math.PI / 6)].map(Math.fround),
    'restored',
  );
  tf.dispose([q.w, q.A]);
  assert.equal(tf.memory().numTensors, start);
});

test('anywhere else β lies between the eigenvalues (‖A·g‖/‖g‖), never above the top one', () => {
  const q = quadratic([1, -2]);
  const probe = probeLandscape({ variables: [q.w], loss: q.loss }, [0.01, 0.1]);
  const g = [q.a[0][0] * 1 + q.a[0][1] * -2, q.a[1][0] * 1 + q.a[1][1] * -2];
  const ag = [q.a[0][0] * g[0] + q.a[0][1] * g[1], q.a[1][0] * g[0] + q.a[1][1] * g[1]];
  const want = Math.hypot(ag[0], ag[1]) / Math.hypot(g[0], g[1]);
  assert.ok(Math.abs(probe.betaSmoothness - want) < 1e-4, `${probe.betaSmoothness} vs ${want}`);
  assert.ok(probe.betaSmoothness > 1 && probe.betaSmoothness < 4);
  assert.throws(
    () => probeLandscape({ variables: [q.w], loss: q.loss }, []),
    /stepSizes must be a non-empty list/,
  );
  assert.throws(() => probeLandscape({ variables: [q.w], loss: q.loss }, [-1]), /stepSizes must be/);
  tf.dispose([q.w, q.A]);
});
