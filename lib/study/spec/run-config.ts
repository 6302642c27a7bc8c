/**
 * What one run of a study is: the full config of a training run or of an overhead (timing) run.
 * A run's identity is the stable hash of its config, so two experiments that need the same
 * training run share it, and a config records everything needed to rebuild the run (model sizes,
 * norm hyper-parameters, schedule, split seed, evaluation cadence).
 *
 * @module
 */
import type { Architecture } from '../../models/types';
import type { OptimizerName } from '../../train/types';
import type { StudyNorm } from './arms';
import { stableHash } from './hash';
import type { RunProbes, StudyDatasetName } from './schema';

/** Data settings of one run. */
export interface RunDataset {
  /** Dataset name. */
  source: StudyDatasetName;
  /** Training examples used. */
  trainSize: number;
  /** Validation examples (held out of the training files). */
  valSize: number;
  /** Test examples (the official test set's first `testSize`; 10,000 = all of it). */
  testSize: number;
  /** Seed of the training/validation split. */
  splitSeed: number;
}

/** The model's and the norm layers' hyper-parameters. */
export interface RunModel {
  /** MLP hidden units, or channels of the first conv stage. */
  width: number;
  /** MLP hidden layers, VGG blocks, or residual blocks per ResNet stage. */
  depth: number;
  /** Groups of group norm (and of weight-standardized group norm). */
  groups: number;
  /** Batch-norm momentum (Keras meaning: weight of the old running value). */
  bnMomentum: number;
  /** ε of every normalization layer. */
  normEpsilon: number;
}

/** The learning-rate schedule of a run: its name and warm-up share of the run's steps. */
export interface RunSchedule {
  /** `constant` or `cosine` (linear warm-up, then cosine decay to 0). */
  name: 'constant' | 'cosine';
  /** Warm-up steps as a share of the run's steps (ignored by `constant`). */
  warmupFraction: number;
}

/** One training run: everything the trainer needs, nothing else (its hash is the run id). */
export interface TrainRunConfig {
  /** `'train'`. */
  kind: 'train';
  /** Architecture. */
  arch: Architecture;
  /** Norm kind. */
  norm: StudyNorm;
  /** Model sizes and norm hyper-parameters. */
  model: RunModel;
  /** Mini-batch size. */
  batchSize: number;
  /** (Peak) learning rate. */
  learningRate: number;
  /** Schedule of the learning rate. */
  schedule: RunSchedule;
  /** Optimizer. */
  optimizer: OptimizerName;
  /** SGD momentum (ignored by Adam). */
  momentum: number;
  /** Multiplier of the initializer's standard scale. */
  initScale: number;
  /** Seed of initialization and shuffling (runs with the same seed pair up across kinds). */
  seed: number;
  /** Training epochs. */
  epochs: number;
  /** Validation accuracy that counts as "reached" for steps/seconds to target. */
  targetAccuracy: number;
  /** Validation evaluations per epoch (evenly spaced; the resolution of steps to target). */
  evalsPerEpoch: number;
  /** Also evaluate with batch-norm statistics recomputed over the training set after training. */
  populationStats: boolean;
  /** Data. */
  dataset: RunDataset;
  /** Mechanism probes during training (absent for plain runs). */
  probes?: RunProbes;
}

/** One overhead measurement: time training steps of each norm kind, alternating in rounds. */
export interface OverheadRunConfig {
  /** `'overhead'`. */
  kind: 'overhead';
  /** Architecture. */
  arch: Architecture;
  /** Norm kinds timed, alternating; includes `'none'`. */
  norms: StudyNorm[];
  /** Model sizes and norm hyper-parameters. */
  model: RunModel;
  /** Mini-batch size. */
  batchSize: number;
  /** Learning rate. */
  learningRate: number;
  /** Optimizer. */
  optimizer: OptimizerName;
  /** SGD momentum. */
  momentum: number;
  /** Init scale. */
  initScale: number;
  /** Repetition / seed. */
  seed: number;
  /** Rounds of alternation (each round times every norm once). */
  rounds: number;
  /** Timed steps per norm per round. */
  stepsPerRound: number;
  /** Untimed steps before timing each norm's model the first time. */
  warmupSteps: number;
  /** Data. */
  dataset: RunDataset;
}

/** A run's config. */
export type RunConfig = TrainRunConfig | OverheadRunConfig;

/**
 * A short label of a run for progress displays, e.g. `vgg/batch b64 lr0.05 init1 seed2` or
 * `overhead vgg b64 seed0`.
 */
export function describeRun(config: RunConfig): string {
  return config.kind === 'train'
    ? `${config.arch}/${config.norm} b${config.batchSize} lr${Number(config.learningRate.toPrecision(3))} init${config.initScale} seed${config.seed}`
    : `overhead ${config.arch} b${config.batchSize} seed${config.seed}`;
}

/** A run's id: the stable hash of its config. */
export function runId(config: RunConfig): string {
  return stableHash(config);
}
