/**
 * Noisy batch norm: batch norm's output, shifted and rescaled per channel by a draw that changes
 * every training step; plain batch norm at inference; the noise can be held and replayed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { BatchNormalization, NoisyBatchNormalization, normLayer } from '../../lib/norm/index';
import { noisyBatchNormDraw } from '../../lib/norm/noisy-batch-normalization';
import { useNativeBackend } from '../helpers/backend';

useNativeBackend();

const values = (t: tf.Tensor): number[] => Array.from(t.dataSync());

function close(got: number[], want: number[], tol: number, what: string): void {
  assert.equal(got.length, want.length, what);
  got.forEach((g, i) => {
    assert.ok(Math.abs(g - want[i]) <= tol, `${what}[${i}]: ${g} vs ${want[i]}`);
  });
}

describe('noisy batch norm', () => {
  it('draws shifts in [-maxShift, maxShift) and scales in [1, maxScale), reproducibly', () => {
    const a = noisyBatchNormDraw(5, 3, 1000, 0.8, 2);
    const b = noisyBatchNormDraw(5, 3, 1000, 0.8, 2);
    const c = noisyBatchNormDraw(5, 4, 1000, 0.8, 2);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.shift, c.shift);
    assert.ok(a.shift.every((m) => m >= -0.8 && m < 0.8));
    assert.ok(a.scale.every((s) => s >= 1 && s < 2));
    // Uniform draws: the means are near the interval centres.
    const mean = (xs: Float32Array) => xs.reduce((s, x) => s + x, 0) / xs.length;
    assert.ok(Math.abs(mean(a.shift)) < 0.08, `shift mean ${mean(a.shift)}`);
    assert.ok(Math.abs(mean(a.scale) - 1.5) < 0.05, `scale mean ${mean(a.scale)}`);
  });

  it('training: σ_c·BN(x) + μ_c with a new draw each call; inference: batch norm times E[σ]', () => {
    const x = tf.randomNormal([6, 3, 3, 4], 2, 3, 'float32', 7);
    const noisy = new NoisyBatchNormalization({ maxShift: 1, maxScale: 3, noiseSeed: 11, momentum: 0.5 });
    const plain = new BatchNormalization({ momentum: 0.5 });
    for (let step = 0; step < 2; step++) {
      const y = noisy.apply(x, { training: true }) as tf.Tensor;
      const bn = plain.apply(x, { training: true }) as tf.Tensor;
      const draw = noisyBatchNormDraw(11, step, 4, 1, 3);
      const want = tf.tidy(() => tf.add(tf.mul(bn, tf.tensor1d(draw.scale)), tf.tensor1d(draw.shift)));
      close(values(y), values(want), 1e-4, `step ${step}`);
      tf.dispose([y, bn, want]);
    }
    assert.equal(noisy.drawCount, 2);
    // Same running statistics as plain batch norm (the noise comes after the normalization).
    close(values(noisy.getWeights()[2]), values(plain.getWeights()[2]), 1e-6, 'running mean');
    const yi = noisy.apply(x) as tf.Tensor;
    const bi = plain.apply(x) as tf.Tensor;
    // E[σ] = (1 + 3)/2 = 2, E[μ] = 0.
    close(
      values(yi),
      values(bi).map((v) => 2 * v),
      1e-5,
      'inference',
    );
    assert.equal(noisy.drawCount, 2, 'inference draws nothing');
    tf.dispose([x, yi, bi]);
    noisy.dispose();
    plain.dispose();
  });

  it('holdNoise reuses the last draw; restoring drawCount replays the sequence', () => {
    const x = tf.randomNormal([5, 3], 0, 1, 'float32', 3);
    const layer = normLayer('noisy-batch', { noiseSeed: 2 }) as NoisyBatchNormalization;
    const run = () => {
      const y = layer.apply(x, { training: true }) as tf.Tensor;
      const v = values(y);
      y.dispose();
      return v;
    };
    const first = run();
    layer.holdNoise = true;
    assert.deepEqual(run(), first, 'held');
    layer.holdNoise = false;
    const second = run();
    assert.notDeepEqual(second, first);
    layer.drawCount = 1;
    assert.deepEqual(run(), second, 'replayed');
    x.dispose();
    layer.dispose();
  });

  it('gradients flow through the noise (finite differences)', () => {
    const x = tf.randomNormal([4, 3], 0, 1, 'float32', 9);
    const w = tf.randomNormal([4, 3], 0, 1, 'float32', 10);
    const layer = new NoisyBatchNormalization({ noiseSeed: 4 });
    layer.holdNoise = true;
    const f = (v: tf.Tensor) =>
      tf.sum(tf.mul(layer.apply(v, { training: true }) as tf.Tensor, w)) as tf.Scalar;
    tf.dispose(f(x)); // first draw, then held
    const g = tf.grad(f)(x);
    const gv = values(g);
    const xv = values(x);
    const h = 1e-2;
    for (const i of [0, 5, 11]) {
      const plus = xv.slice();
      const minus = xv.slice();
      plus[i] += h;
      minus[i] -= h;
      const fp = tf.tidy(() => f(tf.tensor2d(plus, [4, 3])).dataSync()[0]);
      const fm = tf.tidy(() => f(tf.tensor2d(minus, [4, 3])).dataSync()[0]);
      assert.ok(
        Math.abs((fp - fm) / (2 * h) - gv[i]) < 2e-2,
        `grad[${i}]: ${(fp - fm) / (2 * h)} vs ${gv[i]}`,
      );
    }
    tf.dispose([x, w, g]);
    layer.dispose();
  });

  it('serializes its noise options and rejects bad ones', () => {
    const layer = new NoisyBatchNormalization({ maxShift: 0.25, maxScale: 2, noiseSeed: 9 });
    const config = layer.getConfig();
    assert.equal(config.maxShift, 0.25);
    assert.equal(config.maxScale, 2);
    assert.equal(config.noiseSeed, 9);
    const copy = NoisyBatchNormalization.fromConfig(
      NoisyBatchNormalization,
      config,
    ) as NoisyBatchNormalization;
    assert.deepEqual([copy.maxShift, copy.maxScale, copy.noiseSeed], [0.25, 2, 9]);
    assert.equal(NoisyBatchNormalization.className, 'normlab>NoisyBatchNormalization');
    assert.throws(
      () => new NoisyBatchNormalization({ maxScale: 0.5 }),
      /maxScale must be a finite number ≥ 1/,
    );
    assert.throws(
      () => new NoisyBatchNormalization({ maxShift: -1 }),
      /maxShift must be a finite number ≥ 0/,
    );
    assert.throws(() => new NoisyBatchNormalization({ noiseSeed: 1.5 }), /noiseSeed must be an integer ≥ 0/);
  });
});
