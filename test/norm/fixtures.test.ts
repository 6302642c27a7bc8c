/**
 * normlab's layers against golden fixtures from Keras 3 and PyTorch (test/fixtures/norm/*.json,
 * written by scripts/fixtures/generate.py; regenerate with
 * `bash scripts/fixtures/setup-ref-venv.sh && .venv-ref/bin/python scripts/fixtures/generate.py`).
 *
 * For every case: the matching normlab layer with the same config and weights, then
 * - training mode: output, and the gradients of L = sum(y · dy) w.r.t. the input, γ and β;
 * - inference mode: the same (batch norm with the running statistics set in the fixture);
 * - batch norm: the running statistics after training steps on [x, ...steps.inputs] with a fresh
 *   layer, and the inference output on x with them.
 * Tolerances (issue 4): |a − b| ≤ 1e-5 + 1e-5·|b| on forward values and running statistics,
 * ≤ 1e-4 + 1e-4·|b| on gradients. A failure lists the worst error of every quantity of the case.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import {
  BatchNormalization,
  GroupNormalization,
  InstanceNormalization,
  LayerNormalization,
} from '../../lib/norm/index';
import {
  checkStages,
  type FixtureCase,
  type FixtureTensor,
  FORWARD_TOL,
  GRAD_TOL,
  loadFixtures,
  type Mismatch,
  type ModeResult,
  stage,
  toTensor,
  versionsOf,
  worst,
} from '../fixtures/norm/golden';
import { useNativeBackend } from '../helpers/backend';
import { describeOnKernelPaths } from '../helpers/kernel-paths';

useNativeBackend();

/** The normlab layer a case stands for, with the case's config. */
function makeLayer(c: FixtureCase): tf.layers.Layer {
  const { axis, epsilon, center, scale, convention, momentum, groups } = c.config;
  const common = { epsilon, center, scale, convention };
  switch (c.kind) {
    case 'batch':
      return new BatchNormalization({ ...common, axis: axis as number, momentum });
    case 'layer':
      return new LayerNormalization({ ...common, axis });
    case 'group':
      return new GroupNormalization({ ...common, axis: axis as number, groups });
    case 'instance':
      // Keras' GroupNormalization(groups=channels) and PyTorch's InstanceNorm2d: one group per channel.
      return new InstanceNormalization({ ...common, axis: axis as number });
  }
}

/** A built layer holding the case's initial weights, in setWeights order. */
function layerWithWeights(c: FixtureCase): tf.layers.Layer {
  const layer = makeLayer(c);
  layer.build(c.x.shape);
  const w = c.weights;
  const order = [w.gamma, w.beta, w.movingMean, w.movingVariance].filter(
    (t): t is FixtureTensor => t !== undefined,
  );
  const values = order.map(toTensor);
  layer.setWeights(values);
  tf.dispose(values);
  return layer;
}

/**
 * Free a layer's weights. (tfjs' `Layer.dispose()` refuses layers that were only applied to
 * concrete tensors, never to a symbolic model input.)
 */
function disposeWeights(layer: tf.layers.Layer): void {
  for (const w of layer.weights) w.dispose();
}

/** The γ and β variables of a layer, found by weight name. */
function affineVariables(layer: tf.layers.Layer): { gamma?: tf.Variable; beta?: tf.Variable } {
  const find = (name: string): tf.Variable | undefined => {
    const w = layer.weights.find((v) => v.originalName.split('/').pop() === name);
    return w ? (w.read() as tf.Variable) : undefined;
  };
  return { gamma: find('gamma'), beta: find('beta') };
}

