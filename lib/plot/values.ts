/**
 * Small pure helpers the figure builders share: JSON-safe numbers, summaries of value lists,
 * deterministic down-sampling, subplot domains.
 *
 * @module
 */
import type { PlotNumber } from './types';

/** A finite number as is; `NaN`/`±Infinity`/`undefined`/`null` as `null` (a gap in Plotly, valid JSON). */
export function finiteOrNull(value: number | null | undefined): PlotNumber {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** {@link finiteOrNull} over a list. */
export function finiteList(values: ArrayLike<number | null | undefined>): PlotNumber[] {
  return Array.from({ length: values.length }, (_, i) => finiteOrNull(values[i]));
}

/** Mean, population standard deviation, minimum and maximum of the finite values of a list. */
export interface ValueSummary {
  /** Finite values counted. */
  count: number;
  /** Mean (`NaN` when none). */
  mean: number;
  /** Population standard deviation `sqrt(Σ(x − μ)² / n)` (`NaN` when none). */
  std: number;
  /** Smallest value (`NaN` when none). */
  min: number;
  /** Largest value (`NaN` when none). */
  max: number;
}

/** Summarise the finite values of a list (non-finite values are skipped). */
export function summarizeValues(values: ArrayLike<number>): ValueSummary {
  let count = 0;
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    count++;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (count === 0) return { count, mean: Number.NaN, std: Number.NaN, min: Number.NaN, max: Number.NaN };
  const mean = sum / count;
  let ss = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) ss += (v - mean) * (v - mean);
  }
  return { count, mean, std: Math.sqrt(ss / count), min, max };
}

/**
 * At most `maxValues` of a list, taken at an even stride (deterministic, order kept), as plain
 * numbers: keeps histogram JSON small without biasing the distribution of a shuffled batch.
 *
 * @param maxValues - upper bound, ≥ 1.
 * @throws when `maxValues` is not a positive integer.
 */
export function strideSample(values: ArrayLike<number>, maxValues: number): number[] {
  if (!Number.isInteger(maxValues) || maxValues < 1) {
    throw new Error(`maxValues must be a positive integer; got ${maxValues}`);
  }
  const n = values.length;
  if (n <= maxValues) return Array.from(values);
  const out = new Array<number>(maxValues);
  const step = n / maxValues;
  for (let i = 0; i < maxValues; i++) out[i] = values[Math.floor(i * step)];
  return out;
}

/**
 * At most `maxValues` of a list, drawn uniformly at random without replacement by a seeded
 * generator (deterministic): for histograms, where an even stride could alias with a periodic
 * layout (the channels of a flattened NHWC tensor).
 *
 * @param maxValues - upper bound, ≥ 1.
 * @param seed - generator seed. Default 0.
 */
export function randomSample(values: ArrayLike<number>, maxValues: number, seed = 0): number[] {
  if (!Number.isInteger(maxValues) || maxValues < 1) {
    throw new Error(`maxValues must be a positive integer; got ${maxValues}`);
  }
  const n = values.length;
  if (n <= maxValues) return Array.from(values);
  // mulberry32
  let state = (seed | 0) + 0x6d2b79f5;
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  // Partial Fisher–Yates over an index map (sparse, so memory stays O(maxValues)).
  const swapped = new Map<number, number>();
  const out = new Array<number>(maxValues);
  for (let i = 0; i < maxValues; i++) {
    const j = i + Math.floor(next() * (n - i));
    const at = swapped.get(j) ?? j;
    swapped.set(j, swapped.get(i) ?? i);
    out[i] = values[at];
  }
  return out;
}

/**
 * Split [0, 1] into `count` equal domains separated by `gap`: the x (or y) ranges of subplots
 * in one row (or column).
 *
 * @param count - number of subplots, ≥ 1.
 * @param gap - space between two domains, as a fraction of the whole, in [0, 0.5). Default 0.06.
 */
export function splitDomains(count: number, gap = 0.06): [number, number][] {
  if (!Number.isInteger(count) || count < 1)
    throw new Error(`count must be a positive integer; got ${count}`);
  if (!(gap >= 0 && gap < 0.5)) throw new Error(`gap must be in [0, 0.5); got ${gap}`);
  const width = (1 - gap * (count - 1)) / count;
  return Array.from({ length: count }, (_, i) => {
    const start = i * (width + gap);
    return [Number(start.toFixed(6)), Number(Math.min(1, start + width).toFixed(6))];
  });
}

/** Axis names of the `i`-th subplot (0-based): `x`/`y`, then `x2`/`y2`... */
export function subplotAxes(index: number): {
  x: string;
  y: string;
  xKey: 'xaxis' | `xaxis${number}`;
  yKey: 'yaxis' | `yaxis${number}`;
} {
  if (index === 0) return { x: 'x', y: 'y', xKey: 'xaxis', yKey: 'yaxis' };
  const n = index + 1;
  return { x: `x${n}`, y: `y${n}`, xKey: `xaxis${n}`, yKey: `yaxis${n}` };
}

/** Format a number for labels: 3 significant digits, exponent form for very small/large. */
export function formatPlotNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const a = Math.abs(value);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return value.toExponential(2);
  return Number(value.toPrecision(3)).toString();
}
