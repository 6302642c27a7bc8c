/**
 * Keras models in and out through the real `tensorflowjs_converter` (tensorflowjs 4.22 in
 * .venv-keras, made by scripts/setup/keras-env.sh):
 * - in: tf_keras models (batch renorm, unit norm, group/layer norm, trained batch norm, the
 *   tensorflow-addons names) converted with `--input_format=keras` load with tf.loadLayersModel
 *   after importing normlab and predict what tf_keras predicted;
 * - out: normlab models saved with saveForKeras, converted with `--input_format=tfjs_layers_model
 *   --output_format=keras` and loaded in tf_keras, predict what normlab predicts.
 * One Python process does every conversion (scripts/keras/interop_cases.py), cached by input hash.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import {
  BatchNormalization,
  BatchRenormalization,
  GroupNormalization,
  IdentityNormalization,
  InstanceNormalization,
  LayerNormalization,
  RMSNormalization,
  saveForKeras,
  UnitNormalization,
} from '../../../lib/norm/index';
import { useNativeBackend } from '../../helpers/backend';
import { rng } from '../../helpers/random';
import { runKerasCases } from './keras-run';

useNativeBackend();

/** The largest |a − b|, after checking the lengths agree. */
function maxAbsDiff(got: ArrayLike<number>, want: ArrayLike<number>): number {
  assert.equal(got.length, want.length, 'output sizes');
  let max = 0;
  for (let i = 0; i < want.length; i++) max = Math.max(max, Math.abs(got[i] - want[i]));
  return max;
}

/** float32 end to end; different summation orders and rsqrt kernels differ by a few ulps. */
const TOLERANCE = 2e-6;

/** Set every weight of `model` to seeded values: γ near 1, variances positive, the rest normal. */
function seedWeights(model: tf.LayersModel, seed: number): void {
  const next = rng(seed);
  for (const layer of model.layers) {
    const values = layer.getWeights().map((w, i) => {
      const name = layer.weights[i].originalName;
      const positive = /gamma|variance|stddev/.test(name);
      const data = Float32Array.from({ length: w.size }, () =>
        name.endsWith('renorm_steps') ? 7 : positive ? 0.5 + next() : (next() - 0.5) * 2,
      );
      return tf.tensor(data, w.shape);
    });
    if (values.length > 0) layer.setWeights(values);
    tf.dispose(values);
  }
}

interface ExportCase {
  /** The model's input shape without the batch axis. */
  shape: number[];
  /** The layers after the input, stacked in a Sequential model. */
  layers?: () => tf.layers.Layer[];
  /** Or a functional model of that input shape. */
  functional?: () => tf.LayersModel;
  /** The Keras class names tf_keras should see, in order. */
  kerasClasses: string[];
  /** Checks of the loaded Keras configs. */
  check?: (layers: { class_name: string; config: Record<string, unknown>; weights: string[] }[]) => void;
}

