/**
 * Test-only: a deterministic stand-in for the trainer, so the runner, store, merge and scorecard
 * can be tested in milliseconds. Shipped code uses lib/study/run/execute.ts (the real trainer).
 */
import type { MechanismProbes } from '../../lib/mechanism/record';
import { overheadTimings } from '../../lib/study/run/metrics';
import type { RunExecutor, RunOutcome } from '../../lib/study/run/runner';
import type { StudyNorm } from '../../lib/study/spec/arms';
import type { RunRecord } from '../../lib/study/spec/records';
import type { RunConfig, TrainRunConfig } from '../../lib/study/spec/run-config';

/** A pseudo-random number in [0, 1) from a seed and a salt (mulberry-like mix). */
function noise(seed: number, salt: number): number {
  let h = (seed * 2654435761 + salt * 97 + 12345) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 2246822507) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 3266489909) >>> 0;
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

const BASE_ACC: Record<StudyNorm, number> = {
  none: 0.8,
  batch: 0.86,
  layer: 0.83,
  instance: 0.81,
  group: 0.84,
  rms: 0.83,
  'batch-renorm': 0.86,
  'noisy-batch': 0.85,
  'group-ws': 0.845,
};

/** Gradient shift and β-smoothness by kind: batch norm lowest, noisy batch norm's shift highest. */
const PROBE_LEVELS: Partial<Record<StudyNorm, { shift: number; beta: number }>> = {
  none: { shift: 0.3, beta: 10 },
  batch: { shift: 0.1, beta: 4 },
  'noisy-batch': { shift: 0.6, beta: 5 },
};

/**
 * Gradient shift and β-smoothness when the explanation is false: batch norm has as much shift as no
 * norm and noisy batch norm more, yet (in the executor) noisy batch norm trains as fast as batch norm.
 */
const AGAINST_PROBE_LEVELS: Partial<Record<StudyNorm, { shift: number; beta: number }>> = {
  none: { shift: 0.3, beta: 10 },
  batch: { shift: 0.3, beta: 4 },
  'noisy-batch': { shift: 0.6, beta: 5 },
};

