import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { syntheticDataset } from '../../lib/data/synthetic';
import { buildModel } from '../../lib/models/build';
import type { ModelSpec } from '../../lib/models/types';
import { evaluate } from '../../lib/train/evaluate';
import { train } from '../../lib/train/trainer';
import type { EpochRecord, StepRecord, TrainConfig } from '../../lib/train/types';
import { useNativeBackend } from '../helpers/backend';

useNativeBackend();

const data = syntheticDataset({ trainSize: 256, validationSize: 64, testSize: 64, seed: 1 });
const small = (spec: Partial<ModelSpec>): ModelSpec => ({
  arch: 'mlp',
  norm: 'batch',
  inputShape: [8, 8, 1],
  numClasses: 4,
  width: 32,
  depth: 2,
  seed: 1,
  ...spec,
});
const sgd: TrainConfig = {
  optimizer: 'sgd',
  learningRate: 0.05,
  momentum: 0.9,
  batchSize: 32,
  epochs: 3,
  shuffleSeed: 2,
};

test('loss decreases and accuracy rises on learnable data (SGD with momentum and Adam)', async () => {
  for (const config of [sgd, { ...sgd, optimizer: 'adam' as const, learningRate: 0.003 }]) {
    const model = buildModel(small({}));
    const before = evaluate(model, data.validation);
    const result = await train(model, data, config);
    assert.equal(result.diverged, null);
    assert.equal(result.stopReason, 'completed');
    assert.equal(result.steps, 3 * 8);
    assert.equal(result.epochs, 3);
    assert.equal(result.stepRecords.length, 24);
    assert.equal(result.epochRecords.length, 3);
    const [first, , last] = result.epochRecords;
    assert.ok(
      last.trainLoss < first.trainLoss * 0.7,
      `${config.optimizer}: ${first.trainLoss} → ${last.trainLoss}`,
    );
    assert.ok(
      (result.final.validation?.accuracy ?? 0) > Math.max(0.8, before.accuracy),
      JSON.stringify(result.final),
    );
    assert.ok(result.final.train && result.final.test);
    assert.ok(
      result.samplesPerSecond > 0 && result.medianStepMs > 0 && result.totalSeconds >= result.trainSeconds,
    );
    model.dispose();
  }
});

test('equal seeds reproduce identical runs; the read-back cadence changes no value', async () => {
  const run = async (readbackEvery: number, shuffleSeed = 2) => {
    const model = buildModel(small({ arch: 'vgg', depth: 2, width: 4, norm: 'batch' }));
    const result = await train(model, data, { ...sgd, epochs: 2, readbackEvery, shuffleSeed });
    model.dispose();
    return result;
  };
  const a = await run(1);
  const b = await run(7);
  const c = await run(1, 3);
  const losses = (r: typeof a) => r.stepRecords.map((s) => s.loss);
  assert.deepEqual(losses(a), losses(b));
  assert.deepEqual(a.final, b.final);
  assert.notDeepEqual(losses(a), losses(c));
});

test('a huge learning rate is recorded as divergence at a step, without a crash', async () => {
  const model = buildModel(small({ norm: 'none', initScale: 10 }));
  const result = await train(model, data, { ...sgd, learningRate: 1e6, readbackEvery: 5 });
  assert.ok(result.diverged, 'diverged');
  assert.match(result.diverged.reason, /^(nan|inf|exploding)$/);
  assert.equal(result.stopReason, 'diverged');
  assert.equal(result.steps, result.diverged.step);
  assert.equal(result.stepRecords.at(-1)?.step, result.diverged.step);
  assert.ok(result.stepRecords.slice(0, -1).every((s) => Number.isFinite(s.loss)));
  assert.deepEqual(result.final, {});
  model.dispose();
  const threshold = buildModel(small({}));
  const capped = await train(threshold, data, { ...sgd, divergenceLoss: 1e-9 });
  assert.deepEqual(capped.diverged && { step: capped.diverged.step, reason: capped.diverged.reason }, {
    step: 1,
    reason: 'loss-threshold',
  });
  threshold.dispose();
});

