import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { syntheticDataset } from '../../lib/data/synthetic';
import { buildModel } from '../../lib/models/build';
import { learningRateAt, validateSchedule } from '../../lib/train/schedule';
import { train } from '../../lib/train/trainer';
import { useNativeBackend } from '../helpers/backend';

useNativeBackend();

const close = (actual: number, expected: number, tol: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected}`);

test('cosine schedule: linear warm-up, then half a cosine down to finalScale', () => {
  const s = { name: 'cosine', warmupSteps: 10 } as const;
  close(learningRateAt(0.1, s, 1, 110), 0.01, 1e-12, 'first warm-up step');
  close(learningRateAt(0.1, s, 10, 110), 0.1, 1e-12, 'end of warm-up = peak');
  close(learningRateAt(0.1, s, 60, 110), 0.05, 1e-12, 'half-way through the decay');
  close(learningRateAt(0.1, s, 110, 110), 0, 1e-12, 'last step');
  close(learningRateAt(0.1, { ...s, finalScale: 0.1 }, 110, 110), 0.01, 1e-12, 'floor');
  assert.equal(learningRateAt(0.1, undefined, 7, 10), 0.1);
  assert.equal(learningRateAt(0.1, { name: 'constant' }, 7, 10), 0.1);
});

test('step schedule: warm-up, then a factor at each boundary passed', () => {
  const s = { name: 'step', warmupSteps: 0, boundaries: [0.5, 0.75], factor: 0.1 } as const;
  close(learningRateAt(1, s, 50, 100), 1, 1e-12, 'before the first boundary');
  close(learningRateAt(1, s, 51, 100), 0.1, 1e-12, 'after it');
  close(learningRateAt(1, s, 100, 100), 0.01, 1e-12, 'after both');
});

test('validateSchedule names the bad field and the allowed values', () => {
  assert.throws(
    () => validateSchedule({ name: 'linear' } as never),
    /schedule.name must be one of constant, cosine, step/,
  );
  assert.throws(
    () => validateSchedule({ name: 'cosine', warmupSteps: -1 }),
    /warmupSteps must be an integer >= 0/,
  );
  assert.throws(() => validateSchedule({ name: 'cosine', finalScale: 2 }), /finalScale must be in \[0, 1\]/);
  assert.throws(
    () => validateSchedule({ name: 'step', boundaries: [0.7, 0.5], factor: 0.1 }),
    /boundaries must be ascending fractions/,
  );
  assert.throws(
    () => validateSchedule({ name: 'step', boundaries: [0.5], factor: 0 }),
    /factor must be in \(0, 1\]/,
  );
});

test('the trainer applies the schedule at every step', async () => {
  // A step schedule that drops the rate by 1e-9 after the first step of ten leaves the weights
  // where one constant-rate step put them; without the schedule they move on.
  const data = syntheticDataset({ trainSize: 320, validationSize: 32, testSize: 32, seed: 2 });
  const weightsAfter = async (config: Parameters<typeof train>[2]): Promise<Float32Array> => {
    const model = buildModel({
      arch: 'mlp',
      norm: 'none',
      inputShape: [8, 8, 1],
      numClasses: 4,
      width: 16,
      seed: 3,
    });
    await train(model, { train: data.train }, config);
    const flat = tf.tidy(() => tf.concat(model.trainableWeights.map((w) => w.read().flatten())));
    const values = flat.dataSync() as Float32Array;
    flat.dispose();
    model.dispose();
    return values;
  };
  const before = tf.memory().numTensors;
  const base = {
    optimizer: 'sgd' as const,
    learningRate: 0.2,
    batchSize: 32,
    epochs: 1,
    evalTrainAtEnd: false,
  };
  const oneStep = await weightsAfter({ ...base, maxSteps: 1 });
  const scheduled = await weightsAfter({
    ...base,
    schedule: { name: 'step', boundaries: [0.1], factor: 1e-9 },
  });
  const constant = await weightsAfter(base);
  const maxDiff = (a: Float32Array, b: Float32Array) =>
    a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);
  assert.ok(maxDiff(oneStep, scheduled) < 1e-6, `scheduled run moved on: ${maxDiff(oneStep, scheduled)}`);
  assert.ok(maxDiff(oneStep, constant) > 1e-3, 'the constant-rate run moves on');
  assert.equal(tf.memory().numTensors, before, 'no tensor leaked');
});
