/**
 * The grown family beyond the golden fixtures (test/norm/fixtures-family.test.ts):
 * finite-difference gradients in float32 (as test/norm/fixtures-finite-difference.test.ts, with
 * its step and tolerance), batch renormalization's stop-gradient, schedule and step counter,
 * serialization round trips through model.json and weights, no leaks, argument errors, and the
 * model zoo's weight-standardized convolutions.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { buildModel } from '../../lib/models/index';
import {
  BatchNormalization,
  BatchRenormalization,
  GroupNormalization,
  normLayer,
  RMSNormalization,
  standardizeKernel,
  trainInferenceGaps,
  WeightStandardizedConv2D,
} from '../../lib/norm/index';
import { renormLimits } from '../../lib/norm/renorm-steps';
import { useNativeBackend } from '../helpers/backend';
import { normals, rng } from '../helpers/random';

useNativeBackend();

const STEP = 1e-2;
const TOLERANCE = 2e-3;

function shortName(w: tf.LayerVariable): string {
  return w.originalName.split('/').pop() ?? w.originalName;
}

/**
 * Directional finite differences of L = Σ y·dy against the layer's gradient, for the input and
 * every trainable weight; returns the worst error relative to 1 + |⟨g, v⟩|.
 */
function worstFdError(layer: tf.layers.Layer, shape: number[], training: boolean, seed: number): number {
  const next = rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const x = normals(next, n, 1.2, 0.3);
  const x0 = tf.tensor(x, shape);
  const xVar = tf.variable(x0);
  x0.dispose();
  const yShape = tf.tidy(() => (layer.apply(xVar, { training: false }) as tf.Tensor).shape) as number[];
  const dy = tf.tensor(
    normals(
      next,
      yShape.reduce((a, b) => a * b, 1),
    ),
    yShape,
  );
  const params = layer.trainableWeights.map((w) => w.read() as tf.Variable);
  const lossOf = (): number =>
    tf.tidy(() => tf.sum(tf.mul(layer.apply(xVar, { training }) as tf.Tensor, dy)).dataSync()[0]);
  const { value, grads } = tf.variableGrads(
    () => tf.sum(tf.mul(layer.apply(xVar, { training }) as tf.Tensor, dy)) as tf.Scalar,
    [xVar, ...params],
  );
  let worst = 0;
  for (const v of [xVar, ...params]) {
    const g = grads[v.name];
    for (let k = 0; k < 2; k++) {
      const dir = tf.tensor(normals(next, v.size), v.shape);
      const base = v.clone();
      const moved = (sign: number): void => {
        const t = tf.tidy(() => tf.add(base, tf.mul(dir, sign * STEP)));
        v.assign(t);
        t.dispose();
      };
      moved(1);
      const plus = lossOf();
      moved(-1);
      const minus = lossOf();
      v.assign(base);
      const fd = (plus - minus) / (2 * STEP);
      const an = tf.tidy(() => tf.sum(tf.mul(g, dir)).dataSync()[0]);
      worst = Math.max(worst, Math.abs(fd - an) / (1 + Math.abs(an)));
      tf.dispose([dir, base]);
    }
  }
  tf.dispose([value, xVar, dy, ...Object.values(grads)]);
  return worst;
}

