/**
 * What a normalization layer's `build` fixed about its input (rank, channel axis or normalized
 * axes, their sizes), and the checks that a later call's input still matches it.
 *
 * @module
 */
import type * as tf from '@tensorflow/tfjs';
import { resolveAxis } from '../layers/validate';

/** What `build` fixed about the input of a layer with one channel axis (batch, instance, group norm). */
export interface BuiltChannels {
  /** The input rank. */
  rank: number;
  /** The channel axis, resolved (≥ 1). */
  channelAxis: number;
  /** The number of channels. */
  channels: number;
}

/** What `build` fixed about the input of a layer normalizing over given axes (layer norm). */
export interface BuiltAxes {
  /** The input rank. */
  rank: number;
  /** The normalized axes, resolved and sorted. */
  axes: number[];
  /** The input's sizes on `axes` (the shape of γ and β). */
  sizes: number[];
}

/**
 * Check that a call's input matches what the layer was built for: the same rank and the same
 * sizes on the axes the weights span (the batch size and other axes may differ).
 *
 * @param layer the layer's class name, for the message.
 * @param built the rank and sizes recorded by `build`.
 * @param x the call's input.
 * @throws Error `BatchNormalization was built for rank-2 inputs with 8 channels on axis 1; got
 *   input shape [4,6]` (or, for {@link BuiltAxes}, `… with sizes [3,4] on axes [2,3]; …`).
 */
export function checkBuiltShape(layer: string, built: BuiltChannels | BuiltAxes, x: tf.Tensor): void {
  const axes = 'axes' in built ? built.axes : [built.channelAxis];
  const sizes = 'axes' in built ? built.sizes : [built.channels];
  if (x.rank === built.rank && axes.every((a, i) => x.shape[a] === sizes[i])) return;
  const what =
    'axes' in built
      ? `sizes [${built.sizes}] on axes [${built.axes}]`
      : `${built.channels} channels on axis ${built.channelAxis}`;
  throw new Error(
    `${layer} was built for rank-${built.rank} inputs with ${what}; got input shape [${x.shape}]`,
  );
}

/**
 * The channel axis of a channels-last layer (instance and group norm) in `build`: `axis` must be
 * the last axis and the channel count must be known.
 *
 * @param shape the input shape given to `build` (rank already checked).
 * @param axis the `axis` option as given.
 * @param layer the layer's class name, for the messages.
 * @throws Error `axis must be the last axis (-1 or 3): GroupNormalization supports channels-last
 *   input only; got 1`, or the range error of {@link resolveAxis}.
 */
export function channelsLastInput(shape: tf.Shape, axis: number, layer: string): BuiltChannels {
  const rank = shape.length;
  if (resolveAxis(axis, rank) !== rank - 1) {
    throw new Error(
      `axis must be the last axis (-1 or ${rank - 1}): ${layer} supports channels-last input only; got ${axis}`,
    );
  }
  const channels = shape[rank - 1];
  if (channels == null) throw new Error(`${layer}: the number of channels must be known`);
  checkChannels(layer, shape, channels);
  return { rank, channelAxis: rank - 1, channels };
}

/**
 * Refuse an input without channels (size 0 on the channel axis): there is nothing to normalize,
 * and the statistics would be computed over empty groups.
 *
 * @throws Error `GroupNormalization needs at least one channel; got input shape [4,3,3,0] …`.
 */
export function checkChannels(layer: string, shape: tf.Shape, channels: number): void {
  if (channels < 1)
    throw new Error(
      `${layer} needs at least one channel; got input shape [${shape}] (size ${channels} on the channel axis)`,
    );
}
