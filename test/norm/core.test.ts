/**
 * The step functions of the shared core against hand-computed values, and the conventions.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { batchNormTraining } from '../../lib/norm/batch-norm-op';
import { decayFromMomentum } from '../../lib/norm/conventions';
import { groupNormAffine } from '../../lib/norm/group-norm-op';
import {
  convertMomentum,
  groupStandardize,
  moments,
  normalize,
  normalizeWithRunningStats,
  scaleShift,
  standardize,
  updateRunningStats,
} from '../../lib/norm/index';
import { useNativeBackend } from '../helpers/backend';

useNativeBackend();

function close(got: ArrayLike<number>, want: number[], tol = 1e-5): void {
  assert.equal(got.length, want.length);
  for (let i = 0; i < want.length; i++) {
    assert.ok(Math.abs(got[i] - want[i]) <= tol * (1 + Math.abs(want[i])), `[${i}] ${got[i]} vs ${want[i]}`);
  }
}

describe('batch-norm steps', () => {
  // Two channels, four values each: channel 0 = 1,2,3,4 (mean 2.5, biased var 1.25), channel 1 = 2,2,2,2.
  const data = [1, 2, 2, 2, 3, 2, 4, 2];

  it('moments: mean and BIASED variance over the reduced axes', () => {
    tf.tidy(() => {
      const { mean, variance } = moments(tf.tensor2d(data, [4, 2]), [0], false);
      close(mean.dataSync(), [2.5, 2]);
      close(variance.dataSync(), [1.25, 0]);
    });
  });

  it('normalize and scaleShift follow the formula', () => {
    tf.tidy(() => {
      const x = tf.tensor2d(data, [4, 2]);
      const xhat = normalize(x, tf.tensor1d([2.5, 2]), tf.tensor1d([1.25, 0]), 0.01);
      const want = data.map((v, i) => (i % 2 === 0 ? (v - 2.5) / Math.sqrt(1.26) : 0));
      close(xhat.dataSync(), want);
      const y = scaleShift(xhat, tf.tensor1d([2, 3]), tf.tensor1d([1, -1]));
      close(
        y.dataSync(),
        want.map((v, i) => (i % 2 === 0 ? 2 * v + 1 : 3 * v - 1)),
      );
      close(scaleShift(xhat, null, null).dataSync(), want);
    });
  });

  it('updateRunningStats: Keras (old weight, biased) and PyTorch (new weight, unbiased) agree after conversion', () => {
    tf.tidy(() => {
      const running = { mean: tf.tensor1d([1, 1]), variance: tf.tensor1d([1, 1]) };
      const batch = { mean: tf.tensor1d([2.5, 2]), variance: tf.tensor1d([1.25, 0]) };
      const k = updateRunningStats(running, batch, { momentum: 0.9, convention: 'keras', count: 4 });
      close(k.mean.dataSync(), [0.9 + 0.25, 0.9 + 0.2]);
      close(k.variance.dataSync(), [0.9 + 0.125, 0.9]);
      const p = updateRunningStats(running, batch, { momentum: 0.1, convention: 'pytorch', count: 4 });
      close(p.mean.dataSync(), [0.9 + 0.25, 0.9 + 0.2]);
      close(p.variance.dataSync(), [0.9 + (0.1 * 1.25 * 4) / 3, 0.9]);
      // Same convention, explicit variance kind.
      const kb = updateRunningStats(running, batch, {
        momentum: 0.1,
        convention: 'pytorch',
        runningVariance: 'biased',
        count: 4,
      });
      close(kb.variance.dataSync(), k.variance.dataSync() as unknown as number[]);
      assert.throws(
        () => updateRunningStats(running, batch, { momentum: 0.1, convention: 'pytorch', count: 1 }),
        /unbiased running variance needs more than one value/,
      );
    });
  });

  it('momentum conversion between conventions', () => {
    assert.equal(decayFromMomentum(0.99, 'keras'), 0.99);
    assert.equal(decayFromMomentum(0.1, 'pytorch'), 0.9);
    assert.ok(Math.abs(convertMomentum(0.99, 'keras', 'pytorch') - 0.01) < 1e-12);
    assert.equal(convertMomentum(0.3, 'pytorch', 'pytorch'), 0.3);
  });

  it('inference with running statistics, channels last (fused) and channels first', () => {
    tf.tidy(() => {
      const running = { mean: tf.tensor1d([1, -1]), variance: tf.tensor1d([4, 0.25]) };
      const g = tf.tensor1d([2, 1]);
      const b = tf.tensor1d([0, 1]);
      const x = tf.tensor2d(data, [4, 2]);
      const want = data.map((v, i) =>
        i % 2 === 0 ? (2 * (v - 1)) / Math.sqrt(4 + 1e-3) : (v + 1) / Math.sqrt(0.25 + 1e-3) + 1,
      );
      close(normalizeWithRunningStats(x, running, g, b, 1e-3).dataSync(), want);
      // The same numbers laid out channels-first, [N = 1, C = 2, L = 4], normalized on axis 1.
      const x3 = tf.reshape(tf.transpose(x), [1, 2, 4]);
      const y3 = normalizeWithRunningStats(x3, running, g, b, 1e-3, 1);
      close(tf.transpose(tf.reshape(y3, [2, 4])).dataSync(), want);
    });
  });
});

describe('the shared core', () => {
  it('standardize gives zero mean and unit variance over the axes', () => {
    tf.tidy(() => {
      const x = tf.randomNormal([3, 5, 5, 4], 3, 2, 'float32', 21);
      const { mean, variance } = tf.moments(standardize(x, [1, 2], 1e-8), [1, 2]);
      close(mean.dataSync(), new Array(12).fill(0), 1e-5);
      close(variance.dataSync(), new Array(12).fill(1), 1e-4);
    });
  });

  it('groupStandardize with 1 group = layer statistics, with C groups = instance statistics', () => {
    tf.tidy(() => {
      const x = tf.randomNormal([2, 3, 3, 4], 1, 2, 'float32', 22);
      close(
        groupStandardize(x, 1, 1e-5).dataSync(),
        Array.from(standardize(x, [1, 2, 3], 1e-5).dataSync()),
        1e-5,
      );
      close(
        groupStandardize(x, 4, 1e-5).dataSync(),
        Array.from(standardize(x, [1, 2], 1e-5).dataSync()),
        1e-5,
      );
    });
  });

  it('the fused paths equal the shared core: groupNormAffine = scaleShift(groupStandardize), values and gradients', () => {
    for (const [shape, groups] of [
      [[3, 4, 4, 8], 2],
      [[3, 4, 4, 8], 8],
      [[3, 4, 4, 8], 1],
      [[5, 8], 4],
    ] as [number[], number][]) {
      tf.tidy(() => {
        const x = tf.randomNormal(shape, 1, 2, 'float32', 25);
        const g = tf.randomNormal([shape[shape.length - 1]], 1, 0.3, 'float32', 26);
        const b = tf.randomNormal([shape[shape.length - 1]], 0, 0.3, 'float32', 27);
        const w = tf.randomNormal(shape, 0, 1, 'float32', 28);
        const loss = (f: (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.Tensor) =>
          tf.grads((xv: tf.Tensor, gv: tf.Tensor, bv: tf.Tensor) => tf.sum(tf.mul(f(xv, gv, bv), w)));
        const fused = (xv: tf.Tensor, gv: tf.Tensor, bv: tf.Tensor) =>
          groupNormAffine(xv, gv, bv, groups, 1e-3);
        const core = (xv: tf.Tensor, gv: tf.Tensor, bv: tf.Tensor) =>
          scaleShift(groupStandardize(xv, groups, 1e-3), gv, bv);
        close(fused(x, g, b).dataSync(), Array.from(core(x, g, b).dataSync()), 1e-5);
        const a = loss(fused)([x, g, b]);
        const c = loss(core)([x, g, b]);
        a.forEach((t, i) => {
          close(t.dataSync(), Array.from(c[i].dataSync()), 1e-4);
        });
      });
    }
  });

  it('batchNormTraining returns the batch statistics, channels last and not', () => {
    tf.tidy(() => {
      const x = tf.randomNormal([4, 3, 3, 2], 1, 2, 'float32', 23);
      const g = tf.tensor1d([1.5, 0.5]);
      const b = tf.tensor1d([0.1, -0.2]);
      const last = batchNormTraining(x, g, b, 1e-3);
      const ref = tf.moments(x, [0, 1, 2]);
      close(last.mean.dataSync(), Array.from(ref.mean.dataSync()));
      close(last.variance.dataSync(), Array.from(ref.variance.dataSync()));
      const want = tf.add(tf.mul(normalize(x, ref.mean, ref.variance, 1e-3), g), b);
      close(last.output.dataSync(), Array.from(want.dataSync()), 1e-5);
      const xt = tf.transpose(x, [0, 3, 1, 2]);
      const first = batchNormTraining(xt, g, b, 1e-3, 1);
      close(tf.transpose(first.output, [0, 2, 3, 1]).dataSync(), Array.from(want.dataSync()), 1e-5);
      close(first.mean.dataSync(), Array.from(ref.mean.dataSync()));
    });
  });

  it('batchNormTraining leaves no tensor behind inside tf.tidy', () => {
    const x = tf.randomNormal([4, 3], 0, 1, 'float32', 24);
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const r = batchNormTraining(x, tf.ones([3]), tf.zeros([3]), 1e-3);
      return r.output.sum();
    }).dispose();
    assert.equal(tf.memory().numTensors, before);
    x.dispose();
  });
});
