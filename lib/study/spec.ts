/**
 * The declarative study spec: a typed object (validated by a zod schema) that names
 * experiments, each a grid over architecture × norm kind × batch size × learning rate × init
 * scale × seeds, with a training budget, and says which of the eight claims (DESIGN.md) each
 * experiment informs.
 *
 * A spec expands to a list of runs ({@link expandSpec}). A run's identity is the stable hash of
 * its full training config (not of the experiment that asked for it), so two experiments that
 * need the same training run share it and it is trained once.
 *
 * Example (YAML; the same keys in JSON):
 * ```yaml
 * name: my-study
 * dataset: { source: fashion-mnist, trainSize: 4000, valSize: 1000, testSize: 2000 }
 * defaults: { optimizer: sgd, learningRate: 0.05, momentum: 0.9, batchSize: 64, epochs: 3,
 *             initScale: 1, targetAccuracy: 0.8, groups: 4 }
 * experiments:
 *   - { name: headline, claims: [1, 2, 3, 6], archs: [mlp, vgg], norms: [none, batch, layer], seeds: 5 }
 *   - { name: lr, claims: [5], archs: [vgg], norms: [none, batch], learningRates: [0.01, 0.1, 1], seeds: 3 }
 * ```
 *
 * @module
 */
import { z } from 'zod';
import type { Architecture } from '../models/types';
import { ARCHITECTURES } from '../models/types';
import type { NormKind } from '../norm/kinds';
import { NORM_KINDS } from '../norm/kinds';
import type { OptimizerName } from '../train/types';
import { stableHash } from './hash';
import { issueMessage, nonFiniteNumbers } from './spec-issues';

/** Optimizers a study can use (the trainer's). */
export const STUDY_OPTIMIZERS: readonly OptimizerName[] = ['sgd', 'adam'];

/** Datasets a study can train on. */
export const STUDY_DATASETS = ['fashion-mnist', 'synthetic'] as const;
/** A dataset name. */
export type StudyDatasetName = (typeof STUDY_DATASETS)[number];

/** Experiment kinds: `train` trains each grid point; `overhead` times steps, alternating norms. */
export const EXPERIMENT_KINDS = ['train', 'overhead'] as const;

/**
 * The claims, by number: the article's eight claims about batch norm, and claim 9, its explanation
 * ("batch norm works by reducing internal covariate shift").
 */
export const CLAIM_IDS = [1, 2, 3, 4, 5, 6, 7, 8, 9] as const;
/** A claim number 1..9. */
export type ClaimId = (typeof CLAIM_IDS)[number];

/**
 * Whether an architecture can take a norm kind: instance norm needs spatial features, so the
 * MLP (2-D dense features) cannot take it. Grid points that fail this are skipped by
 * {@link expandSpec} and listed in its `skipped`.
 */
export function archTakesNorm(arch: Architecture, norm: NormKind): boolean {
  return !(arch === 'mlp' && norm === 'instance');
}

const positiveInt = z.number().int().positive();
const enumOf = <T extends string>(values: readonly T[], what: string) =>
  z.enum(values as unknown as [T, ...T[]], {
    errorMap: (issue, ctx) => ({
      message:
        issue.code === 'invalid_enum_value' || issue.code === 'invalid_type'
          ? `unknown ${what} ${JSON.stringify(ctx.data)}; valid: ${values.join(', ')}`
          : ctx.defaultError,
    }),
  });

const claimSchema = z
  .number()
  .int()
  .refine((c) => (CLAIM_IDS as readonly number[]).includes(c), {
    message: `unknown claim; valid: ${CLAIM_IDS.join(', ')}`,
  }) as unknown as z.ZodType<ClaimId>;

/** Zod schema of the dataset section. */
export const datasetSchema = z
  .object({
    source: enumOf(STUDY_DATASETS, 'dataset'),
    trainSize: positiveInt,
    valSize: positiveInt,
    testSize: positiveInt,
  })
  .strict();

/** Zod schema of the defaults section (values every experiment inherits unless it overrides them). */
export const defaultsSchema = z
  .object({
    optimizer: enumOf(STUDY_OPTIMIZERS, 'optimizer').default('sgd'),
    learningRate: z.number().positive().default(0.05),
    momentum: z.number().min(0).max(1).default(0.9),
    batchSize: positiveInt.default(64),
    initScale: z.number().positive().default(1),
    epochs: positiveInt.default(3),
    targetAccuracy: z.number().gt(0).lt(1).default(0.8),
    groups: positiveInt.default(4),
    evalsPerEpoch: positiveInt.default(4),
  })
  .strict();

/** Zod schema of the timing settings of an `overhead` experiment. */
export const overheadSchema = z
  .object({
    rounds: positiveInt.default(5),
    stepsPerRound: positiveInt.default(10),
    warmupSteps: z.number().int().min(0).default(3),
  })
  .strict();

