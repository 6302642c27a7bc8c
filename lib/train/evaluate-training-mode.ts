/**
 * Accuracy of a classifier run in training mode (`training: true`) over a split: the wrong way to
 * evaluate a batch-norm network, measured on purpose to show what it costs.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import type { ImageSplit } from '../data/types';

/** Options of {@link evaluateInTrainingMode}. */
export interface TrainingModeEvalOptions {
  /** Examples per forward pass, an integer in `[1, split.count]`. Default 64. */
  batchSize?: number;
}

/** What {@link evaluateInTrainingMode} measured. */
export interface TrainingModeAccuracy {
  /** Share of correct predictions over the examples seen. */
  accuracy: number;
  /** Examples seen: the full batches only (`floor(count / batchSize) * batchSize`). */
  count: number;
}

/**
 * Accuracy of `model` (logits out) over a split when every forward pass runs in **training
 * mode**: batch norm normalizes each batch with that batch's own mean and variance instead of its
 * running statistics. Batches are taken in the split's order (sort the split to make batches of
 * one class); the last incomplete batch is dropped, so that every batch has `batchSize` examples.
 *
 * Side effect: in training mode tfjs' batch-norm layers (and normlab's) update their running
 * mean and variance at every forward pass, so calling this **changes the model's inference-mode
 * behaviour** afterwards (no weights are trained: no gradient step is taken). Evaluate in
 * inference mode before, or on a copy, when that matters.
 *
 * Per batch, inside one `tf.tidy`, the count of correct predictions is added to a running scalar,
 * read once at the end; no tensor outlives the call.
 *
 * @throws when `batchSize` is not an integer in `[1, split.count]`.
 * @example
 * ```ts
 * const inference = evaluate(model, data.test).accuracy;
 * const tiny = evaluateInTrainingMode(model, data.test, { batchSize: 2 }).accuracy; // lower, and the running statistics moved
 * ```
 */
export function evaluateInTrainingMode(
  model: tf.LayersModel,
  split: ImageSplit,
  options: TrainingModeEvalOptions = {},
): TrainingModeAccuracy {
  const batchSize = options.batchSize ?? 64;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > split.count) {
    throw new Error(
      `batchSize must be an integer in [1, ${split.count}] (the split's count), got ${batchSize}`,
    );
  }
  const size = split.height * split.width * split.channels;
  const batches = Math.floor(split.count / batchSize);
  let correct: tf.Tensor = tf.scalar(0, 'int32');
  for (let b = 0; b < batches; b++) {
    const start = b * batchSize;
    const next = tf.tidy(() => {
      const xs = tf.tensor4d(split.images.subarray(start * size, (start + batchSize) * size), [
        batchSize,
        split.height,
        split.width,
        split.channels,
      ]);
      const labels = tf.tensor1d(split.labels.subarray(start, start + batchSize), 'int32');
      const logits = model.apply(xs, { training: true }) as tf.Tensor2D;
      const hits = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'int32'));
      return tf.add(correct, hits);
    });
    correct.dispose();
    correct = next;
  }
  const hits = correct.dataSync()[0];
  correct.dispose();
  const count = batches * batchSize;
  return { accuracy: hits / count, count };
}
