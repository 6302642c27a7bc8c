/**
 * Small vector helpers on flattened gradients (plain typed arrays): norms, distances and cosines.
 *
 * @module
 */

/** Concatenate arrays into one Float64Array (a flattened parameter or gradient vector). */
export function concatVectors(parts: readonly ArrayLike<number>[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p as ArrayLike<number>, offset);
    offset += p.length;
  }
  return out;
}

/** Euclidean norm ‖a‖. */
export function l2Norm(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

function checkSameLength(a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length) throw new Error(`vectors of different lengths: ${a.length} vs ${b.length}`);
}

/** Euclidean distance ‖a − b‖ (same lengths). */
export function l2Distance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  checkSameLength(a, b);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s);
}

/** Cosine of the angle between a and b, `a·b / (‖a‖‖b‖)`; NaN when either is zero. */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  checkSameLength(a, b);
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i] * b[i];
  const denominator = l2Norm(a) * l2Norm(b);
  return denominator > 0 ? dot / denominator : Number.NaN;
}