/**
 * Zod schema of the probes of a `train` experiment (see `ProbeOptions` in lib/mechanism): full
 * probes (gradient covariate shift, landscape) at `checkpoints` evenly spaced steps, activation
 * quantiles at `trackPoints`, on a fixed batch of `batchSize` training images.
 */
export const probesSchema = z
  .object({
    checkpoints: z.number().int().min(2).default(5),
    trackPoints: z.number().int().min(2).default(20),
    batchSize: z.number().int().min(2).default(128),
    stepMultipliers: z.array(z.number().positive()).min(1).default([0.5, 1, 2, 4]),
    unit: z.number().int().min(0).default(0),
  })
  .strict();

/** Probe settings of a run (all defaults filled in). */
export type RunProbes = z.output<typeof probesSchema>;

/** Zod schema of one experiment. */
export const experimentSchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]*$/, 'experiment names are lowercase letters, digits, - and _'),
    description: z.string().optional(),
    kind: enumOf(EXPERIMENT_KINDS, 'experiment kind').default('train'),
    claims: z.array(claimSchema).min(1),
    archs: z.array(enumOf(ARCHITECTURES, 'architecture')).min(1),
    norms: z.array(enumOf(NORM_KINDS, 'norm kind')).min(1),
    batchSizes: z.array(positiveInt).min(1).optional(),
    learningRates: z.array(z.number().positive()).min(1).optional(),
    initScales: z.array(z.number().positive()).min(1).optional(),
    seeds: z.union([positiveInt, z.array(z.number().int().min(0)).min(1)]),
    epochs: positiveInt.optional(),
    trainSize: positiveInt.optional(),
    optimizer: enumOf(STUDY_OPTIMIZERS, 'optimizer').optional(),
    targetAccuracy: z.number().gt(0).lt(1).optional(),
    overhead: overheadSchema.optional(),
    probes: probesSchema.optional(),
  })
  .strict();

/** Zod schema of a study spec, with cross-field checks (claims an experiment can inform). */
export const studySpecSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    dataset: datasetSchema,
    defaults: defaultsSchema.default({}),
    experiments: z.array(experimentSchema).min(1),
  })
  .strict()
  .superRefine((spec, ctx) => {
    const names = new Set<string>();
    spec.experiments.forEach((e, i) => {
      const at = (msg: string, key: string) =>
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['experiments', i, key], message: msg });
      if (names.has(e.name)) at(`duplicate experiment name '${e.name}'`, 'name');
      names.add(e.name);
      const norms = new Set(e.norms);
      for (const c of e.claims) {
        if (c === 7 && e.kind !== 'overhead') at('claim 7 (compute overhead) needs kind: overhead', 'claims');
        if (c !== 7 && e.kind === 'overhead')
          at(`an overhead experiment can only inform claim 7, not ${c}`, 'claims');
        if (!norms.has('batch')) at(`claim ${c} needs 'batch' among the norms`, 'norms');
        if ([1, 2, 3, 4, 5, 7, 9].includes(c) && !norms.has('none'))
          at(`claim ${c} compares with 'none': add it to the norms`, 'norms');
        if (c === 6 && !norms.has('layer') && !norms.has('instance'))
          at("claim 6 compares batch norm with 'layer' and/or 'instance': add them to the norms", 'norms');
        if (c === 4 && (e.initScales?.length ?? 0) < 2)
          at('claim 4 needs at least 2 initScales', 'initScales');
        if (c === 5 && (e.learningRates?.length ?? 0) < 2)
          at('claim 5 needs at least 2 learningRates', 'learningRates');
        if (c === 8 && (e.batchSizes?.length ?? 0) < 2)
          at('claim 8 needs at least 2 batchSizes', 'batchSizes');
        if (c === 9 && !norms.has('noisy-batch'))
          at("claim 9 compares batch norm with 'noisy-batch': add it to the norms", 'norms');
        if (c === 9 && !e.probes) at('claim 9 needs probes (e.g. probes: {})', 'probes');
      }
      if (e.probes && e.kind !== 'train') at('probes need kind: train', 'probes');
      if (e.kind === 'overhead' && !norms.has('none'))
        at("an overhead experiment needs 'none' as the reference", 'norms');
    });
  });

/** A study spec as written (before defaults are filled in). */
export type StudySpecInput = z.input<typeof studySpecSchema>;
/** A validated study spec (defaults filled in). */
export type StudySpec = z.output<typeof studySpecSchema>;

