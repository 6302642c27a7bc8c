/**
 * Axis ranges and ticks chosen from the data: labelled ticks on a log axis that spans less than a
 * few decades, and a value axis that starts near the data when starting at 0 would flatten the
 * differences a chart is there to show. Pure: numbers in, axis fields out.
 *
 * @module
 */
import type { PlotAxis } from './types';

/** Tick values and their labels for an axis. */
export interface AxisTicks {
  /** Where the ticks go (data units). */
  tickvals: number[];
  /** What each tick says. */
  ticktext: string[];
}

/** A short label for a tick value: `0.05`, `2`, `300`, `2e-5`, `1e+6`. */
export function tickLabel(value: number): string {
  const rounded = Number(value.toPrecision(2));
  const magnitude = Math.abs(rounded);
  if (rounded !== 0 && (magnitude < 1e-3 || magnitude >= 1e5)) {
    return rounded.toExponential().replace(/\.0+e/, 'e');
  }
  return String(rounded);
}

/**
 * Ticks for a log axis over `values` (non-positive and non-finite ones are ignored), from the
 * largest tick at or below the data to the smallest at or above it: one per decade when the data
 * spans a decade or more, else the 1-2-5 steps (every digit when the data sits within a factor of
 * 2.5), so that the axis always carries at least three labels. Returns `undefined` when there are
 * no positive values.
 */
export function logTicks(values: readonly (number | null | undefined)[]): AxisTicks | undefined {
  const positive = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0);
  if (positive.length === 0) return undefined;
  const lo = Math.min(...positive);
  const hi = Math.max(...positive);
  const first = Math.floor(Math.log10(lo));
  const last = Math.ceil(Math.log10(hi));
  const candidates = (mantissas: number[]): number[] => {
    const out: number[] = [];
    for (let e = first - 1; e <= last; e++)
      for (const m of mantissas) out.push(Number((m * 10 ** e).toPrecision(2)));
    return out;
  };
  // From the largest tick at or below the data to the smallest at or above it: the labels frame
  // the data (the axis range is set to them, so the end labels are always drawn).
  const framing = (all: number[], pad = 0): number[] => {
    const start = Math.max(0, all.filter((v) => v <= lo).length - 1 - pad);
    const end = Math.min(all.length - 1, all.findIndex((v) => v >= hi) + pad);
    return all.slice(start, end + 1);
  };
  const digits = [1, 2, 3, 4, 5, 6, 7, 8, 9];
  let tickvals =
    hi / lo >= 10
      ? framing(candidates([1]))
      : hi / lo >= 2.5
        ? framing(candidates([1, 2, 5]))
        : framing(candidates(digits));
  if (tickvals.length < 3) tickvals = framing(candidates(digits), 1);
  return { tickvals, ticktext: tickvals.map(tickLabel) };
}

/**
 * The log-axis fields for `values`: `type: 'log'` with {@link logTicks}' ticks and a range from the
 * first to the last of them (Plotly's own choice labels one tick per decade, which is a single
 * label, or none, when the data spans less than a decade).
 */
export function logAxis(values: readonly (number | null | undefined)[]): PlotAxis {
  const ticks = logTicks(values);
  if (!ticks) return { type: 'log', dtick: 1 };
  const ends = [ticks.tickvals[0], ticks.tickvals[ticks.tickvals.length - 1]];
  // A log axis' range is in decades; a hair of room keeps markers on the end ticks whole.
  const room = 0.02 * (Math.log10(ends[1]) - Math.log10(ends[0]));
  return {
    type: 'log',
    tickvals: ticks.tickvals,
    ticktext: ticks.ticktext,
    range: [Math.log10(ends[0]) - room, Math.log10(ends[1]) + room],
  };
}

/**
 * A value range that does not start at 0, for a bounded level (an accuracy) whose differences a
 * zero-based axis would hide: returns `[low, high]` around the interval ends `lows`..`highs` with a
 * margin, when their spread is less than half of the smallest value's distance from 0 (0.86 against
 * 0.91 on an axis from 0 to 1 look alike); else `undefined` (start at 0). `ceiling` caps the top
 * (1 for an accuracy).
 */
export function zoomedRange(
  lows: readonly (number | null | undefined)[],
  highs: readonly (number | null | undefined)[],
  ceiling = Number.POSITIVE_INFINITY,
): [number, number] | undefined {
  const finite = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);
  const lo = Math.min(...lows.filter(finite), ...highs.filter(finite));
  const hi = Math.max(...highs.filter(finite), ...lows.filter(finite));
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo <= 0) return undefined;
  const spread = hi - lo;
  if (spread >= lo / 2) return undefined;
  const margin = Math.max(spread * 0.25, lo * 0.01);
  const bottom = Math.max(0, lo - margin);
  const top = Math.min(ceiling, hi + margin);
  // Round outwards to two significant digits of the margin, so the ends are tidy numbers.
  const step = 10 ** Math.floor(Math.log10(margin));
  const tidy = (v: number) => Number(v.toPrecision(12));
  return [tidy(Math.floor(bottom / step) * step), tidy(Math.min(ceiling, Math.ceil(top / step) * step))];
}
