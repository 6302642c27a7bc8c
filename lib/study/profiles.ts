/**
 * The study's named profiles: `smoke` (seconds, synthetic data, for tests), `quick` (the
 * default: a few minutes on a 2-core machine, Fashion-MNIST subsets) and `full` (the real study:
 * ≥ 5 seeds on the headline comparisons, about an hour on a 2-core machine).
 *
 * Every profile tests all eight claims with five experiments:
 * - `headline` (claims 1, 2, 3, 6): norm kind × architecture at the default learning rate and
 *   batch size;
 * - `init` (claim 4): init-scale sweep, none vs batch;
 * - `lr` (claim 5): learning-rate sweep, none vs batch;
 * - `batch` (claim 8): batch-size sweep including tiny batches, batch vs group (and none);
 * - `overhead` (claim 7): step times of every kind, measured alternately round by round;
 * - `mechanism` (claim 9, the explanation): the VGG with none, batch and noisy batch norm, probed
 *   during training (covariate shift, landscape, activation quantiles; lib/mechanism).
 *
 * The exact grids and budgets are in each profile's object below and in its `description`.
 *
 * @module
 */
import { type StudySpec, type StudySpecInput, validateSpec } from './spec';

/** Profile names. */
export const PROFILE_NAMES = ['smoke', 'quick', 'full'] as const;
/** A profile name. */
export type ProfileName = (typeof PROFILE_NAMES)[number];

/** The default profile. */
export const DEFAULT_PROFILE: ProfileName = 'quick';

/**
 * `smoke`: synthetic 8×8 images (4 classes; 256 train / 64 val / 64 test), MLP and VGG,
 * 2 epochs, 2 seeds. About 40 tiny runs; seconds. For tests, not for conclusions.
 */
export const SMOKE_PROFILE: StudySpecInput = {
  name: 'smoke',
  description:
    'Synthetic 8x8 data (256 train, 64 val, 64 test), MLP + VGG, 2 epochs, 2 seeds: exercises every experiment in seconds. Not for conclusions.',
  dataset: { source: 'synthetic', trainSize: 256, valSize: 64, testSize: 64 },
  defaults: {
    optimizer: 'sgd',
    learningRate: 0.05,
    momentum: 0.9,
    batchSize: 32,
    initScale: 1,
    epochs: 2,
    targetAccuracy: 0.6,
    groups: 2,
  },
  experiments: [
    {
      name: 'headline',
      claims: [1, 2, 3, 6],
      archs: ['mlp', 'vgg'],
      norms: ['none', 'batch', 'layer', 'instance'],
      seeds: 2,
    },
    { name: 'init', claims: [4], archs: ['mlp'], norms: ['none', 'batch'], initScales: [0.5, 2], seeds: 2 },
    {
      name: 'lr',
      claims: [5],
      archs: ['mlp'],
      norms: ['none', 'batch'],
      learningRates: [0.01, 0.5],
      seeds: 2,
    },
    {
      name: 'batch',
      claims: [8],
      archs: ['mlp'],
      norms: ['batch', 'group'],
      batchSizes: [4, 32],
      seeds: 2,
      epochs: 1,
    },
    {
      name: 'overhead',
      kind: 'overhead',
      claims: [7],
      archs: ['mlp'],
      norms: ['none', 'batch', 'layer'],
      seeds: 1,
      overhead: { rounds: 3, stepsPerRound: 3, warmupSteps: 1 },
    },
    {
      name: 'mechanism',
      claims: [9],
      archs: ['vgg'],
      norms: ['none', 'batch', 'noisy-batch'],
      seeds: 2,
      probes: { checkpoints: 3, trackPoints: 5, batchSize: 32 },
    },
  ],
};

/**
 * `quick` (default): Fashion-MNIST, 2,000 training / 1,000 validation / 2,000 test images,
 * SGD + momentum 0.9, lr 0.05, batch 64, 3 epochs, validation twice per epoch, target validation
 * accuracy 0.75, 3 seeds everywhere:
 * - `headline`: MLP + VGG × all kinds (27 runs);
 * - `init`: init scales 0.25/1/4 × MLP × none/batch (12 new runs; scale 1 is shared with the headline);
 * - `lr`: learning rates 0.01/0.05/0.5 × MLP × none/batch (12 new runs);
 * - `batch`: batch sizes 4/16/64 × MLP × none/batch/layer (18 new runs);
 * - `overhead`: MLP and VGG, 8 alternating rounds of 5 timed steps per kind;
 * - `mechanism`: VGG × none/batch/noisy-batch × 3 seeds, 3 epochs, probed at 5 checkpoints
 *   (target validation accuracy 0.75; 9 runs).
 * About 5 minutes on 2 idle cores (8 when the machine is shared).
 */
