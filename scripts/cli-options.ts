/**
 * Value parsers for the command lines of `scripts/` and `bench/` (commander's `argParser`).
 *
 * Each one turns an option's text into its value or throws commander's `InvalidArgumentError`
 * with the values it takes; commander then prints
 * `error: option '--steps <n>' argument 'x' is invalid. <what it takes>` and exits with status 1,
 * so a mistyped option never runs with a silently different value.
 */
import { InvalidArgumentError } from 'commander';

/** A whole number in [min, max]. */
export function wholeNumber(min = 1, max = Number.MAX_SAFE_INTEGER): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (text.trim() === '' || !Number.isInteger(value) || value < min || value > max)
      throw new InvalidArgumentError(
        max === Number.MAX_SAFE_INTEGER
          ? `It takes a whole number >= ${min}.`
          : `It takes a whole number from ${min} to ${max}.`,
      );
    return value;
  };
}

/** A finite number greater than zero. */
export function positiveNumber(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0)
    throw new InvalidArgumentError('It takes a number > 0.');
  return value;
}

/** A comma-separated list of some of `allowed` (at least one). */
export function someOf<T extends string>(allowed: readonly T[]): (text: string) => T[] {
  return (text) => {
    const items = text.split(',').map((item) => item.trim());
    const unknown = items.filter((item) => !allowed.includes(item as T));
    if (unknown.length > 0 || items.length === 0)
      throw new InvalidArgumentError(
        `Unknown: ${unknown.join(', ')}; it takes a comma-separated list of some of ${allowed.join(', ')}.`,
      );
    return items as T[];
  };
}

/** One of `allowed` (for positional arguments; options use commander's `choices`). */
export function oneOf<T extends string>(allowed: readonly T[]): (text: string) => T {
  return (text) => {
    if (!allowed.includes(text as T))
      throw new InvalidArgumentError(`It takes one of ${allowed.join(', ')}.`);
    return text as T;
  };
}
