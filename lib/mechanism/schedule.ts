/**
 * When to probe: evenly spaced steps over a training run, and the options of a probed run.
 *
 * @module
 */
import { IOFFE_PERCENTILES } from './quantiles';

/** Options of a probed training run (see `trainWithProbes`). */
export interface ProbeOptions {
  /** Checkpoints with the full probes (covariate shift + landscape), evenly spaced from step 0 to the end. Default 5. */
  checkpoints?: number;
  /** Moments at which the activation quantiles are recorded (cheap), evenly spaced. Default 20. */
  trackPoints?: number;
  /** Examples in the fixed probe batch (taken from the training split). Default 128. */
  batchSize?: number;
  /** Landscape step sizes as multiples of the run's learning rate. Default [0.5, 1, 2, 4]. */
  stepMultipliers?: number[];
  /** The tracked unit (channel) of every layer. Default 0. */
  unit?: number;
  /** The tracked quantiles. Default the 15th, 50th and 85th percentiles. */
  probabilities?: number[];
}

/** {@link ProbeOptions} with every default filled in. */
export type ResolvedProbeOptions = Required<ProbeOptions>;

/** The defaults of {@link ProbeOptions}. */
export const PROBE_DEFAULTS: ResolvedProbeOptions = {
  checkpoints: 5,
  trackPoints: 20,
  batchSize: 128,
  stepMultipliers: [0.5, 1, 2, 4],
  unit: 0,
  probabilities: [...IOFFE_PERCENTILES],
};

/**
 * Fill in the defaults and check every option.
 *
 * @throws naming the option and what it allows.
 */
export function resolveProbeOptions(options: ProbeOptions = {}): ResolvedProbeOptions {
  const o = { ...PROBE_DEFAULTS, ...options };
  const int = (name: string, v: number, min: number) => {
    if (!(Number.isInteger(v) && v >= min)) throw new Error(`${name} must be an integer ≥ ${min}; got ${v}`);
  };
  int('checkpoints', o.checkpoints, 2);
  int('trackPoints', o.trackPoints, 2);
  int('batchSize', o.batchSize, 2);
  int('unit', o.unit, 0);
  if (o.stepMultipliers.length === 0 || o.stepMultipliers.some((m) => !(Number.isFinite(m) && m > 0)))
    throw new Error(`stepMultipliers must be a non-empty list of numbers > 0; got [${o.stepMultipliers}]`);
  if (o.probabilities.length === 0 || o.probabilities.some((p) => !(p >= 0 && p <= 1)))
    throw new Error(`probabilities must be a non-empty list of numbers in [0, 1]; got [${o.probabilities}]`);
  return o;
}

/**
 * `count` steps evenly spaced from 0 to `totalSteps` (both included, rounded, unique, ascending).
 *
 * @example
 * ```ts
 * evenlySpacedSteps(100, 5); // [0, 25, 50, 75, 100]
 * ```
 */
export function evenlySpacedSteps(totalSteps: number, count: number): number[] {
  if (!(Number.isInteger(totalSteps) && totalSteps >= 0))
    throw new Error(`totalSteps must be an integer ≥ 0; got ${totalSteps}`);
  if (!(Number.isInteger(count) && count >= 1)) throw new Error(`count must be an integer ≥ 1; got ${count}`);
  if (count === 1) return [totalSteps];
  const steps = Array.from({ length: count }, (_, i) => Math.round((i * totalSteps) / (count - 1)));
  return [...new Set(steps)];
}
