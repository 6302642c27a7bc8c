import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { selectExamples } from '../../lib/data/split';
import { syntheticDataset } from '../../lib/data/synthetic';
import { buildModel } from '../../lib/models/build';
import type { ModelSpec } from '../../lib/models/types';
import { evaluate } from '../../lib/train/evaluate';
import { evaluateInTrainingMode } from '../../lib/train/evaluate-training-mode';
import { train } from '../../lib/train/trainer';
import { useNativeBackend } from '../helpers/backend';

useNativeBackend();

const data = syntheticDataset({ trainSize: 256, validationSize: 64, testSize: 100, seed: 3 });
const spec = (norm: ModelSpec['norm']): ModelSpec => ({
  arch: 'mlp',
  norm,
  inputShape: [8, 8, 1],
  numClasses: 4,
  width: 32,
  depth: 2,
  seed: 1,
});

async function trained(norm: ModelSpec['norm']): Promise<tf.LayersModel> {
  const model = buildModel(spec(norm));
  await train(
    model,
    { train: data.train },
    { optimizer: 'adam', learningRate: 0.003, batchSize: 32, epochs: 2 },
  );
  return model;
}

const weightValues = (model: tf.LayersModel, pattern: RegExp): Float32Array[] =>
  model.weights.filter((w) => pattern.test(w.name)).map((w) => w.read().dataSync() as Float32Array);

test('evaluateInTrainingMode: matches a batch-by-batch reference, drops the incomplete last batch, leaks no tensor', async () => {
  const model = await trained('batch');
  const baseline = tf.memory().numTensors;
  const split = data.test;
  const batchSize = 16;
  // Reference: the same passes one batch at a time (on a copy of the running statistics' starting point).
  const before = model.getWeights().map((w) => w.clone());
  let correct = 0;
  const batches = Math.floor(split.count / batchSize);
  for (let b = 0; b < batches; b++) {
    const predicted = tf.tidy(() => {
      const xs = tf.tensor4d(split.images.subarray(b * batchSize * 64, (b + 1) * batchSize * 64), [
        batchSize,
        8,
        8,
        1,
      ]);
      return (model.apply(xs, { training: true }) as tf.Tensor).argMax(1).dataSync();
    });
    for (let i = 0; i < batchSize; i++) if (predicted[i] === split.labels[b * batchSize + i]) correct++;
  }
  model.setWeights(before);
  for (const w of before) w.dispose();
  const baselineAfterReference = tf.memory().numTensors;
  assert.equal(baselineAfterReference, baseline);

  const result = evaluateInTrainingMode(model, split, { batchSize });
  assert.equal(result.count, 96, 'six full batches of 16 out of 100 examples');
  assert.equal(result.accuracy, correct / 96);
  assert.equal(tf.memory().numTensors, baseline, 'no tensor left behind');
  model.dispose();
});

test('evaluateInTrainingMode: updates batch norm running statistics (side effect), trains no weight', async () => {
  const model = await trained('batch');
  const meansBefore = weightValues(model, /moving_mean/);
  const kernelsBefore = weightValues(model, /kernel/);
  assert.ok(meansBefore.length > 0, 'the model has batch norm running means');
  // Batches of one class: their statistics differ from the running ones, so the running mean moves.
  const byClass = Array.from(data.test.labels.keys()).sort(
    (a, b) => data.test.labels[a] - data.test.labels[b] || a - b,
  );
  evaluateInTrainingMode(model, selectExamples(data.test, byClass), { batchSize: 10 });
  const meansAfter = weightValues(model, /moving_mean/);
  assert.notDeepEqual(meansAfter, meansBefore, 'running means changed');
  assert.deepEqual(weightValues(model, /kernel/), kernelsBefore, 'kernels unchanged');
  model.dispose();
});

test('evaluateInTrainingMode: without normalization it equals inference-mode accuracy', async () => {
  const model = await trained('none');
  const split = selectExamples(
    data.test,
    Array.from({ length: 96 }, (_, i) => i),
  );
  assert.equal(
    evaluateInTrainingMode(model, split, { batchSize: 32 }).accuracy,
    evaluate(model, split).accuracy,
  );
  model.dispose();
});

test('evaluateInTrainingMode: a bad batchSize names the option and the allowed range', () => {
  const model = buildModel(spec('batch'));
  for (const batchSize of [0, 1.5, 101]) {
    assert.throws(
      () => evaluateInTrainingMode(model, data.test, { batchSize }),
      /batchSize must be an integer in \[1, 100\]/,
    );
  }
  model.dispose();
});
