import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { backendInfo, describeBackend, initBackend } from '../lib/backend';

test('initBackend loads the native tensorflow backend', async () => {
  const info = await initBackend();
  assert.equal(info.backend, 'tensorflow');
  assert.equal(info.native, true);
  assert.match(info.tensorflowVersion ?? '', /^\d+\.\d+/);
  assert.equal(tf.getBackend(), 'tensorflow');
  assert.match(describeBackend(backendInfo()), /^backend tensorflow \(native TensorFlow/);
});

test('plain require of @tensorflow/tfjs-node gives the tensorflow backend', () => {
  const out = execFileSync(
    process.execPath,
    ['-e', "const tf = require('@tensorflow/tfjs-node'); console.log(tf.getBackend())"],
    { env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2', TF_ENABLE_ONEDNN_OPTS: '0' }, encoding: 'utf8' },
  );
  assert.equal(out.trim(), 'tensorflow');
});

test('the library and tfjs-node share one copy of tfjs-core', () => {
  const core = require.resolve('@tensorflow/tfjs-core');
  const fromNode = require.resolve('@tensorflow/tfjs-core', {
    paths: [require.resolve('@tensorflow/tfjs-node')],
  });
  assert.equal(fromNode, core);
});
