/**
 * Building {@link ImageSplit}s: from IDX arrays (pixel scaling), by index selection (validation
 * split, subsets).
 *
 * @module
 */
import { seededPermutation } from './random';
import type { IdxArray, ImageSplit } from './types';

/**
 * Turn an IDX image array (`[n, h, w]` or `[n, h, w, c]`, uint8) and an IDX label array (`[n]`)
 * into an {@link ImageSplit}, scaling pixels to `[0, 1]` (byte / 255).
 *
 * @throws when the shapes disagree, the images are not uint8, or a label is outside `0..numClasses-1`.
 */
export function splitFromIdx(images: IdxArray, labels: IdxArray, numClasses = 10): ImageSplit {
  if (images.dtype !== 'uint8') throw new Error(`images: expected uint8 pixels, got ${images.dtype}`);
  if (images.shape.length !== 3 && images.shape.length !== 4) {
    throw new Error(
      `images: expected shape [n, height, width] or [n, height, width, channels], got [${images.shape}]`,
    );
  }
  if (labels.shape.length !== 1) throw new Error(`labels: expected shape [n], got [${labels.shape}]`);
  const [count, height, width] = images.shape;
  const channels = images.shape[3] ?? 1;
  if (labels.shape[0] !== count) {
    throw new Error(`images and labels disagree: ${count} images, ${labels.shape[0]} labels`);
  }
  const pixels = new Float32Array(images.data.length);
  const src = images.data;
  for (let i = 0; i < src.length; i++) pixels[i] = src[i] / 255;
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const label = labels.data[i];
    if (!Number.isInteger(label) || label < 0 || label >= numClasses) {
      throw new Error(`labels: label ${label} at index ${i} is outside 0..${numClasses - 1}`);
    }
    out[i] = label;
  }
  return { images: pixels, labels: out, count, height, width, channels, numClasses };
}

/**
 * The examples of `split` at `indices`, in that order (copied).
 *
 * @example
 * ```ts
 * const firstTen = selectExamples(data.test, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
 * ```
 */
export function selectExamples(split: ImageSplit, indices: ArrayLike<number>): ImageSplit {
  const size = split.height * split.width * split.channels;
  const images = new Float32Array(indices.length * size);
  const labels = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const k = indices[i];
    if (k < 0 || k >= split.count) throw new Error(`index ${k} is outside 0..${split.count - 1}`);
    images.set(split.images.subarray(k * size, (k + 1) * size), i * size);
    labels[i] = split.labels[k];
  }
  return { ...split, images, labels, count: indices.length };
}

/**
 * Split off `validationSize` examples chosen by a seeded permutation; the rest (in permuted
 * order, so any prefix is a random subset) is the training split.
 *
 * @param split the official training examples.
 * @param validationSize examples to hold out, `0 ≤ validationSize < split.count`.
 * @param seed seed of the permutation. Default 0.
 * @param trainSize keep only the first this many of the remaining (permuted) examples, i.e. a seeded
 *   random subset; copies only what is kept. Default: all.
 *
 * @example
 * ```ts
 * const { train, validation } = validationSplit(data.train, 5000, 1); // seed 1
 * ```
 */
export function validationSplit(
  split: ImageSplit,
  validationSize: number,
  seed = 0,
  trainSize?: number,
): { train: ImageSplit; validation: ImageSplit } {
  if (!Number.isInteger(validationSize) || validationSize < 0 || validationSize >= split.count) {
    throw new Error(`validationSize must be an integer in [0, ${split.count - 1}], got ${validationSize}`);
  }
  const available = split.count - validationSize;
  const keep = trainSize ?? available;
  if (!Number.isInteger(keep) || keep < 1 || keep > available) {
    throw new Error(
      `trainSize must be an integer in [1, ${available}] (training examples left after validation), got ${keep}`,
    );
  }
  const order = seededPermutation(split.count, seed);
  return {
    validation: selectExamples(split, order.subarray(0, validationSize)),
    train: selectExamples(split, order.subarray(validationSize, validationSize + keep)),
  };
}

/**
 * The first `count` examples of a split (a view, no copy), for subsets.
 *
 * @example
 * ```ts
 * const small = takeExamples(data.train, 512); // a quick experiment on 512 examples
 * ```
 */
export function takeExamples(split: ImageSplit, count: number): ImageSplit {
  if (!Number.isInteger(count) || count < 0 || count > split.count) {
    throw new Error(`size must be an integer in [0, ${split.count}], got ${count}`);
  }
  const size = split.height * split.width * split.channels;
  return {
    ...split,
    images: split.images.subarray(0, count * size),
    labels: split.labels.subarray(0, count),
    count,
  };
}
