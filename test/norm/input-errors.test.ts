/**
 * Inputs a normalization layer cannot take get the layer's own message, not TensorFlow's: int32
 * or bool input ("Invalid TF_Status … FusedBatchNorm" before), zero channels ("shape [4,0,NaN]")
 * and an empty batch in training ("1 value per channel"). Each message names the layer and what it
 * needs, and nothing is left on the backend.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import {
  BatchNormalization,
  GroupNormalization,
  InstanceNormalization,
  LayerNormalization,
} from '../../lib/norm/index';
import { useNativeBackend } from '../helpers/backend';

useNativeBackend();

function rejects(layer: tf.layers.Layer, x: () => tf.Tensor, training: boolean, message: RegExp): void {
  const input = x();
  try {
    // Its weights are made at build and stay: count from after them.
    layer.build(input.shape);
  } catch {
    // A shape build refuses: apply() must refuse it the same way.
  }
  const baseline = tf.memory().numTensors;
  try {
    assert.throws(() => tf.tidy(() => layer.apply(input, { training }) as tf.Tensor), message);
    assert.equal(tf.memory().numTensors, baseline, 'nothing left on the backend');
  } finally {
    input.dispose();
  }
}

describe('layer input errors name the layer and what it needs', () => {
  it('int32 or bool input to batch norm (training and inference)', () => {
    for (const dtype of ['int32', 'bool'] as const)
      for (const training of [true, false])
        rejects(
          new BatchNormalization(),
          () => tf.zeros([4, 3], dtype),
          training,
          new RegExp(`BatchNormalization needs float32 input; got ${dtype}\\. Cast it first`),
        );
    rejects(
      new LayerNormalization(),
      () => tf.zeros([4, 3], 'int32'),
      true,
      /LayerNormalization needs float32 input; got int32/,
    );
  });

  it('zero channels to instance, group or batch norm', () => {
    rejects(
      new InstanceNormalization(),
      () => tf.zeros([4, 3, 3, 0]),
      true,
      /InstanceNormalization needs at least one channel; got input shape \[4,3,3,0\]/,
    );
    rejects(
      new GroupNormalization({ groups: 1 }),
      () => tf.zeros([4, 3, 3, 0]),
      true,
      /GroupNormalization needs at least one channel; got input shape \[4,3,3,0\]/,
    );
    rejects(
      new BatchNormalization(),
      () => tf.zeros([4, 0]),
      true,
      /BatchNormalization needs at least one channel/,
    );
  });

  it('an empty batch in training', () => {
    rejects(
      new BatchNormalization(),
      () => tf.zeros([0, 8]),
      true,
      /BatchNormalization in training mode got an empty batch \(input shape \[0,8\]\): batch statistics need 2 or more examples/,
    );
  });
});