describe('finite-difference gradients of the grown family', () => {
  const cases: { name: string; shape: number[]; training: boolean; make: () => tf.layers.Layer }[] = [
    { name: 'rms, dense, keras', shape: [4, 6], training: true, make: () => new RMSNormalization() },
    {
      name: 'rms, conv, last axis, pytorch',
      shape: [2, 3, 3, 5],
      training: true,
      make: () => new RMSNormalization({ axis: -1, convention: 'pytorch' }),
    },
    {
      name: 'rms, conv, features, with beta',
      shape: [2, 3, 3, 4],
      training: true,
      make: () => new RMSNormalization({ center: true }),
    },
    {
      name: 'weight-standardized conv, same, bias',
      shape: [2, 5, 5, 3],
      training: true,
      make: () => new WeightStandardizedConv2D({ filters: 4, kernelSize: 3, padding: 'same' }),
    },
    {
      name: 'weight-standardized conv, valid, stride 2, no bias',
      shape: [2, 6, 6, 2],
      training: true,
      make: () =>
        new WeightStandardizedConv2D({ filters: 3, kernelSize: [2, 3], strides: 2, useBias: false }),
    },
    {
      name: 'batch renorm, inference',
      shape: [4, 3, 3, 5],
      training: false,
      make: () => new BatchRenormalization(),
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const before = tf.memory().numTensors;
      const layer = c.make();
      layer.build(c.shape);
      tf.tidy(() => {
        // Non-trivial γ and β where the layer has them.
        for (const w of layer.trainableWeights) {
          const name = shortName(w);
          if (name === 'gamma')
            w.write(tf.add(1, tf.mul(0.3, tf.randomNormal(w.shape as number[], 0, 1, 'float32', 3))));
          if (name === 'beta') w.write(tf.randomNormal(w.shape as number[], 0, 0.5, 'float32', 4));
          // A well-spread kernel (unit-variance filters), as the well-spread inputs of the other checks.
          if (name === 'kernel') w.write(tf.randomNormal(w.shape as number[], 0.2, 1, 'float32', 5));
        }
      });
      const worst = worstFdError(layer, c.shape, c.training, 7);
      for (const w of layer.weights) w.dispose();
      assert.ok(worst <= TOLERANCE, `${c.name}: worst error ${worst.toExponential(2)}`);
      assert.equal(tf.memory().numTensors, before, 'tensors leaked');
    });
  }

  it('batch renorm in training, r and d clipped (constant under the perturbations)', () => {
    // renorm σ = 0.01 makes σ_B/σ ≥ 50, clipped to rMax = 2.5; renorm μ = 50 makes d clipped to −0.4.
    // The statistics stay fixed: PyTorch-convention renormMomentum 0 keeps the old value.
    const layer = new BatchRenormalization({
      convention: 'pytorch',
      renormMomentum: 0,
      rMax: 2.5,
      dMax: 0.4,
    });
    layer.build([4, 3, 3, 5]);
    tf.tidy(() => {
      for (const w of layer.weights) {
        if (shortName(w) === 'renorm_stddev') w.write(tf.fill([5], 0.01));
        if (shortName(w) === 'renorm_mean') w.write(tf.fill([5], 50));
        if (shortName(w) === 'gamma') w.write(tf.tensor1d([0.7, 1.2, 0.9, 1.4, 1.1]));
      }
    });
    const worst = worstFdError(layer, [4, 3, 3, 5], true, 11);
    for (const w of layer.weights) w.dispose();
    assert.ok(worst <= TOLERANCE, `worst error ${worst.toExponential(2)}`);
  });
});

