/**
 * The mapping of Keras' BatchNormalization(renorm=True) config to normlab's batch renorm, without
 * Python: what deserialization does with renorm and plain configs, and the configs it refuses.
 * (The converted models themselves are checked in keras-converter.test.ts.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { BatchNormalization, BatchRenormalization } from '../../../lib/norm/index';
import { batchRenormArgsFromKeras } from '../../../lib/norm/interop/keras-renorm';
import { useNativeBackend } from '../../helpers/backend';

useNativeBackend();

const deserialize = (config: tf.serialization.ConfigDict): tf.serialization.Serializable => {
  const [cls, fromConfig] = tf.serialization.SerializationMap.getMap().classNameMap.BatchNormalization;
  return fromConfig(cls, config);
};

describe("Keras' BatchNormalization(renorm=True)", () => {
  it('deserializes as BatchRenormalization, and a plain config as tfjs’ own layer', () => {
    const renorm = deserialize({ renorm: true, renormClipping: { rmax: 3, dmax: 5 }, momentum: 0.9 });
    assert.ok(renorm instanceof BatchRenormalization);
    assert.deepEqual(renorm.clipping, { rMax: 3, rMin: null, dMax: 5 });
    assert.equal(renorm.momentum, 0.9);
    assert.equal(renorm.renormMomentum, 0.99);
    assert.equal(renorm.countSteps, false);
    const plain = deserialize({ momentum: 0.9, renorm: false });
    assert.ok(!(plain instanceof BatchNormalization) && !(plain instanceof BatchRenormalization));
    assert.equal((plain as tf.layers.Layer).getClassName(), 'BatchNormalization');
  });

  it('has no renorm_steps weight when loaded from Keras, seven weights as Keras', () => {
    const layer = new BatchRenormalization(batchRenormArgsFromKeras({ renorm: true, axis: [3] }));
    layer.build([null, 2, 2, 3]);
    assert.deepEqual(
      layer.weights.map((w) => w.originalName.split('/').pop()),
      ['gamma', 'beta', 'moving_mean', 'moving_variance', 'moving_stddev', 'renorm_mean', 'renorm_stddev'],
    );
    // It still trains (Keras has no schedule, so none is needed).
    const x = tf.randomNormal([4, 2, 2, 3], 0, 1, 'float32', 3);
    const y = layer.apply(x, { training: true }) as tf.Tensor;
    assert.deepEqual(y.shape, [4, 2, 2, 3]);
    tf.dispose([x, y]);
    for (const w of layer.weights) w.dispose(); // built and called eagerly: no node to dispose the layer by
  });

  it('refuses what it cannot reproduce, naming the key', () => {
    assert.throws(
      () => batchRenormArgsFromKeras({ renorm: true, axis: [1, 3], name: 'bn' }),
      /'bn'.*axis \[1,3\]/,
    );
    assert.throws(
      () => batchRenormArgsFromKeras({ renorm: true, virtualBatchSize: 4 }),
      /virtual_batch_size/,
    );
    assert.throws(
      () => batchRenormArgsFromKeras({ renorm: true, renormClipping: [1] }),
      /renorm_clipping must be a dict/,
    );
    assert.throws(
      () => batchRenormArgsFromKeras({ renorm: true, renormClipping: { rmax: 'x' } }),
      /renorm_clipping.rmax must be a number/,
    );
  });

  it('countSteps: false refuses a schedule, which needs the step count', () => {
    assert.throws(
      () => new BatchRenormalization({ countSteps: false, warmupSteps: 10 }),
      /countSteps: false/,
    );
    assert.throws(
      () => new BatchRenormalization({ countSteps: 'no' as unknown as boolean }),
      /countSteps must be/,
    );
  });
});
