/**
 * Closeness of two float32 results where bit equality is not promised: oneDNN's kernels (the
 * convolutions forward and backward, pooling, batch norm) sum in their own blocked order, which
 * depends on the CPU, so their results differ from TensorFlow's portable kernels in the last bits.
 */
import assert from 'node:assert/strict';

/**
 * Assert `actual` and `expected` have equal length and differ by at most `tolerance` times the
 * larger of 1 and the largest magnitude in `expected` (an accumulation's rounding scales with its
 * terms, not with each small result).
 */
export function assertClose(actual: number[], expected: number[], label: string, tolerance = 1e-5): void {
  assert.equal(actual.length, expected.length, `${label}: lengths differ`);
  let scale = 1;
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    scale = Math.max(scale, Math.abs(expected[i]));
    worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  }
  assert.ok(worst <= tolerance * scale, `${label} differs by ${worst} (allowed ${tolerance * scale})`);
}
