/**
 * The shipped run executor: loads the data a run needs (once per process per data config),
 * builds the model of the zoo, trains it with the library's trainer and turns the trainer's
 * result into claim metrics and a compact history. Overhead runs time training steps of each
 * norm kind alternately, round by round.
 *
 * @module
 */
import type * as tf from '@tensorflow/tfjs';
import { loadFashionMnist } from '../../data/fashion-mnist';
import { syntheticDataset } from '../../data/synthetic';
import type { ImageDataset } from '../../data/types';
import { trainWithProbes } from '../../mechanism/train-with-probes';
import { buildModel } from '../../models/build';
import { evaluate } from '../../train/evaluate';
import {
  layersWithRunningStatistics,
  recomputePopulationStatistics,
} from '../../train/population-statistics';
import { predictedClassShares } from '../../train/prediction-shares';
import { train } from '../../train/trainer';
import type { TrainConfig, TrainResult } from '../../train/types';
import { armModel, type StudyNorm } from '../spec/arms';
import type { OverheadRunConfig, RunConfig, RunDataset, TrainRunConfig } from '../spec/run-config';
import { compactHistory, overheadTimings, trainRunMetrics } from './metrics';
import type { RunExecutor, RunOutcome, RunStepProgress } from './runner';

/** Options of `trainingExecutor`. */
export interface TrainingExecutorOptions {
  /** Directory of the Fashion-MNIST files (default: the loader's search order). */
  dataDir?: string;
  /** Allow the loader to download the dataset if it is nowhere local. Default true. */
  download?: boolean;
  /** The loader's system directory (default Debian's `/usr/share/datasets/fashion-mnist/`). */
  systemDir?: string;
  /** The loader's cache directory (default `$XDG_CACHE_HOME/normlab/datasets/...`). */
  cacheDir?: string;
  /** How the loader's messages name the options (the CLI: `{ dir: '--data-dir', download: '--no-download' }`). */
  optionNames?: { dir?: string; download?: string };
}

/** Load the dataset of a run (Fashion-MNIST through the library's loader, or synthetic data). */
export async function loadRunDataset(
  d: RunDataset,
  options: TrainingExecutorOptions = {},
): Promise<ImageDataset> {
  if (d.source === 'synthetic')
    return syntheticDataset({
      trainSize: d.trainSize,
      validationSize: d.valSize,
      testSize: d.testSize,
      seed: d.splitSeed,
    });
  return loadFashionMnist({
    ...(options.dataDir ? { dir: options.dataDir } : {}),
    ...(options.systemDir ? { systemDir: options.systemDir } : {}),
    ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}),
    download: options.download ?? true,
    ...(options.optionNames ? { optionNames: options.optionNames } : {}),
    validationSize: d.valSize,
    trainSize: d.trainSize,
    testSize: d.testSize,
    splitSeed: d.splitSeed,
  });
}

function modelFor(config: RunConfig, arm: StudyNorm, data: ImageDataset): tf.LayersModel {
  const { norm, weightStandardization } = armModel(arm);
  return buildModel({
    arch: config.arch,
    norm,
    // Only when set, so that every other arm builds exactly the model it always built.
    ...(weightStandardization ? { weightStandardization } : {}),
    initScale: config.initScale,
    seed: config.seed,
    inputShape: [data.train.height, data.train.width, data.train.channels],
    numClasses: data.train.numClasses,
    width: config.model.width,
    depth: config.model.depth,
    groups: config.model.groups,
    bnMomentum: config.model.bnMomentum,
    normEpsilon: config.model.normEpsilon,
  });
}

function trainConfig(config: RunConfig, stepsPerEpoch = 1): TrainConfig {
  const schedule =
    config.kind === 'train' && config.schedule.name === 'cosine'
      ? {
          name: 'cosine' as const,
          warmupSteps: Math.round(config.schedule.warmupFraction * stepsPerEpoch * config.epochs),
        }
      : undefined;
  return {
    ...(schedule ? { schedule } : {}),
    optimizer: config.optimizer,
    learningRate: config.learningRate,
    momentum: config.momentum,
    batchSize: config.batchSize,
    epochs: config.kind === 'train' ? config.epochs : 1,
    shuffleSeed: config.seed,
  };
}