const EXPORTS: Record<string, ExportCase> = {
  'group-norm': {
    shape: [4, 4, 6],
    layers: () => [new GroupNormalization({ groups: 3, name: 'norm' })],
    kerasClasses: ['GroupNormalization'],
    check: ([l]) => assert.equal(l.config.groups, 3),
  },
  'instance-norm-keras': {
    shape: [4, 4, 6],
    layers: () => [new InstanceNormalization({ name: 'norm' })],
    kerasClasses: ['GroupNormalization'],
  },
  'instance-norm-pytorch': {
    shape: [5, 3, 4],
    layers: () => [new InstanceNormalization({ convention: 'pytorch', name: 'norm' })],
    kerasClasses: ['GroupNormalization'],
    check: ([l]) => {
      assert.equal(l.config.epsilon, 1e-5);
      assert.equal(l.config.center, false);
      assert.deepEqual(l.weights, []);
    },
  },
  'layer-norm-features': {
    shape: [4, 4, 6],
    layers: () => [new LayerNormalization({ name: 'norm' })],
    kerasClasses: ['LayerNormalization'],
    check: ([l]) => assert.deepEqual(l.config.axis, [1, 2, 3]),
  },
  'layer-norm-last': {
    shape: [3, 6],
    layers: () => [new LayerNormalization({ axis: -1, convention: 'pytorch', name: 'norm' })],
    kerasClasses: ['LayerNormalization'],
    check: ([l]) => assert.deepEqual(l.config.axis, [2]),
  },
  'batch-norm-pytorch': {
    shape: [4, 4, 6],
    layers: () => [new BatchNormalization({ convention: 'pytorch', momentum: 0.1, name: 'norm' })],
    kerasClasses: ['BatchNormalization'],
    check: ([l]) => {
      assert.ok(Math.abs((l.config.momentum as number) - 0.9) < 1e-12, 'momentum in Keras convention');
      assert.equal(l.config.epsilon, 1e-5);
    },
  },
  'batch-renorm': {
    shape: [4, 4, 6],
    layers: () => [
      new BatchRenormalization({
        rMax: 2,
        rMin: 0.5,
        dMax: 1,
        momentum: 0.9,
        renormMomentum: 0.95,
        name: 'norm',
      }),
    ],
    kerasClasses: ['BatchNormalization'],
    check: ([l]) => {
      assert.equal(l.config.renorm, true);
      assert.deepEqual(l.config.renorm_clipping, { rmax: 2, rmin: 0.5, dmax: 1 });
      assert.equal(l.config.renorm_momentum, 0.95);
      assert.equal(l.config.momentum, 0.9);
      assert.deepEqual(
        l.weights.map((w) => w.split('/').pop()?.replace(':0', '')),
        ['gamma', 'beta', 'moving_mean', 'moving_variance', 'moving_stddev', 'renorm_mean', 'renorm_stddev'],
      );
    },
  },
  'unit-norm': {
    shape: [3, 4, 2],
    layers: () => [new UnitNormalization({ axis: [1, 2], name: 'norm' })],
    kerasClasses: ['UnitNormalization'],
  },
  'mixed-cnn': {
    shape: [6, 6, 2],
    layers: () => [
      tf.layers.conv2d({ filters: 4, kernelSize: 3, useBias: false, name: 'conv' }),
      new BatchRenormalization({ name: 'renorm' }),
      new GroupNormalization({ groups: 2, name: 'group' }),
      new IdentityNormalization({ name: 'identity' }),
      tf.layers.flatten({ name: 'flatten' }),
      tf.layers.dense({ units: 3, name: 'head' }),
    ],
    kerasClasses: ['Conv2D', 'BatchNormalization', 'GroupNormalization', 'Activation', 'Flatten', 'Dense'],
  },
  'functional-branches': {
    shape: [4, 4, 6],
    functional: () => {
      const input = tf.input({ shape: [4, 4, 6], name: 'x' });
      const group = new GroupNormalization({ groups: 2, name: 'group' }).apply(input) as tf.SymbolicTensor;
      const unit = new UnitNormalization({ name: 'unit' }).apply(group) as tf.SymbolicTensor;
      const layer = new LayerNormalization({ name: 'layer' }).apply(input) as tf.SymbolicTensor;
      const joined = tf.layers.concatenate({ name: 'join' }).apply([unit, layer]) as tf.SymbolicTensor;
      return tf.model({ inputs: input, outputs: joined, name: 'functional_branches' });
    },
    kerasClasses: ['GroupNormalization', 'UnitNormalization', 'LayerNormalization', 'Concatenate'],
  },
};

/** What normlab predicted for each exported case. */
const predicted = new Map<string, Float32Array>();
let exportedDir = '';
let casesDir = '';

before(async () => {
  exportedDir = mkdtempSync(join(tmpdir(), 'normlab-keras-export-'));
  for (const [name, spec] of Object.entries(EXPORTS)) {
    const model = spec.functional ? spec.functional() : tf.sequential({ name: name.replace(/-/g, '_') });
    if (model instanceof tf.Sequential) {
      model.add(tf.layers.inputLayer({ inputShape: spec.shape }));
      for (const layer of spec.layers?.() ?? []) model.add(layer);
    }
    seedWeights(model, name.length * 97);
    const next = rng(name.length * 31);
    const shape = [5, ...spec.shape];
    const x = Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => 0.7 + (next() - 0.5) * 4);
    const y = tf.tidy(() => model.predict(tf.tensor(x, shape)) as tf.Tensor);
    predicted.set(name, y.dataSync() as Float32Array);
    y.dispose();
    const dir = join(exportedDir, name);
    mkdirSync(dir);
    await saveForKeras(model, `file://${dir}`);
    writeFileSync(join(dir, 'input.json'), JSON.stringify({ x, shape }));
    model.dispose();
  }
  casesDir = runKerasCases(exportedDir);
});

after(() => rmSync(exportedDir, { recursive: true, force: true }));