/** Forward output and gradients of sum(y · dy) in one mode, as plain arrays. */
function forwardAndGrads(c: FixtureCase, training: boolean): Record<string, Float32Array> {
  const layer = layerWithWeights(c);
  const x0 = toTensor(c.x);
  const x = tf.variable(x0, true);
  const dy = toTensor(c.dy);
  const kept: tf.Tensor[] = [x0, x, dy];
  try {
    const { gamma, beta } = affineVariables(layer);
    const vars = [x, gamma, beta].filter((v): v is tf.Variable => v !== undefined);
    let y: tf.Tensor | undefined;
    const { value, grads } = tf.variableGrads(() => {
      const out = layer.apply(x, { training }) as tf.Tensor;
      y = tf.keep(out.clone());
      return tf.sum(tf.mul(out, dy)) as tf.Scalar;
    }, vars);
    kept.push(value, ...Object.values(grads));
    if (y) kept.push(y);
    const result: Record<string, Float32Array> = {
      y: (y as tf.Tensor).dataSync() as Float32Array,
      dx: grads[x.name].dataSync() as Float32Array,
    };
    if (gamma) result.dgamma = grads[gamma.name].dataSync() as Float32Array;
    if (beta) result.dbeta = grads[beta.name].dataSync() as Float32Array;
    return result;
  } finally {
    tf.dispose(kept);
    disposeWeights(layer);
  }
}

/** Running statistics after training steps on [x, ...inputs], and inference on x with them. */
function runSteps(c: FixtureCase): Record<string, Float32Array> {
  const layer = layerWithWeights(c);
  try {
    for (const b of [c.x, ...(c.steps?.inputs ?? [])]) {
      tf.tidy(() => {
        layer.apply(toTensor(b), { training: true });
      });
    }
    const weights = layer.getWeights();
    const movingMean = weights[weights.length - 2].dataSync() as Float32Array;
    const movingVariance = weights[weights.length - 1].dataSync() as Float32Array;
    const inferY = tf.tidy(() => (layer.apply(toTensor(c.x), { training: false }) as tf.Tensor).dataSync());
    return { movingMean, movingVariance, inferY: inferY as Float32Array };
  } finally {
    disposeWeights(layer);
  }
}

function compareMode(prefix: string, got: Record<string, Float32Array>, want: ModeResult): Mismatch[] {
  const out = [
    worst(`${prefix}.y`, got.y, want.y, FORWARD_TOL),
    worst(`${prefix}.dx`, got.dx, want.dx, GRAD_TOL),
  ];
  for (const key of ['dgamma', 'dbeta'] as const) {
    const w = want[key];
    if (w) out.push(worst(`${prefix}.${key}`, got[key], w, GRAD_TOL));
    else assert.equal(got[key], undefined, `${prefix}.${key}: normlab has a parameter the framework has not`);
  }
  return out;
}

/** Check one case; returns a one-line summary of its worst errors. */
function checkCase(c: FixtureCase): string {
  return checkStages(c.id, `${c.id} (${c.layer}) differs from the fixture`, (problems) => {
    const results: Mismatch[] = [
      ...stage('train', problems, () => compareMode('train', forwardAndGrads(c, true), c.train)),
      // Layer, group and instance norm compute the same in both modes; the fixture stores it once.
      ...stage('infer', problems, () => compareMode('infer', forwardAndGrads(c, false), c.infer ?? c.train)),
    ];
    if (c.kind === 'batch') {
      const steps = c.steps;
      assert.ok(steps, 'a batch-norm case has running statistics');
      results.push(
        ...stage('steps', problems, () => {
          const s = runSteps(c);
          return [
            worst('steps.movingMean', s.movingMean, steps.movingMean, FORWARD_TOL),
            worst('steps.movingVariance', s.movingVariance, steps.movingVariance, FORWARD_TOL),
            worst('steps.inferY', s.inferY, steps.inferY, FORWARD_TOL),
          ];
        }),
      );
    }
    return results;
  });
}

for (const framework of ['keras', 'pytorch'] as const) {
  const file = loadFixtures(framework);
  describeOnKernelPaths(
    `golden fixtures from ${framework} (${versionsOf(file)})`,
    () => {
      test('the fixture file covers every kind, batch size 2, a zero-variance case and its convention', () => {
        const kinds = new Set(file.cases.map((c) => c.kind));
        assert.deepEqual([...kinds].sort(), ['batch', 'group', 'instance', 'layer']);
        assert.ok(file.cases.some((c) => c.x.shape[0] === 2 && c.kind === 'batch'));
        assert.ok(file.cases.some((c) => c.id.includes('zero-var')));
        assert.ok(file.cases.every((c) => c.config.convention === framework));
      });
      for (const c of file.cases) {
        test(c.id, (t) => {
          t.diagnostic(checkCase(c));
        });
      }
    },
    { batchNormKernels: true },
  );
}
