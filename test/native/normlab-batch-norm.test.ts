/**
 * normlab's batch-norm kernels (NormlabBatchNorm, NormlabBatchNormGrad; native/kernels,
 * lib/native/normlab-batch-norm.ts) and TensorFlow's fused ones behind the same contract
 * (`nativeBatchNormTraining`): outputs, the batch and running statistics and the gradients
 * w.r.t. x, γ and β against a float64 reference computed here, with and without the fused ReLU,
 * ranks 2 to 4, channel counts that do not fill a vector (17, 5), one row; which ops run (counted)
 * under each choice, the environment variable and NORMLAB_NATIVE_KERNELS=0 (child processes);
 * the same bits at 1 and 2 threads on a tensor split into several tasks, and close numbers on every
 * instruction set (child processes); the op's input checks; a NaN through the fused ReLU (kept, as
 * TensorFlow's kernels keep it); no tensor left behind; the
 * second-order rules (portable ops inside nested tapes, an error when a native gradient is asked
 * for a further one).
 *
 * Tolerances, the fixtures' (test/fixtures/norm/golden.ts): |a − b| ≤ 1e-5 + 1e-5·|b| on values and
 * statistics, 1e-4 + 1e-4·|b| on gradients.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { nativeBatchNormTraining } from '../../lib/native/fused-batch-norm';
import { normKernelsRegistered } from '../../lib/native/norm-kernels';
import { normKernelsStatus } from '../../lib/native/norm-kernels-module';
import {
  type BatchNormKernel,
  batchNormKernel,
  overrideBatchNormKernel,
} from '../../lib/native/normlab-batch-norm';
import { setNativeKernels, tensorflowOps } from '../../lib/native/tensorflow-ops';
import { BatchNormalization } from '../../lib/norm/index';
import { useNativeBackend } from '../helpers/backend';
import { opsRun } from '../helpers/ops-run';
import { rng } from '../helpers/random';

useNativeBackend();
// These tests are about the compiled kernels, so they switch them on whatever
// NORMLAB_NATIVE_KERNELS says; its effect is checked in the child processes below, which take the
// kernel choices from the test alone.
setNativeKernels(true);

/** Why normlab's batch-norm kernels cannot run here, or undefined when they can. */
function unavailable(): string | undefined {
  if (tf.getBackend() !== 'tensorflow') return 'not on tfjs-node';
  const { module, reason } = normKernelsStatus();
  if (!module) return `normlab's kernels are not built here: ${reason}`;
  if (!normKernelsRegistered('NormlabBatchNorm')) return 'the loaded module predates the batch-norm ops';
  const ops = tensorflowOps();
  // Asked by name, so that NORMLAB_BATCH_NORM_KERNEL=tensorflow in the environment skips nothing.
  overrideBatchNormKernel('normlab');
  const runs = ops !== null && batchNormKernel(ops) === 'normlab';
  overrideBatchNormKernel(null);
  return runs ? undefined : 'the batch-norm kernels failed their probe';
}

/** `n` deterministic values, uniform with unit variance, times `scale` plus `shift`. */
function values(n: number, seed: number, scale = 1, shift = 0): Float32Array {
  const next = rng(seed);
  return Float32Array.from({ length: n }, () => shift + scale * (next() * 2 - 1) * Math.sqrt(3));
}

/** What the contract gives for one case: forward values, statistics, gradients. */
interface Result {
  y: Float32Array;
  runningMean: Float32Array;
  unbiasedRunningVariance: Float32Array;
  batchVariance: Float32Array;
  biasedRunningVariance: Float32Array | null;
  dx: Float32Array;
  dGamma: Float32Array;
  dBeta: Float32Array;
}

interface Inputs {
  shape: number[];
  x: Float32Array;
  gamma: Float32Array;
  beta: Float32Array;
  mean: Float32Array;
  variance: Float32Array;
  dy: Float32Array;
  epsilon: number;
  decay: number;
  relu: boolean;
}