describe('batch renormalization', () => {
  it('treats r and d as constants: its input gradient is r times batch norm’s', () => {
    const x = tf.randomNormal([6, 4], 1, 2, 'float32', 21);
    const dy = tf.randomNormal([6, 4], 0, 1, 'float32', 22);
    const renorm = new BatchRenormalization({ rMax: null, rMin: null, dMax: null, epsilon: 1e-5 });
    const bn = new BatchNormalization({ epsilon: 1e-5 });
    const gradOf = (layer: tf.layers.Layer): tf.Tensor =>
      tf.grad((v: tf.Tensor) => tf.sum(tf.mul(layer.apply(v, { training: true }) as tf.Tensor, dy)))(x);
    const gRenorm = gradOf(renorm);
    const gBn = gradOf(bn);
    // Fresh statistics: renorm μ = 0, σ = 1, so r = σ_B per channel.
    const r = tf.tidy(() => tf.sqrt(tf.add(tf.moments(x, 0).variance, 1e-5)));
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(gRenorm, tf.mul(gBn, r)))).dataSync()[0]);
    const scale = tf.tidy(() => tf.max(tf.abs(gRenorm)).dataSync()[0]);
    assert.ok(diff < 1e-5 * (1 + scale), `|∂renorm − r·∂bn| = ${diff}`);
    // and r is not 1 here, so the comparison means something
    assert.ok(tf.tidy(() => tf.max(tf.abs(tf.sub(r, 1))).dataSync()[0]) > 0.3);
    tf.dispose([x, dy, gRenorm, gBn, r]);
    for (const w of [...renorm.weights, ...bn.weights]) w.dispose();
  });

  it('runs plain batch norm during the warm-up, then corrects; counts its steps', () => {
    const x = tf.randomNormal([8, 3], 2, 3, 'float32', 31);
    const renorm = new BatchRenormalization({ warmupSteps: 2, epsilon: 1e-3 });
    const bn = new BatchNormalization({ epsilon: 1e-3 });
    const gap: number[] = [];
    for (let i = 0; i < 3; i++) {
      tf.tidy(() => {
        const a = renorm.apply(x, { training: true }) as tf.Tensor;
        const b = bn.apply(x, { training: true }) as tf.Tensor;
        gap.push(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
      });
    }
    assert.ok(gap[0] < 1e-5 && gap[1] < 1e-5, `warm-up steps equal batch norm: ${gap}`);
    assert.ok(gap[2] > 0.1, `after the warm-up r and d correct the output: ${gap}`);
    const steps = renorm.weights.find((w) => shortName(w) === 'renorm_steps')!;
    assert.equal(steps.read().dataSync()[0], 3);
    x.dispose();
    for (const w of [...renorm.weights, ...bn.weights]) w.dispose();
  });

  it('relaxes the limits linearly over the ramp (renormLimits)', () => {
    const at = (step: number) =>
      tf.tidy(() => {
        const l = renormLimits(
          tf.scalar(step),
          { rMin: 0.5, rMax: 3, dMax: 5 },
          { warmupSteps: 2, rampSteps: 4 },
        );
        return [l.rMin, l.rMax, l.dMax].map((t) => t.dataSync()[0]);
      });
    assert.deepEqual(at(0), [1, 1, 0]);
    assert.deepEqual(at(1), [1, 1, 0]);
    const mid = at(3); // p = (3 − 2 + 1)/4 = 0.5
    assert.ok(
      Math.abs(mid[0] - 0.75) < 1e-6 && Math.abs(mid[1] - 2) < 1e-6 && Math.abs(mid[2] - 2.5) < 1e-6,
      `${mid}`,
    );
    assert.deepEqual(at(5), [0.5, 3, 5]);
    assert.deepEqual(at(50), [0.5, 3, 5]);
  });

  it('trains with what it will infer (trainInferenceGaps): zero gap unclipped, where batch norm has one', () => {
    const batches = Array.from({ length: 6 }, (_, i) =>
      tf.randomNormal([4, 3, 3, 5], 0.5, 1.5, 'float32', 80 + i),
    );
    const bn = new BatchNormalization({ momentum: 0.9 });
    const renorm = new BatchRenormalization({
      momentum: 0.9,
      renormMomentum: 0.9,
      rMax: null,
      rMin: null,
      dMax: null,
    });
    const bnGaps = trainInferenceGaps(bn, batches);
    const renormGaps = trainInferenceGaps(renorm, batches);
    assert.ok(Math.min(...bnGaps) > 0.05, `batch norm: ${bnGaps}`);
    // From the second step on; before it, inference's σ is sqrt(1 + ε) and renorm's σ is 1.
    assert.ok(Math.max(...renormGaps.slice(1)) < 1e-5, `batch renorm: ${renormGaps}`);
    assert.ok(renormGaps[0] < 0.01, `batch renorm, first step: ${renormGaps[0]}`);
    tf.dispose(batches);
    for (const w of [...bn.weights, ...renorm.weights]) w.dispose();
  });

  it('rejects bad clipping and schedule options, naming them', () => {
    assert.throws(
      () => new BatchRenormalization({ rMax: 0.5 }),
      /rMax must be a finite number in \[1, ∞\] or null/,
    );
    assert.throws(() => new BatchRenormalization({ rMin: 2 }), /rMin must be a finite number in \[0, 1\]/);
    assert.throws(() => new BatchRenormalization({ dMax: -1 }), /dMax must be/);
    assert.throws(
      () => new BatchRenormalization({ warmupSteps: 1.5 }),
      /warmupSteps must be an integer >= 0/,
    );
    assert.throws(
      () => new BatchRenormalization({ rampSteps: 10, rMax: null }),
      /rampSteps > 0 needs finite rMax/,
    );
    assert.throws(
      () => new BatchRenormalization({ renormMomentum: 1 }),
      /momentum must be a number in \[0, 1\)/,
    );
  });
});