export const QUICK_PROFILE: StudySpecInput = {
  name: 'quick',
  description:
    'Fashion-MNIST subsets (2000 train, 1000 val, 2000 test), SGD momentum 0.9, lr 0.05, batch 64, 3 epochs, 3 seeds; ' +
    'headline MLP+VGG x all kinds; init-scale, learning-rate and batch-size (4/16/64) sweeps on the MLP; ' +
    'interleaved overhead timing on MLP and VGG; mechanism probes on the VGG with none/batch/noisy-batch x 3 seeds. About 5 minutes on 2 cores.',
  dataset: { source: 'fashion-mnist', trainSize: 2000, valSize: 1000, testSize: 2000 },
  defaults: {
    optimizer: 'sgd',
    learningRate: 0.05,
    momentum: 0.9,
    batchSize: 64,
    initScale: 1,
    epochs: 3,
    targetAccuracy: 0.75,
    groups: 4,
    evalsPerEpoch: 2,
  },
  experiments: [
    {
      name: 'headline',
      claims: [1, 2, 3, 6],
      archs: ['mlp', 'vgg'],
      norms: ['none', 'batch', 'layer', 'instance', 'group'],
      seeds: 3,
    },
    {
      name: 'init',
      claims: [4],
      archs: ['mlp'],
      norms: ['none', 'batch'],
      initScales: [0.25, 1, 4],
      seeds: 3,
    },
    {
      name: 'lr',
      claims: [5],
      archs: ['mlp'],
      norms: ['none', 'batch'],
      learningRates: [0.01, 0.05, 0.5],
      seeds: 3,
    },
    {
      name: 'batch',
      claims: [8],
      archs: ['mlp'],
      norms: ['none', 'batch', 'layer'],
      batchSizes: [4, 16, 64],
      seeds: 3,
    },
    {
      name: 'overhead',
      kind: 'overhead',
      claims: [7],
      archs: ['mlp', 'vgg'],
      norms: ['none', 'batch', 'layer', 'instance', 'group'],
      seeds: 1,
      overhead: { rounds: 8, stepsPerRound: 5, warmupSteps: 3 },
    },
    {
      name: 'mechanism',
      claims: [9],
      archs: ['vgg'],
      norms: ['none', 'batch', 'noisy-batch'],
      seeds: 3,
      probes: { checkpoints: 5, trackPoints: 20, batchSize: 128 },
    },
  ],
};

/**
 * `full`: Fashion-MNIST with 6,000 training / 2,000 validation / 5,000 test images (the
 * validation images are held out of the official training set, the test images are the first
 * 5,000 of the official test set), SGD + momentum 0.9, lr 0.05, batch 64, target validation
 * accuracy 0.8, validation three times per epoch.
 * - `headline` (claims 1, 2, 3, 6): MLP and VGG × all five kinds (no instance norm on the MLP) ×
 *   5 seeds, 4 epochs on 6,000 images (45 runs);
 * - `headline-resnet` (claims 1, 2, 3, 6): ResNet × all five kinds × 5 seeds, 3 epochs on 2,000
 *   images (25 runs; the ResNet is ~3× slower per example than the VGG here);
 * - `init` (claim 4): init scales 0.1/0.3/1/3/10 × MLP, VGG × none/batch × 3 seeds, 3 epochs on
 *   2,000 images (60 runs);
 * - `lr` (claim 5): learning rates 0.003/0.03/0.3/1/3 × MLP, VGG × none/batch × 3 seeds, 3 epochs
 *   on 2,000 images (60 runs);
 * - `batch` and `batch-vgg` (claim 8): batch sizes 2/4/8/16/64 × none/batch/group × 3 seeds,
 *   2 epochs, on the MLP (2,000 images) and the VGG (1,000 images) (90 runs);
 * - `overhead` (claim 7): MLP, VGG, ResNet × 3 repetitions of 6 alternating rounds of 10 timed
 *   steps per kind at batch 64 (9 runs);
 * - `mechanism` (claim 9): VGG × none/batch/noisy-batch × 5 seeds, 3 epochs on 2,000 images,
 *   target validation accuracy 0.75, probed at 5 checkpoints (15 runs, a few minutes).
 *
 * Budget: measured trainer speed on this 2-core machine at batch 64 is about 5,000 examples/s for
 * the MLP, 900 for the VGG and 250–450 for the ResNet. Scaling the `quick` profile's measured
 * per-run times (9.4 minutes for `quick` while the machine was shared by several jobs, load
 * average ~14) by each run's estimated cost (`estimatedCost` in lib/study/spec.ts) gives about 110 minutes
 * under that load; the grid is sized for about an hour on an otherwise idle 2-core machine, which
 * is an estimate, not a measurement. Use `--shard i/n` to spread it over machines.
 */
