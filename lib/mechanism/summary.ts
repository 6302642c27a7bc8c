/**
 * One number per probe and run, for comparing norm kinds across seeds: the covariate-shift
 * measures averaged over checkpoints and layers, the landscape measures as medians over
 * checkpoints, and the drift of the tracked activation quantiles.
 *
 * @module
 */
import type { MechanismProbes } from './record';

/** A run's probes in a few numbers (NaN where nothing was measured). */
export interface ProbeSummary {
  /** Mean over checkpoints and layers of ‖G − G′‖/‖G‖ (gradient-based covariate shift, relative). */
  relativeShift: number;
  /** Mean over checkpoints and layers of cos(G, G′) (1 = no change of direction). */
  cosine: number;
  /** Mean over checkpoints and layers of ‖G − G′‖. */
  shiftNorm: number;
  /** Median over checkpoints of the loss range along the gradient (a blown-up loss counts as +∞). */
  lossRange: number;
  /** Median over checkpoints of the largest gradient change along the gradient (gradient predictiveness; lower = more predictive). */
  maxGradientChange: number;
  /** Median over checkpoints of the effective β-smoothness (lower = smoother). */
  betaSmoothness: number;
  /**
   * Drift of the tracked unit's input distribution: per layer, the mean absolute change of each
   * tracked quantile between consecutive snapshots divided by the layer's mean spread (highest
   * minus lowest tracked quantile), averaged over layers. Scale-free; 0 = a distribution that
   * never moves.
   */
  activationDrift: number;
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((s, v) => s + v, 0) / values.length;
}

function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const present = (xs: readonly (number | null)[]): number[] =>
  xs.filter((x): x is number => x !== null && Number.isFinite(x));

/**
 * Drift of quantile tracks (see {@link ProbeSummary.activationDrift}).
 *
 * @param snapshots - per moment, per layer, the quantiles (ascending probabilities).
 */
export function quantileDrift(snapshots: readonly { quantiles: number[][] }[]): number {
  if (snapshots.length < 2) return Number.NaN;
  const layers = snapshots[0].quantiles.length;
  const perLayer: number[] = [];
  for (let l = 0; l < layers; l++) {
    const track = snapshots.map((s) => s.quantiles[l]);
    const spread = mean(track.map((q) => q[q.length - 1] - q[0]));
    const changes: number[] = [];
    for (let t = 1; t < track.length; t++)
      for (let k = 0; k < track[t].length; k++) changes.push(Math.abs(track[t][k] - track[t - 1][k]));
    if (spread > 0) perLayer.push(mean(changes) / spread);
  }
  return mean(perLayer);
}

/**
 * Summarize a run's probes.
 *
 * @example
 * ```ts
 * const { relativeShift, betaSmoothness } = summarizeProbes(record.probes);
 * ```
 */
export function summarizeProbes(p: MechanismProbes): ProbeSummary {
  const shifts = p.checkpoints.flatMap((c) => c.covariateShift);
  const landscapeMedian = (pick: (c: MechanismProbes['checkpoints'][number]) => number | null) =>
    median(p.checkpoints.map((c) => pick(c) ?? Number.POSITIVE_INFINITY));
  return {
    relativeShift: mean(present(shifts.map((s) => s.relativeShift))),
    cosine: mean(present(shifts.map((s) => s.cosine))),
    shiftNorm: mean(present(shifts.map((s) => s.shiftNorm))),
    lossRange: landscapeMedian((c) => c.landscape.lossRange),
    maxGradientChange: landscapeMedian((c) => c.landscape.maxGradientChange),
    betaSmoothness: landscapeMedian((c) => c.landscape.betaSmoothness),
    activationDrift: quantileDrift(p.activations),
  };
}
