/**
 * The native batch norm (lib/native: in training normlab's NormlabBatchNorm / NormlabBatchNormGrad
 * or TensorFlow's FusedBatchNormV3 / FusedBatchNormGradV3, both tested; in inference
 * FusedBatchNormV3) and the portable path give the same numbers: training output and gradients,
 * the running statistics after two steps under both momentum conventions and both running-variance
 * kinds, inference output and gradients; for 4-D, dense and rank-3 input; with the fused ReLU
 * (`activation: 'relu'`) on normlab's kernel, on oneDNN's and without it. The training kernel the
 * suite names is the one that ran. No tensor is left behind.
 *
 * Tolerance: |a − b| ≤ 2e-5·(1 + |b|) on values and running statistics, 1e-4·(1 + |b|) on
 * gradients (the fixtures' tolerances, doubled for values: both paths are float32 with different
 * summation orders, and neither is the reference).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { overrideFusedRelu } from '../../lib/native/fused-batch-norm';
import { normKernelsRegistered } from '../../lib/native/norm-kernels';
import { type BatchNormKernel, overrideBatchNormKernel } from '../../lib/native/normlab-batch-norm';
import { nativeKernelsActive, setNativeKernels } from '../../lib/native/tensorflow-ops';
import { BatchNormalization, type BatchNormalizationArgs } from '../../lib/norm/index';
import { useNativeBackend } from '../helpers/backend';
import { opsRun } from '../helpers/ops-run';

useNativeBackend();

/** Everything one path computes for a case. */
interface Run {
  trainOutput: Float32Array;
  trainGrads: Float32Array[];
  running: Float32Array[];
  inferOutput: Float32Array;
  inferGrads: Float32Array[];
}

function runPath(native: boolean, args: BatchNormalizationArgs, shape: number[], seed: number): Run {
  setNativeKernels(native);
  assert.equal(nativeKernelsActive(), native);
  const channels = shape[shape.length - 1];
  const layer = new BatchNormalization(args);
  layer.build(shape);
  const weights = [
    ...(args.scale === false ? [] : [tf.randomUniform([channels], 0.5, 1.5, 'float32', seed)]),
    ...(args.center === false ? [] : [tf.randomNormal([channels], 0, 1, 'float32', seed + 1)]),
    tf.randomNormal([channels], 0, 1, 'float32', seed + 2),
    tf.randomUniform([channels], 0.5, 2, 'float32', seed + 3),
  ];
  layer.setWeights(weights);
  const x = tf.tidy(() => tf.variable(tf.randomNormal(shape, 1, 2, 'float32', seed + 4)));
  const x2 = tf.randomNormal(shape, -1, 0.5, 'float32', seed + 5);
  const dy = tf.randomNormal(shape, 0, 1, 'float32', seed + 6);
  const vars = [x, ...layer.trainableWeights.map((w) => w.read() as tf.Variable)];
  const gradsOf = (training: boolean): { y: Float32Array; grads: Float32Array[] } => {
    let y = new Float32Array();
    const { value, grads } = tf.variableGrads(() => {
      const out = layer.apply(x, { training }) as tf.Tensor;
      y = out.dataSync() as Float32Array;
      return tf.sum(tf.mul(out, dy));
    }, vars);
    const result = { y, grads: vars.map((v) => grads[v.name].dataSync() as Float32Array) };
    tf.dispose([value, ...Object.values(grads)]);
    return result;
  };
  const train = gradsOf(true); // first step: updates the running statistics
  tf.dispose(layer.apply(x2, { training: true }) as tf.Tensor); // second step on other data
  const running = layer
    .getWeights()
    .slice(-2)
    .map((w) => w.dataSync() as Float32Array);
  const infer = gradsOf(false);
  tf.dispose([...weights, x, x2, dy]);
  for (const w of layer.weights) w.dispose();
  return {
    trainOutput: train.y,
    trainGrads: train.grads,
    running,
    inferOutput: infer.y,
    inferGrads: infer.grads,
  };
}

function assertClose(got: Float32Array, want: Float32Array, tol: number, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i] - want[i]) / (1 + Math.abs(want[i]));
    if (!(err <= worst)) {
      worst = err;
      at = i;
    }
  }
  assert.ok(
    worst <= tol,
    `${what}: [${at}] native ${got[at]} vs portable ${want[at]} (relative error ${worst})`,
  );
}

const SHAPES: { label: string; shape: number[] }[] = [
  { label: '4-D [4, 5, 3, 6]', shape: [4, 5, 3, 6] },
  { label: 'dense [16, 7]', shape: [16, 7] },
  { label: 'rank 3 [3, 4, 5]', shape: [3, 4, 5] },
];

