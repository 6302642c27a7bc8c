/**
 * Seeded mini-batches without tensors: a {@link BatchBuffer} holds one mini-batch in reused typed
 * arrays, filled from a split through a permutation. The trainer turns the buffer into tensors
 * inside its per-step `tf.tidy`, so no tensor outlives a step and the data pipeline costs one
 * memory copy per batch.
 *
 * @module
 */
import { deriveSeed, seededPermutation } from './random';
import type { ImageSplit } from './types';

/**
 * The order in which epoch `epoch` (1-based) visits the examples of a split of `count` examples:
 * a seeded permutation, different per epoch, identical for equal `(count, seed, epoch)`.
 */
export function epochOrder(count: number, seed: number, epoch: number): Int32Array {
  return seededPermutation(count, deriveSeed(seed, epoch));
}

/** Full mini-batches per epoch when the last incomplete one is dropped. */
export function batchesPerEpoch(count: number, batchSize: number): number {
  return Math.floor(count / batchSize);
}

/**
 * One mini-batch in reused typed arrays.
 *
 * @example
 * ```ts
 * const buffer = new BatchBuffer(data.train, 128);
 * buffer.fill(data.train, null, 0); // the first 128 examples, in order
 * const xs = tf.tensor4d(buffer.imageView(), buffer.imageShape());
 * ```
 */
export class BatchBuffer {
  /** Pixels of the batch, NHWC, length `capacity * height * width * channels`. */
  readonly images: Float32Array;
  /** Labels of the batch. */
  readonly labels: Int32Array;
  /** One-hot labels, `capacity × numClasses`, row-major. */
  readonly oneHot: Float32Array;
  /** Examples in the current batch (≤ capacity). */
  size = 0;
  private readonly exampleSize: number;

  /**
   * @param shape the split whose examples the buffer will hold (only its shape is used).
   * @param capacity the largest batch, ≥ 1.
   */
  constructor(
    readonly shape: Pick<ImageSplit, 'height' | 'width' | 'channels' | 'numClasses'>,
    readonly capacity: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new Error(`batchSize must be an integer ≥ 1, got ${capacity}`);
    }
    this.exampleSize = shape.height * shape.width * shape.channels;
    this.images = new Float32Array(capacity * this.exampleSize);
    this.labels = new Int32Array(capacity);
    this.oneHot = new Float32Array(capacity * shape.numClasses);
  }

  /**
   * Fill the buffer with the examples `order[start .. start + n - 1]` of `split`, where
   * `n = min(capacity, order.length - start)`. With `order` null, examples are taken in index order.
   *
   * @returns the number of examples in the batch.
   */
  fill(split: ImageSplit, order: Int32Array | null, start: number): number {
    const total = order ? order.length : split.count;
    const n = Math.max(0, Math.min(this.capacity, total - start));
    const size = this.exampleSize;
    const k = this.shape.numClasses;
    if (!order) {
      this.images.set(split.images.subarray(start * size, (start + n) * size));
      this.labels.set(split.labels.subarray(start, start + n));
    } else {
      for (let i = 0; i < n; i++) {
        const e = order[start + i];
        this.images.set(split.images.subarray(e * size, (e + 1) * size), i * size);
        this.labels[i] = split.labels[e];
      }
    }
    this.oneHot.fill(0, 0, n * k);
    for (let i = 0; i < n; i++) this.oneHot[i * k + this.labels[i]] = 1;
    this.size = n;
    return n;
  }

  /** The batch's pixels as a view of exactly `size` examples. */
  imageView(): Float32Array {
    return this.size === this.capacity ? this.images : this.images.subarray(0, this.size * this.exampleSize);
  }

  /** The batch's labels as a view of exactly `size` examples. */
  labelView(): Int32Array {
    return this.size === this.capacity ? this.labels : this.labels.subarray(0, this.size);
  }

  /** The batch's one-hot labels as a view of exactly `size` rows. */
  oneHotView(): Float32Array {
    const k = this.shape.numClasses;
    return this.size === this.capacity ? this.oneHot : this.oneHot.subarray(0, this.size * k);
  }

  /** `[size, height, width, channels]` of the current batch. */
  imageShape(): [number, number, number, number] {
    return [this.size, this.shape.height, this.shape.width, this.shape.channels];
  }
}
