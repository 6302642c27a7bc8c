/**
 * The step-by-step functions of lib/norm/batch-norm-steps.ts (the algorithm as taught in the notebooks) against
 * the same Keras 3 / PyTorch golden fixtures as the layers (see fixtures.test.ts):
 * - batch norm: `moments` → `normalize` → `scaleShift` for training, gradients by plain autodiff
 *   through those steps (`tf.grads`), `updateRunningStats` over the training batches, and
 *   `normalizeWithRunningStats` for inference before and after them;
 * - layer, group and instance norm: `standardize` / `groupStandardize` (closed-form gradient) then
 *   `scaleShift`.
 * Same tolerances: 1e-5 + 1e-5·|b| forward and running statistics, 1e-4 + 1e-4·|b| gradients.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { broadcastShape, reducedCount } from '../../lib/norm/broadcast';
import {
  groupStandardize,
  moments,
  normalize,
  normalizeWithRunningStats,
  type RunningStats,
  scaleShift,
  standardize,
  updateRunningStats,
} from '../../lib/norm/index';
import {
  checkStages,
  type FixtureCase,
  FORWARD_TOL,
  GRAD_TOL,
  loadFixtures,
  type Mismatch,
  type ModeResult,
  stage,
  toTensor,
  worst,
} from '../fixtures/norm/golden';
import { useNativeBackend } from '../helpers/backend';

useNativeBackend();

/** Non-negative axes of the case: the standardized axes and the axes γ/β span. */
function geometry(c: FixtureCase): { axes: number[]; kept: number[] } {
  const rank = c.x.shape.length;
  const norm = (a: number): number => (a < 0 ? a + rank : a);
  const all = c.x.shape.map((_, i) => i);
  if (c.kind === 'batch') {
    const channel = norm(c.config.axis as number);
    return { axes: all.filter((a) => a !== channel), kept: [channel] };
  }
  if (c.kind === 'layer') {
    const axes = (Array.isArray(c.config.axis) ? c.config.axis : [c.config.axis]).map(norm).sort();
    return { axes, kept: axes };
  }
  return { axes: [], kept: [rank - 1] }; // group / instance: channels last, see groupStandardize
}

/** The case's forward pass from the step functions, for given x, γ, β (training statistics). */
function stepsForward(
  c: FixtureCase,
  x: tf.Tensor,
  gamma: tf.Tensor | null,
  beta: tf.Tensor | null,
): tf.Tensor {
  const { axes, kept } = geometry(c);
  const shape = broadcastShape(x.rank, kept, x.shape);
  const g = gamma ? tf.reshape(gamma, shape) : null;
  const b = beta ? tf.reshape(beta, shape) : null;
  const eps = c.config.epsilon;
  let xhat: tf.Tensor;
  if (c.kind === 'batch') {
    const m = moments(x, axes);
    xhat = normalize(x, m.mean, m.variance, eps);
  } else if (c.kind === 'layer') {
    xhat = standardize(x, axes, eps);
  } else {
    const channels = x.shape[x.rank - 1];
    xhat = groupStandardize(x, c.kind === 'instance' ? channels : (c.config.groups as number), eps);
  }
  return scaleShift(xhat, g, b);
}

/** Output and gradients of sum(y · dy) w.r.t. x, γ, β from the step functions (training mode). */
function trainWithSteps(c: FixtureCase): Record<string, Float32Array> {
  return tf.tidy(() => {
    const x = toTensor(c.x);
    const dy = toTensor(c.dy);
    const gamma = c.weights.gamma ? toTensor(c.weights.gamma) : null;
    const beta = c.weights.beta ? toTensor(c.weights.beta) : null;
    const inputs = [x, gamma, beta].filter((t): t is tf.Tensor => t !== null);
    const f = (...args: tf.Tensor[]): tf.Tensor => {
      const [xs, ...rest] = args;
      const gs = gamma ? rest.shift() : undefined;
      const bs = beta ? rest.shift() : undefined;
      return tf.sum(tf.mul(stepsForward(c, xs, gs ?? null, bs ?? null), dy));
    };
    const grads = tf.grads(f)(inputs);
    const out: Record<string, Float32Array> = {
      y: stepsForward(c, x, gamma, beta).dataSync() as Float32Array,
      dx: grads[0].dataSync() as Float32Array,
    };
    let i = 1;
    if (gamma) out.dgamma = grads[i++].dataSync() as Float32Array;
    if (beta) out.dbeta = grads[i++].dataSync() as Float32Array;
    return out;
  });
}

