/**
 * Default names for normlab's layers.
 *
 * @module
 */

const nameCounters = new Map<string, number>();

/**
 * A fresh default layer name, `<base>_<n>`. normlab's registered class names contain `>`
 * (`normlab>BatchNormalization`), which tfjs does not accept in the default names it derives from
 * the class name, so the layers name themselves.
 */
export function defaultLayerName(base: string): string {
  const n = (nameCounters.get(base) ?? 0) + 1;
  nameCounters.set(base, n);
  return `${base}_${n}`;
}