function inputs(shape: number[], relu: boolean, seed: number): Inputs {
  const size = shape.reduce((a, b) => a * b, 1);
  const c = shape[shape.length - 1];
  return {
    shape,
    x: values(size, seed, 2, 0.5),
    gamma: values(c, seed + 1, 0.3, 1),
    beta: values(c, seed + 2, 0.5),
    mean: values(c, seed + 3),
    variance: values(c, seed + 4, 0.2, 1),
    dy: values(size, seed + 5),
    epsilon: 1e-5,
    decay: 0.7,
    relu,
  };
}

/** The contract's numbers in float64, straight from the formulas. */
function reference(p: Inputs): Result {
  const c = p.shape[p.shape.length - 1];
  const n = p.x.length / c;
  const mean = new Float64Array(c);
  const variance = new Float64Array(c);
  for (let i = 0; i < p.x.length; i++) mean[i % c] += p.x[i] / n;
  for (let i = 0; i < p.x.length; i++) variance[i % c] += (p.x[i] - mean[i % c]) ** 2 / n;
  const r = Array.from(variance, (v) => 1 / Math.sqrt(v + p.epsilon));
  const xhat = Float64Array.from(p.x, (v, i) => (v - mean[i % c]) * r[i % c]);
  const z = xhat.map((v, i) => v * p.gamma[i % c] + p.beta[i % c]);
  const d = Float64Array.from(p.dy, (v, i) => (p.relu && z[i] <= 0 ? 0 : v));
  const dBeta = new Float64Array(c);
  const dGamma = new Float64Array(c);
  for (let i = 0; i < d.length; i++) {
    dBeta[i % c] += d[i];
    dGamma[i % c] += d[i] * xhat[i];
  }
  const dx = d.map(
    (v, i) => r[i % c] * p.gamma[i % c] * (v - dBeta[i % c] / n - (xhat[i] * dGamma[i % c]) / n),
  );
  const blend = (old: Float32Array, batch: Float64Array, times = 1) =>
    Float32Array.from(old, (v, k) => p.decay * v + (1 - p.decay) * batch[k] * times);
  return {
    y: Float32Array.from(z, (v) => (p.relu ? Math.max(v, 0) : v)),
    runningMean: blend(p.mean, mean),
    unbiasedRunningVariance: blend(p.variance, variance, n > 1 ? n / (n - 1) : 1),
    batchVariance: Float32Array.from(variance),
    biasedRunningVariance: blend(p.variance, variance),
    dx: Float32Array.from(dx),
    dGamma: Float32Array.from(dGamma),
    dBeta: Float32Array.from(dBeta),
  };
}

/** The contract on the native path (the kernel chosen beforehand); null when it does not apply. */
function native(p: Inputs): Result | null {
  const c = p.shape[p.shape.length - 1];
  const x = tf.tensor(p.x, p.shape);
  const dy = tf.tensor(p.dy, p.shape);
  const gamma = tf.tensor1d(p.gamma);
  const beta = tf.tensor1d(p.beta);
  const running = { mean: tf.tensor1d(p.mean), variance: tf.tensor1d(p.variance) };
  const activation = p.relu ? 'relu' : 'linear';
  const run = () => nativeBatchNormTraining(x, gamma, beta, p.epsilon, -1, running, p.decay, activation);
  try {
    const result = run();
    if (!result) return null;
    const read = (t: tf.Tensor) => t.dataSync() as Float32Array;
    const out = {
      y: read(result.output),
      runningMean: read(result.runningMean),
      unbiasedRunningVariance: read(result.unbiasedRunningVariance),
      batchVariance: read(result.batchVariance),
      biasedRunningVariance: result.biasedRunningVariance ? read(result.biasedRunningVariance) : null,
    };
    tf.dispose([result.output, result.runningMean, result.unbiasedRunningVariance, result.batchVariance]);
    result.biasedRunningVariance?.dispose();
    const grads = tf.grads((xs: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
      const r = nativeBatchNormTraining(xs, g, b, p.epsilon, -1, running, p.decay, activation);
      if (!r) throw new Error('the native path stopped applying');
      return tf.sum(tf.mul(r.output, dy));
    })([x, gamma, beta]);
    const [dx, dGamma, dBeta] = grads.map(read);
    assert.deepEqual(grads[1].shape, [c]);
    tf.dispose(grads);
    return { ...out, dx, dGamma, dBeta };
  } finally {
    tf.dispose([x, dy, gamma, beta, running.mean, running.variance]);
  }
}

