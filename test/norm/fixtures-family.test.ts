/**
 * The grown family against golden fixtures (written by scripts/fixtures/generate.py, cases in
 * scripts/fixtures/family.py):
 * - RMSNormalization against Keras 3 `RMSNormalization` and PyTorch `nn.RMSNorm` (rms.json);
 * - BatchRenormalization against TensorFlow's Keras 2 `BatchNormalization(renorm=True)`
 *   (renorm.json): training and inference outputs and gradients of a fresh layer, then every
 *   training step's output on [x, ...steps.inputs], the five statistics after them (normlab's
 *   clipping schedule fed to tf_keras as variables) and inference with them;
 * - WeightStandardizedConv2D against PyTorch `F.conv2d` with a standardized kernel
 *   (weight-standardization.json): output and the gradients of the input, kernel and bias;
 * - BatchNormalization called with a mask against Keras 3's (masked-batch.json): statistics over
 *   the unmasked positions, in training, and in the running statistics after steps.
 * Tolerances as for the first four layers: |a − b| ≤ 1e-5 + 1e-5·|b| on forward values and
 * statistics, ≤ 1e-4 + 1e-4·|b| on gradients.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import {
  BatchNormalization,
  BatchRenormalization,
  RMSNormalization,
  WeightStandardizedConv2D,
} from '../../lib/norm/index';
import {
  checkStages,
  type FixtureTensor,
  FORWARD_TOL,
  GRAD_TOL,
  type Mismatch,
  stage,
  toTensor,
  versionsOf,
  worst,
} from '../fixtures/norm/golden';
import { useNativeBackend } from '../helpers/backend';

useNativeBackend();

/** One case of a family file: the common fields; the rest is read per family. */
interface FamilyCase {
  id: string;
  framework: string;
  kind: 'rms' | 'batch-renorm' | 'ws-conv2d' | 'masked-batch';
  layer: string;
  config: Record<string, unknown>;
  x: FixtureTensor;
  dy: FixtureTensor;
  /** masked-batch: the mask of x (1 = kept), the input's shape without the channel axis. */
  mask?: FixtureTensor;
  weights: Record<string, FixtureTensor>;
  train: Record<string, FixtureTensor>;
  infer?: Record<string, FixtureTensor>;
  steps?: {
    inputs: FixtureTensor[];
    masks?: FixtureTensor[];
    stepsY?: FixtureTensor[];
    movingMean: FixtureTensor;
    movingVariance: FixtureTensor;
    movingStddev?: FixtureTensor;
    renormMean?: FixtureTensor;
    renormStddev?: FixtureTensor;
    inferY: FixtureTensor;
  };
}

function load(name: string): { versions: Record<string, string>; cases: FamilyCase[] } {
  return JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'norm', `${name}.json`), 'utf8'));
}

/** The normlab layer a case stands for. */
function makeLayer(c: FamilyCase): tf.layers.Layer {
  const k = c.config as Record<string, never>;
  switch (c.kind) {
    case 'rms':
      return new RMSNormalization({
        axis: k.axis,
        epsilon: k.epsilon,
        scale: k.scale,
        convention: k.convention,
      });
    case 'batch-renorm':
      return new BatchRenormalization({
        axis: k.axis,
        epsilon: k.epsilon,
        momentum: k.momentum,
        renormMomentum: k.renormMomentum,
        rMax: k.rMax,
        rMin: k.rMin,
        dMax: k.dMax,
        warmupSteps: k.warmupSteps,
        rampSteps: k.rampSteps,
        center: k.center,
        scale: k.scale,
        convention: k.convention,
      });
    case 'masked-batch':
      return new BatchNormalization({
        epsilon: k.epsilon,
        momentum: k.momentum,
        center: k.center,
        scale: k.scale,
        convention: k.convention,
      });
    case 'ws-conv2d':
      return new WeightStandardizedConv2D({
        filters: k.filters,
        kernelSize: k.kernelSize,
        strides: k.strides,
        padding: k.padding,
        useBias: k.useBias,
        epsilon: k.epsilon,
      });
  }
}

/** Fixture weight key → the layer's weight name. */
const WEIGHT_NAMES: Record<string, string> = {
  gamma: 'gamma',
  beta: 'beta',
  movingMean: 'moving_mean',
  movingVariance: 'moving_variance',
  movingStddev: 'moving_stddev',
  renormMean: 'renorm_mean',
  renormStddev: 'renorm_stddev',
  kernel: 'kernel',
  bias: 'bias',
};

function shortName(w: tf.LayerVariable): string {
  return w.originalName.split('/').pop() ?? w.originalName;
}

/** A built layer holding the case's weights (by name; weights the fixture lacks keep their initial value). */
function layerWithWeights(c: FamilyCase): tf.layers.Layer {
  const layer = makeLayer(c);
  layer.build(c.x.shape);
  const byName = new Map(Object.entries(c.weights).map(([k, t]) => [WEIGHT_NAMES[k], t]));
  for (const w of layer.weights) {
    const t = byName.get(shortName(w));
    if (t) {
      const value = toTensor(t);
      w.write(value);
      value.dispose();
    }
  }
  const missing = [...byName.keys()].filter((n) => !layer.weights.some((w) => shortName(w) === n));
  assert.deepEqual(missing, [], `${c.id}: the layer has no weight for fixture weights ${missing}`);
  return layer;
}

