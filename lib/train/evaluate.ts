/**
 * Inference-mode evaluation of a classifier over a split, batched, with one read-back at the end.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { BatchBuffer } from '../data/batches';
import type { ImageSplit } from '../data/types';
import type { EvalMetrics } from './types';

/**
 * Mean softmax cross-entropy and accuracy of `model` (logits out) over a split, in inference mode
 * (`training: false`: batch norm uses its running statistics).
 *
 * Per batch, inside one `tf.tidy`: logits, the summed loss and the count of correct predictions are
 * added to two running scalars; the scalars are read once at the end.
 *
 * @param batchSize examples per forward pass. Default 1000.
 * @param buffer a reusable batch buffer of at least `batchSize` capacity (one is made if absent).
 * @example
 * ```ts
 * const { loss, accuracy } = evaluate(model, data.test);
 * ```
 */
export function evaluate(
  model: tf.LayersModel,
  split: ImageSplit,
  batchSize = 1000,
  buffer?: BatchBuffer,
): EvalMetrics {
  if (split.count === 0) return { loss: Number.NaN, accuracy: Number.NaN, count: 0 };
  const buf =
    buffer && buffer.capacity >= batchSize
      ? buffer
      : new BatchBuffer(split, Math.min(batchSize, split.count));
  const size = Math.min(batchSize, buf.capacity);
  let totals = tf.zeros([2]);
  for (let start = 0; start < split.count; start += size) {
    const n = buf.fill(split, null, start);
    const next = tf.tidy(() => {
      const xs = tf.tensor4d(buf.imageView(), buf.imageShape());
      const ys = tf.tensor2d(buf.oneHotView(), [n, split.numClasses]);
      const logits = model.apply(xs, { training: false }) as tf.Tensor2D;
      const loss = tf.losses.softmaxCrossEntropy(ys, logits, undefined, undefined, tf.Reduction.SUM);
      const correct = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.argMax(ys, 1)), 'float32'));
      return tf.add(totals, tf.stack([loss, correct]));
    });
    totals.dispose();
    totals = next;
  }
  const [lossSum, correct] = totals.dataSync();
  totals.dispose();
  return { loss: lossSum / split.count, accuracy: correct / split.count, count: split.count };
}