/** |a − b| ≤ tol·(1 + |b|) everywhere; the message names the worst entry. */
function assertClose(got: Float32Array, want: Float32Array, tol: number, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i] - want[i]) / (1 + Math.abs(want[i]));
    if (!(err <= worst)) {
      worst = Number.isNaN(err) ? Number.POSITIVE_INFINITY : err;
      at = i;
    }
  }
  assert.ok(worst <= tol, `${what}: [${at}] got ${got[at]}, want ${want[at]} (relative error ${worst})`);
}

const SHAPES: number[][] = [
  [1, 5], // one row: x̂ = 0, y = β, ∂x = 0
  [3, 17],
  [16, 7],
  [2, 9, 6],
  [2, 3, 4, 17],
  [5, 2, 3, 8],
  [4, 14, 14, 33], // several tasks (about 32k values each)
];

const CHOICES: BatchNormKernel[] = ['normlab', 'tensorflow'];

describe('batch norm training kernels against a float64 reference', () => {
  after(() => {
    overrideBatchNormKernel(null);
    setNativeKernels(true);
  });
  for (const kernel of CHOICES) {
    for (const [i, shape] of SHAPES.entries()) {
      for (const relu of [false, true]) {
        it(`${kernel}, [${shape}], ${relu ? 'relu' : 'linear'}: outputs, statistics, gradients`, (t) => {
          const why = kernel === 'normlab' ? unavailable() : undefined;
          if (why) return t.skip(why);
          overrideBatchNormKernel(kernel);
          const p = inputs(shape, relu, 10 * i + (relu ? 5 : 0));
          const before = tf.memory().numTensors;
          let got: Result | null = null;
          const ran = opsRun(() => {
            got = native(p);
          });
          assert.equal(tf.memory().numTensors, before, 'tensors left behind');
          const result = got as Result | null;
          if (!result) throw new Error('the native path did not apply');
          const want = reference(p);
          if (kernel === 'normlab') {
            // One op each way (the second forward is the gradient's), no ReLU op.
            assert.deepEqual(
              ran.filter((n) => n.startsWith('Normlab')),
              ['NormlabBatchNorm', 'NormlabBatchNorm', 'NormlabBatchNormGrad'],
            );
            assert.ok(!ran.some((n) => /Relu|FusedBatchNorm/.test(n)), `ops run: ${ran.join(', ')}`);
            assert.ok(result.biasedRunningVariance, 'the biased blend');
            assertClose(
              result.biasedRunningVariance,
              want.biasedRunningVariance as Float32Array,
              1e-5,
              'biased',
            );
          } else {
            assert.ok(!ran.some((n) => n.startsWith('Normlab')), `ops run: ${ran.join(', ')}`);
            assert.ok(ran.includes('FusedBatchNormGradV3'), `ops run: ${ran.join(', ')}`);
          }
          assertClose(result.y, want.y, 1e-5, 'output');
          if (relu) assert.ok(result.y.every((v) => v >= 0));
          assertClose(result.runningMean, want.runningMean, 1e-5, 'running mean');
          assertClose(result.unbiasedRunningVariance, want.unbiasedRunningVariance, 1e-5, 'running variance');
          assertClose(result.batchVariance, want.batchVariance, 1e-5, 'batch variance');
          assertClose(result.dx, want.dx, 1e-4, '∂x');
          assertClose(result.dGamma, want.dGamma, 1e-4, '∂γ');
          assertClose(result.dBeta, want.dBeta, 1e-4, '∂β');
          if (shape[0] === 1) {
            assert.ok(result.dx.every((v) => v === 0) && result.y.every((v, k) => v === want.y[k]));
          }
        });
      }
    }
  }

  it('the reference is sharp enough to fail: a wrong ε shows', (t) => {
    const why = unavailable();
    if (why) return t.skip(why);
    overrideBatchNormKernel('normlab');
    const p = inputs([16, 7], false, 77);
    const got = native({ ...p, epsilon: 1e-2 }) as Result;
    assert.throws(() => assertClose(got.y, reference(p).y, 1e-5, 'output'), /output/);
    assert.throws(() => assertClose(got.dx, reference(p).dx, 1e-4, '∂x'), /∂x/);
  });
});

