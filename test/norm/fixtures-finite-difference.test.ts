/**
 * Finite-difference gradient checks of normlab's four layers, independent of any framework.
 *
 * TensorFlow.js has no float64 tensors, so the check runs in float32 with central differences of
 * directional derivatives: for a random direction v, (L(p + h·v) − L(p − h·v)) / 2h against
 * ⟨∂L/∂p, v⟩ from the layer's gradient, for p = the input x, γ and β, with L = Σ y·dy.
 *
 * The tolerance, and why: the loss is summed in float64 (JavaScript numbers) from the float32
 * outputs, so its rounding error is that of the outputs, about 6e-8·|y| each, ≈ sqrt(n)·6e-8·|y|
 * ≈ 1e-6 for the n ≤ 400 outputs here; divided by 2h = 2e-2 that is ≈ 5e-5. Truncation of central
 * differences is h²/6·|L'''| ≈ 2e-5·|L'''|, with |L'''| of order 10 for these well-spread inputs
 * (per-channel spreads of 0.8 or more, ε ≥ 1e-5). Both together stay below
 * 2e-3·(1 + |⟨g, v⟩|), the tolerance used (worst measured: 4e-4, group norm of dense features);
 * a wrong gradient formula (a missing term of the batch-norm backward pass, a wrong reduction
 * axis) is off by O(1)·|⟨g, v⟩|, hundreds of times more.
 * The float64 finite-difference check of the formulas themselves is in
 * scripts/fixtures/reference.py (run by scripts/fixtures/generate.py), within 1e-6.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import {
  BatchNormalization,
  GroupNormalization,
  InstanceNormalization,
  LayerNormalization,
} from '../../lib/norm/index';
import { useNativeBackend } from '../helpers/backend';
import { describeOnKernelPaths } from '../helpers/kernel-paths';
import { normals, rng } from '../helpers/random';

useNativeBackend();

const STEP = 1e-2;
const TOLERANCE = 2e-3;

interface FdCase {
  name: string;
  shape: number[];
  training: boolean;
  make: () => tf.layers.Layer;
}

const CASES: FdCase[] = [
  {
    name: 'batch, keras, conv, training',
    shape: [4, 3, 3, 5],
    training: true,
    make: () => new BatchNormalization(),
  },
  {
    name: 'batch, keras, conv, inference',
    shape: [4, 3, 3, 5],
    training: false,
    make: () => new BatchNormalization(),
  },
  {
    name: 'batch, pytorch, dense, training',
    shape: [8, 6],
    training: true,
    make: () => new BatchNormalization({ convention: 'pytorch' }),
  },
  {
    name: 'batch, keras, channels-first axis 1, training',
    shape: [3, 4, 3, 3],
    training: true,
    make: () => new BatchNormalization({ axis: 1 }),
  },
  {
    name: 'layer, last axis, conv',
    shape: [2, 3, 3, 6],
    training: true,
    make: () => new LayerNormalization({ axis: -1 }),
  },
  {
    name: 'layer, axes 1-3, conv, pytorch',
    shape: [2, 3, 3, 4],
    training: true,
    make: () => new LayerNormalization({ axis: [1, 2, 3], convention: 'pytorch' }),
  },
  {
    name: 'group, 2 groups, conv',
    shape: [2, 3, 3, 8],
    training: true,
    make: () => new GroupNormalization({ groups: 2 }),
  },
  {
    name: 'group, 2 groups, dense, pytorch',
    shape: [4, 8],
    training: true,
    make: () => new GroupNormalization({ groups: 2, convention: 'pytorch' }),
  },
  {
    name: 'instance, keras (affine)',
    shape: [2, 4, 4, 3],
    training: true,
    make: () => new InstanceNormalization(),
  },
  {
    name: 'instance, pytorch (no affine)',
    shape: [2, 4, 4, 3],
    training: true,
    make: () => new InstanceNormalization({ convention: 'pytorch' }),
  },
];

/** The layer's weights by name, in getWeights order. */
function weightNames(layer: tf.layers.Layer): string[] {
  return layer.weights.map((w) => w.originalName.split('/').pop() ?? w.originalName);
}

/** L = Σ y·dy, summed in float64 from the float32 output. */
function loss(
  layer: tf.layers.Layer,
  x: number[],
  shape: number[],
  dy: Float32Array,
  training: boolean,
): number {
  const y = tf.tidy(() => (layer.apply(tf.tensor(x, shape), { training }) as tf.Tensor).dataSync());
  let sum = 0;
  for (let i = 0; i < y.length; i++) sum += y[i] * dy[i];
  return sum;
}

