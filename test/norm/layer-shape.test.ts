/**
 * The layers' shared shape (issue 11, item 3): one base class, the layer-norm default shared by
 * the class and the factory, and masking only where the statistics stay within one position.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import {
  BatchNormalization,
  BatchRenormalization,
  GroupNormalization,
  InstanceNormalization,
  LayerNormalization,
  NORM_KINDS,
  normLayer,
  RMSNormalization,
} from '../../lib/norm/index';
import { NormalizationLayer } from '../../lib/norm/normalization-layer';
import { useNativeBackend } from '../helpers/backend';

useNativeBackend();

describe('the shared base class', () => {
  it('every normalization kind but none is a NormalizationLayer with the shared config entries', () => {
    for (const kind of NORM_KINDS) {
      const layer = normLayer(kind, { groups: 2 });
      if (kind === 'none') {
        assert.ok(!(layer instanceof NormalizationLayer));
        continue;
      }
      assert.ok(layer instanceof NormalizationLayer, kind);
      const config = layer.getConfig();
      for (const key of [
        'epsilon',
        'convention',
        'center',
        'scale',
        'gammaInitializer',
        'betaInitializer',
        'name',
      ]) {
        assert.ok(key in config, `${kind}: config has ${key}`);
      }
      assert.deepEqual(layer.computeOutputShape([null, 4, 4, 6]), [null, 4, 4, 6]);
    }
  });

  it('puts γ and β first and checks the call input against the built one, naming the layer', () => {
    const layers = [
      new BatchNormalization(),
      new BatchRenormalization(),
      new GroupNormalization({ groups: 2 }),
      new InstanceNormalization(),
    ];
    for (const layer of layers) {
      layer.build([null, 3, 3, 4]);
      const names = layer.weights.map((w) => w.originalName.split('/').pop());
      assert.deepEqual(names.slice(0, 2), ['gamma', 'beta'], layer.getClassName());
      const name = layer.getClassName().replace('normlab>', '');
      assert.throws(
        () =>
          tf.tidy(() => {
            layer.apply(tf.zeros([2, 3, 3, 5]), { training: true });
          }),
        new RegExp(
          `${name} was built for rank-4 inputs with 4 channels on axis 3; got input shape \\[2,3,3,5\\]`,
        ),
      );
      for (const w of layer.weights) w.dispose();
    }
  });
});

describe('layer norm default', () => {
  it("is 'features' for the class and for normLayer('layer'), and normalizes each example as a whole", () => {
    const cls = new LayerNormalization();
    const made = normLayer('layer') as LayerNormalization;
    assert.equal(cls.axis, 'features');
    assert.equal(made.axis, cls.axis);
    const x = tf.randomNormal([2, 3, 3, 4], 1, 2, 'float32', 3);
    const y = cls.apply(x) as tf.Tensor;
    assert.deepEqual(
      cls.weights.map((w) => w.shape),
      [
        [3, 3, 4],
        [3, 3, 4],
      ],
    );
    const { mean, variance } = tf.moments(y, [1, 2, 3]);
    assert.ok(tf.tidy(() => tf.max(tf.abs(mean)).dataSync()[0]) < 1e-5);
    assert.ok(tf.tidy(() => tf.max(tf.abs(tf.sub(variance, 1))).dataSync()[0]) < 2e-3);
    // The same default for RMS norm, class and factory.
    assert.equal(new RMSNormalization().axis, (normLayer('rms') as RMSNormalization).axis);
    tf.dispose([x, y, mean, variance]);
    for (const w of cls.weights) w.dispose();
  });
});

describe('masking', () => {
  /** A masked sequence model: [N, T, F] with the time steps that are all zero masked. */
  function masked(norm: tf.layers.Layer): tf.LayersModel {
    const input = tf.input({ shape: [5, 4] });
    const m = tf.layers.masking({ maskValue: 0 }).apply(input) as tf.SymbolicTensor;
    return tf.model({ inputs: input, outputs: norm.apply(m) as tf.SymbolicTensor });
  }

  /** Run a masked model on a batch with masked time steps (tfjs checks masks when it executes). */
  function runMasked(norm: tf.layers.Layer): void {
    const model = masked(norm);
    const x = tf.tensor3d([
      [
        [1, 2, 3, 4],
        [0, 0, 0, 0],
        [2, 0, 1, 5],
        [0, 0, 0, 0],
        [3, 3, 1, 0],
      ],
      [
        [2, 1, 0, 4],
        [1, 1, 2, 0],
        [0, 0, 0, 0],
        [0, 0, 0, 0],
        [1, 3, 2, 2],
      ],
    ]);
    try {
      tf.dispose(model.predict(x) as tf.Tensor);
    } finally {
      x.dispose();
      model.dispose();
    }
  }

  it('instance and group norm and batch renorm do not support it: a masked input is refused, not miscounted', () => {
    const layers = [
      new BatchRenormalization(),
      new InstanceNormalization(),
      new GroupNormalization({ groups: 2 }),
    ];
    for (const layer of layers) {
      assert.throws(() => runMasked(layer), /does not support masking/, layer.getClassName());
    }
  });

  it('batch norm takes its training statistics over the unmasked positions only (Keras 3), and passes the mask on', () => {
    const x = tf.tensor3d([
      [
        [1, 2, 3],
        [50, -40, 9],
        [2, 0, 1],
        [70, 70, 70],
        [3, 3, 1],
        [0, 4, 2],
      ],
    ]);
    const mask = tf.tensor2d([[1, 0, 1, 0, 1, 1]], undefined, 'bool');
    const kept = tf.tensor3d([
      [
        [1, 2, 3],
        [2, 0, 1],
        [3, 3, 1],
        [0, 4, 2],
      ],
    ]);
    const masked = new BatchNormalization({ momentum: 0.5 });
    const plain = new BatchNormalization({ momentum: 0.5 });
    const y = masked.apply(x, { training: true, mask }) as tf.Tensor;
    const want = plain.apply(kept, { training: true }) as tf.Tensor;
    const got = tf.gather(y, [0, 2, 4, 5], 1);
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(got, want))).dataSync()[0]);
    assert.ok(diff < 1e-5, `unmasked outputs: ${diff}`);
    for (let i = 2; i < 4; i++) {
      const a = masked.getWeights()[i].dataSync();
      const b = plain.getWeights()[i].dataSync();
      assert.ok(
        a.every((v, j) => Math.abs(v - b[j]) < 1e-5),
        `running statistic ${i}: ${a} vs ${b}`,
      );
    }
    runMasked(new BatchNormalization()); // a masked model runs, the mask passed on
    assert.throws(
      () =>
        tf.tidy(() => {
          masked.apply(x, { training: true, mask: tf.ones([1, 5], 'bool') });
        }),
      /the mask must have the input's shape without the channel axis, \[1,6\]; got \[1,5\]/,
    );
    tf.dispose([x, mask, kept, y, want, got]);
    for (const w of [...masked.weights, ...plain.weights]) w.dispose();
  });

  it('layer and RMS norm over the last axis pass the mask through; over all features they reject it', () => {
    for (const make of [
      (axis: number | 'features') => new LayerNormalization({ axis }),
      (axis: number | 'features') => new RMSNormalization({ axis }),
    ]) {
      const model = masked(make(-1));
      const x = tf.tensor3d([
        [
          [1, 2, 3, 4],
          [0, 0, 0, 0],
          [2, 0, 1, 5],
          [0, 0, 0, 0],
          [3, 3, 1, 0],
        ],
      ]);
      const y = model.predict(x) as tf.Tensor;
      const layer = model.layers[2];
      const mask = layer.computeMask(x, tf.tensor2d([[1, 0, 1, 0, 1]], undefined, 'bool')) as tf.Tensor;
      assert.deepEqual(Array.from(mask.dataSync()), [1, 0, 1, 0, 1]);
      // Each time step is normalized by itself: the first one does not depend on the others.
      const alone = model.predict(
        tf.tensor3d([
          [
            [1, 2, 3, 4],
            [9, 9, 9, 1],
            [0, 0, 0, 0],
            [0, 0, 0, 0],
            [0, 0, 0, 0],
          ],
        ]),
      ) as tf.Tensor;
      const diff = tf.tidy(
        () =>
          tf
            .max(tf.abs(tf.sub(y.slice([0, 0, 0], [1, 1, 4]), alone.slice([0, 0, 0], [1, 1, 4]))))
            .dataSync()[0],
      );
      assert.ok(diff < 1e-6, `${layer.getClassName()}: ${diff}`);
      tf.dispose([x, y, mask, alone]);
      model.dispose();
      assert.throws(() => runMasked(make('features')), /does not support masking/);
      runMasked(make(-1)); // and the last axis runs
    }
  });
});