/**
 * A script that trains one batch-norm step in a child process and prints what it computed: a hash
 * of each result's bytes (for bit-for-bit comparisons) and every 7th value (for close ones).
 */
const CHILD = `
  const { createHash } = require('node:crypto');
  const tf = require('@tensorflow/tfjs');
  const { initBackend } = require('./lib/backend');
  const { opsRun } = require('./test/helpers/ops-run');
  const { normKernelsStatus } = require('./lib/native/norm-kernels-module');
  const { BatchNormalization } = require('./lib/norm/index');
  initBackend().then(() => {
    const layer = new BatchNormalization({ convention: 'pytorch', momentum: 0.3, activation: 'relu' });
    const shape = [63, 14, 14, 17]; // 12348 rows: 7 tasks of up to 1984 rows
    const x = tf.sin(tf.mul(tf.range(0, 63 * 14 * 14 * 17), 0.37)).mul(2).add(0.3).reshape(shape);
    const dy = tf.cos(tf.mul(tf.range(0, 63 * 14 * 14 * 17), 0.11)).reshape(shape);
    layer.apply(x, { training: true }); // builds the layer, probes the kernels
    const results = {};
    const keep = (name, t) => {
      const v = t.dataSync();
      results[name] = {
        hash: createHash('sha256').update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)).digest('hex'),
        sample: Array.from(v.filter((_, i) => i % 7 === 0)),
        zeros: v.filter((a) => a === 0).length,
      };
    };
    const weights = layer.trainableWeights.map((w) => w.read());
    const ops = opsRun(() => {
      const f = () => {
        const out = layer.apply(x, { training: true });
        keep('y', out);
        return tf.sum(tf.mul(out, dy));
      };
      const r = tf.variableGrads(f, weights);
      weights.forEach((w, i) => keep('d' + i, r.grads[w.name]));
      keep('dx', tf.grad((xs) => tf.sum(tf.mul(layer.apply(xs, { training: true }), dy)))(x));
    });
    layer.getWeights().slice(-2).forEach((w, i) => keep('running' + i, w));
    const m = normKernelsStatus().module;
    console.log(JSON.stringify({ isa: m && m.isa, threads: m && m.threads, ops, results }));
  });`;

interface ChildResult {
  isa: string;
  threads: number;
  ops: string[];
  results: Record<string, { hash: string; sample: number[]; zeros: number }>;
}

function child(env: Record<string, string>): ChildResult {
  // The choices under test come from `env` alone, not from the environment the tests run in.
  const inherited = { ...process.env };
  for (const name of ['NORMLAB_BATCH_NORM_KERNEL', 'NORMLAB_NATIVE_KERNELS']) {
    delete inherited[name];
  }
  const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', CHILD], {
    env: { ...inherited, TF_CPP_MIN_LOG_LEVEL: '3', ...env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out.trim().split('\n').pop() as string) as ChildResult;
}