/** Problems found, and the worst relative error seen. */
function check(c: FdCase, seed: number): { problems: string[]; worst: number } {
  const next = rng(seed);
  const n = c.shape.reduce((a, b) => a * b, 1);
  // Per-channel offsets and spreads (channel = the last axis, or axis 1 for channels-first).
  const channelAxis = c.name.includes('axis 1') ? 1 : c.shape.length - 1;
  const channels = c.shape[channelAxis];
  const stride = c.shape.slice(channelAxis + 1).reduce((a, b) => a * b, 1);
  const shift = normals(next, channels);
  const spread = normals(next, channels).map((s) => 0.8 + 0.3 * Math.abs(s));
  const x = normals(next, n).map((z, i) => {
    const ch = Math.floor(i / stride) % channels;
    return z * spread[ch] + shift[ch];
  });
  const dy = Float32Array.from(normals(next, n));
  const layer = c.make();
  layer.build(c.shape);
  const names = weightNames(layer);
  const initial = layer.getWeights().map((w, i) => {
    const size = w.size;
    if (names[i] === 'gamma')
      return tf.tensor(
        normals(next, size).map((z) => 1 + 0.3 * z),
        w.shape,
      );
    if (names[i] === 'beta')
      return tf.tensor(
        normals(next, size).map((z) => 0.5 * z),
        w.shape,
      );
    if (names[i] === 'moving_variance')
      return tf.tensor(
        normals(next, size).map((z) => 1 + 0.4 * Math.abs(z)),
        w.shape,
      );
    return tf.tensor(
      normals(next, size).map((z) => 0.5 * z),
      w.shape,
    );
  });
  layer.setWeights(initial);

  // Analytic gradients w.r.t. x, γ, β.
  const x0 = tf.tensor(x, c.shape);
  const xVar = tf.variable(x0);
  x0.dispose();
  const dyT = tf.tensor(dy, c.shape);
  const params = layer.weights.filter((w) => w.trainable).map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(
    () => tf.sum(tf.mul(layer.apply(xVar, { training: c.training }) as tf.Tensor, dyT)) as tf.Scalar,
    [xVar, ...params],
  );
  const analytic = new Map<string, Float32Array>();
  analytic.set('x', grads[xVar.name].dataSync() as Float32Array);
  for (const p of params)
    analytic.set(p.name.split('/').pop() ?? p.name, grads[p.name].dataSync() as Float32Array);
  tf.dispose([value, xVar, dyT, ...Object.values(grads)]);

  const problems: string[] = [];
  let worst = 0;
  const report = (what: string, fd: number, an: number): void => {
    const err = Math.abs(fd - an) / (1 + Math.abs(an));
    worst = Math.max(worst, err);
    if (!(err <= TOLERANCE)) {
      problems.push(
        `${c.name}: d/d${what}: finite difference ${fd}, gradient ${an}, error ${err.toExponential(2)}`,
      );
    }
  };
  for (let k = 0; k < 3; k++) {
    // Direction in x.
    const v = normals(next, n);
    const plus = loss(
      layer,
      x.map((xi, i) => xi + STEP * v[i]),
      c.shape,
      dy,
      c.training,
    );
    const minus = loss(
      layer,
      x.map((xi, i) => xi - STEP * v[i]),
      c.shape,
      dy,
      c.training,
    );
    const gx = analytic.get('x') as Float32Array;
    report(
      'x',
      (plus - minus) / (2 * STEP),
      v.reduce((s, vi, i) => s + vi * gx[i], 0),
    );
    // Directions in γ and β.
    for (const name of ['gamma', 'beta']) {
      const index = names.indexOf(name);
      const g = analytic.get(name);
      if (index < 0 || !g) continue;
      const base = Array.from(initial[index].dataSync());
      const d = normals(next, base.length);
      const at = (sign: number): number => {
        const moved = initial.map((t, i) =>
          i === index
            ? tf.tensor(
                base.map((b, j) => b + sign * STEP * d[j]),
                t.shape,
              )
            : t.clone(),
        );
        layer.setWeights(moved);
        tf.dispose(moved);
        return loss(layer, x, c.shape, dy, c.training);
      };
      const fd = (at(1) - at(-1)) / (2 * STEP);
      layer.setWeights(initial);
      report(
        name,
        fd,
        d.reduce((s, di, j) => s + di * g[j], 0),
      );
    }
  }
  tf.dispose(initial);
  for (const w of layer.weights) w.dispose();
  return { problems, worst };
}

describeOnKernelPaths(
  'finite-difference gradient checks (float32, directional, central)',
  () => {
    for (const [i, c] of CASES.entries()) {
      test(c.name, (t) => {
        const before = tf.memory().numTensors;
        const { problems, worst } = check(c, 1000 + i);
        t.diagnostic(`worst relative error ${worst.toExponential(2)} (tolerance ${TOLERANCE})`);
        assert.deepEqual(problems, [], problems.join('\n'));
        assert.equal(tf.memory().numTensors, before, `${c.name}: tensors leaked`);
      });
    }
  },
  { batchNormKernels: true },
);