const CONFIGS: { label: string; args: BatchNormalizationArgs }[] = [
  { label: 'keras (biased running variance)', args: { convention: 'keras', momentum: 0.7 } },
  {
    label: 'keras, unbiased running variance',
    args: { convention: 'keras', momentum: 0.7, runningVariance: 'unbiased' },
  },
  { label: 'pytorch (unbiased running variance)', args: { convention: 'pytorch', momentum: 0.3 } },
  {
    label: 'pytorch, biased running variance',
    args: { convention: 'pytorch', momentum: 0.3, runningVariance: 'biased' },
  },
  { label: 'keras, momentum 0 (running = batch)', args: { convention: 'keras', momentum: 0 } },
  { label: 'no scale, no center', args: { convention: 'pytorch', scale: false, center: false } },
  { label: 'keras, activation relu', args: { convention: 'keras', momentum: 0.7, activation: 'relu' } },
  { label: 'pytorch, activation relu', args: { convention: 'pytorch', momentum: 0.3, activation: 'relu' } },
];

/** The training ops of one forward + backward step of a batch-norm layer, native kernels on. */
function trainingOps(args: BatchNormalizationArgs, shape: number[]): string[] {
  setNativeKernels(true);
  const layer = new BatchNormalization(args);
  const x = tf.randomNormal(shape);
  const names = opsRun(() =>
    tf.dispose(tf.grad((xs: tf.Tensor) => tf.sum(layer.apply(xs, { training: true }) as tf.Tensor))(x)),
  );
  x.dispose();
  for (const w of layer.weights) w.dispose();
  return names;
}

const KERNELS: { kernel: BatchNormKernel; forward: RegExp; gradient: string }[] = [
  { kernel: 'normlab', forward: /^NormlabBatchNorm$/, gradient: 'NormlabBatchNormGrad' },
  {
    kernel: 'tensorflow',
    forward: /^(FusedBatchNormV3|_MklNativeFusedBatchNormEx)$/,
    gradient: 'FusedBatchNormGradV3',
  },
];

for (const { kernel, forward, gradient } of KERNELS) {
  describe(`native batch norm on ${kernel}'s training kernels = portable batch norm`, () => {
    before(() => overrideBatchNormKernel(kernel));
    after(() => {
      overrideBatchNormKernel(null);
      setNativeKernels(true);
    });
    it(`trains on ${kernel}'s kernels`, (t) => {
      if (kernel === 'normlab' && !normKernelsRegistered('NormlabBatchNorm'))
        return t.skip("normlab's kernels are not built here");
      for (const args of [{}, { activation: 'relu' as const }]) {
        const ran = trainingOps(args, [4, 3, 2, 5]);
        assert.ok(ran.some((n) => forward.test(n)) && ran.includes(gradient), `ops run: ${ran.join(', ')}`);
        const other = kernel === 'normlab' ? /FusedBatchNorm/ : /^Normlab/;
        assert.ok(!ran.some((n) => other.test(n)), `ops run: ${ran.join(', ')}`);
      }
    });
    for (const [i, { label: shapeLabel, shape }] of SHAPES.entries()) {
      for (const [j, { label, args }] of CONFIGS.entries()) {
        const caseSeed = 100 + 10 * (i * CONFIGS.length + j);
        it(`${shapeLabel}, ${label}: outputs, gradients and running statistics agree`, () => {
          const before = tf.memory().numTensors;
          const native = runPath(true, args, shape, caseSeed);
          const portable = runPath(false, args, shape, caseSeed);
          assert.equal(tf.memory().numTensors, before, 'tensors left behind');
          const names = [
            'x',
            ...(args.scale === false ? [] : ['gamma']),
            ...(args.center === false ? [] : ['beta']),
          ];
          assert.equal(native.trainGrads.length, names.length);
          assertClose(native.trainOutput, portable.trainOutput, 2e-5, 'training output');
          names.forEach((n, i) => {
            assertClose(native.trainGrads[i], portable.trainGrads[i], 1e-4, `training ∂${n}`);
            assertClose(native.inferGrads[i], portable.inferGrads[i], 1e-4, `inference ∂${n}`);
          });
          assertClose(native.running[0], portable.running[0], 2e-5, 'running mean');
          assertClose(native.running[1], portable.running[1], 2e-5, 'running variance');
          assertClose(native.inferOutput, portable.inferOutput, 2e-5, 'inference output');
        });
      }
    }
  });
}