describe('normlab batch norm in child processes', () => {
  it('the same bits at 1 and 2 threads, on a tensor split into several tasks', (t) => {
    const why = unavailable();
    if (why) return t.skip(why);
    const one = child({ TF_NUM_INTRAOP_THREADS: '1' });
    const two = child({ TF_NUM_INTRAOP_THREADS: '2' });
    assert.equal(one.threads, 1);
    assert.equal(two.threads, 2);
    for (const r of [one, two]) {
      assert.ok(r.ops.includes('NormlabBatchNorm') && r.ops.includes('NormlabBatchNormGrad'), `${r.ops}`);
    }
    const names = ['y', 'd0', 'd1', 'dx', 'running0', 'running1'];
    assert.deepEqual(Object.keys(one.results).sort(), [...names].sort());
    const y = one.results.y;
    assert.ok(y.zeros > 0 && y.sample.some((v) => v > 0), 'the ReLU clamps some outputs, not all');
    for (const name of names) assert.equal(two.results[name].hash, one.results[name].hash, name);
  });

  it('every instruction set this CPU has gives the same numbers to round-off', (t) => {
    const why = unavailable();
    if (why) return t.skip(why);
    const baseline = child({ NORMLAB_KERNEL_ISA: 'baseline', TF_NUM_INTRAOP_THREADS: '1' });
    const chosen = child({ TF_NUM_INTRAOP_THREADS: '1' });
    assert.equal(baseline.isa, 'baseline');
    assert.equal(chosen.isa, normKernelsStatus().module?.isa);
    for (const [name, r] of Object.entries(chosen.results)) {
      const tol = name === 'y' || name.startsWith('running') ? 1e-6 : 1e-5;
      const want = Float32Array.from(baseline.results[name].sample);
      assertClose(Float32Array.from(r.sample), want, tol, `${chosen.isa} ${name}`);
    }
  });

  it('NORMLAB_BATCH_NORM_KERNEL and NORMLAB_NATIVE_KERNELS choose the ops', (t) => {
    const why = unavailable();
    if (why) return t.skip(why);
    const threads = { TF_NUM_INTRAOP_THREADS: '1' };
    const ran = (env: Record<string, string>) => child({ ...threads, ...env }).ops;
    const normlab = ran({ NORMLAB_BATCH_NORM_KERNEL: 'normlab' });
    const tensorflow = ran({ NORMLAB_BATCH_NORM_KERNEL: 'tensorflow' });
    const portable = ran({ NORMLAB_NATIVE_KERNELS: '0' });
    assert.deepEqual(ran({}), normlab, 'normlab by default');
    assert.ok(normlab.includes('NormlabBatchNormGrad') && !normlab.some((n) => /FusedBatchNorm/.test(n)));
    assert.ok(
      tensorflow.includes('FusedBatchNormGradV3') && !tensorflow.some((n) => n.startsWith('Normlab')),
    );
    assert.ok(!portable.some((n) => n.startsWith('Normlab') || /FusedBatchNormV3|GradV3|_Mkl/.test(n)));
    assert.throws(
      () => child({ ...threads, NORMLAB_BATCH_NORM_KERNEL: 'onednn' }),
      /NORMLAB_BATCH_NORM_KERNEL is 'onednn'; it takes 'normlab' or 'tensorflow'/,
    );
  });
});

