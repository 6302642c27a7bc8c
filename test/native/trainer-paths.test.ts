/**
 * A whole training run agrees between the native kernels (fused batch norm, softmax cross-entropy,
 * ReluGrad, ResourceApplyMomentum, oneDNN's max pooling) and the portable path: the same per-step losses and the same
 * weights, running statistics included, for MLP and VGG models with and without batch norm;
 * nothing is left behind.
 *
 * Tolerance: 2e-4·(1 + |b|). Both runs start from the same weights and see the same batches; they
 * differ by float32 round-off (different summation orders), which a few SGD steps grow slowly, while
 * a wrong native gradient or update would be off by O(1) within a step or two.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { syntheticDataset } from '../../lib/data/synthetic';
import { buildModel } from '../../lib/models/build';
import type { ModelSpec } from '../../lib/models/types';
import { setNativeKernels } from '../../lib/native/tensorflow-ops';
import { train } from '../../lib/train/trainer';
import { useNativeBackend } from '../helpers/backend';

useNativeBackend();

const data = syntheticDataset({ trainSize: 128, validationSize: 32, testSize: 32, seed: 3 });

interface Outcome {
  losses: number[];
  weights: Float32Array[];
}

async function run(spec: ModelSpec, native: boolean): Promise<Outcome> {
  setNativeKernels(native);
  const model = buildModel(spec);
  const result = await train(model, data, {
    optimizer: 'sgd',
    learningRate: 0.05,
    momentum: 0.9,
    batchSize: 32,
    epochs: 2,
    shuffleSeed: 4,
    evalTrainAtEnd: false,
  });
  const weights = model.weights.map((w) => w.read().dataSync() as Float32Array);
  model.dispose();
  return { losses: result.stepRecords.map((r) => r.loss), weights };
}

function assertClose(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i] - want[i]) / (1 + Math.abs(want[i]));
    assert.ok(err <= 2e-4, `${what}[${i}]: native ${got[i]} vs portable ${want[i]}`);
  }
}

describe('training on the native kernels = training on the portable path', () => {
  after(() => setNativeKernels(true));
  const base: Pick<ModelSpec, 'inputShape' | 'numClasses' | 'seed'> = {
    inputShape: [8, 8, 1],
    numClasses: 4,
    seed: 5,
  };
  const specs: { label: string; spec: ModelSpec }[] = [
    { label: 'MLP, batch norm', spec: { ...base, arch: 'mlp', norm: 'batch', width: 16, depth: 2 } },
    { label: 'MLP, no norm', spec: { ...base, arch: 'mlp', norm: 'none', width: 16, depth: 2 } },
    {
      label: 'VGG, batch norm with momentum 0.5',
      spec: { ...base, arch: 'vgg', norm: 'batch', width: 4, depth: 2, bnMomentum: 0.5 },
    },
  ];
  for (const { label, spec } of specs) {
    it(`${label}: same step losses and final weights`, async () => {
      const before = tf.memory().numTensors;
      const native = await run(spec, true);
      const portable = await run(spec, false);
      assert.equal(tf.memory().numTensors, before, 'tensors left behind');
      assert.ok(native.losses.length >= 8, 'ran the steps');
      assertClose(native.losses, portable.losses, 'step loss');
      for (const [i, w] of native.weights.entries()) assertClose(w, portable.weights[i], `weight ${i}`);
    });
  }
});