async function executeTrain(
  config: TrainRunConfig,
  data: ImageDataset,
  onStep?: (p: RunStepProgress) => void,
): Promise<RunOutcome> {
  const model = modelFor(config, config.norm, data);
  try {
    const stepsPerEpoch = Math.floor(data.train.count / config.batchSize);
    const totalSteps = stepsPerEpoch * config.epochs;
    const splits = { train: data.train, validation: data.validation, test: data.test };
    const settings: TrainConfig = {
      ...trainConfig(config, stepsPerEpoch),
      targetAccuracy: config.targetAccuracy,
      // Evenly spaced validation passes: the resolution of steps/seconds to target.
      evalEvery:
        config.evalsPerEpoch > 1 ? Math.max(1, Math.floor(stepsPerEpoch / config.evalsPerEpoch)) : 'epoch',
      // Test accuracy is needed at the end only (final.test); per-epoch test passes would cost time.
      evalTestEachEpoch: false,
      evalTrainAtEnd: true,
    };
    const callbacks = {
      onStep: (s: { step: number; loss: number }) => onStep?.({ step: s.step, totalSteps, loss: s.loss }),
    };
    // Mechanism experiment: the same training, probed between steps (lib/mechanism).
    const probed = config.probes
      ? await trainWithProbes(model, splits, settings, config.probes, callbacks)
      : null;
    const result: TrainResult = probed ? probed.result : await train(model, splits, settings, callbacks);
    const ok = result.diverged === null;
    const shares = ok && data.validation.count > 0 ? predictedClassShares(model, data.validation) : null;
    let populationAccuracy: number | null = null;
    if (ok && config.populationStats && layersWithRunningStatistics(model).length > 0) {
      recomputePopulationStatistics(model, data.train);
      populationAccuracy = evaluate(model, data.test).accuracy;
    }
    const metrics = trainRunMetrics(result, {
      chanceAccuracy: 1 / data.train.numClasses,
      largestClassShare: shares ? Math.max(...shares) : null,
      testAccuracyPopulationStats: populationAccuracy,
    });
    return { metrics, history: compactHistory(result), ...(probed ? { probes: probed.probes } : {}) };
  } finally {
    model.dispose();
  }
}

async function executeOverhead(
  config: OverheadRunConfig,
  data: ImageDataset,
  onStep?: (p: RunStepProgress) => void,
): Promise<RunOutcome> {
  const models = new Map<StudyNorm, tf.LayersModel>();
  const base = trainConfig(config);
  const onlyTrain = { train: data.train };
  const quiet: Partial<TrainConfig> = { evalTrainAtEnd: false, evalTestEachEpoch: false };
  const totalSteps = config.norms.length * (config.rounds * config.stepsPerRound + config.warmupSteps);
  let done = 0;
  try {
    for (const norm of config.norms) {
      const model = modelFor(config, norm, data);
      models.set(norm, model);
      if (config.warmupSteps > 0)
        await train(model, onlyTrain, { ...base, ...quiet, maxSteps: config.warmupSteps });
      done += config.warmupSteps;
    }
    const rounds: Partial<Record<StudyNorm, number>>[] = [];
    for (let r = 0; r < config.rounds; r++) {
      const round: Partial<Record<StudyNorm, number>> = {};
      // Alternate the order each round so no kind always runs first or last.
      const order = r % 2 === 0 ? config.norms : [...config.norms].reverse();
      for (const norm of order) {
        // One more step than timed: the trainer's median excludes the first (warm-up) step.
        const result = await train(models.get(norm)!, onlyTrain, {
          ...base,
          ...quiet,
          maxSteps: config.stepsPerRound + 1,
          shuffleSeed: config.seed * 1000 + r,
        });
        round[norm] = result.medianStepMs;
        done += config.stepsPerRound;
        onStep?.({ step: done, totalSteps });
      }
      rounds.push(round);
    }
    return { metrics: { timings: overheadTimings(rounds) } };
  } finally {
    for (const m of models.values()) m.dispose();
  }
}

/**
 * The executor that trains for real (the library's data loader, model zoo and trainer). Data
 * sets are loaded once per process per data config and reused across runs.
 *
 * @param options - where the dataset is and whether it may be downloaded.
 * @example
 * ```ts
 * await runStudy({ spec, outDir: 'results/quick', executor: trainingExecutor() });
 * ```
 */
export function trainingExecutor(options: TrainingExecutorOptions = {}): RunExecutor {
  const datasets = new Map<string, Promise<ImageDataset>>();
  const dataFor = (d: RunDataset): Promise<ImageDataset> => {
    const key = JSON.stringify(d);
    let p = datasets.get(key);
    if (!p) {
      p = loadRunDataset(d, options);
      datasets.set(key, p);
    }
    return p;
  };
  return {
    async execute(config, onStep) {
      const data = await dataFor(config.dataset);
      const outcome =
        config.kind === 'train'
          ? await executeTrain(config, data, onStep)
          : await executeOverhead(config, data, onStep);
      return { ...outcome, data: { name: data.name, ...(data.files ? { files: data.files } : {}) } };
    },
  };
}
