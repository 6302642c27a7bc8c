/**
 * Argument checks shared by normlab's layers (axes, ranks, booleans, windows). Every failure is
 * an Error whose message names the option (or the layer and the input) and the allowed values or
 * range.
 *
 * @module
 */

/**
 * Check an integer option (such as a layer's channel `axis`, before the input's rank is known).
 *
 * @throws Error `<name> must be an integer; got …`.
 */
export function checkInteger(value: number, name: string): number {
  if (!Number.isInteger(value)) throw new Error(`${name} must be an integer; got ${JSON.stringify(value)}`);
  return value;
}

/**
 * Check a boolean option.
 *
 * @throws Error `<name> must be true or false; got …`.
 */
export function checkBoolean(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean')
    throw new Error(`${name} must be true or false; got ${JSON.stringify(value)}`);
  return value;
}

/**
 * Resolve one axis of a rank-`rank` input: negative axes count from the end.
 *
 * @param option the option's name, for the message (e.g. `axis`).
 * @throws Error `axis must be an integer in [-4, 3] for a rank-4 input; got 4`. The batch axis 0
 *   is allowed only when `allowBatchAxis` is true.
 */
export function resolveAxis(axis: number, rank: number, option = 'axis', allowBatchAxis = false): number {
  const lowest = allowBatchAxis ? 0 : 1;
  const resolved = Number.isInteger(axis) ? (axis < 0 ? axis + rank : axis) : Number.NaN;
  if (!(resolved >= lowest && resolved < rank)) {
    throw new Error(
      `${option} must be an integer in [${-rank + lowest}, ${rank - 1}]${
        allowBatchAxis ? '' : ' other than the batch axis 0'
      } for a rank-${rank} input; got ${JSON.stringify(axis)}`,
    );
  }
  return resolved;
}

/**
 * Resolve a list of axes (see {@link resolveAxis}), sorted, rejecting duplicates.
 *
 * @throws Error naming the option when an axis is out of range or repeated.
 */
export function resolveAxes(axes: readonly number[], rank: number, option = 'axis'): number[] {
  if (!Array.isArray(axes) || axes.length === 0) {
    throw new Error(
      `${option} must be an integer or a non-empty list of integers; got ${JSON.stringify(axes)}`,
    );
  }
  const resolved = axes.map((a) => resolveAxis(a, rank, option)).sort((a, b) => a - b);
  for (let i = 1; i < resolved.length; i++) {
    if (resolved[i] === resolved[i - 1]) {
      throw new Error(`${option} lists axis ${resolved[i]} twice: ${JSON.stringify(axes)}`);
    }
  }
  return resolved;
}

/**
 * Check an input's rank against the ranks a layer supports.
 *
 * @param layer the layer's class name, for the message.
 * @param why a short reason shown in the message (e.g. `instance norm needs spatial axes`).
 * @throws Error `InstanceNormalization expects an input of rank >= 3 (batch, spatial..., channels); got rank 2 (shape [8,16]): …`.
 */
export function checkRank(
  shape: readonly (number | null)[],
  minRank: number,
  layer: string,
  layout: string,
  why = '',
): void {
  if (shape.length < minRank) {
    throw new Error(
      `${layer} expects an input of rank >= ${minRank} (${layout}); got rank ${shape.length} ` +
        `(shape [${shape.join(',')}])${why ? `: ${why}` : ''}`,
    );
  }
}

/**
 * A size option (kernel, window, strides) as a pair of integers ≥ 1: one number `n` means `[n, n]`.
 *
 * @param value the option as given (`undefined` takes `fallback`).
 * @param fallback the default, one number.
 * @param name the option's name, for the error.
 */
export function checkPair(
  value: number | [number, number] | undefined,
  fallback: number,
  name: string,
): [number, number] {
  const v = value ?? fallback;
  const p: number[] = Array.isArray(v) ? v : [v, v];
  if (p.length !== 2 || !p.every((n) => Number.isInteger(n) && n >= 1)) {
    throw new Error(`${name} must be an integer >= 1 or a pair of them; got ${JSON.stringify(value)}`);
  }
  return [p[0], p[1]];
}

/**
 * A padding option: `'valid'` (the default) or `'same'`, TensorFlow's padding rules.
 *
 * @param value the option as given (`undefined` takes `'valid'`).
 */
export function checkPadding(value: string | undefined): 'valid' | 'same' {
  const padding = value ?? 'valid';
  if (padding !== 'valid' && padding !== 'same') {
    throw new Error(`padding must be 'valid' or 'same'; got ${JSON.stringify(value)}`);
  }
  return padding;
}

/**
 * The output length along one axis of a sliding window (convolution or pooling) under
 * TensorFlow's padding rules: `ceil(size / stride)` with `'same'`,
 * `ceil((size − window + 1) / stride)` with `'valid'`; `null` for an unknown size.
 */
export function windowOutputSize(
  size: number | null,
  window: number,
  stride: number,
  padding: 'valid' | 'same',
): number | null {
  if (size == null) return null;
  return padding === 'same' ? Math.ceil(size / stride) : Math.ceil((size - window + 1) / stride);
}