/** Forward output and gradients of sum(y · dy) w.r.t. x and every trainable weight, as arrays. */
function forwardAndGrads(c: FamilyCase, training: boolean): Record<string, Float32Array> {
  const layer = layerWithWeights(c);
  const x0 = toTensor(c.x);
  const x = tf.variable(x0, true);
  x0.dispose();
  const dy = toTensor(c.dy);
  const mask = c.mask ? tf.tidy(() => tf.cast(toTensor(c.mask as FixtureTensor), 'bool')) : undefined;
  try {
    const params = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    let y: tf.Tensor | undefined;
    const { value, grads } = tf.variableGrads(() => {
      const out = layer.apply(x, mask ? { training, mask } : { training }) as tf.Tensor;
      y = tf.keep(out.clone());
      return tf.sum(tf.mul(out, dy)) as tf.Scalar;
    }, [x, ...params]);
    const out: Record<string, Float32Array> = {
      y: (y as tf.Tensor).dataSync() as Float32Array,
      dx: grads[x.name].dataSync() as Float32Array,
    };
    for (const [i, w] of layer.trainableWeights.entries()) {
      out[`d${shortName(w)}`] = grads[params[i].name].dataSync() as Float32Array;
    }
    tf.dispose([value, y as tf.Tensor, ...Object.values(grads)]);
    return out;
  } finally {
    tf.dispose([x, dy]);
    if (mask) mask.dispose();
    for (const w of layer.weights) w.dispose();
  }
}

function compareMode(
  prefix: string,
  got: Record<string, Float32Array>,
  want: Record<string, FixtureTensor>,
): Mismatch[] {
  const out: Mismatch[] = [];
  for (const [key, t] of Object.entries(want)) {
    out.push(worst(`${prefix}.${key}`, got[key], t, key === 'y' ? FORWARD_TOL : GRAD_TOL));
  }
  const extra = Object.keys(got).filter((k) => !(k in want));
  assert.deepEqual(extra, [], `${prefix}: normlab has gradients the framework has not: ${extra}`);
  return out;
}

/**
 * Batch renorm and masked batch norm: training steps on [x, ...inputs] (with their masks), every
 * step's output where the fixture has it, the statistics after the steps, inference with them.
 */
function runSteps(c: FamilyCase): Mismatch[] {
  const steps = c.steps!;
  const layer = layerWithWeights(c);
  try {
    const out: Mismatch[] = [];
    const masks = c.mask ? [c.mask, ...(steps.masks ?? [])] : [];
    [c.x, ...steps.inputs].forEach((b, i) => {
      const y = tf.tidy(() => {
        const kwargs = masks[i]
          ? { training: true, mask: tf.cast(toTensor(masks[i]), 'bool') }
          : { training: true };
        return (layer.apply(toTensor(b), kwargs) as tf.Tensor).dataSync() as Float32Array;
      });
      if (steps.stepsY) out.push(worst(`steps.y[${i}]`, y, steps.stepsY[i], FORWARD_TOL));
    });
    const value = (name: string): Float32Array =>
      layer.weights
        .find((w) => shortName(w) === name)!
        .read()
        .dataSync() as Float32Array;
    for (const key of [
      'movingMean',
      'movingVariance',
      'movingStddev',
      'renormMean',
      'renormStddev',
    ] as const) {
      const want = steps[key];
      if (want) out.push(worst(`steps.${key}`, value(WEIGHT_NAMES[key]), want, FORWARD_TOL));
    }
    const inferY = tf.tidy(() => (layer.apply(toTensor(c.x), { training: false }) as tf.Tensor).dataSync());
    out.push(worst('steps.inferY', inferY as Float32Array, steps.inferY, FORWARD_TOL));
    return out;
  } finally {
    for (const w of layer.weights) w.dispose();
  }
}

function checkCase(c: FamilyCase): string {
  return checkStages(c.id, `${c.id} (${c.layer}) differs from the fixture`, (problems) => {
    const results: Mismatch[] = [
      ...stage('train', problems, () => compareMode('train', forwardAndGrads(c, true), c.train)),
      ...stage('infer', problems, () => compareMode('infer', forwardAndGrads(c, false), c.infer ?? c.train)),
    ];
    if (c.steps) results.push(...stage('steps', problems, () => runSteps(c)));
    return results;
  });
}

for (const name of ['rms', 'renorm', 'weight-standardization', 'masked-batch']) {
  const file = load(name);
  describe(`golden ${name} fixtures (${versionsOf(file)})`, () => {
    test('the file covers what it should', () => {
      assert.ok(file.cases.length >= 3, `${file.cases.length} cases`);
      if (name === 'rms') {
        assert.deepEqual([...new Set(file.cases.map((c) => c.framework))].sort(), ['keras', 'pytorch']);
        assert.ok(
          file.cases.some((c) => c.id.includes('near-zero')),
          'a case where ε matters',
        );
      }
      if (name === 'renorm') {
        assert.ok(
          file.cases.some((c) => c.config.rMax === null),
          'an unclipped case',
        );
        assert.ok(
          file.cases.some((c) => (c.config.rampSteps as number) > 0),
          'a scheduled case',
        );
        assert.ok(
          file.cases.every((c) => c.steps?.stepsY && c.steps.stepsY.length === c.steps.inputs.length + 1),
        );
      }
      if (name === 'masked-batch') {
        assert.ok(
          file.cases.every((c) => c.mask && c.mask.data.some((v) => v === 0)),
          'masked positions',
        );
        assert.ok(
          file.cases.some((c) => c.x.shape.length === 4),
          'an image case',
        );
      }
      if (name === 'weight-standardization') {
        assert.ok(file.cases.some((c) => c.config.useBias === false));
        assert.ok(file.cases.some((c) => c.config.strides !== 1));
      }
    });
    for (const c of file.cases) {
      test(c.id, (t) => {
        t.diagnostic(checkCase(c));
      });
    }
  });
}