/** Format a path as `experiments[0].seeds`. */
function formatPath(path: readonly (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('') || '(spec)';
}

/** Format zod issues as `path: message` lines. */
function formatIssues(error: z.ZodError, input: unknown): string {
  return error.issues
    .map((issue) => `  - ${formatPath(issue.path)}: ${issueMessage(issue, input)}`)
    .join('\n');
}

/**
 * Validate a spec object, filling in defaults.
 *
 * @param input - a parsed JSON/YAML object.
 * @param source - where it came from, for the error message (default `'spec'`).
 * @throws an Error listing every problem with its path and, for enumerations, the valid values;
 *   numbers that are not finite (`1e400` in JSON) are named first.
 * @example
 * ```ts
 * const spec = validateSpec(JSON.parse(text), 'my-study.json');
 * ```
 */
export function validateSpec(input: unknown, source = 'spec'): StudySpec {
  const nonFinite = nonFiniteNumbers(input);
  if (nonFinite.length > 0)
    throw new Error(
      `invalid study spec (${source}):\n${nonFinite
        .map(
          (n) =>
            `  - ${formatPath(n.path)}: ${n.value} is not a finite number (too large for a double, or NaN)`,
        )
        .join('\n')}`,
    );
  const parsed = studySpecSchema.safeParse(input);
  if (!parsed.success)
    throw new Error(`invalid study spec (${source}):\n${formatIssues(parsed.error, input)}`);
  return parsed.data;
}

/** Data settings of one run. */
export interface RunDataset {
  /** Dataset name. */
  source: StudyDatasetName;
  /** Training examples used. */
  trainSize: number;
  /** Validation examples (held out from the training set). */
  valSize: number;
  /** Test examples. */
  testSize: number;
}

/** One training run: everything the trainer needs, nothing else (its hash is the run id). */
export interface TrainRunConfig {
  /** `'train'`. */
  kind: 'train';
  /** Architecture. */
  arch: Architecture;
  /** Norm kind. */
  norm: NormKind;
  /** Groups of group norm (ignored by other kinds but kept for a stable identity). */
  groups: number;
  /** Mini-batch size. */
  batchSize: number;
  /** Learning rate. */
  learningRate: number;
  /** Optimizer. */
  optimizer: OptimizerName;
  /** SGD momentum (ignored by Adam). */
  momentum: number;
  /** Multiplier of the initializer's standard scale. */
  initScale: number;
  /** Seed of initialization and shuffling. */
  seed: number;
  /** Training epochs. */
  epochs: number;
  /** Validation accuracy that counts as "reached" for steps/seconds to target. */
  targetAccuracy: number;
  /**
   * Validation evaluations per epoch (evenly spaced; the resolution of steps to target). 1 =
   * at the end of each epoch only.
   */
  evalsPerEpoch: number;
  /** Data. */
  dataset: RunDataset;
  /** Mechanism probes during training (absent for plain runs, so their ids do not change). */
  probes?: RunProbes;
}

/** One overhead measurement: time training steps of each norm kind, alternating in rounds. */
export interface OverheadRunConfig {
  /** `'overhead'`. */
  kind: 'overhead';
  /** Architecture. */
  arch: Architecture;
  /** Norm kinds timed, alternating; includes `'none'`. */
  norms: NormKind[];
  /** Groups of group norm. */
  groups: number;
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
    ? `${config.arch}/${config.norm} b${config.batchSize} lr${config.learningRate} init${config.initScale} seed${config.seed}`
    : `overhead ${config.arch} b${config.batchSize} seed${config.seed}`;
}

/** A planned run: its id, config and the experiments that use it. */
export interface PlannedRun {
  /** `stableHash(config)`. */
  id: string;
  /** The run's config. */
  config: RunConfig;
  /** Names of the experiments that include this run. */
  experiments: string[];
  /** Position in the canonical order (seed-major, so an interrupted study covers every grid point early). */
  order: number;
}

/** The expansion of a spec. */
export interface StudyPlan {
  /** Hash of the validated spec; results files carry it. */
  specHash: string;
  /** Runs, unique by id, in canonical order. */
  runs: PlannedRun[];
  /** Grid points left out because the architecture cannot take the norm kind. */
  skipped: { experiment: string; arch: Architecture; norm: NormKind; reason: string }[];
}

/** Hash of a validated spec (its canonical JSON). */
export function specHash(spec: StudySpec): string {
  return stableHash(spec);
}

/** A run's id: the stable hash of its config. */
export function runId(config: RunConfig): string {
  return stableHash(config);
}

function seedList(seeds: number | number[]): number[] {
  return typeof seeds === 'number' ? Array.from({ length: seeds }, (_, i) => i) : [...seeds];
}

/**
 * Expand a validated spec into its runs: unique by config hash, ordered seed-major (all grid
 * points of seed 0 first, then seed 1, ...), experiments in spec order within a seed.
 *
 * @param spec - a validated spec ({@link validateSpec}).
 */
export function expandSpec(spec: StudySpec): StudyPlan {
  const d = spec.defaults;
  const byId = new Map<string, { config: RunConfig; experiments: string[]; key: number[] }>();
  const skipped: StudyPlan['skipped'] = [];
  spec.experiments.forEach((e, ei) => {
    const dataset = { ...spec.dataset, trainSize: e.trainSize ?? spec.dataset.trainSize } as RunDataset;
    const common = {
      groups: d.groups,
      optimizer: e.optimizer ?? d.optimizer,
      momentum: d.momentum,
    };
    const seeds = seedList(e.seeds);
    const batchSizes = e.batchSizes ?? [d.batchSize];
    const lrs = e.learningRates ?? [d.learningRate];
    const inits = e.initScales ?? [d.initScale];
    let local = 0;
    const add = (config: RunConfig, seed: number) => {
      const id = runId(config);
      const existing = byId.get(id);
      if (existing) {
        if (!existing.experiments.includes(e.name)) existing.experiments.push(e.name);
      } else byId.set(id, { config, experiments: [e.name], key: [seed, ei, local] });
      local++;
    };
    for (const seed of seeds) {
      for (const arch of e.archs) {
        if (e.kind === 'overhead') {
          const norms = e.norms.filter((n) => archTakesNorm(arch, n));
          const o = overheadSchema.parse(e.overhead ?? {});
          for (const batchSize of batchSizes)
            add(
              {
                kind: 'overhead',
                arch,
                norms,
                ...common,
                batchSize,
                learningRate: lrs[0],
                initScale: inits[0],
                seed,
                rounds: o.rounds,
                stepsPerRound: o.stepsPerRound,
                warmupSteps: o.warmupSteps,
                dataset,
              },
              seed,
            );
          continue;
        }
        for (const norm of e.norms) {
          if (!archTakesNorm(arch, norm)) {
            if (seed === seeds[0])
              skipped.push({
                experiment: e.name,
                arch,
                norm,
                reason: `${norm} norm needs spatial (conv) features; ${arch} has dense features`,
              });
            continue;
          }
          for (const batchSize of batchSizes)
            for (const learningRate of lrs)
              for (const initScale of inits)
                add(
                  {
                    kind: 'train',
                    arch,
                    norm,
                    ...common,
                    batchSize,
                    learningRate,
                    initScale,
                    seed,
                    epochs: e.epochs ?? d.epochs,
                    targetAccuracy: e.targetAccuracy ?? d.targetAccuracy,
                    evalsPerEpoch: d.evalsPerEpoch,
                    dataset,
                    ...(e.probes ? { probes: e.probes } : {}),
                  },
                  seed,
                );
        }
      }
    }
  });
  const entries = [...byId.entries()].sort(([, a], [, b]) => {
    for (let i = 0; i < 3; i++) if (a.key[i] !== b.key[i]) return a.key[i] - b.key[i];
    return 0;
  });
  return {
    specHash: specHash(spec),
    runs: entries.map(([id, v], order) => ({ id, config: v.config, experiments: v.experiments, order })),
    skipped,
  };
}

/**
 * A rough relative cost of a run (for ETAs and shard balance): examples processed × an
 * architecture weight × a small-batch penalty (per-step overhead).
 */
export function estimatedCost(config: RunConfig): number {
  const archWeight: Record<Architecture, number> = { mlp: 1, vgg: 6, resnet: 8 };
  const stepPenalty = 1 + 16 / config.batchSize;
  if (config.kind === 'overhead') {
    const steps = config.norms.length * (config.rounds * config.stepsPerRound + config.warmupSteps);
    return steps * config.batchSize * archWeight[config.arch] * stepPenalty;
  }
  return (
    config.epochs *
    (config.dataset.trainSize + config.dataset.valSize) *
    archWeight[config.arch] *
    stepPenalty
  );
}

/** Parse a shard string `i/n` (0-based index i < n). */
export function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) throw new Error(`--shard must look like i/n with 0 <= i < n (e.g. 0/2), got '${text}'`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index >= count)
    throw new Error(`--shard must look like i/n with 0 <= i < n (e.g. 0/2), got '${text}'`);
  return { index, count };
}

/**
 * The runs of one shard: a disjoint, deterministic slice of the plan (every `count`-th run
 * starting at `index`, in canonical order). The union over `index = 0..count−1` is the whole plan.
 */
export function shardRuns(
  runs: readonly PlannedRun[],
  shard: { index: number; count: number },
): PlannedRun[] {
  if (!Number.isInteger(shard.count) || shard.count < 1 || shard.index < 0 || shard.index >= shard.count)
    throw new Error(`shard must have 0 <= index < count, got ${shard.index}/${shard.count}`);
  return runs.filter((r) => r.order % shard.count === shard.index);
}
