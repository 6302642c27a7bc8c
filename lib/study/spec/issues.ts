/**
 * Spec problems zod does not word well: numbers that are not finite (JSON's `1e400` parses to
 * Infinity, which no result can be hashed with) and union fields given a value of the wrong type
 * (zod says only "Invalid input").
 *
 * @module
 */
import type { z } from 'zod';

/** Paths (`defaults.learningRate`, `experiments[0].initScales[1]`) and values of non-finite numbers in a parsed spec. */
export function nonFiniteNumbers(
  value: unknown,
  path: (string | number)[] = [],
): { path: (string | number)[]; value: number }[] {
  if (typeof value === 'number') return Number.isFinite(value) ? [] : [{ path, value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => nonFiniteNumbers(v, [...path, i]));
  if (value !== null && typeof value === 'object')
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
      nonFiniteNumbers(v, [...path, k]),
    );
  return [];
}

function valueAt(input: unknown, path: readonly (string | number)[]): unknown {
  let v: unknown = input;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[key];
  }
  return v;
}

const article = (type: string) => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v)}`;
  if (typeof v === 'object') return 'an object';
  return `${article(typeof v)} ${JSON.stringify(v)}`;
}

/**
 * A readable message for a zod issue: for a union whose every branch rejected the value's type,
 * `expected a number or an array, got the string "yes"`; otherwise zod's own message.
 */
export function issueMessage(issue: z.ZodIssue, input: unknown): string {
  if (issue.code !== 'invalid_union') return issue.message;
  const expected = new Set<string>();
  for (const e of issue.unionErrors) {
    const typeIssue = e.issues.find((i) => i.code === 'invalid_type' && i.path.length === issue.path.length);
    if (typeIssue?.code !== 'invalid_type') return issue.message;
    expected.add(typeIssue.expected);
  }
  if (expected.size === 0) return issue.message;
  return `expected ${[...expected].map(article).join(' or ')}, got ${describeValue(valueAt(input, issue.path))}`;
}
