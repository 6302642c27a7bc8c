/**
 * A model saved from Keras 3 with Keras' own GroupNormalization layer (class name and config keys
 * as Keras writes them) loads with tf.loadLayersModel once normlab is imported, and reproduces
 * Keras' output. The files come from test/norm/keras-model/generate.py.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { BatchNormalization, GroupNormalization, LayerNormalization } from '../../lib/norm/index';
import { useNativeBackend } from '../helpers/backend';

useNativeBackend();

const dir = join(__dirname, 'keras-model');

describe('Keras model.json with GroupNormalization', () => {
  it("leaves tfjs' own BatchNormalization and LayerNormalization registered", () => {
    const map = tf.serialization.SerializationMap.getMap().classNameMap;
    assert.notEqual(map.BatchNormalization[0], BatchNormalization);
    assert.notEqual(map.LayerNormalization[0], LayerNormalization);
    assert.equal(map['normlab>BatchNormalization'][0], BatchNormalization);
    assert.equal(map['normlab>LayerNormalization'][0], LayerNormalization);
    assert.equal(tf.layers.batchNormalization().getClassName(), 'BatchNormalization');
  });

  it('uses Keras config keys verbatim', () => {
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    const layer = json.modelTopology.config.layers[1];
    assert.equal(layer.class_name, 'GroupNormalization');
    for (const key of [
      'groups',
      'axis',
      'epsilon',
      'center',
      'scale',
      'beta_initializer',
      'gamma_initializer',
    ]) {
      assert.ok(key in layer.config, key);
    }
  });

  it('loads and matches Keras output', async () => {
    const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8'));
    const model = await tf.loadLayersModel(`file://${join(dir, 'model.json')}`);
    const norm = model.layers.find((l) => l.name === 'group_norm');
    assert.ok(norm instanceof GroupNormalization, 'the Keras layer became normlab GroupNormalization');
    assert.equal((norm as GroupNormalization).groups, 3);
    assert.equal((norm as GroupNormalization).affine.epsilon, 1e-3);
    const x = tf.tensor(expected.x, expected.shape);
    const y = model.predict(x) as tf.Tensor;
    const got = y.arraySync() as number[][];
    const want = expected.y as number[][];
    for (let i = 0; i < want.length; i++) {
      for (let j = 0; j < want[i].length; j++) {
        // float32 end to end, 96-term dot product in the head: 1e-4 relative + absolute.
        assert.ok(
          Math.abs(got[i][j] - want[i][j]) <= 1e-4 + 1e-4 * Math.abs(want[i][j]),
          `${got[i][j]} vs ${want[i][j]}`,
        );
      }
    }
    tf.dispose([x, y]);
    model.dispose();
  });
});
