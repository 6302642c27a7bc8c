/**
 * How the predictions of a classifier spread over the classes: a collapsed network predicts
 * (almost) one class for every input, which accuracy alone can hide when the classes are not
 * balanced.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { BatchBuffer } from '../data/batches';
import type { ImageSplit } from '../data/types';

/**
 * Share of a split's inference-mode predictions that fall in each class (sums to 1).
 *
 * @param batchSize - examples per forward pass, default 1000.
 * @returns one share per class; an empty split gives all zeros.
 * @example
 * ```ts
 * const shares = predictedClassShares(model, data.validation);
 * const collapsed = Math.max(...shares) >= 0.95;
 * ```
 */
export function predictedClassShares(model: tf.LayersModel, split: ImageSplit, batchSize = 1000): number[] {
  const counts = new Array<number>(split.numClasses).fill(0);
  if (split.count === 0) return counts;
  const buf = new BatchBuffer(split, Math.min(batchSize, split.count));
  for (let start = 0; start < split.count; start += buf.capacity) {
    const n = buf.fill(split, null, start);
    const predicted = tf.tidy(() => {
      const xs = tf.tensor4d(buf.imageView(), buf.imageShape());
      return tf.argMax(model.apply(xs, { training: false }) as tf.Tensor2D, 1);
    });
    const values = predicted.dataSync();
    predicted.dispose();
    for (let i = 0; i < n; i++) counts[values[i]]++;
  }
  return counts.map((c) => c / split.count);
}