/** Probes of a run at two checkpoints, levels by kind (see {@link PROBE_LEVELS}) plus a little noise. */
function fakeProbes(norm: StudyNorm, e: number, against = false): MechanismProbes {
  const level = (against ? AGAINST_PROBE_LEVELS : PROBE_LEVELS)[norm] ?? { shift: 0.2, beta: 6 };
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

/**
 * Which way the fake numbers point: `claims` (batch norm is better, as the claims say) or `against`
 * (every claim's effect goes the other way: the direction guards of the verdicts).
 */
export type FakeDirection = 'claims' | 'against';

/** Accuracies when the claims are false: batch norm below every other kind. */
const AGAINST_ACC: Partial<Record<StudyNorm, number>> = { batch: 0.76, 'noisy-batch': 0.76 };

/**
 * Executor whose numbers depend only on the config: batch norm is better, as the claims say, or,
 * with `direction: 'against'`, worse on every claim's measure.
 */
export function fakeExecutor(
  calls: string[] = [],
  delayMs = 0,
  direction: FakeDirection = 'claims',
): RunExecutor {
  const against = direction === 'against';
  // The kind that benefits in this direction's story, and the one that pays.
  const good = (norm: StudyNorm) => (against ? norm === 'none' : norm === 'batch');
  return {
    async execute(config: RunConfig, onStep): Promise<RunOutcome> {
      calls.push(JSON.stringify(config));
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      onStep?.({ step: 1, totalSteps: 1 });
      if (config.kind === 'overhead') {
        // Batch norm's steps cost 1.3× none's (against: none's cost 1.3× batch norm's).
        const slow = (n: StudyNorm) => (against ? n !== 'batch' : n !== 'none');
        const rounds = Array.from({ length: config.rounds }, (_, r) => {
          const round: Partial<Record<StudyNorm, number>> = {};
          for (const n of config.norms) round[n] = (slow(n) ? 13 : 10) + noise(config.seed, r * 7 + n.length);
          return round;
        });
        return { metrics: { timings: overheadTimings(rounds) } };
      }
      const e = noise(config.seed, config.norm.length + config.arch.length);
      // Small batches cost batch norm 10 points (against: they cost group norm, and batch norm gains 3).
      const small = config.batchSize < 8;
      const batchPenalty = small
        ? against
          ? config.norm === 'batch'
            ? -0.03
            : config.norm === 'group'
              ? 0.1
              : 0
          : config.norm === 'batch'
            ? 0.1
            : 0
        : 0;
      // The fragile kind: no norm (against: batch norm) diverges at init 3-10, collapses at 10.
      const fragile = against ? config.norm === 'batch' : config.norm === 'none';
      const diverged =
        fragile && ((config.initScale > 3 && config.initScale < 10) || config.learningRate > 1);
      const collapsed = fragile && config.initScale >= 10;
      // Accuracy peaks at lr 0.1 (0.3 for the fragile kind; linear scaling keeps the batch-32 rate)
      // and falls off 20× faster for the fragile kind.
      const lrPenalty =
        Math.abs(Math.log10((config.learningRate * 32) / config.batchSize / (fragile ? 0.3 : 0.1))) *
        (fragile ? 0.2 : 0.01);
      const base = (against ? AGAINST_ACC[config.norm] : undefined) ?? BASE_ACC[config.norm];
      const test = diverged ? null : collapsed ? 0.1 : base - batchPenalty - lrPenalty + 0.01 * e;
      const steps = config.epochs * 10;
      // Noisy batch norm trains like batch norm when the claims are false, slower when they hold.
      const fast = good(config.norm) || (against && config.norm === 'noisy-batch');
      // Layer norm never reaches the target within the budget: its runs are censored.
      const reaches = !(diverged || collapsed || config.norm === 'layer');
      const gap = good(config.norm) ? 0.005 : 0.03;
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
          stepsToTarget: !reaches ? null : fast ? 8 + Math.round(2 * e) : 20 + Math.round(4 * e),
          secondsToTarget: !reaches ? null : fast ? 0.4 + 0.1 * e : 1 + 0.2 * e,
          lossAuc: diverged ? null : good(config.norm) ? 0.5 + 0.05 * e : 0.8 + 0.05 * e,
          lossRoughness: diverged ? null : 0.1,
          lossJitter: diverged ? null : good(config.norm) ? 0.05 + 0.005 * e : 0.08 + 0.005 * e,
          epochsToPlateau: diverged ? null : config.epochs,
          bestValAccuracy: test,
          valAccuracy: test,
          testAccuracy: test,
          testAccuracyPopulationStats:
            config.populationStats && config.norm === 'batch' && test !== null
              ? test + (small ? 0.05 : 0)
              : null,
          valCurve: test === null ? [] : [{ step: steps, accuracy: test }],
          trainAccuracy: test === null ? null : test + gap,
          trainTestGap: test === null ? null : gap,
        },
        ...(config.probes ? { probes: fakeProbes(config.norm, e, against) } : {}),
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

/**
 * A finished train-run record with `accuracy` as both its validation and test accuracy and every
 * other field a placeholder: for plan and tuning tests that need records but no training.
 */
export function fakeTrainRecord(
  id: string,
  config: TrainRunConfig,
  experiments: string[],
  accuracy: number,
): RunRecord {
  return {
    type: 'run',
    id,
    specHash: 'x',
    experiments,
    config,
    env: {} as RunRecord['env'],
    startedAt: '',
    finishedAt: '',
    wallSeconds: 0,
    metrics: {
      diverged: false,
      collapsed: false,
      chanceAccuracy: 0.25,
      largestClassShare: 0.3,
      valAccuracy: accuracy,
      testAccuracy: accuracy,
    } as never,
  };
}
