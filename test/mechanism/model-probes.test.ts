/**
 * Probes on zoo models: they leave the model exactly as it was, a probed run trains exactly like
 * an unprobed one (noise included), and the tracked quantiles are those of the unit's input.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { syntheticDataset } from '../../lib/data/synthetic';
import { FastDense } from '../../lib/layers/dense';
import { unitInputQuantiles } from '../../lib/mechanism/activations';
import { parameterLayers } from '../../lib/mechanism/model-objective';
import { probeCheckpoint } from '../../lib/mechanism/probe';
import { quantiles } from '../../lib/mechanism/quantiles';
import { summarizeProbes } from '../../lib/mechanism/summary';
import { probeBatch, trainWithProbes } from '../../lib/mechanism/train-with-probes';
import { buildModel } from '../../lib/models/build';
import type { NormKind } from '../../lib/norm/kinds';
import { NoisyBatchNormalization } from '../../lib/norm/noisy-batch-normalization';
import { train } from '../../lib/train/trainer';
import { useNativeBackend } from '../helpers/backend';

useNativeBackend();

const data = syntheticDataset({ trainSize: 96, validationSize: 32, testSize: 32, seed: 1 });
const shape: [number, number, number] = [data.train.height, data.train.width, data.train.channels];
const model = (norm: NormKind, arch: 'vgg' | 'mlp' = 'vgg') =>
  buildModel({
    arch,
    norm,
    seed: 3,
    inputShape: shape,
    numClasses: data.train.numClasses,
    width: 4,
    depth: 2,
  });
const weights = (m: tf.LayersModel) => m.weights.map((w) => Array.from(w.read().dataSync()));

describe('mechanism probes on zoo models', () => {
  it('groups the VGG parameters into its conv/dense layers, norm parameters with their conv', () => {
    const m = model('batch');
    const layers = parameterLayers(m);
    assert.equal(layers.layerNames.length, 3, 'two convs and the logits');
    // conv kernel, γ, β of block 1; the same for block 2; logits kernel and bias.
    assert.deepEqual(layers.layerOf, [0, 0, 0, 1, 1, 1, 2, 2]);
    m.dispose();
  });

  it('a checkpoint probe leaves weights, running statistics and noise untouched, and no tensor behind', () => {
    for (const norm of ['none', 'batch', 'noisy-batch'] as const) {
      const m = model(norm);
      const batch = probeBatch(data.train, 32, 0);
      const before = weights(m);
      const draws = m.layers
        .filter((l): l is NoisyBatchNormalization => l instanceof NoisyBatchNormalization)
        .map((l) => l.drawCount);
      const start = tf.memory().numTensors;
      const probe = probeCheckpoint(m, batch, { learningRate: 0.05, stepSizes: [0.025, 0.05, 0.1], step: 0 });
      assert.equal(tf.memory().numTensors, start, `${norm}: tensors`);
      assert.deepEqual(weights(m), before, `${norm}: weights and running statistics restored`);
      assert.deepEqual(
        m.layers
          .filter((l): l is NoisyBatchNormalization => l instanceof NoisyBatchNormalization)
          .map((l) => l.drawCount),
        draws,
        `${norm}: noise counters restored`,
      );
      assert.deepEqual(
        probe.covariateShift.map((s) => s.layer),
        [1, 2],
      );
      for (const s of probe.covariateShift) {
        assert.ok(s.gradNorm > 0 && Number.isFinite(s.shiftNorm), `${norm}: ${JSON.stringify(s)}`);
        assert.ok(s.cosine <= 1 + 1e-6 && s.cosine > -1 - 1e-6);
      }
      assert.equal(probe.landscape.losses.length, 3);
      assert.ok(probe.landscape.betaSmoothness > 0);
      tf.dispose([batch.xs, batch.ys]);
      m.dispose();
    }
  });

  it('noisy batch norm: the measured shift includes the earlier layers’ new noise', () => {
    // With a vanishing learning rate, batch norm's gradient barely changes; noisy batch norm's
    // still does, because the layers below draw their next noise.
    const shifts = (norm: NormKind) => {
      const m = model(norm);
      const batch = probeBatch(data.train, 32, 0);
      const probe = probeCheckpoint(m, batch, { learningRate: 1e-6, stepSizes: [0.05], step: 0 });
      tf.dispose([batch.xs, batch.ys]);
      m.dispose();
      return probe.covariateShift.map((s) => s.relativeShift);
    };
    const plain = shifts('batch');
    const noisy = shifts('noisy-batch');
    assert.ok(
      plain.every((s) => s < 1e-3),
      `batch: ${plain}`,
    );
    assert.ok(
      noisy.every((s) => s > 0.01),
      `noisy-batch: ${noisy}`,
    );
  });

  it('a probed run trains exactly like an unprobed one and records every checkpoint', async () => {
    for (const norm of ['batch', 'noisy-batch'] as const) {
      const config = {
        optimizer: 'sgd' as const,
        learningRate: 0.05,
        momentum: 0.9,
        batchSize: 16,
        epochs: 2,
        shuffleSeed: 4,
      };
      const plain = model(norm, 'mlp');
      const probed = model(norm, 'mlp');
      const start = tf.memory().numTensors;
      await train(plain, { train: data.train }, { ...config, evalTrainAtEnd: false });
      const { result, probes } = await trainWithProbes(
        probed,
        { train: data.train, validation: data.validation },
        config,
        { checkpoints: 3, trackPoints: 4, batchSize: 24 },
      );
      assert.equal(tf.memory().numTensors, start, `${norm}: tensors`);
      assert.deepEqual(weights(probed), weights(plain), `${norm}: same weights after training`);
      assert.equal(result.steps, 12);
      assert.deepEqual(
        probes.checkpoints.map((c) => c.step),
        [0, 6, 12],
      );
      assert.deepEqual(
        probes.activations.map((a) => a.step),
        [0, 4, 6, 8, 12],
      );
      assert.equal(probes.trackedLayers.length, 2);
      assert.equal(probes.activations[0].quantiles[0].length, 3);
      const summary = summarizeProbes(probes);
      assert.ok(Number.isFinite(summary.relativeShift) && Number.isFinite(summary.betaSmoothness));
      assert.ok(summary.activationDrift > 0);
      plain.dispose();
      probed.dispose();
    }
  });

  it("tracks the quantiles of the unit's input to its ReLU", () => {
    // MLP without normalization: the first ReLU's input is flatten(x)·W + b.
    const m = model('none', 'mlp');
    const dense = m.layers.find((l) => l instanceof FastDense)!;
    const xs = tf.tensor4d(data.train.images.subarray(0, 20 * 64), [20, 8, 8, 1]);
    const want = tf.tidy(() => {
      const [kernel, bias] = dense.getWeights();
      const pre = tf.add(tf.matMul(tf.reshape(xs, [20, 64]), kernel), bias);
      return quantiles(tf.gather(pre, [2], 1).dataSync(), [0.15, 0.5, 0.85]);
    });
    const got = unitInputQuantiles(m, xs, 2)[0];
    got.forEach((g, i) => {
      assert.ok(Math.abs(g - want[i]) < 1e-5, `${g} vs ${want[i]}`);
    });
    assert.throws(() => unitInputQuantiles(m, xs, 999), /unit must be an integer in \[0, 3\]/);
    xs.dispose();
    m.dispose();
  });
});