test('numTensors returns to its baseline after training (every norm kind, SGD and Adam, divergence)', async () => {
  for (const norm of ['none', 'batch', 'layer', 'instance', 'group'] as const) {
    const model = buildModel(small({ arch: 'resnet', width: 4, norm }));
    const baseline = tf.memory().numTensors;
    await train(model, data, { ...sgd, epochs: 1, evalEvery: 3 });
    await train(model, data, { ...sgd, optimizer: 'adam', learningRate: 0.001, epochs: 1, maxSteps: 3 });
    await train(model, data, { ...sgd, learningRate: 1e9, epochs: 1 });
    assert.equal(tf.memory().numTensors, baseline, norm);
    model.dispose();
  }
});

test('callbacks, reporter, eval cadence, max steps and the target accuracy', async () => {
  const steps: StepRecord[] = [];
  const epochs: EpochRecord[] = [];
  const calls: string[] = [];
  const model = buildModel(small({}));
  const result = await train(
    model,
    data,
    { ...sgd, epochs: 2, evalEvery: 4, readbackEvery: 3 },
    {
      onStep: (s) => steps.push(s),
      onEpoch: (e) => epochs.push(e),
      reporter: {
        start: (n) => calls.push(`start ${n}`),
        update: (s) => calls.push(`update ${s}`),
        stop: () => calls.push('stop'),
      },
    },
  );
  assert.deepEqual(
    steps.map((s) => s.step),
    Array.from({ length: 16 }, (_, i) => i + 1),
  );
  assert.deepEqual(
    steps.map((s) => s.epoch),
    [...Array(8).fill(1), ...Array(8).fill(2)],
  );
  assert.equal(epochs.length, 2);
  assert.ok(epochs[1].validation && epochs[1].test);
  assert.deepEqual(
    result.evalRecords.map((e) => e.step),
    [4, 8, 12, 16],
  );
  assert.equal(calls[0], 'start 16');
  assert.equal(calls.at(-1), 'stop');
  const limited = await train(model, data, { ...sgd, epochs: 5, maxSteps: 10 });
  assert.equal(limited.steps, 10);
  assert.equal(limited.stopReason, 'max-steps');
  const target = await train(model, data, {
    ...sgd,
    epochs: 5,
    targetAccuracy: 0.5,
    stopAtTarget: true,
    evalEvery: 2,
  });
  assert.equal(target.stopReason, 'target');
  assert.ok(
    target.reachedTarget &&
      target.reachedTarget.accuracy >= 0.5 &&
      target.reachedTarget.step === target.steps,
  );
  model.dispose();
});

test('bad configs are rejected with the option and the allowed range', async () => {
  const model = buildModel(small({}));
  const bad: [Partial<TrainConfig>, RegExp][] = [
    [{ optimizer: 'rmsprop' as 'sgd' }, /optimizer must be one of sgd, adam/],
    [{ learningRate: 0 }, /learningRate must be a finite number > 0/],
    [{ momentum: 1 }, /momentum must be in \[0, 1\)/],
    [{ batchSize: 1000 }, /batchSize must be an integer in \[1, 256\]/],
    [{ epochs: 0 }, /epochs must be an integer ≥ 1/],
    [{ targetAccuracy: 2 }, /targetAccuracy must be in \(0, 1\]/],
    [{ evalEvery: 0 }, /evalEvery must be 'epoch' or an integer ≥ 1/],
  ];
  for (const [patch, message] of bad) await assert.rejects(train(model, data, { ...sgd, ...patch }), message);
  const other = syntheticDataset({ size: 6, trainSize: 64 });
  await assert.rejects(
    train(model, other, sgd),
    /data.train has images 6×6×1, the model expects \[8, 8, 1\]/,
  );
  model.dispose();
});
