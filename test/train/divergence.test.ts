/**
 * `train()` and non-finite or exploding numbers: images with NaN or ±Infinity pixels are an error
 * naming the split and the first bad value (before any step, nothing left on the backend); a loss
 * that explodes (lr 1e15) stops the run as diverged with the reason `exploding` instead of
 * "completing" with losses near 1e29.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { syntheticDataset } from '../../lib/data/synthetic';
import { buildModel } from '../../lib/models/build';
import { train } from '../../lib/train/trainer';
import type { TrainConfig } from '../../lib/train/types';
import { useNativeBackend } from '../helpers/backend';

useNativeBackend();

const data = syntheticDataset({ trainSize: 64, validationSize: 16, testSize: 16, seed: 3 });
const config: TrainConfig = { optimizer: 'sgd', learningRate: 0.05, batchSize: 16, epochs: 2 };
const mlp = () =>
  buildModel({ arch: 'mlp', norm: 'batch', inputShape: [8, 8, 1], numClasses: 4, width: 8, depth: 1 });

test('all-NaN images, or one Infinity pixel, are an error naming the split and the value', async () => {
  for (const [which, bad, at, shown] of [
    ['train', Number.NaN, 0, 'NaN'],
    ['test', Number.POSITIVE_INFINITY, 17, 'Infinity'],
  ] as const) {
    const images = Float32Array.from(data[which].images);
    if (Number.isNaN(bad)) images.fill(bad);
    else images[at] = bad;
    const model = mlp();
    const baseline = tf.memory().numTensors;
    try {
      await assert.rejects(
        train(model, { ...data, [which]: { ...data[which], images } }, config),
        new RegExp(`data\\.${which}\\.images\\[${at}\\] is ${shown}: pixel values must be finite numbers`),
      );
      assert.equal(tf.memory().numTensors, baseline, 'nothing left on the backend');
    } finally {
      model.dispose();
    }
  }
});

test('an exploding loss (lr 1e15, batch norm: finite losses near 1e29) stops the run as diverged', async () => {
  // Default widths: batch norm keeps the loss finite but enormous instead of NaN. A larger rate
  // (1e20, 1e30) overflows the second dense layer to ±Infinity, and the loss is NaN on every
  // batch-norm kernel that keeps a NaN through its ReLU; that is the reason `nan`, not this test.
  const model = buildModel({ arch: 'mlp', norm: 'batch', inputShape: [8, 8, 1], numClasses: 4 });
  const baseline = tf.memory().numTensors;
  try {
    const result = await train(model, data, { ...config, learningRate: 1e15, readbackEvery: 1 });
    assert.equal(result.stopReason, 'diverged');
    assert.ok(result.diverged, 'flagged as diverged');
    assert.equal(result.diverged.reason, 'exploding');
    assert.equal(result.steps, 2, 'stopped at the first exploding step');
    assert.equal(tf.memory().numTensors, baseline);
  } finally {
    model.dispose();
  }
});

test('a normal run is not called exploding, and the factor is checked', async () => {
  const model = mlp();
  try {
    const result = await train(model, data, config);
    assert.equal(result.diverged, null);
    await assert.rejects(
      train(model, data, { ...config, explodeFactor: 1 }),
      /explodeFactor must be a finite number > 1/,
    );
  } finally {
    model.dispose();
  }
});