describe("TensorFlow's batch-norm kernels with a ReLU", () => {
  before(() => overrideBatchNormKernel('tensorflow'));
  after(() => {
    overrideBatchNormKernel(null);
    setNativeKernels(true);
  });
  // 17 channels: past oneDNN's vector width, into its remainder loop.
  for (const shape of [
    [4, 5, 3, 6],
    [4, 3, 3, 17],
  ])
    for (const fused of [true, false]) {
      const how = fused ? "oneDNN's batch norm + ReLU kernel" : 'FusedBatchNormV3 then Relu (no oneDNN)';
      it(`activation relu on ${how}, [${shape}]: the outputs and gradients of relu(batch norm), and the kernels it says`, () => {
        overrideFusedRelu(fused);
        try {
          const before = tf.memory().numTensors;
          const args: BatchNormalizationArgs = { convention: 'keras', momentum: 0.5, activation: 'relu' };
          const native = runPath(true, args, shape, 900);
          const portable = runPath(false, args, shape, 900);
          // The ops of one training step (forward and gradients) on the native path.
          setNativeKernels(true);
          const layer = new BatchNormalization(args);
          const x = tf.randomNormal(shape);
          tf.dispose(layer.apply(x, { training: true }) as tf.Tensor);
          const weights = layer.trainableWeights.map((w) => w.read() as tf.Variable);
          const ran = new Set(
            opsRun(() => {
              const { value, grads } = tf.variableGrads(
                () => tf.sum(tf.square(layer.apply(x, { training: true }) as tf.Tensor)),
                weights,
              );
              tf.dispose([value, ...Object.values(grads)]);
            }),
          );
          x.dispose();
          for (const w of layer.weights) w.dispose();
          assert.equal(tf.memory().numTensors, before, 'tensors left behind');
          assertClose(native.trainOutput, portable.trainOutput, 2e-5, 'training output');
          for (const [i, g] of native.trainGrads.entries()) {
            assertClose(g, portable.trainGrads[i], 1e-4, `training grad ${i}`);
          }
          assertClose(native.running[0], portable.running[0], 2e-5, 'running mean');
          assertClose(native.running[1], portable.running[1], 2e-5, 'running variance');
          assert.ok(native.trainOutput.some((v) => v === 0) && native.trainOutput.some((v) => v > 0));
          const ops = `ops run: ${[...ran].join(', ')}`;
          assert.equal(ran.has('_MklNativeFusedBatchNormEx'), fused, ops);
          assert.equal(ran.has('Relu'), !fused, ops);
          assert.ok(ran.has('FusedBatchNormGradV3') && !ran.has('_MklNativeFusedBatchNormGradV3'), ops);
        } finally {
          overrideFusedRelu(null);
        }
      });
    }

  it("runs oneDNN's batch norm + ReLU kernel by default on this x86-64 TensorFlow (the probe accepts it)", () => {
    // The setup installs TensorFlow's x86-64 CPU build, which has oneDNN: a probe that rejected
    // its kernel would silently leave the ReLU as a second pass over the tensor.
    setNativeKernels(true);
    const layer = new BatchNormalization({ activation: 'relu' });
    const x = tf.randomNormal([8, 4, 4, 32]);
    const ran = opsRun(() => tf.dispose(layer.apply(x, { training: true }) as tf.Tensor));
    x.dispose();
    for (const w of layer.weights) w.dispose();
    assert.ok(ran.includes('_MklNativeFusedBatchNormEx'), `ops run: ${ran.join(', ')}`);
  });
});

describe('native batch norm, either kernel', () => {
  after(() => {
    overrideBatchNormKernel(null);
    setNativeKernels(true);
  });
  it('activation relu gives relu of the linear layer, on every path, in training and inference', () => {
    for (const [native, kernel] of [
      [true, 'normlab'],
      [true, 'tensorflow'],
      [false, null],
    ] as const) {
      overrideBatchNormKernel(kernel);
      const withRelu = runPath(native, { activation: 'relu' }, [6, 4], 950);
      const linear = runPath(native, {}, [6, 4], 950);
      const relu = (v: Float32Array): Float32Array => v.map((a) => Math.max(a, 0));
      // Exact on the portable path; oneDNN's fused kernel may differ from FusedBatchNormV3 in the
      // last bit.
      const tol = native ? 1e-6 : 0;
      assertClose(withRelu.trainOutput, relu(linear.trainOutput), tol, 'training output');
      assertClose(withRelu.inferOutput, relu(linear.inferOutput), tol, 'inference output');
      assertClose(withRelu.running[0], linear.running[0], tol, 'running mean');
    }
  });

  it('channels-first input takes the portable path on the native backend and gives the same output', () => {
    const x = tf.randomNormal([3, 4, 2, 2], 0, 1, 'float32', 7);
    const outputs = [true, false].map((native) => {
      setNativeKernels(native);
      const layer = new BatchNormalization({ axis: 1 });
      const y = layer.apply(x, { training: true }) as tf.Tensor;
      const values = y.dataSync() as Float32Array;
      y.dispose();
      for (const w of layer.weights) w.dispose();
      return values;
    });
    assertClose(outputs[0], outputs[1], 2e-5, 'channels-first output');
    x.dispose();
  });
});
