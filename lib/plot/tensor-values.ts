/**
 * Tensor → plain array helper for figures: read a tensor's values per channel without leaking
 * tensors.
 *
 * @module
 */
import type * as tf from '@tensorflow/tfjs';

/**
 * The values of each channel (last axis) of a tensor: `result[c]` holds every element whose
 * last index is `c` (for NHWC features: all N·H·W values of channel c).
 *
 * @param maxChannels - read only the first channels. Default: all.
 * @throws when the tensor is a scalar.
 *
 * @example
 * ```ts
 * const [c0, c1] = channelValues(tf.randomNormal([8, 28, 28, 16]), 2); // the first two channels' values
 * ```
 */
export function channelValues(t: tf.Tensor, maxChannels?: number): Float32Array[] {
  if (t.rank < 1) throw new Error('channelValues: the tensor must have rank ≥ 1 (channels on the last axis)');
  const channels = t.shape[t.rank - 1];
  const keep = Math.min(channels, maxChannels ?? channels);
  const flat = t.dataSync();
  const per = flat.length / channels;
  const out = Array.from({ length: keep }, () => new Float32Array(per));
  for (let i = 0; i < per; i++) {
    for (let c = 0; c < keep; c++) out[c][i] = flat[i * channels + c];
  }
  return out;
}
