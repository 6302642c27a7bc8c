/**
 * The layers run unchanged on tfjs' pure-JS `cpu` backend (what a browser without WebGL uses) and
 * give the same numbers as on the native backend: forward in training and inference, gradients and
 * running statistics.
 *
 * Tolerance 1e-4·(1 + |b|): both backends compute in float32 but in different orders (TensorFlow's
 * reductions are blocked and vectorized, tfjs-core's are sequential).
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { NORM_KINDS, type NormKind, normLayer } from '../../lib/norm/index';
import { useNativeBackend } from '../helpers/backend';

useNativeBackend();

interface Run {
  train: number[];
  infer: number[];
  grads: number[][];
  weights: number[][];
}

function run(kind: NormKind, x0: number[], shape: number[], w0: number[]): Run {
  const layer = normLayer(kind, { groups: 2, momentum: 0.5 });
  const x = tf.variable(tf.tensor(x0, shape));
  const w = tf.tensor(w0, shape);
  tf.dispose(layer.apply(x) as tf.Tensor); // build
  const vars = [x, ...layer.trainableWeights.map((v) => v.read() as tf.Variable)];
  const { value, grads } = tf.variableGrads(
    () => tf.sum(tf.mul(layer.apply(x, { training: true }) as tf.Tensor, w)),
    vars,
  );
  const train = tf.tidy(() => Array.from((layer.apply(x, { training: true }) as tf.Tensor).dataSync()));
  const infer = tf.tidy(() => Array.from((layer.apply(x) as tf.Tensor).dataSync()));
  const out: Run = {
    train,
    infer,
    grads: vars.map((v) => Array.from(grads[v.name].dataSync())),
    weights: layer.getWeights().map((t) => Array.from(t.dataSync())),
  };
  tf.dispose([value, ...Object.values(grads), x, w]);
  layer.dispose();
  return out;
}

function close(got: number[], want: number[], what: string): void {
  assert.equal(got.length, want.length, what);
  for (let i = 0; i < want.length; i++) {
    assert.ok(
      Math.abs(got[i] - want[i]) <= 1e-4 * (1 + Math.abs(want[i])),
      `${what}[${i}]: ${got[i]} vs ${want[i]}`,
    );
  }
}

describe('cpu backend vs native backend', () => {
  after(async () => {
    await tf.setBackend('tensorflow');
  });

  for (const kind of NORM_KINDS) {
    it(`${kind}: same outputs, gradients and running statistics`, async () => {
      const shape = [4, 3, 3, 4];
      const x0 = Array.from(tf.tidy(() => tf.randomNormal(shape, 1, 2, 'float32', 61).dataSync()));
      const w0 = Array.from(tf.tidy(() => tf.randomNormal(shape, 0, 1, 'float32', 62).dataSync()));
      assert.equal(tf.getBackend(), 'tensorflow');
      const native = run(kind, x0, shape, w0);
      await tf.setBackend('cpu');
      try {
        assert.equal(tf.getBackend(), 'cpu');
        const cpu = run(kind, x0, shape, w0);
        close(cpu.train, native.train, 'train output');
        close(cpu.infer, native.infer, 'inference output');
        assert.equal(cpu.grads.length, native.grads.length);
        cpu.grads.forEach((g, i) => {
          close(g, native.grads[i], `gradient ${i}`);
        });
        cpu.weights.forEach((g, i) => {
          close(g, native.weights[i], `weight ${i}`);
        });
      } finally {
        await tf.setBackend('tensorflow');
      }
    });
  }
});
