/**
 * Training vs inference, running statistics inside model.fit / evaluate / predict and a custom
 * loop, Sequential and functional models, save/load round trips.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { BatchNormalization, NORM_KINDS, type NormKind, normLayer } from '../../lib/norm/index';
import { useNativeBackend } from '../helpers/backend';
import { describeOnKernelPaths } from '../helpers/kernel-paths';
import { saveAndLoad } from '../helpers/save';

useNativeBackend();

function values(t: tf.Tensor): number[] {
  return Array.from(t.dataSync());
}

function assertClose(got: number[], want: number[], tol: number, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    assert.ok(
      Math.abs(got[i] - want[i]) <= tol * (1 + Math.abs(want[i])),
      `${what}[${i}]: ${got[i]} vs ${want[i]}`,
    );
  }
}

/** A batch-norm layer's running mean and variance against the expected ones; `what` names the variance. */
function assertRunningStats(bn: BatchNormalization, mean: number[], variance: number[], what: string): void {
  const [, , runMean, runVar] = bn.getWeights();
  assertClose(values(runMean), mean, 1e-5, 'running mean');
  assertClose(values(runVar), variance, 1e-5, what);
}

/** Per-channel mean and biased variance of NHWC or NC data, in float64 JS. */
function channelStats(x: tf.Tensor): { mean: number[]; variance: number[]; n: number } {
  const c = x.shape[x.rank - 1];
  const data = x.dataSync();
  const n = data.length / c;
  const mean = new Array<number>(c).fill(0);
  const variance = new Array<number>(c).fill(0);
  for (let i = 0; i < data.length; i++) mean[i % c] += data[i] / n;
  for (let i = 0; i < data.length; i++) variance[i % c] += (data[i] - mean[i % c]) ** 2 / n;
  return { mean, variance, n };
}

function convModel(kind: NormKind, functional: boolean): tf.LayersModel {
  const conv = () =>
    tf.layers.conv2d({ filters: 4, kernelSize: 3, useBias: false, kernelInitializer: 'heNormal' });
  if (!functional) {
    return tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [6, 6, 2], filters: 4, kernelSize: 3, useBias: false }),
        normLayer(kind, { groups: 2 }),
        tf.layers.reLU(),
        tf.layers.flatten(),
        tf.layers.dense({ units: 3, activation: 'softmax' }),
      ],
    });
  }
  const input = tf.input({ shape: [6, 6, 2] });
  const h = conv().apply(input) as tf.SymbolicTensor;
  const n = normLayer(kind, { groups: 2 }).apply(h) as tf.SymbolicTensor;
  const r = tf.layers.reLU().apply(tf.layers.add().apply([n, h]) as tf.SymbolicTensor) as tf.SymbolicTensor;
  const out = tf.layers
    .dense({ units: 3, activation: 'softmax' })
    .apply(tf.layers.flatten().apply(r) as tf.SymbolicTensor) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

function data(seed: number): { xs: tf.Tensor; ys: tf.Tensor } {
  return tf.tidy(() => ({
    xs: tf.randomNormal([12, 6, 6, 2], 1, 2, 'float32', seed),
    ys: tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2], 'int32'), 3),
  }));
}