function compareMode(prefix: string, got: Record<string, Float32Array>, want: ModeResult): Mismatch[] {
  const out = [
    worst(`${prefix}.y`, got.y, want.y, FORWARD_TOL),
    worst(`${prefix}.dx`, got.dx, want.dx, GRAD_TOL),
  ];
  if (want.dgamma) out.push(worst(`${prefix}.dgamma`, got.dgamma, want.dgamma, GRAD_TOL));
  if (want.dbeta) out.push(worst(`${prefix}.dbeta`, got.dbeta, want.dbeta, GRAD_TOL));
  return out;
}

/** Batch norm's inference output (with its gradients) and running statistics, from the steps. */
function batchInferenceAndRunning(c: FixtureCase, problems: string[]): Mismatch[] {
  const steps = c.steps;
  const infer = c.infer;
  assert.ok(steps && infer, 'a batch-norm case has inference results and running statistics');
  const w = c.weights;
  assert.ok(w.movingMean && w.movingVariance);
  const { axes, kept } = geometry(c);
  const axis = kept[0];
  const eps = c.config.epsilon;
  const results: Mismatch[] = [];
  tf.tidy(() => {
    const x = toTensor(c.x);
    const dy = toTensor(c.dy);
    const gamma = w.gamma ? toTensor(w.gamma) : null;
    const beta = w.beta ? toTensor(w.beta) : null;
    let running: RunningStats = { mean: toTensor(w.movingMean!), variance: toTensor(w.movingVariance!) };
    const inferY = normalizeWithRunningStats(x, running, gamma, beta, eps, axis);
    results.push(worst('infer.y', inferY.dataSync() as Float32Array, infer.y, FORWARD_TOL));
    const initial = running;
    results.push(
      ...stage('infer.dx', problems, () => {
        // Inference gradient w.r.t. x: γ/sqrt(σ²_run + ε)·dy (autodiff through the step).
        const dx = tf.grad((v: tf.Tensor) =>
          tf.sum(tf.mul(normalizeWithRunningStats(v, initial, gamma, beta, eps, axis), dy)),
        )(x);
        return [worst('infer.dx', dx.dataSync() as Float32Array, infer.dx, GRAD_TOL)];
      }),
    );
    for (const b of [c.x, ...steps.inputs]) {
      const batch = toTensor(b);
      running = updateRunningStats(running, moments(batch, axes, false), {
        momentum: c.config.momentum as number,
        convention: c.config.convention,
        count: reducedCount(batch.shape, axes),
      });
    }
    results.push(
      worst('steps.movingMean', running.mean.dataSync() as Float32Array, steps.movingMean, FORWARD_TOL),
      worst(
        'steps.movingVariance',
        running.variance.dataSync() as Float32Array,
        steps.movingVariance,
        FORWARD_TOL,
      ),
      worst(
        'steps.inferY',
        normalizeWithRunningStats(x, running, gamma, beta, eps, axis).dataSync() as Float32Array,
        steps.inferY,
        FORWARD_TOL,
      ),
    );
  });
  return results;
}

function checkCase(c: FixtureCase): string {
  return checkStages(c.id, `${c.id} (${c.layer}), step functions, differ from the fixture`, (problems) => {
    const results = stage('train', problems, () => compareMode('train', trainWithSteps(c), c.train));
    if (c.kind === 'batch')
      results.push(...stage('batch', problems, () => batchInferenceAndRunning(c, problems)));
    return results;
  });
}

for (const framework of ['keras', 'pytorch'] as const) {
  const file = loadFixtures(framework);
  describe(`step functions against the ${framework} fixtures`, () => {
    for (const c of file.cases) {
      test(c.id, (t) => {
        t.diagnostic(checkCase(c));
      });
    }
  });
}