export const FULL_PROFILE: StudySpecInput = {
  name: 'full',
  description:
    'Fashion-MNIST (6000 train, 2000 val, 5000 test), SGD momentum 0.9, lr 0.05, batch 64, target val accuracy 0.8; ' +
    'headline MLP+VGG x all kinds x 5 seeds (4 epochs) and ResNet x all kinds x 5 seeds (3 epochs on 2000 images); ' +
    'init scales 0.1..10 and learning rates 0.003..3 on MLP+VGG x none/batch x 3 seeds (3 epochs on 2000 images); ' +
    'batch sizes 2/4/8/16/64 on MLP (2000 images) and VGG (1000 images) x none/batch/group x 3 seeds (2 epochs); interleaved overhead timing on all architectures; ' +
    'mechanism probes on the VGG with none/batch/noisy-batch x 5 seeds (3 epochs on 2000 images). ' +
    'About an hour on 2 cores.',
  dataset: { source: 'fashion-mnist', trainSize: 6000, valSize: 2000, testSize: 5000 },
  defaults: {
    optimizer: 'sgd',
    learningRate: 0.05,
    momentum: 0.9,
    batchSize: 64,
    initScale: 1,
    epochs: 4,
    targetAccuracy: 0.8,
    groups: 4,
    evalsPerEpoch: 3,
  },
  experiments: [
    {
      name: 'headline',
      claims: [1, 2, 3, 6],
      archs: ['mlp', 'vgg'],
      norms: ['none', 'batch', 'layer', 'instance', 'group'],
      seeds: 5,
    },
    {
      name: 'headline-resnet',
      claims: [1, 2, 3, 6],
      archs: ['resnet'],
      norms: ['none', 'batch', 'layer', 'instance', 'group'],
      seeds: 5,
      epochs: 3,
      trainSize: 2000,
    },
    {
      name: 'init',
      claims: [4],
      archs: ['mlp', 'vgg'],
      norms: ['none', 'batch'],
      initScales: [0.1, 0.3, 1, 3, 10],
      seeds: 3,
      epochs: 3,
      trainSize: 2000,
    },
    {
      name: 'lr',
      claims: [5],
      archs: ['mlp', 'vgg'],
      norms: ['none', 'batch'],
      learningRates: [0.003, 0.03, 0.3, 1, 3],
      seeds: 3,
      epochs: 3,
      trainSize: 2000,
    },
    {
      name: 'batch',
      claims: [8],
      archs: ['mlp'],
      norms: ['none', 'batch', 'group'],
      batchSizes: [2, 4, 8, 16, 64],
      seeds: 3,
      epochs: 2,
      trainSize: 2000,
    },
    {
      name: 'batch-vgg',
      claims: [8],
      archs: ['vgg'],
      norms: ['none', 'batch', 'group'],
      batchSizes: [2, 4, 8, 16, 64],
      seeds: 3,
      epochs: 2,
      trainSize: 1000,
    },
    {
      name: 'overhead',
      kind: 'overhead',
      claims: [7],
      archs: ['mlp', 'vgg', 'resnet'],
      norms: ['none', 'batch', 'layer', 'instance', 'group'],
      seeds: 3,
      overhead: { rounds: 6, stepsPerRound: 10, warmupSteps: 3 },
    },
    {
      name: 'mechanism',
      claims: [9],
      archs: ['vgg'],
      norms: ['none', 'batch', 'noisy-batch'],
      seeds: 5,
      epochs: 3,
      trainSize: 2000,
      targetAccuracy: 0.75,
      probes: { checkpoints: 5, trackPoints: 20, batchSize: 128 },
    },
  ],
};

const PROFILES: Record<ProfileName, StudySpecInput> = {
  smoke: SMOKE_PROFILE,
  quick: QUICK_PROFILE,
  full: FULL_PROFILE,
};

/**
 * The validated spec of a named profile.
 *
 * @throws for an unknown name, listing the valid ones.
 * @example
 * ```ts
 * const spec = profileSpec('quick');
 * ```
 */
export function profileSpec(name: string): StudySpec {
  if (!(PROFILE_NAMES as readonly string[]).includes(name))
    throw new Error(`unknown profile '${name}'; valid profiles: ${PROFILE_NAMES.join(', ')}`);
  return validateSpec(PROFILES[name as ProfileName], `profile ${name}`);
}
