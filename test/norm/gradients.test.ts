/**
 * Gradients: the closed-form custom gradients of every layer in training mode against (1)
 * automatic differentiation of a plain-tfjs reference implementation of the formula and (2)
 * central finite differences along random directions.
 *
 * Tolerances. The backend computes in float32 (unit round-off u ≈ 6e-8); tfjs-node has no float64.
 * (1) Our gradient and the autodiff reference are the same quantity computed in different orders,
 *     each with a relative error of a few hundred u for sums of a few hundred terms: 1e-4·(1 + |b|).
 * (2) A central difference (L(p + h·v) − L(p − h·v)) / 2h with h = 1e-2 has truncation error
 *     h²·|L'''|/6 ≈ 1e-4·O(1) and rounding error ≈ u·|L|·√n / h ≈ 6e-8·10·20 / 1e-2 ≈ 1e-3 for the
 *     losses here (|L| ~ 10, n ≤ 300 terms), so 5e-3·(1 + |d|) bounds both with margin, while a
 *     wrong gradient (e.g. a missing term of the closed form) is off by O(1).
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { type NormKind, type NormLayerOptions, normLayer } from '../../lib/norm/index';
import { useNativeBackend } from '../helpers/backend';
import { describeOnKernelPaths } from '../helpers/kernel-paths';

useNativeBackend();

interface Case {
  label: string;
  kind: NormKind;
  options: NormLayerOptions;
  shape: number[];
  /** The training-mode formula in plain tfjs (autodiff reference). */
  reference: (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number) => tf.Tensor;
  /** Shape of γ and β. */
  param: number[];
}

function standardizeRef(x: tf.Tensor, axes: number[], eps: number): tf.Tensor {
  const mean = tf.mean(x, axes, true);
  const variance = tf.mean(tf.square(tf.sub(x, mean)), axes, true);
  return tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps)));
}

const cases: Case[] = [
  {
    label: 'batch, conv NHWC',
    kind: 'batch',
    options: {},
    shape: [4, 3, 3, 4],
    param: [4],
    reference: (x, g, b, e) => tf.add(tf.mul(standardizeRef(x, [0, 1, 2], e), g), b),
  },
  {
    label: 'batch, dense',
    kind: 'batch',
    options: { convention: 'pytorch' },
    shape: [6, 8],
    param: [8],
    reference: (x, g, b, e) => tf.add(tf.mul(standardizeRef(x, [0], e), g), b),
  },
  {
    label: 'batch, channels first (axis 1)',
    kind: 'batch',
    options: { axis: 1 },
    shape: [3, 4, 2, 3],
    param: [4],
    reference: (x, g, b, e) =>
      tf.add(
        tf.mul(standardizeRef(x, [0, 2, 3], e), tf.reshape(g, [1, 4, 1, 1])),
        tf.reshape(b, [1, 4, 1, 1]),
      ),
  },
  {
    label: 'layer, last axis',
    kind: 'layer',
    options: { axis: -1 },
    shape: [3, 3, 3, 4],
    param: [4],
    reference: (x, g, b, e) => tf.add(tf.mul(standardizeRef(x, [3], e), g), b),
  },
  {
    label: "layer, 'features' (H, W, C)",
    kind: 'layer',
    options: {},
    shape: [3, 3, 3, 4],
    param: [3, 3, 4],
    reference: (x, g, b, e) => tf.add(tf.mul(standardizeRef(x, [1, 2, 3], e), g), b),
  },
  {
    label: 'instance',
    kind: 'instance',
    options: {},
    shape: [3, 3, 3, 4],
    param: [4],
    reference: (x, g, b, e) => tf.add(tf.mul(standardizeRef(x, [1, 2], e), g), b),
  },
  {
    label: 'group, 2 groups, conv',
    kind: 'group',
    options: { groups: 2 },
    shape: [3, 3, 3, 4],
    param: [4],
    reference: (x, g, b, e) => {
      const grouped = tf.reshape(x, [3, 3, 3, 2, 2]);
      return tf.add(tf.mul(tf.reshape(standardizeRef(grouped, [1, 2, 4], e), x.shape), g), b);
    },
  },
  {
    label: 'group, 2 groups, dense',
    kind: 'group',
    options: { groups: 2 },
    shape: [5, 8],
    param: [8],
    reference: (x, g, b, e) => {
      const grouped = tf.reshape(x, [5, 2, 4]);
      return tf.add(tf.mul(tf.reshape(standardizeRef(grouped, [2], e), x.shape), g), b);
    },
  },
];