describeOnKernelPaths(
  'BatchNormalization: training vs inference',
  () => {
    it('training uses batch statistics and updates the running ones (keras convention)', () => {
      const x = tf.randomNormal([8, 3, 3, 4], 5, 3, 'float32', 7);
      const bn = new BatchNormalization({ momentum: 0.9 });
      const y = bn.apply(x, { training: true }) as tf.Tensor;
      const { mean, variance } = channelStats(x);
      assertRunningStats(
        bn,
        mean.map((m) => 0.1 * m),
        variance.map((v) => 0.9 + 0.1 * v),
        'running variance (biased)',
      );
      // Batch statistics: every channel of y has mean 0 and variance v/(v+eps).
      const ys = channelStats(y);
      assertClose(ys.mean, [0, 0, 0, 0], 1e-5, 'output mean');
      assertClose(
        ys.variance,
        variance.map((v) => v / (v + 1e-3)),
        1e-4,
        'output variance',
      );
      tf.dispose([x, y]);
      bn.dispose();
    });

    it('pytorch convention: momentum weighs the new value, running variance unbiased', () => {
      const x = tf.randomNormal([6, 5], -2, 4, 'float32', 8);
      const bn = new BatchNormalization({ convention: 'pytorch', momentum: 0.1 });
      assert.equal(bn.affine.epsilon, 1e-5);
      tf.dispose(bn.apply(x, { training: true }) as tf.Tensor);
      const { mean, variance, n } = channelStats(x);
      assertRunningStats(
        bn,
        mean.map((m) => 0.1 * m),
        variance.map((v) => 0.9 + (0.1 * v * n) / (n - 1)),
        'running variance (unbiased)',
      );
      x.dispose();
      bn.dispose();
    });

    it('inference uses the running statistics and updates nothing', () => {
      const x = tf.randomNormal([4, 3], 2, 1, 'float32', 9);
      const bn = new BatchNormalization({ epsilon: 1e-3 });
      tf.dispose(bn.apply(x) as tf.Tensor); // builds the layer
      bn.setWeights([
        tf.tensor1d([1, 2, 3]),
        tf.tensor1d([0.5, 0, -0.5]),
        tf.tensor1d([1, 2, 3]),
        tf.tensor1d([4, 1, 0.25]),
      ]);
      const before = bn.getWeights().map(values);
      const y = bn.apply(x) as tf.Tensor;
      const g = [1, 2, 3];
      const b = [0.5, 0, -0.5];
      const m = [1, 2, 3];
      const v = [4, 1, 0.25];
      const want = values(x).map((xi, i) => {
        const c = i % 3;
        return (g[c] * (xi - m[c])) / Math.sqrt(v[c] + 1e-3) + b[c];
      });
      assertClose(values(y), want, 1e-5, 'inference output');
      assert.deepEqual(bn.getWeights().map(values), before, 'weights unchanged');
      tf.dispose([x, y]);
      bn.dispose();
    });

    it('inference without gamma/beta works under a gradient tape', () => {
      for (const options of [{ center: false }, { scale: false }, { center: false, scale: false }]) {
        const x = tf.randomNormal([4, 3, 3, 2], 0, 1, 'float32', 14);
        const bn = new BatchNormalization(options);
        const dx = tf.grad((v: tf.Tensor) => tf.sum(bn.apply(v) as tf.Tensor))(x);
        // Inference is affine in x: dy/dx = γ/sqrt(1 + ε) with the initial running variance 1.
        assertClose(
          Array.from(new Set(values(dx).map((v) => Math.round(v * 1e5) / 1e5))),
          [Math.round(1e5 / Math.sqrt(1.001)) / 1e5],
          1e-5,
          `${JSON.stringify(options)}`,
        );
        tf.dispose([x, dx]);
        bn.dispose();
      }
    });

    it('a frozen layer (trainable = false) runs in inference mode even when training', () => {
      const x = tf.randomNormal([4, 3], 2, 1, 'float32', 10);
      const bn = new BatchNormalization();
      const a = bn.apply(x) as tf.Tensor;
      bn.trainable = false;
      const b = bn.apply(x, { training: true }) as tf.Tensor;
      assertClose(values(b), values(a), 1e-6, 'frozen');
      assertClose(values(bn.getWeights()[2]), [0, 0, 0], 0, 'running mean untouched');
      tf.dispose([x, a, b]);
      bn.dispose();
    });
  },
  { batchNormKernels: true },
);