describe('weight standardization', () => {
  it('standardizes each filter: zero mean, unit variance over height, width and input channels', () => {
    const kernel = tf.randomNormal([3, 3, 4, 6], 0.4, 2, 'float32', 41);
    const w = standardizeKernel(kernel, 1e-5);
    const { mean, variance } = tf.moments(w, [0, 1, 2]);
    assert.ok(tf.tidy(() => tf.max(tf.abs(mean)).dataSync()[0]) < 1e-5);
    assert.ok(tf.tidy(() => tf.max(tf.abs(tf.sub(variance, 1))).dataSync()[0]) < 1e-4);
    tf.dispose([kernel, w, mean, variance]);
  });

  it('is invariant to an affine map of the kernel per filter (what makes it a normalization)', () => {
    const x = tf.randomNormal([2, 5, 5, 3], 0, 1, 'float32', 42);
    const layer = new WeightStandardizedConv2D({ filters: 4, kernelSize: 3, useBias: false, epsilon: 1e-8 });
    const y1 = layer.apply(x) as tf.Tensor;
    const kernel = layer.weights[0];
    tf.tidy(() => {
      kernel.write(tf.add(tf.mul(kernel.read(), tf.tensor1d([2, 0.5, 3, 7])), tf.tensor1d([1, -2, 0.3, 5])));
    });
    const y2 = layer.apply(x) as tf.Tensor;
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(y1, y2))).dataSync()[0]);
    assert.ok(diff < 1e-4, `max |Δy| ${diff}`);
    tf.dispose([x, y1, y2]);
    for (const w of layer.weights) w.dispose();
  });

  it('rejects bad options, naming them', () => {
    assert.throws(
      () => new WeightStandardizedConv2D({ filters: 0, kernelSize: 3 }),
      /filters must be an integer >= 1/,
    );
    assert.throws(() => new WeightStandardizedConv2D({ filters: 2 } as never), /kernelSize is required/);
    assert.throws(
      () => new WeightStandardizedConv2D({ filters: 2, kernelSize: 3, padding: 'causal' as never }),
      /padding must be 'valid' or 'same'/,
    );
    assert.throws(
      () => new WeightStandardizedConv2D({ filters: 2, kernelSize: 3, epsilon: 0 }),
      /epsilon must be/,
    );
  });

  it('builds the model zoo’s conv blocks when asked (gn+ws), and they train', async () => {
    const model = buildModel({ arch: 'vgg', norm: 'group', weightStandardization: true, width: 8, depth: 2 });
    const classes = model.layers.map((l) => l.getClassName());
    assert.equal(classes.filter((c) => c === 'normlab>WeightStandardizedConv2D').length, 2);
    assert.equal(classes.filter((c) => c === 'Conv2D').length, 0);
    assert.equal(model.name, 'vgg_group_ws');
    const plain = buildModel({ arch: 'vgg', norm: 'group', width: 8, depth: 2 });
    assert.equal(
      plain.layers.filter((l) => l.getClassName() === 'normlab>WeightStandardizedConv2D').length,
      0,
    );
    assert.throws(
      () => buildModel({ arch: 'vgg', norm: 'group', weightStandardization: 'yes' as never }),
      /weightStandardization must be true or false/,
    );
    model.compile({ optimizer: tf.train.sgd(0.05), loss: 'categoricalCrossentropy' });
    const xs = tf.randomNormal([4, 28, 28, 1], 0, 1, 'float32', 5);
    const ys = tf.oneHot(tf.tensor1d([0, 1, 2, 3], 'int32'), 10);
    const model2 = tf.sequential({ layers: [model, tf.layers.softmax()] });
    model2.compile({ optimizer: tf.train.sgd(0.05), loss: 'categoricalCrossentropy' });
    const h = await model2.fit(xs, ys, { epochs: 3, batchSize: 2, verbose: 0 });
    assert.ok((h.history.loss as number[]).every(Number.isFinite));
    tf.dispose([xs, ys]);
    model2.dispose();
    plain.dispose();
  });
});

