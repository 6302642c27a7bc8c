/**
 * The zoo's Conv2D and Dense layers: the numbers of tfjs-layers' conv2d and dense (same weights;
 * outputs to float32 rounding; Dense's gradients bit for bit, Conv2D's to float32 rounding, since
 * on tfjs-node its backward pass runs on oneDNN's kernels, which sum in another order), no gradient
 * for an input nothing differentiates, save/load, and clear errors.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { FastConv2D } from '../../lib/layers/conv2d';
import { FastDense } from '../../lib/layers/dense';
import { useNativeBackend } from '../helpers/backend';
import { assertClose } from '../helpers/close';
import { opsRun } from '../helpers/ops-run';

useNativeBackend();

interface Pair {
  ours: tf.layers.Layer;
  theirs: tf.layers.Layer;
  inputShape: number[];
  /** Whether the gradients are bit for bit tfjs-layers' (both run the same kernels). */
  exactGradients: boolean;
}

const PAIRS: Record<string, () => Pair> = {
  'Conv2D, same padding, bias': () => {
    const args = { filters: 5, kernelSize: 3, padding: 'same' as const };
    return {
      ours: new FastConv2D(args),
      theirs: tf.layers.conv2d(args),
      inputShape: [2, 7, 6, 3],
      exactGradients: false,
    };
  },
  'Conv2D, stride 2, valid, no bias': () => {
    const args = { filters: 4, kernelSize: [3, 2] as [number, number], strides: 2, useBias: false };
    return {
      ours: new FastConv2D(args),
      theirs: tf.layers.conv2d(args),
      inputShape: [3, 9, 8, 2],
      exactGradients: false,
    };
  },
  'Dense, bias': () => ({
    ours: new FastDense({ units: 6 }),
    theirs: tf.layers.dense({ units: 6 }),
    inputShape: [4, 10],
    exactGradients: true,
  }),
  'Dense, no bias': () => ({
    ours: new FastDense({ units: 3, useBias: false }),
    theirs: tf.layers.dense({ units: 3, useBias: false }),
    inputShape: [5, 7],
    exactGradients: true,
  }),
};

/** Output, and gradients w.r.t. the input and every weight, of `layer` under upstream `dy`. */
function forwardBackward(layer: tf.layers.Layer, x: tf.Tensor, seed: number): number[][] {
  return tf.tidy(() => {
    const y = layer.apply(x) as tf.Tensor;
    const dy = tf.randomNormal(y.shape, 0, 1, 'float32', seed);
    const weights = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    const { grads } = tf
      .engine()
      .gradients(() => layer.apply(x, { training: true }) as tf.Tensor, [x, ...weights], dy);
    return [y, ...grads].map((t) => Array.from(t.dataSync()));
  });
}

describe('FastConv2D and FastDense give the numbers of tfjs-layers', () => {
  for (const [label, make] of Object.entries(PAIRS)) {
    it(label, () => {
      const { ours, theirs, inputShape, exactGradients } = make();
      const x = tf.randomNormal(inputShape, 0, 1, 'float32', 11);
      tf.dispose([ours.apply(x), theirs.apply(x)] as tf.Tensor[]); // build
      theirs.setWeights(ours.getWeights().map((w) => tf.randomNormal(w.shape, 0, 1, 'float32', w.size)));
      ours.setWeights(theirs.getWeights());
      const [ourOutput, ...ourGrads] = forwardBackward(ours, x, 3);
      const [theirOutput, ...theirGrads] = forwardBackward(theirs, x, 3);
      assertClose(ourOutput, theirOutput, 'output');
      if (exactGradients) assert.deepEqual(ourGrads, theirGrads);
      else for (const [i, g] of ourGrads.entries()) assertClose(g, theirGrads[i], `gradient ${i}`);
      x.dispose();
    });
  }
});

describe('only the gradients a training step needs', () => {
  /** Gradients w.r.t. the weights only (the data is not differentiated), as in a training step. */
  function weightGradientOps(layer: tf.layers.Layer, x: tf.Tensor): string[] {
    tf.dispose(layer.apply(x) as tf.Tensor);
    const weights = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    return opsRun(() => tf.tidy(() => tf.variableGrads(() => tf.sum(layer.apply(x) as tf.Tensor), weights)));
  }

  it('Conv2D on the data runs no Conv2DBackpropInput (tfjs-layers runs one)', () => {
    const x = tf.randomNormal([2, 6, 6, 1]);
    const args = { filters: 4, kernelSize: 3, padding: 'same' as const };
    const ours = weightGradientOps(new FastConv2D(args), x);
    assert.ok(
      ours.some((op) => op.includes('Conv2DBackpropFilter')),
      `ops: ${ours}`,
    );
    assert.ok(!ours.some((op) => op.includes('Conv2DBackpropInput')), `ops: ${ours}`);
    assert.ok(weightGradientOps(tf.layers.conv2d(args), x).includes('Conv2DBackpropInput'));
    x.dispose();
  });

  it('Dense on the data runs one matrix product fewer than tfjs-layers', () => {
    const x = tf.randomNormal([4, 12]);
    const count = (ops: string[]) => ops.filter((o) => o.startsWith('BatchMatMul') || o === 'MatMul').length;
    const ours = count(weightGradientOps(new FastDense({ units: 5 }), x));
    const theirs = count(weightGradientOps(tf.layers.dense({ units: 5 }), x));
    assert.equal(ours, theirs - 1, `normlab ${ours} products, tfjs-layers ${theirs}`);
    x.dispose();
  });
});

describe('FastConv2D and FastDense as layers', () => {
  it('save and load in a model', async () => {
    const input = tf.input({ shape: [6, 6, 2] });
    const conv = new FastConv2D({ filters: 3, kernelSize: 3, strides: 2, padding: 'same', useBias: false });
    const flat = tf.layers.flatten().apply(conv.apply(input)) as tf.SymbolicTensor;
    const model = tf.model({
      inputs: input,
      outputs: new FastDense({ units: 4 }).apply(flat) as tf.SymbolicTensor,
    });
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const topology = JSON.stringify(saved?.modelTopology);
    assert.match(topology, /normlab>Conv2D/);
    assert.match(topology, /normlab>Dense/);
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved as tf.io.ModelArtifacts));
    const x = tf.randomNormal([2, 6, 6, 2]);
    const a = model.predict(x) as tf.Tensor;
    const b = loaded.predict(x) as tf.Tensor;
    assert.deepEqual(Array.from(b.dataSync()), Array.from(a.dataSync()));
    tf.dispose([x, a, b]);
    model.dispose();
    loaded.dispose();
  });

  it('refuse bad options and inputs with the option named', () => {
    assert.throws(() => new FastConv2D({ filters: 0, kernelSize: 3 }), /filters must be an integer >= 1/);
    assert.throws(
      () => new FastConv2D({ filters: 2 } as { filters: number; kernelSize: number }),
      /kernelSize is required/,
    );
    assert.throws(
      () => new FastConv2D({ filters: 2, kernelSize: 3, padding: 'full' as 'same' }),
      /padding must be 'valid' or 'same'/,
    );
    assert.throws(() => new FastDense({ units: 1.5 }), /units must be an integer >= 1/);
    assert.throws(
      () => new FastDense({ units: 2 }).apply(tf.input({ shape: [4, 4] })),
      /FastDense expects a rank-2 input/,
    );
    assert.throws(
      () => new FastConv2D({ filters: 2, kernelSize: 3 }).apply(tf.input({ shape: [4] })),
      /FastConv2D expects an input of rank >= 4/,
    );
  });
});
