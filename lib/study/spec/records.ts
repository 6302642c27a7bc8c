/**
 * What a study keeps: the per-run metrics that map to the claims, a compact history of each
 * run, the environment it ran in, and the records of the JSONL results file.
 *
 * @module
 */
import type { MechanismProbes } from '../../mechanism/record';
import type { StudyNorm } from './arms';
import type { OverheadRunConfig, RunConfig, TrainRunConfig } from './run-config';
import type { StudySpec } from './schema';

/** Claim metrics of one training run (computed by `trainRunMetrics` from the trainer's result). */
export interface TrainRunMetrics {
  /** Whether the loss became non-finite (or crossed the divergence threshold). */
  diverged: boolean;
  /**
   * Whether the run collapsed: final validation accuracy within `COLLAPSE_MARGIN` (2 points) of chance,
   * or one class taking ≥ 95% of the validation predictions. A collapsed run counts as failed
   * (like a diverged one) in the robustness claims.
   */
  collapsed: boolean;
  /** Chance accuracy `1 / classes` (what a failed run counts as). */
  chanceAccuracy: number;
  /** Share of the validation predictions taken by the most predicted class, or null. */
  largestClassShare: number | null;
  /** Step at which it diverged, or null. */
  divergedAtStep: number | null;
  /** Training steps run. */
  steps: number;
  /** Steps per epoch. */
  stepsPerEpoch: number;
  /** Wall seconds of training steps (evaluation excluded). */
  trainSeconds: number;
  /** Median wall time of a step in ms. */
  medianStepMs: number;
  /** Training throughput (examples/s). */
  samplesPerSecond: number;
  /** First evaluated step with validation accuracy ≥ target, or null if never reached. */
  stepsToTarget: number | null;
  /** Training seconds until then, or null. */
  secondsToTarget: number | null;
  /**
   * Area under the training-loss curve on a normalized step axis [0, 1] (trapezoid rule over the
   * per-step mini-batch losses), i.e. the average loss over training: lower = converged faster.
   * Null when diverged.
   */
  lossAuc: number | null;
  /**
   * Stability: mean |loss_t − loss_{t−1}| over the second half of the steps divided by the mean
   * loss there (relative step-to-step jitter). Null when diverged or with fewer than 4 steps.
   */
  lossRoughness: number | null;
  /**
   * Stability in absolute terms (claim 2's deciding measure): mean |loss_t − loss_{t−1}| over the
   * second half of the steps. Null when diverged or with fewer than 4 steps; absent in records
   * made before it existed (see `lossJitterOf`).
   */
  lossJitter?: number | null;
  /**
   * First epoch whose validation accuracy is within 0.01 of the run's best validation accuracy
   * (epochs to plateau). Null without validation records or when diverged.
   */
  epochsToPlateau: number | null;
  /** Best validation accuracy over the epochs, or null. */
  bestValAccuracy: number | null;
  /** Final validation accuracy (inference mode), or null. */
  valAccuracy: number | null;
  /** Final test accuracy (inference mode), or null when diverged / no test split. */
  testAccuracy: number | null;
  /**
   * Test accuracy after the batch-norm running statistics were replaced by population statistics
   * recomputed over the training set (runs with `populationStats` and running statistics only).
   */
  testAccuracyPopulationStats: number | null;
  /** Validation accuracy of every evaluation, with its step (the learning curve; plateau check). */
  valCurve: { step: number; accuracy: number }[];
  /** Final training-split accuracy (inference mode), or null. */
  trainAccuracy: number | null;
  /** `trainAccuracy − testAccuracy`, or null. */
  trainTestGap: number | null;
}

/** Margin above chance under which a final validation accuracy counts as collapsed. */
export const COLLAPSE_MARGIN = 0.02;

/** Timing of one norm kind inside an overhead run. */
export interface OverheadTiming {
  /** Norm kind. */
  norm: StudyNorm;
  /** Median step ms in each round, in round order. */
  roundMs: number[];
  /** Median of `roundMs`. */
  medianMs: number;
  /** Per round: this kind's ms / `none`'s ms in the same round (paired ratio). */
  ratioToNone: number[];
}

/** Metrics of an overhead run: step times of each kind, measured alternately. */
export interface OverheadRunMetrics {
  /** One entry per norm kind timed. */
  timings: OverheadTiming[];
}

/** A downsampled training curve (bucket means of the per-step records). */
export interface CompactCurve {
  /** Step at the end of each bucket. */
  step: number[];
  /** Mean mini-batch loss in the bucket (null where non-finite). */
  loss: (number | null)[];
  /** Mean mini-batch accuracy in the bucket. */
  accuracy: (number | null)[];
}