describe('serialization of the grown family', () => {
  it('model.json and weights round-trip RMS norm, batch renorm (with its schedule) and WS conv', async () => {
    const make = (): tf.Sequential =>
      tf.sequential({
        layers: [
          new WeightStandardizedConv2D({
            inputShape: [6, 6, 2],
            filters: 4,
            kernelSize: 3,
            strides: 1,
            padding: 'same',
            epsilon: 1e-4,
          }),
          new BatchRenormalization({
            rMax: 2,
            rMin: 0.6,
            dMax: 1.5,
            warmupSteps: 1,
            rampSteps: 3,
            renormMomentum: 0.9,
            momentum: 0.8,
          }),
          new RMSNormalization({ axis: -1, convention: 'pytorch', center: true }),
          new GroupNormalization({ groups: 2 }),
        ],
      });
    const model = make();
    const x = tf.randomNormal([3, 6, 6, 2], 0, 1, 'float32', 61);
    for (let i = 0; i < 3; i++) tf.dispose(model.apply(x, { training: true }) as tf.Tensor);
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const json = JSON.parse(JSON.stringify(saved!.modelTopology));
    const loaded = await tf.loadLayersModel(tf.io.fromMemory({ ...saved!, modelTopology: json }));
    const classNames = loaded.layers.map((l) => l.getClassName());
    assert.deepEqual(classNames, [
      'normlab>WeightStandardizedConv2D',
      'normlab>BatchRenormalization',
      'normlab>RMSNormalization',
      'normlab>GroupNormalization',
    ]);
    for (const [i, layer] of loaded.layers.entries()) {
      // As JSON, with tfjs' initializer `seed: undefined` (dropped) and `seed: null` (loaded) alike.
      const plain = (c: tf.serialization.ConfigDict) =>
        JSON.parse(JSON.stringify(c, (k, v) => (k === 'seed' && v === null ? undefined : v)));
      const { name: _a, batchInputShape: _b, ...want } = plain(model.layers[i].getConfig());
      const { name: _c, batchInputShape: _d, ...got } = plain(layer.getConfig());
      assert.deepEqual(got, want, `${classNames[i]} config`);
    }
    const renorm = loaded.layers[1] as BatchRenormalization;
    assert.deepEqual(renorm.clipping, { rMin: 0.6, rMax: 2, dMax: 1.5 });
    assert.deepEqual(renorm.schedule, { warmupSteps: 1, rampSteps: 3 });
    const steps = renorm.weights.find((w) => shortName(w) === 'renorm_steps')!;
    assert.equal(steps.read().dataSync()[0], 3, 'the schedule resumes where it was');
    for (const training of [false, true]) {
      const a = model.apply(x, { training }) as tf.Tensor;
      const b = loaded.apply(x, { training }) as tf.Tensor;
      const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
      assert.ok(diff < 1e-5, `training ${training}: max |Δy| ${diff}`);
      tf.dispose([a, b]);
    }
    tf.dispose(x);
    model.dispose();
    loaded.dispose();
  });

  it('normLayer makes the new kinds with their options', () => {
    const renorm = normLayer('batch-renorm', {
      rMax: 2,
      dMax: 1,
      warmupSteps: 5,
      rampSteps: 10,
      momentum: 0.9,
    }) as BatchRenormalization;
    assert.ok(renorm instanceof BatchRenormalization);
    assert.deepEqual([renorm.clipping.rMax, renorm.clipping.rMin, renorm.clipping.dMax], [2, 0.5, 1]);
    assert.deepEqual([renorm.momentum, renorm.schedule.rampSteps], [0.9, 10]);
    const rms = normLayer('rms', { convention: 'pytorch' }) as RMSNormalization;
    assert.ok(rms instanceof RMSNormalization);
    assert.deepEqual(
      [rms.axis, rms.affine.epsilon, rms.affine.center, rms.affine.scale],
      ['features', 2 ** -23, false, true],
    );
    assert.equal((normLayer('rms') as RMSNormalization).affine.epsilon, 1e-6);
    assert.deepEqual(new RMSNormalization().axis, (normLayer('rms') as RMSNormalization).axis);
  });
});

describe('no leaks', () => {
  it('WeightStandardizedConv2D: 50 training steps leave no tensor behind', () => {
    const start = tf.memory().numTensors;
    const model = tf.sequential({
      layers: [
        new WeightStandardizedConv2D({ inputShape: [5, 5, 2], filters: 4, kernelSize: 3, useBias: false }),
        new GroupNormalization({ groups: 2 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 3 }),
      ],
    });
    const opt = tf.train.adam(0.01);
    const xs = tf.randomNormal([4, 5, 5, 2], 0, 1, 'float32', 71);
    const ys = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 2, 0], 'int32'), 3));
    const step = () => {
      opt.minimize(
        () =>
          tf.losses.softmaxCrossEntropy(ys, model.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar,
        false,
      );
    };
    step();
    const baseline = tf.memory().numTensors;
    for (let i = 0; i < 50; i++) step();
    tf.dispose(model.predict(xs) as tf.Tensor);
    assert.equal(tf.memory().numTensors, baseline);
    model.dispose();
    opt.dispose();
    tf.dispose([xs, ys]);
    assert.equal(tf.memory().numTensors, start);
  });
});
