/**
 * How far a normalization layer's training-mode output is from what it computes at inference:
 * {@link trainInferenceGaps}, the measure that separates batch norm from batch renormalization.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';

/**
 * Feed batches to a layer as training steps and measure, before each step, the largest
 * `|training-mode output − inference-mode output|` on that batch: the mismatch between what the
 * network is trained with and what it will compute at inference. Batch norm's gap is the
 * difference between the batch's statistics and the running ones (large for small batches);
 * batch renormalization's is zero up to float rounding whenever `r` and `d` are not clipped and
 * its renormalization statistics equal its inference statistics (same momentum, after the first
 * update: fresh, inference's σ is `sqrt(1 + ε)` and renormalization's 1), since then
 * `γ·(x̂·r + d) + β = γ·(x − μ)/σ + β`. Layers without running statistics have no gap.
 *
 * The training calls update the layer's statistics, as training would (no gradient is taken).
 *
 * @param layer a built or unbuilt normalization layer.
 * @param batches the batches, in order (not disposed).
 * @returns one gap per batch.
 * @example
 * ```ts
 * const gaps = trainInferenceGaps(new BatchNormalization({ momentum: 0.9 }), batchesOf4);
 * ```
 */
export function trainInferenceGaps(layer: tf.layers.Layer, batches: readonly tf.Tensor[]): number[] {
  return batches.map((batch) =>
    tf.tidy(() => {
      const inference = layer.apply(batch, { training: false }) as tf.Tensor;
      const training = layer.apply(batch, { training: true }) as tf.Tensor;
      return tf.max(tf.abs(tf.sub(training, inference))).dataSync()[0];
    }),
  );
}