describe('models with every kind', () => {
  for (const functional of [false, true]) {
    const how = functional ? 'functional' : 'Sequential';
    it(`${how}: fit updates running stats, evaluate/predict do not; save/load round trip`, async () => {
      for (const kind of NORM_KINDS) {
        const model = convModel(kind, functional);
        model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
        const { xs, ys } = data(11);
        const h = await model.fit(xs, ys, { epochs: 3, batchSize: 6, verbose: 0, shuffle: false });
        const losses = h.history.loss as number[];
        assert.ok(losses.every(Number.isFinite), `${kind}: loss ${losses}`);
        const weightsAfterFit = model.getWeights().map(values);
        if (kind === 'batch') {
          const bn = model.layers.find((l) => l instanceof BatchNormalization)!;
          const runMean = values(bn.getWeights()[2]);
          assert.ok(
            runMean.some((m) => m !== 0),
            'model.fit moved the running mean',
          );
        }
        tf.dispose(model.evaluate(xs, ys) as tf.Scalar);
        const y1 = model.predict(xs) as tf.Tensor;
        const y1b = model.predict(xs) as tf.Tensor;
        assert.deepEqual(values(y1b), values(y1), `${kind}: predict is deterministic (inference mode)`);
        assert.deepEqual(
          model.getWeights().map(values),
          weightsAfterFit,
          `${kind}: evaluate/predict changed no weight`,
        );

        const loaded = await saveAndLoad(model);
        const y2 = loaded.predict(xs) as tf.Tensor;
        assert.deepEqual(values(y2), values(y1), `${kind}: identical outputs after load`);
        assert.deepEqual(
          loaded.getWeights().map(values),
          weightsAfterFit,
          `${kind}: identical weights incl. running stats`,
        );
        tf.dispose([xs, ys, y1, y1b, y2]);
        model.dispose();
        loaded.dispose();
      }
    });
  }

  it('file:// round trip names the layers normlab>...', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'normlab-norm-'));
    try {
      const model = tf.sequential({
        layers: [
          tf.layers.dense({ inputShape: [8], units: 8 }),
          normLayer('batch'),
          normLayer('layer'),
          tf.layers.reshape({ targetShape: [2, 4] }),
          normLayer('instance'),
          normLayer('group', { groups: 2 }),
          normLayer('none'),
        ],
      });
      const x = tf.randomNormal([5, 8], 0, 1, 'float32', 12);
      tf.dispose(model.apply(x, { training: true }) as tf.Tensor);
      await model.save(`file://${dir}`);
      const topology = readFileSync(join(dir, 'model.json'), 'utf8');
      for (const name of [
        'BatchNormalization',
        'LayerNormalization',
        'InstanceNormalization',
        'GroupNormalization',
        'Identity',
      ]) {
        assert.ok(topology.includes(`"normlab>${name}"`), name);
      }
      const loaded = await tf.loadLayersModel(`file://${dir}/model.json`);
      const a = model.predict(x) as tf.Tensor;
      const b = loaded.predict(x) as tf.Tensor;
      assert.deepEqual(values(b), values(a));
      tf.dispose([x, a, b]);
      model.dispose();
      loaded.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('custom training loop: loss goes down and running statistics move', () => {
    for (const kind of NORM_KINDS) {
      const model = convModel(kind, true);
      const opt = tf.train.sgd(0.05);
      const { xs, ys } = data(13);
      const lossOf = (training: boolean) =>
        tf.losses.softmaxCrossEntropy(ys, model.apply(xs, { training }) as tf.Tensor) as tf.Scalar;
      const first = lossOf(false);
      const firstValue = first.dataSync()[0];
      first.dispose();
      for (let step = 0; step < 20; step++) {
        const cost = opt.minimize(() => lossOf(true), true) as tf.Scalar;
        assert.ok(Number.isFinite(cost.dataSync()[0]));
        cost.dispose();
      }
      if (kind === 'batch') {
        const bn = model.layers.find((l) => l instanceof BatchNormalization)!;
        assert.ok(
          values(bn.getWeights()[3]).some((v) => v !== 1),
          'running variance moved',
        );
      }
      const last = tf.tidy(() => lossOf(true).dataSync()[0]);
      assert.ok(last < firstValue, `${kind}: ${last} < ${firstValue}`);
      tf.dispose([xs, ys]);
      opt.dispose();
      model.dispose();
    }
  });
});