/** One epoch, compactly. */
export interface CompactEpoch {
  /** Epoch, 1-based. */
  epoch: number;
  /** Global step at its end. */
  step: number;
  /** Mean training loss. */
  trainLoss: number | null;
  /** Mean training accuracy. */
  trainAccuracy: number | null;
  /** Validation accuracy, if evaluated. */
  valAccuracy: number | null;
  /** Validation loss, if evaluated. */
  valLoss: number | null;
  /** Test accuracy, if evaluated. */
  testAccuracy: number | null;
  /** Training seconds of the epoch. */
  seconds: number;
}

/** A run's compact history. */
export interface CompactHistory {
  /** Per-step curve, at most ~100 points. */
  curve: CompactCurve;
  /** Per-epoch records. */
  epochs: CompactEpoch[];
}

/** Where a run ran. */
export interface RunEnvironment {
  /** tfjs backend name (`tensorflow` = native). */
  backend: string;
  /** tfjs-core version. */
  tfjsVersion: string;
  /** TensorFlow C library version, when native. */
  tensorflowVersion?: string;
  /** Node.js version. */
  nodeVersion: string;
  /** CPU model. */
  cpu: string;
  /** Logical CPUs. */
  cpuCount: number;
  /** OS platform and release. */
  platform: string;
  /** Host name. */
  hostname: string;
  /** `git rev-parse HEAD` of the project, when available. */
  commit?: string;
  /** Whether the working tree had uncommitted changes, when known. */
  dirty?: boolean;
  /** 1-, 5- and 15-minute load averages when the run started. */
  loadAverageStart?: number[];
  /** 1-, 5- and 15-minute load averages when the run finished. */
  loadAverageEnd?: number[];
  /**
   * Thread settings: the environment variables that set TensorFlow's and OpenMP's thread pools
   * (`TF_NUM_INTRAOP_THREADS`, `TF_NUM_INTEROP_THREADS`, `OMP_NUM_THREADS`), `default` when unset.
   */
  threads?: Record<string, string>;
}

/** First line of a results file: ties it to one spec. */
export interface ResultsHeader {
  /** Record type. */
  type: 'header';
  /** File format name. */
  format: 'normlab-study-results';
  /** Format version (1: the study's first method, read only; 2: today's). */
  formatVersion: 1 | 2;
  /** Hash of the validated spec. */
  specHash: string;
  /** The spec's name. */
  specName: string;
  /** The validated spec itself (so a results file is self-describing). */
  spec: StudySpec;
  /** ISO time the file was created. */
  createdAt: string;
}

/** One finished run. */
export interface RunRecord {
  /** Record type. */
  type: 'run';
  /** Run id (hash of config). */
  id: string;
  /** Spec hash (same as the header's). */
  specHash: string;
  /** Experiments of the spec that include the run. */
  experiments: string[];
  /** The full run config. */
  config: RunConfig;
  /** Environment. */
  env: RunEnvironment;
  /** ISO start time. */
  startedAt: string;
  /** ISO end time. */
  finishedAt: string;
  /** Wall seconds of the run (data already loaded). */
  wallSeconds: number;
  /** Shard that ran it, `i/n`, if sharded. */
  shard?: string;
  /** Metrics: train runs have {@link TrainRunMetrics}, overhead runs {@link OverheadRunMetrics}. */
  metrics: TrainRunMetrics | OverheadRunMetrics;
  /** Compact history (train runs only). */
  history?: CompactHistory;
  /** Mechanism probes (train runs of experiments with `probes` only). */
  probes?: MechanismProbes;
  /** Which data the run used (records written before it was recorded lack it). */
  data?: DataIdentity;
}

/**
 * The identity of a run's data: the dataset's name and, for data read from files, the SHA-256
 * of each file's contents by role (`trainImages`, `trainLabels`, `testImages`, `testLabels`).
 */
export interface DataIdentity {
  /** Dataset name (`fashion-mnist`, `synthetic`). */
  name: string;
  /** SHA-256 (hex) of each file's IDX contents, by role; absent for generated data. */
  files?: Record<string, string>;
}

/** A record of a results file. */
export type ResultsRecord = ResultsHeader | RunRecord;

/** Whether a run record is of a training run. */
export function isTrainRecord(
  r: RunRecord,
): r is RunRecord & { metrics: TrainRunMetrics; config: TrainRunConfig } {
  return r.config.kind === 'train';
}

/** Whether a run record is of an overhead run. */
export function isOverheadRecord(
  r: RunRecord,
): r is RunRecord & { metrics: OverheadRunMetrics; config: OverheadRunConfig } {
  return r.config.kind === 'overhead';
}
