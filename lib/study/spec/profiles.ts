/**
 * The study's named profiles: `smoke` (seconds, synthetic data, for tests), `quick` (the
 * default: minutes on a 2-core machine, Fashion-MNIST subsets), `full` (the study whose results
 * are published: hours on a 2-core machine, see the Study design page) and `paper` (the same design with the
 * whole training set, more seeds and wider grids, for a cluster: `deploy/`).
 *
 * Every profile tests all eight claims with the same experiments:
 * - the tuning stage: each architecture × norm kind over a learning-rate grid on tuning seeds
 *   (disjoint from the evaluation seeds), the best mean validation accuracy picks its rate;
 * - `headline` (claims 1, 2, 3, 6): every kind at its tuned rate, paired seeds;
 * - `init` (claim 4): init-scale sweep, none vs batch, at tuned rates;
 * - `lr` (claim 5): the learning-rate grid on more seeds, none vs batch (the good-range width);
 * - `batch` (claim 8): each kind's rate tuned at batch 32 and scaled linearly to smaller batches,
 *   the same epochs at every size, none / batch / group (+ remedies), batch norm also with
 *   population statistics;
 * - `overhead` (claim 7): step times of every kind, measured alternately round by round;
 * - `mechanism` (claim 9, the explanation): none, batch and noisy batch norm, each at its own
 *   tuned rate and at the headline budget, probed across the run (covariate shift, landscape,
 *   activation quantiles; lib/mechanism).
 *
 * @module
 */
import { type StudySpec, type StudySpecInput, validateSpec } from './schema';

/**
 * Profile names.
 *
 * @example
 * ```ts
 * for (const name of PROFILE_NAMES) console.log(name, expandSpec(profileSpec(name)).runs.length);
 * ```
 */
export const PROFILE_NAMES = ['smoke', 'quick', 'full', 'paper'] as const;
/** A profile name. */
export type ProfileName = (typeof PROFILE_NAMES)[number];

/**
 * The default profile.
 *
 * @example
 * ```ts
 * const spec = profileSpec(DEFAULT_PROFILE); // 'quick'
 * ```
 */
export const DEFAULT_PROFILE: ProfileName = 'quick';

/**
 * `smoke`: synthetic 8×8 images (4 classes; 256 train / 64 val / 64 test), MLP and VGG, cosine
 * schedule, tuning over 2 rates on 1 seed, 2 evaluation seeds, 1–2 epochs. Exercises every
 * experiment (tuning, censoring, population statistics, the batch-size scaling) in under a minute;
 * too few seeds to decide any verdict. For tests, not for conclusions.
 */
