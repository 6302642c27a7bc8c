import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalSample, seededRandom } from '../../lib/data/random';
import { IOFFE_PERCENTILES, quantiles, sortedQuantile } from '../../lib/mechanism/quantiles';
import { quantileDrift } from '../../lib/mechanism/summary';
import { concatVectors, cosineSimilarity, l2Distance, l2Norm } from '../../lib/mechanism/vectors';

test('quantiles interpolate linearly between ranks (numpy default)', () => {
  assert.deepEqual(quantiles([3, 1, 2, 5, 4], [0, 0.5, 1]), [1, 3, 5]);
  assert.deepEqual(quantiles([1, 2, 3, 4], [0.5, 0.25]), [2.5, 1.75]);
  const grid = Array.from({ length: 101 }, (_, i) => 100 - i); // 0..100, unsorted
  assert.deepEqual(
    quantiles(grid).map((q) => Math.round(q * 1e9) / 1e9),
    [15, 50, 85],
  );
  assert.equal(sortedQuantile([7], 0.3), 7);
});

test("a standard normal sample's 15th/50th/85th percentiles are near ∓1.0364 and 0", () => {
  const rand = seededRandom(3);
  const sample = Array.from({ length: 20000 }, () => normalSample(rand));
  const [q15, q50, q85] = quantiles(sample, IOFFE_PERCENTILES);
  assert.ok(Math.abs(q15 + 1.0364) < 0.04, `q15 ${q15}`);
  assert.ok(Math.abs(q50) < 0.03, `q50 ${q50}`);
  assert.ok(Math.abs(q85 - 1.0364) < 0.04, `q85 ${q85}`);
});

test('quantiles reject empty samples, bad probabilities and non-finite values', () => {
  assert.throws(() => quantiles([], [0.5]), /empty sample/);
  assert.throws(() => quantiles([1, 2], [1.5]), /probability must be in \[0, 1\]/);
  assert.throws(() => quantiles([1, Number.NaN], [0.5]), /non-finite/);
});

test('vector helpers: norm, distance, cosine, concatenation', () => {
  assert.equal(l2Norm([3, 4]), 5);
  assert.equal(l2Distance([3, 4], [3, 0]), 4);
  assert.ok(Math.abs(cosineSimilarity([3, 4], [3, 0]) - 0.6) < 1e-12);
  assert.ok(Number.isNaN(cosineSimilarity([0, 0], [1, 0])));
  assert.deepEqual(Array.from(concatVectors([[1], [2, 3]])), [1, 2, 3]);
  assert.throws(() => l2Distance([1], [1, 2]), /different lengths/);
});

test('quantile drift: 0 for a still distribution, change over spread otherwise', () => {
  const still = [{ quantiles: [[-1, 0, 1]] }, { quantiles: [[-1, 0, 1]] }];
  assert.equal(quantileDrift(still), 0);
  // Every quantile moves by 1 per snapshot; the spread is 2.
  const moving = [{ quantiles: [[-1, 0, 1]] }, { quantiles: [[0, 1, 2]] }, { quantiles: [[1, 2, 3]] }];
  assert.equal(quantileDrift(moving), 0.5);
  assert.ok(Number.isNaN(quantileDrift([{ quantiles: [[0, 1, 2]] }])));
});
