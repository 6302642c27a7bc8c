import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BatchBuffer, batchesPerEpoch, epochOrder } from '../../lib/data/batches';
import { seededPermutation, seededRandom } from '../../lib/data/random';
import { takeExamples, validationSplit } from '../../lib/data/split';
import { syntheticDataset } from '../../lib/data/synthetic';

test('seeded permutations are permutations and reproducible', () => {
  const a = seededPermutation(1000, 7);
  assert.deepEqual(
    Array.from(a).sort((x, y) => x - y),
    Array.from({ length: 1000 }, (_, i) => i),
  );
  assert.deepEqual(a, seededPermutation(1000, 7));
  assert.notDeepEqual(a, seededPermutation(1000, 8));
  assert.equal(seededRandom(3)(), seededRandom(3)());
});

test('epoch orders differ between epochs and repeat for equal seeds', () => {
  assert.deepEqual(epochOrder(100, 1, 1), epochOrder(100, 1, 1));
  assert.notDeepEqual(epochOrder(100, 1, 1), epochOrder(100, 1, 2));
  assert.notDeepEqual(epochOrder(100, 1, 1), epochOrder(100, 2, 1));
  assert.equal(batchesPerEpoch(100, 32), 3);
});

test('synthetic data is seeded', () => {
  const a = syntheticDataset({ seed: 5, trainSize: 64 });
  const b = syntheticDataset({ seed: 5, trainSize: 64 });
  const c = syntheticDataset({ seed: 6, trainSize: 64 });
  assert.deepEqual(a.train.images, b.train.images);
  assert.deepEqual(a.train.labels, b.train.labels);
  assert.notDeepEqual(a.train.images, c.train.images);
  assert.equal(a.train.count, 64);
  assert.ok(a.train.images.every((v) => v >= 0 && v <= 1));
  assert.throws(() => syntheticDataset({ numClasses: 1 }), /numClasses must be an integer ≥ 2/);
});

test('validation split is disjoint, complete and seeded', () => {
  const { train } = syntheticDataset({ trainSize: 200, seed: 1 });
  // Tag each example by writing its index into its first pixel.
  const size = train.height * train.width * train.channels;
  for (let i = 0; i < train.count; i++) train.images[i * size] = i;
  const split = validationSplit(train, 50, 3);
  assert.equal(split.validation.count, 50);
  assert.equal(split.train.count, 150);
  const ids = (s: typeof train) => Array.from({ length: s.count }, (_, i) => s.images[i * size]);
  const all = [...ids(split.validation), ...ids(split.train)].sort((a, b) => a - b);
  assert.deepEqual(
    all,
    Array.from({ length: 200 }, (_, i) => i),
  );
  assert.deepEqual(ids(validationSplit(train, 50, 3).validation), ids(split.validation));
  assert.notDeepEqual(ids(validationSplit(train, 50, 4).validation), ids(split.validation));
  assert.throws(() => validationSplit(train, 200), /validationSize must be an integer in \[0, 199\]/);
  assert.equal(takeExamples(split.train, 10).count, 10);
  // A training subset is the prefix of the full permuted remainder: subsets nest.
  const subset = validationSplit(train, 50, 3, 20);
  assert.deepEqual(ids(subset.train), ids(split.train).slice(0, 20));
  assert.deepEqual(ids(subset.validation), ids(split.validation));
  assert.throws(() => validationSplit(train, 50, 3, 151), /trainSize must be an integer in \[1, 150\]/);
});

test('batch buffer fills examples in the given order, with one-hot labels', () => {
  const { train } = syntheticDataset({ trainSize: 10, numClasses: 3, size: 2, seed: 2 });
  const buffer = new BatchBuffer(train, 4);
  const order = Int32Array.from([9, 3, 0, 5, 1, 2, 4, 6, 7, 8]);
  const n = buffer.fill(train, order, 8); // last partial batch: examples 7 and 8
  assert.equal(n, 2);
  assert.deepEqual(buffer.imageShape(), [2, 2, 2, 1]);
  assert.deepEqual(Array.from(buffer.imageView()), Array.from(train.images.subarray(7 * 4, 9 * 4)));
  assert.deepEqual(Array.from(buffer.labelView()), [train.labels[7], train.labels[8]]);
  const hot = buffer.oneHotView();
  assert.equal(hot.length, 6);
  assert.equal(hot[train.labels[7]], 1);
  assert.equal(
    hot.reduce((a, b) => a + b, 0),
    2,
  );
  buffer.fill(train, null, 0);
  assert.deepEqual(Array.from(buffer.labelView()), Array.from(train.labels.subarray(0, 4)));
  assert.throws(() => new BatchBuffer(train, 0), /batchSize must be an integer ≥ 1/);
});
