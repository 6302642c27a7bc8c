/**
 * Population statistics for batch normalization: after training, replace every batch-norm
 * layer's running mean and variance (exponential moving averages of mini-batch statistics, which
 * lag behind the weights and are noisy at small batch sizes) by the mean and variance of its
 * input over the training set. Comparing accuracy with the two tells bad running estimates apart
 * from bad training (as in Wu & He 2018, §4 and Ioffe 2017).
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { BatchBuffer } from '../data/batches';
import type { ImageSplit } from '../data/types';

/** Options of `recomputePopulationStatistics`. */
export interface PopulationStatisticsOptions {
  /** Use at most this many training examples (the first ones). Default 10,000. */
  maxExamples?: number;
  /** Examples per forward pass. Default 500. */
  batchSize?: number;
}

type LayerVariable = tf.LayerVariable;

/** The layers of a model that keep running statistics (weights named `moving_mean`/`moving_variance`). */
export function layersWithRunningStatistics(
  model: tf.LayersModel,
): { layer: tf.layers.Layer; mean: LayerVariable; variance: LayerVariable }[] {
  const out: { layer: tf.layers.Layer; mean: LayerVariable; variance: LayerVariable }[] = [];
  for (const layer of model.layers) {
    const mean = layer.weights.find((w) => /moving_mean$/.test(w.originalName ?? w.name));
    const variance = layer.weights.find((w) => /moving_variance$/.test(w.originalName ?? w.name));
    if (mean && variance) out.push({ layer, mean, variance });
  }
  return out;
}

/**
 * Recompute every batch-norm layer's running statistics as the population mean and (biased)
 * variance of its input over the training split, per channel, layer by layer in the model's
 * order: each layer sees its input computed with the already recomputed statistics of the layers
 * before it (inference mode).
 *
 * @returns the number of layers updated (0 for a model without batch norm, which is unchanged).
 * @example
 * ```ts
 * const before = evaluate(model, data.test).accuracy;
 * recomputePopulationStatistics(model, data.train);
 * const after = evaluate(model, data.test).accuracy;
 * ```
 */
export function recomputePopulationStatistics(
  model: tf.LayersModel,
  train: ImageSplit,
  options: PopulationStatisticsOptions = {},
): number {
  const targets = layersWithRunningStatistics(model);
  const count = Math.min(train.count, options.maxExamples ?? 10000);
  if (targets.length === 0 || count === 0) return 0;
  // A batch size that divides the example count, so every example is seen exactly once.
  let size = Math.min(options.batchSize ?? 500, count);
  while (count % size !== 0) size--;
  const buf = new BatchBuffer(train, size);
  for (const { layer, mean, variance } of targets) {
    const upTo = tf.model({ inputs: model.inputs, outputs: layer.input as tf.SymbolicTensor });
    let sums: tf.Tensor | null = null;
    let perExample = 1;
    for (let start = 0; start < count; start += buf.capacity) {
      buf.fill(train, null, start);
      const next: tf.Tensor = tf.tidy(() => {
        const xs = tf.tensor4d(buf.imageView(), buf.imageShape());
        const x = upTo.apply(xs, { training: false }) as tf.Tensor;
        perExample = x.shape.slice(1, -1).reduce((a, b) => a * (b as number), 1);
        const axes = x.shape.slice(0, -1).map((_, i) => i);
        const batchSums = tf.stack([tf.sum(x, axes), tf.sum(tf.square(x), axes)]);
        return sums ? tf.add(sums, batchSums) : batchSums;
      });
      sums?.dispose();
      sums = next;
    }
    const values = sums!.arraySync() as number[][];
    sums!.dispose();
    const total = count * perExample;
    const m = values[0].map((s) => s / total);
    const v = values[1].map((s, i) => Math.max(0, s / total - m[i] * m[i]));
    tf.tidy(() => {
      mean.write(tf.tensor1d(m));
      variance.write(tf.tensor1d(v));
    });
  }
  return targets.length;
}
