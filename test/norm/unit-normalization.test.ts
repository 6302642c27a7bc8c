/**
 * UnitNormalization: each vector along `axis` scaled to unit L2 norm (Keras' formula and 1e-12
 * floor), its options' errors, and its (de)serialization under both class names.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { UnitNormalization } from '../../lib/norm/index';
import { useNativeBackend } from '../helpers/backend';
import { saveAndLoad } from '../helpers/save';

useNativeBackend();

describe('UnitNormalization', () => {
  it('scales each vector on the last axis to length 1 and keeps a zero vector at zero', () => {
    const before = tf.memory().numTensors;
    const layer = new UnitNormalization();
    const x = tf.tensor2d([
      [3, 4],
      [0, 0],
      [-1e-7, 0],
    ]);
    const y = layer.apply(x) as tf.Tensor;
    const got = y.arraySync() as number[][];
    assert.deepEqual(got[0], [0.6000000238418579, 0.800000011920929]);
    assert.deepEqual(got[1], [0, 0]);
    // |x|² = 1e-14 < 1e-12: divided by 1e-6 (the floor), not by its own norm.
    assert.ok(Math.abs(got[2][0] - -0.1) < 1e-6, String(got[2][0]));
    tf.dispose([x, y]);
    layer.dispose();
    assert.equal(tf.memory().numTensors, before);
  });

  it('normalizes over a list of axes, per example', () => {
    const layer = new UnitNormalization({ axis: [1, 2] });
    const x = tf.randomNormal([3, 4, 5, 2], 1, 2, 'float32', 5);
    const y = layer.apply(x) as tf.Tensor;
    const norms = tf.sqrt(tf.sum(tf.square(y), [1, 2])).arraySync() as number[][];
    for (const row of norms) for (const n of row) assert.ok(Math.abs(n - 1) < 1e-6, String(n));
    tf.dispose([x, y]);
  });

  it('refuses a bad axis, naming it', () => {
    assert.throws(() => new UnitNormalization({ axis: 'x' as unknown as number }), /axis must be an integer/);
    assert.throws(() => new UnitNormalization({ axis: [] }), /axis must be an integer/);
    const batchAxis = new UnitNormalization({ axis: 0 });
    assert.throws(() => batchAxis.apply(tf.zeros([2, 3])), /other than the batch axis 0/);
    const outOfRange = new UnitNormalization({ axis: 3 });
    assert.throws(() => outOfRange.apply(tf.zeros([2, 3])), /axis/);
  });

  it('saves and loads with its axis, as normlab>UnitNormalization and as Keras’ UnitNormalization', async () => {
    const model = tf.sequential({ layers: [new UnitNormalization({ inputShape: [3, 4], axis: [1, 2] })] });
    assert.equal(model.layers[0].getClassName(), 'normlab>UnitNormalization');
    const loaded = await saveAndLoad(model);
    assert.ok(loaded.layers[0] instanceof UnitNormalization);
    assert.deepEqual((loaded.layers[0] as UnitNormalization).axis, [1, 2]);
    const map = tf.serialization.SerializationMap.getMap().classNameMap;
    const [cls, fromConfig] = map.UnitNormalization;
    const keras = fromConfig(cls, { axis: -1 });
    assert.ok(keras instanceof UnitNormalization);
    model.dispose();
    loaded.dispose();
  });
});
