/**
 * `train()` checks the data before any step: array lengths against `count` and the image shape,
 * and labels against the class range. A hand-made split that disagrees is an error naming the
 * split, the array and how to fix it, and nothing is left on the backend.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { syntheticDataset } from '../../lib/data/synthetic';
import type { ImageSplit } from '../../lib/data/types';
import { buildModel } from '../../lib/models/build';
import { train } from '../../lib/train/trainer';
import type { TrainConfig } from '../../lib/train/types';
import { useNativeBackend } from '../helpers/backend';

useNativeBackend();

const data = syntheticDataset({ trainSize: 64, validationSize: 16, testSize: 16, seed: 3 });
const config: TrainConfig = { optimizer: 'sgd', learningRate: 0.05, batchSize: 16, epochs: 1 };

async function rejectsWith(split: Partial<ImageSplit>, which: 'train' | 'validation', message: RegExp) {
  const model = buildModel({
    arch: 'mlp',
    norm: 'batch',
    inputShape: [8, 8, 1],
    numClasses: 4,
    width: 8,
    depth: 1,
  });
  const baseline = tf.memory().numTensors;
  try {
    await assert.rejects(train(model, { ...data, [which]: { ...data[which], ...split } }, config), message);
    assert.equal(tf.memory().numTensors, baseline, 'nothing left on the backend');
  } finally {
    model.dispose();
  }
}

test('an image array shorter than count × height × width × channels is an error naming the split and the sizes', async () => {
  const n = data.train.count;
  await rejectsWith(
    { images: data.train.images.subarray(0, (n - 3) * 64) },
    'train',
    new RegExp(`data\\.train\\.images holds ${(n - 3) * 64} values, but count ${n} × 8×8×1 needs ${n * 64}`),
  );
  await rejectsWith(
    { labels: data.validation.labels.subarray(0, 5) },
    'validation',
    /data\.validation\.labels holds 5 labels, but count is 16/,
  );
});

test('labels outside 0 .. numClasses-1 (or not integers) are an error naming the first bad one', async () => {
  const labels = Int32Array.from(data.train.labels);
  labels[7] = 12;
  await rejectsWith(
    { labels },
    'train',
    /data\.train\.labels\[7\] is 12, outside the classes 0\.\.3 \(numClasses 4\)/,
  );
  const negative = Int32Array.from(data.train.labels);
  negative[0] = -1;
  await rejectsWith({ labels: negative }, 'train', /data\.train\.labels\[0\] is -1/);
  await rejectsWith({ count: 2.5 }, 'train', /data\.train\.count must be an integer ≥ 1/);
});
