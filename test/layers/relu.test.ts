import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { FastReLU, reluFastGrad } from '../../lib/layers/relu';
import { useNativeBackend } from '../helpers/backend';
import { describeOnKernelPaths } from '../helpers/kernel-paths';

useNativeBackend();

describeOnKernelPaths('the FastReLU gradient', () => {
  test('reluFastGrad has the values and the gradient of tf.relu', () => {
    const x = tf.tensor1d([-2, -0.5, 0, 0.5, 3]);
    const dy = tf.tensor1d([1, 2, 3, 4, 5]);
    const ours = tf.grad((t: tf.Tensor) => reluFastGrad(t))(x, dy);
    const theirs = tf.grad((t: tf.Tensor) => tf.relu(t))(x, dy);
    assert.deepEqual(Array.from(reluFastGrad(x).dataSync()), Array.from(tf.relu(x).dataSync()));
    assert.deepEqual(Array.from(ours.dataSync()), Array.from(theirs.dataSync()));
    assert.deepEqual(Array.from(ours.dataSync()), [0, 0, 0, 4, 5]);
    tf.dispose([x, dy, ours, theirs]);
  });
});

test('the FastReLU layer saves and loads in a model', async () => {
  const input = tf.input({ shape: [3] });
  const model = tf.model({ inputs: input, outputs: new FastReLU().apply(input) as tf.SymbolicTensor });
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  assert.match(JSON.stringify(saved?.modelTopology), /normlab>ReLU/);
  const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved as tf.io.ModelArtifacts));
  const y = loaded.predict(tf.tensor2d([[-1, 0, 2]])) as tf.Tensor;
  assert.deepEqual(Array.from(y.dataSync()), [0, 0, 2]);
  tf.dispose([y]);
  model.dispose();
  loaded.dispose();
});
