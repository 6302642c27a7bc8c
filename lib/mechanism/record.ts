/**
 * The probes of one training run as JSON-safe data (what a study's results file keeps): numbers
 * that came out non-finite (a landscape step can blow the loss up) are stored as null.
 *
 * @module
 */
import type { ActivationSnapshot } from './activations';
import type { CheckpointProbe } from './probe';

/** A finite number, or null for NaN/±Infinity. */
export type StoredNumber = number | null;

/** One layer's gradient shift, stored. */
export interface StoredLayerShift {
  /** Layer index (≥ 1). */
  layer: number;
  /** Layer name. */
  name: string;
  /** ‖G‖. */
  gradNorm: StoredNumber;
  /** ‖G − G′‖. */
  shiftNorm: StoredNumber;
  /** ‖G − G′‖ / ‖G‖. */
  relativeShift: StoredNumber;
  /** cos(G, G′). */
  cosine: StoredNumber;
}

/** A landscape probe, stored. */
export interface StoredLandscape {
  /** Step sizes η (absolute). */
  stepSizes: number[];
  /** L(w − η·g). */
  losses: StoredNumber[];
  /** ‖g − ∇L(w − η·g)‖. */
  gradientChanges: StoredNumber[];
  /** ‖g‖. */
  gradNorm: StoredNumber;
  /** max − min of the losses. */
  lossRange: StoredNumber;
  /** Largest gradient change. */
  maxGradientChange: StoredNumber;
  /** Effective β-smoothness. */
  betaSmoothness: StoredNumber;
}

/** One checkpoint, stored. */
export interface StoredCheckpoint {
  /** Training steps done. */
  step: number;
  /** Loss on the probe batch. */
  loss: StoredNumber;
  /** Per layer (but the first). */
  covariateShift: StoredLayerShift[];
  /** Along the gradient. */
  landscape: StoredLandscape;
}

/** Everything the mechanism probes recorded during one training run. */
export interface MechanismProbes {
  /** η of the earlier layers' step in the covariate-shift measurement (the run's learning rate). */
  learningRate: number;
  /** Examples in the probe batch. */
  batchSize: number;
  /** Names of the parameter layers (conv/dense), in order. */
  layers: string[];
  /** The tracked unit (channel) index. */
  unit: number;
  /** The tracked quantiles' probabilities. */
  probabilities: number[];
  /** Names of the layers whose input is tracked (the ReLUs), in order. */
  trackedLayers: string[];
  /** Quantiles of the unit's input over training. */
  activations: ActivationSnapshot[];
  /** The full probes at the checkpoints. */
  checkpoints: StoredCheckpoint[];
}

/** A number as stored: itself when finite, else null. */
export function storedNumber(x: number): StoredNumber {
  return Number.isFinite(x) ? x : null;
}

/** A checkpoint probe as stored (non-finite numbers → null). */
export function storeCheckpoint(p: CheckpointProbe): StoredCheckpoint {
  const l = p.landscape;
  return {
    step: p.step,
    loss: storedNumber(p.loss),
    covariateShift: p.covariateShift.map((s) => ({
      layer: s.layer,
      name: s.name,
      gradNorm: storedNumber(s.gradNorm),
      shiftNorm: storedNumber(s.shiftNorm),
      relativeShift: storedNumber(s.relativeShift),
      cosine: storedNumber(s.cosine),
    })),
    landscape: {
      stepSizes: l.stepSizes,
      losses: l.losses.map(storedNumber),
      gradientChanges: l.gradientChanges.map(storedNumber),
      gradNorm: storedNumber(l.gradNorm),
      lossRange: storedNumber(l.lossRange),
      maxGradientChange: storedNumber(l.maxGradientChange),
      betaSmoothness: storedNumber(l.betaSmoothness),
    },
  };
}