export const SMOKE_PROFILE: StudySpecInput = {
  name: 'smoke',
  description:
    'Synthetic 8x8 data (256 train, 64 val, 64 test), MLP + VGG, tuning over 2 rates, 2 seeds, 1-2 epochs: exercises every experiment in under a minute. Not for conclusions.',
  dataset: { source: 'synthetic', trainSize: 256, valSize: 64, testSize: 64 },
  defaults: {
    optimizer: 'sgd',
    learningRate: 'tuned',
    momentum: 0.9,
    schedule: 'cosine',
    batchSize: 32,
    initScale: 1,
    epochs: 2,
    targetAccuracy: 0.6,
    groups: 2,
    evalsPerEpoch: 2,
  },
  tuning: { learningRates: [0.03, 0.3], seeds: [100], epochs: 1 },
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
      evalsPerEpoch: 1,
      claims: [5],
      archs: ['mlp'],
      norms: ['none', 'batch'],
      learningRates: [0.03, 0.3],
      seeds: [100, 101],
      epochs: 1,
    },
    {
      name: 'batch',
      evalsPerEpoch: 1,
      claims: [8],
      archs: ['mlp'],
      // batch-renorm: a small-batch remedy (Ioffe 2017); any kind beyond the standard five is compared with batch norm as one.
      norms: ['none', 'batch', 'layer', 'group', 'batch-renorm'],
      batchSizes: [4, 32],
      lrScaling: 'linear',
      tuneWith: { batchSize: 32, trainSize: 256, epochs: 1 },
      populationStats: true,
      seeds: 2,
      epochs: 1,
    },
    {
      name: 'overhead',
      kind: 'overhead',
      claims: [7],
      archs: ['mlp'],
      norms: ['none', 'batch', 'layer', 'group'],
      learningRate: 0.05,
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

/** A quarter-decade grid from 0.01 to 1 (claim 5 measures a width on it). */
const QUARTER_DECADES_01_1 = [0.01, 0.018, 0.03, 0.056, 0.1, 0.18, 0.3, 0.56, 1];

/**
 * A quarter-decade grid from 0.001 to 3 that contains the half-decade tuning grid, so the tuning
 * runs of the shared seeds are reused.
 */
const QUARTER_DECADES_0001_3 = [
  0.001, 0.0018, 0.003, 0.0056, 0.01, 0.018, 0.03, 0.056, 0.1, 0.18, 0.3, 0.56, 1, 1.8, 3,
];

/**
 * `quick` (default): every claim decided, at small budgets, on the MLP, labelled indicative.
 * Fashion-MNIST, 4,000 training / 1,000 validation images (out of the training files) / the
 * 10,000 official test images, SGD + momentum 0.9 with warm-up + cosine decay, batch 128, 4 epochs;
 * tuning over 0.01–1 (half decades, growing past an edge) on 3 tuning seeds and a 2,000-image,
 * 3-epoch proxy; 5 evaluation seeds everywhere (the fewest that decide). Claim 8 tunes each kind at
 * batch 32 and scales linearly to 8 and 2; claim 9 probes the headline runs (none, batch) and
 * noisy batch norm at its own tuned rate. About 5 minutes of training on 2 cores (sized with
 * bench/study-budget.ts).
 */
export const QUICK_PROFILE: StudySpecInput = {
  name: 'quick',
  description:
    'Indicative: every claim decided at small budgets on the MLP. Fashion-MNIST (4000 train, 1000 val, 10000 test), SGD momentum 0.9 + warm-up/cosine, batch 128, 4 epochs, tuned rates (0.01-1, 3 tuning seeds, grown past an edge), 5 seeds; ' +
    'init-scale and quarter-decade learning-rate sweeps; batch sizes 2/8/32 with rates tuned at 32; interleaved overhead timing; probes on none/batch/noisy batch norm.',
  dataset: { source: 'fashion-mnist', trainSize: 4000, valSize: 1000, testSize: 10000 },
  defaults: {
    optimizer: 'sgd',
    learningRate: 'tuned',
    momentum: 0.9,
    schedule: 'cosine',
    batchSize: 128,
    initScale: 1,
    epochs: 4,
    targetAccuracy: 0.8,
    groups: 4,
    evalsPerEpoch: 4,
  },
  tuning: {
    learningRates: [0.01, 0.03, 0.1, 0.3, 1],
    seeds: [100, 101, 102],
    trainSize: 2000,
    epochs: 3,
    extendEdges: true,
  },
  experiments: [
    {
      name: 'headline',
      claims: [1, 2, 3, 6],
      archs: ['mlp'],
      norms: ['none', 'batch', 'layer', 'group'],
      seeds: 5,
      // The same probes as the mechanism experiment, so its none and batch runs are these.
      probes: { checkpoints: 3, trackPoints: 6, batchSize: 128 },
    },
    {
      name: 'init',
      evalsPerEpoch: 1,
      claims: [4],
      archs: ['mlp'],
      norms: ['none', 'batch'],
      initScales: [0.1, 1, 10],
      seeds: 5,
      epochs: 2,
      trainSize: 2000,
    },
    {
      name: 'lr',
      evalsPerEpoch: 1,
      claims: [5],
      archs: ['mlp'],
      norms: ['none', 'batch'],
      learningRates: QUARTER_DECADES_01_1,
      seeds: [100, 101, 102, 103, 104],
      epochs: 3,
      trainSize: 2000,
    },
    {
      name: 'batch',
      evalsPerEpoch: 1,
      claims: [8],
      archs: ['mlp'],
      // batch-renorm: a small-batch remedy (Ioffe 2017), compared with batch norm.
      norms: ['none', 'batch', 'group', 'batch-renorm'],
      batchSizes: [2, 8, 32],
      lrScaling: 'linear',
      tuneWith: { batchSize: 32, trainSize: 1000, epochs: 3 },
      populationStats: true,
      seeds: 5,
      epochs: 3,
      trainSize: 1000,
    },
    {
      name: 'overhead',
      kind: 'overhead',
      claims: [7],
      archs: ['mlp'],
      norms: ['none', 'batch', 'layer', 'group'],
      learningRate: 0.05,
      // Replicates, each in a process of its own, are the units claim 7 is decided on.
      seeds: 5,
      overhead: { rounds: 4, stepsPerRound: 5, warmupSteps: 3 },
    },
    {
      name: 'mechanism',
      claims: [9],
      archs: ['mlp'],
      norms: ['none', 'batch', 'noisy-batch'],
      seeds: 5,
      probes: { checkpoints: 3, trackPoints: 6, batchSize: 128 },
    },
  ],
};

/** The probes of the full profile's VGG runs: across the whole run (claim 9). */
const FULL_PROBES = { checkpoints: 8, trackPoints: 20, batchSize: 128 };

/**
 * `full`: the published study. Fashion-MNIST: 50,000 training images, 3,000 validation images held
 * out of the training files (split seed 0), the official 10,000 test images. SGD + momentum 0.9,
 * linear warm-up (5% of the steps) + cosine decay, batch 128, batch-norm momentum 0.9, ε 1e-5.
 * - tuning stage: every architecture × kind over 0.001–3 in half decades (growing past an edge),
 *   tuning seeds 100, 101 and 102. The MLP's headline kinds at their evaluation budget (the pilot
 *   for the proxy: scripts/tuning-pilot.ts tunes them on the proxy too and compares). The VGG's
 *   and the ResNet's headline kinds and the mechanism's in two stages on those seeds: the whole
 *   grid on a 5,000-image, 3-epoch proxy, then at the experiment's own budget a local grid of the
 *   proxy's pick and one grid step either side, grown past an edge while its best sits there; the
 *   local grid's best is the rate (`tuneWith: 'evaluation-near-proxy'`; the whole grid at those
 *   budgets costs too much on 2 cores). The sweeps (init, lr) on the proxy; claim 8's kinds at
 *   batch 32 on its own budget;
 * - `headline-mlp` (claims 1, 2, 3, 6): MLP × none/batch/layer/group × 10 seeds, 10 epochs,
 *   target 0.88, 5 validations per epoch;
 * - `headline-vgg`: VGG × all five kinds × 5 seeds, 8 epochs, target 0.90, 8 validations per
 *   epoch, probed (so that claim 9's none and batch runs are these);
 * - `headline-resnet`: ResNet × all five kinds × 5 seeds on 25,000 images, 10 epochs, target 0.88,
 *   8 validations per epoch;
 * - `init` (claim 4): init scales 0.1–10 × MLP (10 seeds), VGG (5 seeds) × none/batch, proxy budget;
 * - `lr` (claim 5): 0.001–3 in quarter decades × MLP and VGG × none/batch × seeds 100–104
 *   (shares the tuning runs of seeds 100–102), proxy budget;
 * - `batch` (claim 8, Wu & He's design): VGG × none/batch/group and the remedies batch-renorm and
 *   group-ws (group norm + weight-standardized convolutions) × batch 2/4/8/16/32,
 *   each kind's rate tuned at batch 32 and scaled linearly, 5 epochs on 3,000 images at every size
 *   (469 steps at batch 32, 938 at 16, 7,500 at 2),
 *   5 seeds, batch norm also with population statistics;
 * - `overhead` (claim 7): MLP, VGG, ResNet × 8 replicates (each in a process of its own) of 4
 *   alternating rounds of 10 steps;
 * - `mechanism` (claim 9, Santurkar et al.'s design): the VGG at its headline budget (3,125 steps)
 *   × none/batch/noisy-batch, each at its own rate tuned as the headline's, 5 seeds, probed at 8
 *   checkpoints across the whole run.
 *
 * Budget: see the "Study design" page (docs/guide/study-design.md) for the per-step times this was
 * sized from and the resulting estimate.
 */
export const FULL_PROFILE: StudySpecInput = {
  name: 'full',
  description:
    'Fashion-MNIST (50000 train, 3000 val from the training files, the 10000 official test images), SGD momentum 0.9 + warm-up/cosine, batch 128, every kind at its tuned rate (0.001-3 grown past an edge, 3 tuning seeds); ' +
    'headline MLP x 10 seeds (10 epochs), VGG x 5 seeds (8 epochs, probed), ResNet x 5 seeds (25000 images, 10 epochs); init-scale and quarter-decade learning-rate sweeps on MLP+VGG; ' +
    'batch sizes 2-32 on the VGG with rates tuned at 32 and scaled linearly, population statistics, batch renorm and group norm + weight standardization; interleaved overhead timing; mechanism at the VGG headline budget; MLP headline tuned at its evaluation budget; VGG and ResNet headline and mechanism tuned on a 5000-image 3-epoch proxy over the whole grid, then at their evaluation budget over the proxy pick and one step either side (grown past an edge).',
  dataset: { source: 'fashion-mnist', trainSize: 50000, valSize: 3000, testSize: 10000 },
  defaults: {
    optimizer: 'sgd',
    learningRate: 'tuned',
    momentum: 0.9,
    schedule: 'cosine',
    warmupFraction: 0.05,
    batchSize: 128,
    initScale: 1,
    epochs: 6,
    targetAccuracy: 0.88,
    groups: 4,
    evalsPerEpoch: 5,
  },
  tuning: {
    learningRates: [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3],
    seeds: [100, 101, 102],
    trainSize: 5000,
    epochs: 3,
    extendEdges: true,
  },
  experiments: [
    {
      name: 'headline-mlp',
      claims: [1, 2, 3, 6],
      archs: ['mlp'],
      norms: ['none', 'batch', 'layer', 'group'],
      seeds: 10,
      epochs: 10,
      evalsPerEpoch: 5,
      // Tuned at this budget itself: affordable on the MLP, and the pilot for the proxy the other
      // architectures are tuned on (init-mlp tunes none and batch on the proxy).
      tuneWith: 'evaluation',
    },
    {
      name: 'headline-vgg',
      claims: [1, 2, 3, 6],
      archs: ['vgg'],
      norms: ['none', 'batch', 'layer', 'instance', 'group'],
      seeds: 5,
      epochs: 8,
      targetAccuracy: 0.9,
      evalsPerEpoch: 8,
      probes: FULL_PROBES,
      // The proxy's whole grid, then a local grid at this budget: see the profile's docstring.
      tuneWith: 'evaluation-near-proxy',
    },
    {
      name: 'headline-resnet',
      claims: [1, 2, 3, 6],
      archs: ['resnet'],
      norms: ['none', 'batch', 'layer', 'instance', 'group'],
      seeds: 5,
      trainSize: 25000,
      epochs: 10,
      evalsPerEpoch: 8,
      tuneWith: 'evaluation-near-proxy',
    },
    {
      name: 'init-mlp',
      evalsPerEpoch: 1,
      claims: [4],
      archs: ['mlp'],
      norms: ['none', 'batch'],
      initScales: [0.1, 0.3, 1, 3, 10],
      seeds: 10,
      epochs: 3,
      trainSize: 5000,
    },
    {
      name: 'init-vgg',
      evalsPerEpoch: 1,
      claims: [4],
      archs: ['vgg'],
      norms: ['none', 'batch'],
      initScales: [0.1, 0.3, 1, 3, 10],
      seeds: 5,
      epochs: 3,
      trainSize: 5000,
    },
    {
      name: 'lr',
      evalsPerEpoch: 1,
      claims: [5],
      archs: ['mlp', 'vgg'],
      norms: ['none', 'batch'],
      learningRates: QUARTER_DECADES_0001_3,
      seeds: [100, 101, 102, 103, 104],
      epochs: 3,
      trainSize: 5000,
    },
    {
      name: 'batch',
      evalsPerEpoch: 1,
      claims: [8],
      archs: ['vgg'],
      // The small-batch remedies, compared with batch norm: batch renormalization (Ioffe 2017) and
      // group norm over weight-standardized convolutions (Qiao et al. 2019).
      norms: ['none', 'batch', 'group', 'batch-renorm', 'group-ws'],
      batchSizes: [2, 4, 8, 16, 32],
      lrScaling: 'linear',
      // Wu & He: each kind's rate tuned at batch 32 on this budget, scaled linearly to the others.
      tuneWith: { batchSize: 32, trainSize: 3000, epochs: 5 },
      populationStats: true,
      seeds: 5,
      epochs: 5,
      trainSize: 3000,
    },
    {
      name: 'overhead',
      kind: 'overhead',
      claims: [7],
      archs: ['mlp', 'vgg', 'resnet'],
      norms: ['none', 'batch', 'layer', 'instance', 'group'],
      learningRate: 0.05,
      // Replicates, each in a process of its own, are the units claim 7 is decided on.
      seeds: 8,
      overhead: { rounds: 4, stepsPerRound: 10, warmupSteps: 3 },
    },
    {
      name: 'mechanism',
      claims: [9],
      archs: ['vgg'],
      norms: ['none', 'batch', 'noisy-batch'],
      // The headline-vgg budget, probes and tuning: its none and batch runs (tuning included) are
      // shared with it.
      seeds: 5,
      epochs: 8,
      targetAccuracy: 0.9,
      evalsPerEpoch: 8,
      probes: FULL_PROBES,
      tuneWith: 'evaluation-near-proxy',
    },
  ],
};

/**
 * `paper`: the `full` design at the scale of a cluster (deploy/): all 55,000 training images
 * minus 5,000 for validation, every kind tuned at the budget it is judged on (3 seeds), 10
 * evaluation seeds on every architecture (5 timing replicates), 3× the epochs of the sweeps, the
 * batch-size experiment on the MLP too. Hundreds of CPU-hours: run it in shards (`--shard i/n`,
 * see docs/guide/cluster.md).
 */
export const PAPER_PROFILE: StudySpecInput = {
  ...FULL_PROFILE,
  name: 'paper',
  description:
    'The full design at cluster scale: 55000 training images (50000 train + 5000 val), every kind tuned at its evaluation budget on 3 seeds, 10 evaluation seeds (5 timing replicates), longer sweeps, batch-size experiment on MLP and VGG. Run in shards.',
  dataset: { source: 'fashion-mnist', trainSize: 55000, valSize: 5000, testSize: 10000 },
  tuning: {
    learningRates: [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3],
    seeds: [100, 101, 102],
    extendEdges: true,
  },
  experiments: FULL_PROFILE.experiments.map((e) => {
    const seeds =
      e.kind === 'overhead' ? 5 : e.name === 'lr' ? [100, 101, 102, 103, 104, 105, 106, 107, 108, 109] : 10;
    const longer = e.epochs !== undefined && e.epochs <= 3 ? { epochs: 9, trainSize: 20000 } : {};
    const headline =
      e.name.startsWith('headline') || e.name === 'mechanism' ? { epochs: 15, trainSize: undefined } : {};
    const batch =
      e.name === 'batch'
        ? {
            archs: ['mlp' as const, 'vgg' as const],
            trainSize: 10000,
            // Tuned at batch 32 on the sweep's own budget, as in full.
            tuneWith: {
              batchSize: 32,
              trainSize: 10000,
              epochs: e.epochs ?? FULL_PROFILE.defaults?.epochs ?? 6,
            },
          }
        : {};
    // Every other tuned experiment is tuned at its own (evaluation) budget: no proxy.
    const tuned =
      e.name !== 'batch' && e.kind !== 'overhead' && !e.learningRates
        ? { tuneWith: 'evaluation' as const }
        : {};
    return { ...e, seeds, ...longer, ...headline, ...tuned, ...batch };
  }),
};

const PROFILES: Record<ProfileName, StudySpecInput> = {
  smoke: SMOKE_PROFILE,
  quick: QUICK_PROFILE,
  full: FULL_PROFILE,
  paper: PAPER_PROFILE,
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