describe('normlab batch norm: checks, memory, second order', () => {
  after(() => {
    overrideBatchNormKernel(null);
    setNativeKernels(true);
  });

  it('the op refuses input it cannot take, with a message', (t) => {
    const why = unavailable();
    if (why) return t.skip(why);
    const ops = tensorflowOps();
    if (!ops) throw new Error('no native ops');
    const attrs = [
      ops.float('epsilon', 1e-3),
      ops.float('exponential_avg_factor', 0.1),
      ops.bool('relu', false),
    ];
    const c = (n: number) => tf.ones([n]);
    tf.tidy(() => {
      assert.throws(
        () => ops.run('NormlabBatchNorm', attrs, [tf.ones([4]), c(4), c(4), c(4), c(4)], 7),
        /rank >= 2/,
      );
      assert.throws(
        () => ops.run('NormlabBatchNorm', attrs, [tf.ones([2, 4]), c(3), c(4), c(4), c(4)], 7),
        /gamma must hold one value per channel/,
      );
      assert.throws(
        () => ops.run('NormlabBatchNorm', attrs, [tf.ones([2, 4]), c(4), c(4), c(4), c(5)], 7),
        /running_variance/,
      );
    });
  });

  it("a NaN goes through the fused ReLU as through TensorFlow's kernels, not as 0", (t) => {
    const why = unavailable();
    if (why) return t.skip(why);
    // Channel 0 holds a NaN (its statistics and outputs are NaN), channel 1 is finite.
    const x = tf.tensor2d([1, 2, Number.NaN, 3, 5, -1, 2, 0], [4, 2]);
    const running = { mean: tf.zeros([2]), variance: tf.ones([2]) };
    const gamma = tf.ones([2]);
    const beta = tf.zeros([2]);
    const run = (kernel: BatchNormKernel) => {
      overrideBatchNormKernel(kernel);
      return tf.tidy(() => {
        const f = (xs: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
          const r = nativeBatchNormTraining(xs, g, b, 1e-3, -1, running, 0.9, 'relu');
          if (!r) throw new Error('the native path did not apply');
          return r.output;
        };
        const y = Array.from(f(x, gamma, beta).dataSync());
        const grads = tf.grads((xs: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(f(xs, g, b)))([
          x,
          gamma,
          beta,
        ]);
        return [y, ...grads.map((g) => Array.from(g.dataSync()))];
      });
    };
    const normlab = run('normlab');
    const tensorflow = run('tensorflow');
    assert.ok(Number.isNaN(normlab[0][0]) && normlab[0][1] > 0, `y ${normlab[0]}`);
    ['y', '∂x', '∂γ', '∂β'].forEach((name, i) => {
      assert.deepEqual(
        normlab[i].map(Number.isNaN),
        tensorflow[i].map(Number.isNaN),
        `${name}: NaN where TensorFlow's has NaN (normlab ${normlab[i]}, TensorFlow ${tensorflow[i]})`,
      );
      const finite = (v: number[]) => v.map((a) => (Number.isNaN(a) ? 0 : a));
      assertClose(
        Float32Array.from(finite(normlab[i])),
        Float32Array.from(finite(tensorflow[i])),
        1e-4,
        name,
      );
    });
    tf.dispose([x, gamma, beta, running.mean, running.variance]);
  });

  it('a hundred training steps of a model leave no tensor behind', (t) => {
    const why = unavailable();
    if (why) return t.skip(why);
    overrideBatchNormKernel('normlab');
    const layer = new BatchNormalization({ activation: 'relu' });
    const x = tf.randomNormal([8, 3, 3, 17], 0, 1, 'float32', 3);
    tf.dispose(layer.apply(x, { training: true }) as tf.Tensor); // builds it
    const step = () => {
      const weights = layer.trainableWeights.map((w) => w.read() as tf.Variable);
      const { value, grads } = tf.variableGrads(
        () => tf.sum(tf.square(layer.apply(x, { training: true }) as tf.Tensor)),
        weights,
      );
      tf.dispose([value, ...Object.values(grads)]);
    };
    step();
    const before = tf.memory().numTensors;
    const ran = opsRun(() => {
      for (let i = 0; i < 100; i++) step();
    });
    assert.equal(tf.memory().numTensors, before);
    assert.equal(ran.filter((n) => n === 'NormlabBatchNormGrad').length, 100);
    x.dispose();
    for (const w of layer.weights) w.dispose();
  });

  it('inside nested tapes the portable ops run; a native gradient asked for another throws', (t) => {
    const why = unavailable();
    if (why) return t.skip(why);
    overrideBatchNormKernel('normlab');
    const layer = new BatchNormalization({});
    const x = tf.randomNormal([6, 4], 0, 1, 'float32', 5);
    tf.dispose(layer.apply(x, { training: true }) as tf.Tensor);
    // A gradient penalty: the batch norm runs inside the inner gradient's function.
    const nested = opsRun(() =>
      tf.dispose(
        tf.grad((xo: tf.Tensor) =>
          tf.sum(
            tf.square(
              tf.grad((xi: tf.Tensor) => tf.sum(tf.square(layer.apply(xi, { training: true }) as tf.Tensor)))(
                xo,
              ),
            ),
          ),
        )(x),
      ),
    );
    assert.ok(!nested.some((n) => n.startsWith('Normlab')), `ops run: ${nested.join(', ')}`);
    // A value computed before the inner function ran: the native op did not know to step aside.
    assert.throws(
      () =>
        tf.grad((xi: tf.Tensor) => {
          const y = layer.apply(xi, { training: true }) as tf.Tensor;
          return tf.sum(tf.grad((z: tf.Tensor) => tf.sum(tf.mul(z, y)))(xi));
        })(x),
      /batch norm: its gradient runs on a native kernel and cannot be differentiated again/,
    );
    x.dispose();
    for (const w of layer.weights) w.dispose();
  });
});
