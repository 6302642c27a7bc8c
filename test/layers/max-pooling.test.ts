import assert from 'node:assert/strict';
import { describe, it, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { FastMaxPooling2D } from '../../lib/layers/max-pooling';
import { nativeMaxPool } from '../../lib/native/max-pool';
import { useNativeBackend } from '../helpers/backend';
import { describeOnKernelPaths } from '../helpers/kernel-paths';

useNativeBackend();

/** Values and input gradient of `f` on `x` with upstream gradient from a fixed random `dy`. */
function valueAndGrad(f: (x: tf.Tensor4D) => tf.Tensor, x: tf.Tensor4D): { y: number[]; dx: number[] } {
  return tf.tidy(() => {
    const y = f(x);
    const dy = tf.randomNormal(y.shape, 0, 1, 'float32', 7);
    const dx = tf.grad((t: tf.Tensor) => f(t as tf.Tensor4D))(x, dy);
    return { y: Array.from(y.dataSync()), dx: Array.from(dx.dataSync()) };
  });
}

/**
 * Non-overlapping windows give every input at most one gradient term: equal to the bit. Where
 * windows overlap, an input's terms are summed, in another order by oneDNN than by TensorFlow:
 * equal to float32 round-off.
 */
const CASES = [
  {
    label: '2×2 windows, stride 2, valid',
    poolSize: 2,
    strides: 2,
    padding: 'valid',
    shape: [3, 8, 6, 5],
    tol: 0,
  },
  {
    label: '3×3 windows, stride 2 (overlapping), same',
    poolSize: 3,
    strides: 2,
    padding: 'same',
    shape: [2, 7, 9, 4],
    tol: 1e-6,
  },
  {
    label: '2×3 windows, stride 1 (overlapping), valid',
    poolSize: [2, 3],
    strides: 1,
    padding: 'valid',
    shape: [2, 5, 6, 3],
    tol: 1e-6,
  },
] as const;

function assertClose(got: number[], want: number[], tol: number): void {
  assert.equal(got.length, want.length);
  for (let i = 0; i < want.length; i++) {
    assert.ok(Math.abs(got[i] - want[i]) <= tol * (1 + Math.abs(want[i])), `[${i}]: ${got[i]} vs ${want[i]}`);
  }
}

describeOnKernelPaths('MaxPooling2D', () => {
  for (const c of CASES) {
    it(`has the values and the gradient of tf.maxPool: ${c.label}`, () => {
      const x = tf.randomNormal([...c.shape], 0, 1, 'float32', 3) as tf.Tensor4D;
      const pool: number | [number, number] = typeof c.poolSize === 'number' ? c.poolSize : [...c.poolSize];
      const layer = new FastMaxPooling2D({ poolSize: pool, strides: c.strides, padding: c.padding });
      const ours = valueAndGrad((t) => layer.apply(t) as tf.Tensor, x);
      const theirs = valueAndGrad((t) => tf.maxPool(t, pool, c.strides, c.padding), x);
      assert.deepEqual(ours.y, theirs.y);
      if (c.tol === 0) assert.deepEqual(ours.dx, theirs.dx);
      else assertClose(ours.dx, theirs.dx, c.tol);
      x.dispose();
    });
  }

  it('gives a tie to the first maximum in the window, as tf.maxPool does', () => {
    // After a ReLU, whole windows of zeros are common; each window here has a tie.
    const x = tf.tensor4d([0, 0, 0, 0, 1, 3, 3, 2, 5, 5, 5, 5, -1, -1, -2, -1], [1, 4, 4, 1]);
    const layer = new FastMaxPooling2D();
    const ours = valueAndGrad((t) => layer.apply(t) as tf.Tensor, x);
    const theirs = valueAndGrad((t) => tf.maxPool(t, 2, 2, 'valid'), x);
    assert.deepEqual(ours.y, theirs.y);
    assert.deepEqual(ours.dx, theirs.dx);
    assert.equal(ours.dx.filter((v) => v !== 0).length, 4, 'one position per window takes the gradient');
    x.dispose();
  });

  it('leaves no tensor behind, in inference and in a gradient', () => {
    const x = tf.randomNormal([2, 6, 6, 3]) as tf.Tensor4D;
    const layer = new FastMaxPooling2D();
    const gradient = (): void => {
      tf.dispose(tf.grad((t: tf.Tensor) => tf.sum(layer.apply(t) as tf.Tensor))(x));
    };
    tf.dispose(layer.apply(x) as tf.Tensor); // builds the layer
    const before = tf.memory().numTensors;
    tf.dispose(layer.apply(x) as tf.Tensor);
    gradient();
    assert.equal(tf.memory().numTensors, before);
    x.dispose();
  });
});

test('on tfjs-node the pooling runs on the native kernels', () => {
  const x = tf.randomNormal([1, 4, 4, 2]);
  const y = nativeMaxPool(x, { poolSize: [2, 2], strides: [2, 2], padding: 'valid' });
  assert.ok(y, 'nativeMaxPool took the portable path on tfjs-node');
  assert.deepEqual(y.shape, [1, 2, 2, 2]);
  tf.dispose([x, y]);
});

describe('MaxPooling2D as a layer', () => {
  it('computes its output shape like tfjs-layers', () => {
    const input = tf.input({ shape: [7, 9, 4] });
    for (const [args, shape] of [
      [{}, [null, 3, 4, 4]],
      [{ poolSize: 3, strides: 2, padding: 'same' as const }, [null, 4, 5, 4]],
    ] as const) {
      assert.deepEqual((new FastMaxPooling2D(args).apply(input) as tf.SymbolicTensor).shape, shape);
      assert.deepEqual((tf.layers.maxPooling2d(args).apply(input) as tf.SymbolicTensor).shape, shape);
    }
  });

  it('refuses bad options with the option named', () => {
    assert.throws(() => new FastMaxPooling2D({ poolSize: 0 }), /poolSize must be an integer >= 1/);
    assert.throws(() => new FastMaxPooling2D({ strides: [2, 1.5] }), /strides must be an integer >= 1/);
    assert.throws(
      () => new FastMaxPooling2D({ padding: 'causal' as 'valid' }),
      /padding must be 'valid' or 'same'/,
    );
    const input = tf.input({ shape: [8, 3] });
    assert.throws(
      () => new FastMaxPooling2D().apply(input),
      /FastMaxPooling2D expects an input of rank >= 4/,
    );
  });

  it('saves and loads in a model', async () => {
    const input = tf.input({ shape: [4, 4, 1] });
    const layer = new FastMaxPooling2D({ poolSize: 2, strides: 1, padding: 'same' });
    const model = tf.model({ inputs: input, outputs: layer.apply(input) as tf.SymbolicTensor });
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    assert.match(JSON.stringify(saved?.modelTopology), /normlab>MaxPooling2D/);
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved as tf.io.ModelArtifacts));
    const x = tf.randomNormal([1, 4, 4, 1]);
    const a = model.predict(x) as tf.Tensor;
    const b = loaded.predict(x) as tf.Tensor;
    assert.deepEqual(Array.from(b.dataSync()), Array.from(a.dataSync()));
    assert.deepEqual(loaded.layers[1].getConfig().strides, [1, 1]);
    tf.dispose([x, a, b]);
    model.dispose();
    loaded.dispose();
  });
});
