/**
 * Closeness of two float32 results where bit equality is not promised: oneDNN may add a
 * convolution's bias inside its accumulation, and which kernel it picks depends on the CPU, so the
 * fused output can differ from `conv2d` + `add` in the last bits while gradients stay identical.
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
