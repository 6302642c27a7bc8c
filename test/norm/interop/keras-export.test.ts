/**
 * toKerasArtifacts without Python: what the rewritten model.json and weights hold, and the layers
 * and options it refuses with a message naming the layer. (The converter's round trip is in
 * keras-converter.test.ts.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import {
  BatchNormalization,
  BatchRenormalization,
  NoisyBatchNormalization,
  toKerasArtifacts,
  WeightStandardizedConv2D,
} from '../../../lib/norm/index';
import { useNativeBackend } from '../../helpers/backend';

useNativeBackend();

type PyLayer = { class_name: string; config: Record<string, unknown> };
const layersOf = (artifacts: tf.io.ModelArtifacts): PyLayer[] =>
  ((artifacts.modelTopology as { config: { layers: PyLayer[] } }).config.layers as PyLayer[]).filter(
    (l) => l.class_name !== 'InputLayer',
  );

function oneLayerModel(layer: tf.layers.Layer, inputShape = [4, 4, 3]): tf.LayersModel {
  return tf.sequential({ layers: [tf.layers.inputLayer({ inputShape }), layer] });
}

describe('toKerasArtifacts', () => {
  it('drops renorm_steps from the weights and the normlab-only keys from the config', async () => {
    const before = tf.memory().numTensors;
    const model = oneLayerModel(
      new BatchRenormalization({ name: 'rn', convention: 'pytorch', momentum: 0.1 }),
    );
    const artifacts = await toKerasArtifacts(model);
    const [layer] = layersOf(artifacts);
    assert.equal(layer.class_name, 'BatchNormalization');
    for (const key of [
      'convention',
      'warmup_steps',
      'ramp_steps',
      'count_steps',
      'r_max',
      'r_min',
      'd_max',
    ]) {
      assert.ok(!(key in layer.config), key);
    }
    assert.ok(Math.abs((layer.config.momentum as number) - 0.9) < 1e-12);
    assert.ok(Math.abs((layer.config.renorm_momentum as number) - 0.99) < 1e-12, 'pytorch 0.01 → keras 0.99');
    assert.deepEqual(
      artifacts.weightSpecs?.map((s) => s.name),
      [
        'rn/gamma',
        'rn/beta',
        'rn/moving_mean',
        'rn/moving_variance',
        'rn/moving_stddev',
        'rn/renorm_mean',
        'rn/renorm_stddev',
      ],
    );
    const bytes = new tf.io.CompositeArrayBuffer(artifacts.weightData).byteLength;
    assert.equal(bytes, 7 * 3 * 4, 'seven float32 weights of 3 channels');
    model.dispose();
    assert.equal(tf.memory().numTensors, before, 'every tensor disposed');
  });

  it("refuses a renorm schedule unless renormSchedule: 'final-limits'", async () => {
    const model = oneLayerModel(new BatchRenormalization({ name: 'rn', warmupSteps: 10, rampSteps: 100 }));
    await assert.rejects(
      toKerasArtifacts(model),
      /layer 'rn'.*warmupSteps 10 and rampSteps 100.*final-limits/s,
    );
    const [layer] = layersOf(await toKerasArtifacts(model, { renormSchedule: 'final-limits' }));
    assert.deepEqual(layer.config.renorm_clipping, { rmax: 3, rmin: 1 / 3, dmax: 5 });
    await assert.rejects(
      toKerasArtifacts(model, { renormSchedule: 'ramp' as 'refuse' }),
      /renormSchedule must be 'refuse' or 'final-limits'/,
    );
    model.dispose();
  });

  it('refuses layers without a tf_keras equivalent, saying what to do', async () => {
    const cases: [tf.layers.Layer, RegExp][] = [
      [
        new BatchNormalization({ activation: 'relu', name: 'bn_relu' }),
        /'bn_relu'.*activation 'relu'.*separate activation layer/s,
      ],
      [new NoisyBatchNormalization({ name: 'noisy' }), /'noisy'.*no batch norm with noise/s],
      [new WeightStandardizedConv2D({ filters: 2, kernelSize: 3, name: 'ws' }), /'ws'.*standardizeKernel/s],
    ];
    for (const [layer, message] of cases) {
      const model = oneLayerModel(layer);
      await assert.rejects(toKerasArtifacts(model), message);
      model.dispose();
    }
  });
});
