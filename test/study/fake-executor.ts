/**
 * Test-only: a deterministic stand-in for the trainer, so the runner, store, merge and scorecard
 * can be tested in milliseconds. Shipped code uses lib/study/execute.ts (the real trainer).
 */
import type { MechanismProbes } from '../../lib/mechanism/record';
import type { NormKind } from '../../lib/norm/kinds';
import { overheadTimings } from '../../lib/study/metrics';
import type { RunExecutor, RunOutcome } from '../../lib/study/runner';
import type { RunConfig } from '../../lib/study/spec';

/** A pseudo-random number in [0, 1) from a seed and a salt (mulberry-like mix). */
function noise(seed: number, salt: number): number {
  let h = (seed * 2654435761 + salt * 97 + 12345) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 2246822507) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 3266489909) >>> 0;
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

const BASE_ACC: Record<NormKind, number> = {
  none: 0.8,
  batch: 0.86,
  layer: 0.83,
  instance: 0.81,
  group: 0.84,
  rms: 0.83,
  'batch-renorm': 0.86,
  'noisy-batch': 0.85,
};

/** Gradient shift and β-smoothness by kind: batch norm lowest, noisy batch norm's shift highest. */
const PROBE_LEVELS: Partial<Record<NormKind, { shift: number; beta: number }>> = {
  none: { shift: 0.3, beta: 10 },
  batch: { shift: 0.1, beta: 4 },
  'noisy-batch': { shift: 0.6, beta: 5 },
};

/** Probes of a run at two checkpoints, levels by kind (see {@link PROBE_LEVELS}) plus a little noise. */
function fakeProbes(norm: NormKind, e: number): MechanismProbes {
  const level = PROBE_LEVELS[norm] ?? { shift: 0.2, beta: 6 };
  const checkpoint = (step: number) => ({
    step,
    loss: 1,
    covariateShift: [
      {
        layer: 1,
        name: 'conv2',
        gradNorm: 1,
        shiftNorm: level.shift + 0.01 * e,
        relativeShift: level.shift + 0.01 * e,
        cosine: 1 - level.shift / 2,
      },
    ],
    landscape: {
      stepSizes: [0.05, 0.1],
      losses: [0.9, 0.8],
      gradientChanges: [0.1, 0.2],
      gradNorm: 1,
      lossRange: 0.1,
      maxGradientChange: 0.2,
      betaSmoothness: level.beta + 0.1 * e,
    },
  });
  return {
    learningRate: 0.05,
    batchSize: 8,
    layers: ['conv1', 'conv2'],
    unit: 0,
    probabilities: [0.15, 0.5, 0.85],
    trackedLayers: ['relu1'],
    activations: [
      { step: 0, quantiles: [[-1, 0, 1]] },
      { step: 10, quantiles: [[-1 + level.shift, level.shift, 1 + level.shift]] },
    ],
    checkpoints: [checkpoint(0), checkpoint(10)],
  };
}

/** Executor whose numbers depend only on the config: batch norm is better, as the claims say. */
export function fakeExecutor(calls: string[] = [], delayMs = 0): RunExecutor {
  return {
    async execute(config: RunConfig, onStep): Promise<RunOutcome> {
      calls.push(JSON.stringify(config));
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      onStep?.({ step: 1, totalSteps: 1 });
      if (config.kind === 'overhead') {
        const rounds = Array.from({ length: config.rounds }, (_, r) => {
          const round: Partial<Record<NormKind, number>> = {};
          for (const n of config.norms)
            round[n] = (n === 'none' ? 10 : 13) + noise(config.seed, r * 7 + n.length);
          return round;
        });
        return { metrics: { timings: overheadTimings(rounds) } };
      }
      const e = noise(config.seed, config.norm.length + config.arch.length);
      const tiny = config.batchSize < 8 && config.norm === 'batch';
      const diverged =
        config.norm === 'none' &&
        ((config.initScale > 3 && config.initScale < 10) || config.learningRate > 1);
      const collapsed = config.norm === 'none' && config.initScale >= 10;
      // Accuracy peaks at lr 0.1 (0.3 without norm; linear scaling keeps the batch-32 rate) and
      // falls off 20× faster without norm.
      const lrPenalty =
        Math.abs(
          Math.log10((config.learningRate * 32) / config.batchSize / (config.norm === 'none' ? 0.3 : 0.1)),
        ) * (config.norm === 'none' ? 0.2 : 0.01);
      const test = diverged
        ? null
        : collapsed
          ? 0.1
          : BASE_ACC[config.norm] - (tiny ? 0.1 : 0) - lrPenalty + 0.01 * e;
      const steps = config.epochs * 10;
      return {
        metrics: {
          diverged,
          collapsed,
          chanceAccuracy: 0.1,
          largestClassShare: diverged ? null : collapsed ? 1 : 0.12,
          divergedAtStep: diverged ? 3 : null,
          steps: diverged ? 3 : steps,
          stepsPerEpoch: 10,
          trainSeconds: 1 + e,
          medianStepMs: 10,
          samplesPerSecond: 1000,
          // Layer norm never reaches the target within the budget: its runs are censored.
          stepsToTarget:
            diverged || collapsed || config.norm === 'layer'
              ? null
              : config.norm === 'batch'
                ? 8 + Math.round(2 * e)
                : 20 + Math.round(4 * e),
          secondsToTarget:
            diverged || collapsed || config.norm === 'layer'
              ? null
              : config.norm === 'batch'
                ? 0.4 + 0.1 * e
                : 1 + 0.2 * e,
          lossAuc: diverged ? null : config.norm === 'batch' ? 0.5 + 0.05 * e : 0.8 + 0.05 * e,
          lossRoughness: diverged ? null : 0.1,
          epochsToPlateau: diverged ? null : config.epochs,
          bestValAccuracy: test,
          valAccuracy: test,
          testAccuracy: test,
          testAccuracyPopulationStats:
            config.populationStats && config.norm === 'batch' && test !== null
              ? test + (tiny ? 0.05 : 0)
              : null,
          valCurve: test === null ? [] : [{ step: steps, accuracy: test }],
          trainAccuracy: test === null ? null : test + 0.02,
          trainTestGap: test === null ? null : 0.02,
        },
        ...(config.probes ? { probes: fakeProbes(config.norm, e) } : {}),
        history: {
          curve: { step: [5, 10], loss: [1, 0.5], accuracy: [0.5, 0.8] },
          epochs: [
            {
              epoch: 1,
              step: 10,
              trainLoss: 0.7,
              trainAccuracy: 0.7,
              valAccuracy: test,
              valLoss: 0.6,
              testAccuracy: test,
              seconds: 1,
            },
          ],
        },
      };
    },
  };
}
