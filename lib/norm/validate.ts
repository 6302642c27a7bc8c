/**
 * Argument checks of the normalization layers' own options (ε, momentum, group count). Every
 * failure is an Error whose message names the option and the allowed values or range.
 *
 * @module
 */

/**
 * Check ε: a finite number > 0.
 *
 * @throws Error `epsilon must be a finite number > 0; got …`.
 */
export function checkEpsilon(epsilon: number): number {
  if (typeof epsilon !== 'number' || !Number.isFinite(epsilon) || epsilon <= 0) {
    throw new Error(`epsilon must be a finite number > 0; got ${JSON.stringify(epsilon)}`);
  }
  return epsilon;
}

/**
 * Check a momentum: a number in [0, 1) (in either convention).
 *
 * @throws Error `momentum must be a number in [0, 1); got …`.
 */
export function checkMomentum(momentum: number): number {
  if (typeof momentum !== 'number' || !(momentum >= 0 && momentum < 1)) {
    throw new Error(`momentum must be a number in [0, 1); got ${JSON.stringify(momentum)}`);
  }
  return momentum;
}

/**
 * Check a group count: an integer ≥ 1 (whether it divides the channels is checked at build time,
 * see {@link checkGroupsDivide}).
 *
 * @throws Error `groups must be an integer >= 1; got …`.
 */
export function checkGroups(groups: number): number {
  if (!Number.isInteger(groups) || groups < 1) {
    throw new Error(`groups must be an integer >= 1; got ${JSON.stringify(groups)}`);
  }
  return groups;
}

/**
 * Check that `groups` divides the channel count.
 *
 * @throws Error `groups (3) must divide the number of channels (32); allowed: 1, 2, 4, 8, 16, 32`.
 */
export function checkGroupsDivide(groups: number, channels: number): void {
  if (channels % groups !== 0) {
    const divisors: number[] = [];
    for (let d = 1; d <= channels; d++) if (channels % d === 0) divisors.push(d);
    throw new Error(
      `groups (${groups}) must divide the number of channels (${channels}); allowed: ${divisors.join(', ')}`,
    );
  }
}