function close(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(got.length, want.length, what);
  for (let i = 0; i < want.length; i++) {
    assert.ok(
      Math.abs(got[i] - want[i]) <= tol * (1 + Math.abs(want[i])),
      `${what}[${i}]: ${got[i]} vs ${want[i]}`,
    );
  }
}

describeOnKernelPaths(
  'closed-form gradients',
  () => {
    for (const c of cases) {
      it(`${c.label}: matches autodiff of the formula and finite differences`, () => {
        const layer = normLayer(c.kind, c.options);
        const x = tf.variable(tf.randomNormal(c.shape, 1, 2, 'float32', 31));
        const w = tf.randomNormal(c.shape, 0, 1, 'float32', 32);
        tf.dispose(layer.apply(x, { training: true }) as tf.Tensor); // build
        const gamma0 = tf.randomNormal(c.param, 1, 0.3, 'float32', 33);
        const beta0 = tf.randomNormal(c.param, 0, 0.3, 'float32', 34);
        const rest = layer.getWeights().slice(2); // the running statistics themselves (not copies)
        layer.setWeights([gamma0, beta0, ...rest]);
        const [gammaVar, betaVar] = layer.trainableWeights.map((v) => v.read() as tf.Variable);
        const eps = (layer.getConfig().epsilon as number) ?? 1e-3;

        const ours = (): tf.Scalar => tf.sum(tf.mul(layer.apply(x, { training: true }) as tf.Tensor, w));
        const got = tf.variableGrads(ours, [x, gammaVar, betaVar]);
        const theirs = tf.variableGrads(
          () => tf.sum(tf.mul(c.reference(x, gammaVar, betaVar, eps), w)),
          [x, gammaVar, betaVar],
        );
        close(got.value.dataSync(), theirs.value.dataSync(), 1e-4, 'loss');
        for (const v of [x, gammaVar, betaVar]) {
          close(got.grads[v.name].dataSync(), theirs.grads[v.name].dataSync(), 1e-4, `d/d${v.name}`);
        }

        // Directional central differences, along a random direction in (x, γ, β) space.
        const h = 1e-2;
        const dirs = [x, gammaVar, betaVar].map((v, i) => tf.randomNormal(v.shape, 0, 1, 'float32', 40 + i));
        const originals = [x, gammaVar, betaVar].map((v) => v.clone());
        const lossAt = (t: number): number => {
          [x, gammaVar, betaVar].forEach((v, i) => {
            v.assign(tf.tidy(() => tf.add(originals[i], tf.mul(dirs[i], t))));
          });
          return tf.tidy(() => ours().dataSync()[0]);
        };
        const numeric = (lossAt(h) - lossAt(-h)) / (2 * h);
        lossAt(0);
        const analytic = tf.tidy(
          () =>
            tf
              .addN([x, gammaVar, betaVar].map((v, i) => tf.sum(tf.mul(got.grads[v.name], dirs[i]))))
              .dataSync()[0],
        );
        assert.ok(
          Math.abs(numeric - analytic) <= 5e-3 * (1 + Math.abs(analytic)),
          `${c.label}: finite difference ${numeric} vs gradient ${analytic}`,
        );
        tf.dispose([got.value, theirs.value, ...Object.values(got.grads), ...Object.values(theirs.grads)]);
        tf.dispose([x, w, gamma0, beta0, ...dirs, ...originals]);
        layer.dispose();
      });
    }
  },
  { batchNormKernels: true },
);
