/**
 * The axes of the per-example normalizations (layer and RMS norm): an axis, a list of axes, or
 * `'features'` for every axis but the batch axis.
 *
 * @module
 */
import type * as tf from '@tensorflow/tfjs';
import { resolveAxes } from '../layers/validate';
import type { BuiltAxes } from './built-shape';

/**
 * Which axes a per-example normalization normalizes over: one axis, a list, or `'features'` for
 * every axis but the batch axis (Ba et al.'s layer norm of a whole example).
 */
export type FeatureAxes = number | number[] | 'features';

/**
 * Check a {@link FeatureAxes} option and copy it.
 *
 * @throws Error `axis must be an integer, a non-empty list of integers or 'features'; got …`.
 */
export function checkFeatureAxes(axis: unknown): FeatureAxes {
  const ok =
    axis === 'features' ||
    Number.isInteger(axis) ||
    (Array.isArray(axis) && axis.length > 0 && axis.every((a) => Number.isInteger(a)));
  if (!ok) {
    throw new Error(
      `axis must be an integer, a non-empty list of integers or 'features'; got ${JSON.stringify(axis)}`,
    );
  }
  return Array.isArray(axis) ? [...axis] : (axis as FeatureAxes);
}

/**
 * The axes and their sizes for an input shape, as `build` records them.
 *
 * @param layer the layer's name, for the message.
 * @throws Error for an axis out of range or listed twice, or of unknown size.
 */
export function resolveFeatureAxes(axis: FeatureAxes, shape: tf.Shape, layer: string): BuiltAxes {
  const rank = shape.length;
  const given = axis === 'features' ? shape.map((_, i) => i).slice(1) : Array.isArray(axis) ? axis : [axis];
  const axes = resolveAxes(given, rank);
  for (const a of axes) {
    if (shape[a] == null) throw new Error(`${layer}: the size of axis ${a} must be known`);
  }
  return { rank, axes, sizes: axes.map((a) => shape[a] as number) };
}