describe('Keras models in, through tensorflowjs_converter --input_format=keras', () => {
  it('every converted Keras case loads and predicts what tf_keras predicted', async () => {
    const cases = readdirSync(join(casesDir, 'keras-in')).sort();
    assert.ok(cases.length >= 14, `cases: ${cases}`);
    const before = tf.memory().numTensors;
    const diffs: string[] = [];
    for (const name of cases) {
      const dir = join(casesDir, 'keras-in', name);
      const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8'));
      const model = await tf.loadLayersModel(`file://${join(dir, 'model.json')}`);
      const norm = model.getLayer('norm');
      if (name.startsWith('batch-renorm') || name === 'sequential-cnn')
        assert.ok(norm instanceof BatchRenormalization, name);
      if (name === 'batch-norm-trained') {
        assert.ok(!(norm instanceof BatchNormalization), 'plain Keras batch norm stays tfjs’ layer');
        assert.equal(norm.getClassName(), 'BatchNormalization');
      }
      if (name.startsWith('unit-norm')) assert.ok(norm instanceof UnitNormalization, name);
      if (name === 'addons-instance-norm') assert.ok(norm instanceof InstanceNormalization, name);
      if (name.startsWith('group-norm') || name === 'addons-group-norm')
        assert.ok(norm instanceof GroupNormalization, name);
      const y = tf.tidy(() => model.predict(tf.tensor(expected.x, expected.shape)) as tf.Tensor);
      const diff = maxAbsDiff(y.dataSync(), expected.y);
      diffs.push(`${name} ${diff.toExponential(1)}`);
      assert.ok(diff <= TOLERANCE, `${name}: max |normlab − tf_keras| = ${diff}`);
      y.dispose();
      model.dispose();
    }
    assert.equal(tf.memory().numTensors, before, 'every tensor disposed');
    console.log(`keras in, max abs difference: ${diffs.join(', ')}`);
  });

  it('maps the renorm clipping and momenta, with no step counter (Keras has none)', async () => {
    const load = async (name: string) =>
      (await tf.loadLayersModel(`file://${join(casesDir, 'keras-in', name, 'model.json')}`)).getLayer(
        'norm',
      ) as BatchRenormalization;
    const clipped = await load('batch-renorm-clipped');
    assert.deepEqual(clipped.clipping, { rMax: 2, rMin: 0.5, dMax: 1.5 });
    assert.equal(clipped.momentum, 0.8);
    assert.equal(clipped.renormMomentum, 0.9);
    assert.equal(clipped.countSteps, false);
    assert.equal(clipped.weights.length, 7);
    const unclipped = await load('batch-renorm-unclipped-axis1');
    assert.deepEqual(unclipped.clipping, { rMax: null, rMin: null, dMax: null });
    assert.equal(unclipped.axis, 1);
    assert.equal(unclipped.affine.epsilon, 1e-5);
    const rmaxOnly = await load('batch-renorm-rmax-only');
    assert.deepEqual(rmaxOnly.clipping, { rMax: 1.5, rMin: null, dMax: null });
    assert.equal(rmaxOnly.affine.center, false);
    for (const layer of [clipped, unclipped, rmaxOnly]) layer.dispose();
  });
});

describe('Keras models out, through tensorflowjs_converter --output_format=keras', () => {
  for (const [name, spec] of Object.entries(EXPORTS)) {
    it(`${name}: tf_keras loads it and predicts what normlab predicts`, () => {
      const result = JSON.parse(readFileSync(join(casesDir, 'keras-out', `${name}.json`), 'utf8'));
      assert.equal(result.error, undefined, result.error);
      const layers = (result.layers as { class_name: string }[]).filter((l) => l.class_name !== 'InputLayer');
      assert.deepEqual(
        layers.map((l) => l.class_name),
        spec.kerasClasses,
      );
      spec.check?.(layers as Parameters<NonNullable<ExportCase['check']>>[0]);
      const diff = maxAbsDiff(result.y, predicted.get(name) as Float32Array);
      assert.ok(diff <= TOLERANCE, `${name}: max |tf_keras − normlab| = ${diff}`);
      console.log(`keras out ${name}: max abs difference ${diff.toExponential(1)}`);
    });
  }

  it('refuses RMS norm, naming the layer and what to do', async () => {
    const model = tf.sequential({
      layers: [new RMSNormalization({ inputShape: [4], axis: -1, name: 'rms' })],
    });
    await assert.rejects(
      saveForKeras(
        model,
        tf.io.withSaveHandler(async () => ({
          modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' },
        })),
      ),
      /layer 'rms' \(normlab>RMSNormalization\).*tf_keras.*has no RMS normalization layer.*LayerNormalization/s,
    );
    model.dispose();
  });
});
