/**
 * The declarative study spec, as a zod schema: a dataset, defaults (optimizer, schedule, model
 * sizes, evaluation cadence), an optional learning-rate tuning stage, and experiments, each a grid
 * over architecture × norm kind × batch size × learning rate × init scale × seeds that says which
 * claims it informs. The claims, the rules that decide them and the margins are on the site's
 * "Study design" page (docs/guide/study-design.md).
 *
 * Example (YAML; the same keys in JSON):
 * ```yaml
 * name: my-study
 * dataset: { source: fashion-mnist, trainSize: 10000, valSize: 5000, testSize: 10000 }
 * defaults: { learningRate: tuned, batchSize: 128, epochs: 6, schedule: cosine }
 * tuning: { learningRates: [0.01, 0.03, 0.1, 0.3, 1], seeds: [100, 101] }
 * experiments:
 *   - { name: headline, claims: [1, 2, 3, 6], archs: [mlp, vgg], norms: [none, batch, layer], seeds: 5 }
 * ```
 *
 * @module
 */
import { z } from 'zod';
import type { Architecture } from '../../models/types';
import { ARCHITECTURES } from '../../models/types';
import type { OptimizerName } from '../../train/types';
import { STUDY_NORMS, type StudyNorm } from './arms';
import { issueMessage, nonFiniteNumbers } from './issues';

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
 * ("batch norm works by reducing internal covariate shift"). The site's "Study design" page says
 * what each means and how it is decided.
 *
 * @example
 * ```ts
 * for (const id of CLAIM_IDS) console.log(id, referencesFor(id).length);
 * ```
 */
export const CLAIM_IDS = [1, 2, 3, 4, 5, 6, 7, 8, 9] as const;
/** A claim number. */
export type ClaimId = (typeof CLAIM_IDS)[number];

/** Learning-rate schedules a study can use (warm-up length is `warmupFraction` of the run). */
export const STUDY_SCHEDULES = ['constant', 'cosine'] as const;

/** How an experiment's learning rate follows its batch size. */
export const LR_SCALINGS = ['none', 'linear'] as const;

/**
 * Whether an architecture can take a norm kind: instance norm needs spatial features and weight
 * standardization convolutions, so the MLP (2-D dense features) takes neither `instance` nor
 * `group-ws`. Grid points that fail this are skipped by the plan and listed in its `skipped`.
 */
export function archTakesNorm(arch: Architecture, norm: StudyNorm): boolean {
  return !(arch === 'mlp' && (norm === 'instance' || norm === 'group-ws'));
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

/** A learning rate: a number, or `tuned` (each arch × kind's rate chosen by the tuning stage). */
const learningRateSchema = z.union([z.number().positive(), z.literal('tuned')], {
  errorMap: () => ({ message: "a learning rate is a number > 0 or 'tuned'" }),
});

/** Zod schema of the dataset section. */
export const datasetSchema = z
  .object({
    source: enumOf(STUDY_DATASETS, 'dataset'),
    trainSize: positiveInt,
    valSize: positiveInt,
    testSize: positiveInt,
    /** Seed of the split of the training files into training and validation images. */
    splitSeed: z.number().int().min(0).default(0),
  })
  .strict();

/** Zod schema of model sizes (per architecture, defaults from the model zoo). */
export const modelSizesSchema = z
  .object({ width: positiveInt.optional(), depth: positiveInt.optional() })
  .strict();

/** Zod schema of the defaults section (values every experiment inherits unless it overrides them). */
export const defaultsSchema = z
  .object({
    optimizer: enumOf(STUDY_OPTIMIZERS, 'optimizer').default('sgd'),
    learningRate: learningRateSchema.default(0.05),
    momentum: z.number().min(0).max(1).default(0.9),
    schedule: enumOf(STUDY_SCHEDULES, 'schedule').default('constant'),
    warmupFraction: z.number().min(0).max(0.5).default(0.05),
    batchSize: positiveInt.default(64),
    initScale: z.number().positive().default(1),
    epochs: positiveInt.default(3),
    targetAccuracy: z.number().gt(0).lt(1).default(0.8),
    groups: positiveInt.default(4),
    evalsPerEpoch: positiveInt.default(4),
    bnMomentum: z.number().gt(0).lt(1).default(0.9),
    normEpsilon: z.number().positive().default(1e-5),
    models: z
      .object({
        mlp: modelSizesSchema.optional(),
        vgg: modelSizesSchema.optional(),
        resnet: modelSizesSchema.optional(),
      })
      .strict()
      .default({}),
  })
  .strict();

/** Zod schema of the learning-rate tuning stage. */
export const tuningSchema = z
  .object({
    /** The grid, ascending (e.g. half-decade steps 0.003 … 1). */
    learningRates: z.array(z.number().positive()).min(2),
    /** Tuning seeds: disjoint from every experiment's seeds. */
    seeds: z.array(z.number().int().min(0)).min(1),
    /** Training examples of a tuning run (default: the dataset's). */
    trainSize: positiveInt.optional(),
    /** Epochs of a tuning run (default: the defaults'). */
    epochs: positiveInt.optional(),
    /** "Within this much validation accuracy of the best rate" (claim 5's range). Default 0.02. */
    tolerance: z.number().gt(0).lt(1).default(0.02),
    /** Validation passes per epoch of a tuning run (only the final one chooses). Default 1. */
    evalsPerEpoch: positiveInt.default(1),
    /**
     * When the best rate sits at an edge of the grid, grow the grid past that edge (one more grid
     * step, as often as needed, within `rateLimits`) until it does not. Default false.
     */
    extendEdges: z.boolean().default(false),
    /** The smallest and the largest rate the grid may grow to. Default [1e-5, 10]. */
    rateLimits: z
      .tuple([z.number().positive(), z.number().positive()])
      .default([1e-5, 10])
      .refine(([lo, hi]) => lo < hi, 'rateLimits is [smallest, largest]'),
  })
  .strict();

/**
 * The named ways an experiment's tuned rates are chosen (its `tuneWith`, besides an object that
 * overrides the tuning section's proxy):
 * - `evaluation`: the tuning section's whole grid at the experiment's own budget (its batch size,
 *   training images and epochs);
 * - `evaluation-near-proxy`: two stages on the same tuning seeds. The proxy (the tuning section's
 *   budget) runs the whole grid, grown past an edge as usual; then, at the experiment's own budget,
 *   a local grid of the proxy's best rate and one grid step either side, itself grown one step past
 *   an edge while its best sits there (`extendEdges`, within `rateLimits`). The local grid's best is
 *   the experiment's rate. For budgets where the whole grid at the evaluation budget costs too much.
 */
export const TUNE_WITH_MODES = ['evaluation', 'evaluation-near-proxy'] as const;
/** A named tuning mode (see {@link TUNE_WITH_MODES}). */
export type TuneWithMode = (typeof TUNE_WITH_MODES)[number];

const TUNE_WITH_ALLOWED = `${TUNE_WITH_MODES.map((m) => `'${m}'`).join(', ')}, or an object with any of batchSize, trainSize, epochs (overriding the tuning proxy)`;

/**
 * Zod schema of the budget at which an experiment's tuned rates are chosen: one of
 * {@link TUNE_WITH_MODES}, or the tuning section's proxy with any of batch size, training images
 * and epochs set here. With `lrScaling: 'linear'` the tuned rate is scaled from the batch size of
 * the budget that chooses it.
 */
export const tuneWithSchema = z.union(
  [
    z.literal('evaluation'),
    z.literal('evaluation-near-proxy'),
    z
      .object(
        {
          batchSize: positiveInt.optional(),
          trainSize: positiveInt.optional(),
          epochs: positiveInt.optional(),
        },
        {
          errorMap: (issue, ctx) => ({
            message:
              issue.code === 'unrecognized_keys'
                ? `tuneWith has no ${issue.keys.map((k) => `'${k}'`).join(', ')}; allowed: ${TUNE_WITH_ALLOWED}`
                : ctx.defaultError,
          }),
        },
      )
      .strict(),
  ],
  {
    // zod's own word for a value no branch takes is "Invalid input": name the option and its values.
    errorMap: (issue, ctx) => ({
      message:
        issue.code === 'invalid_union'
          ? `tuneWith ${JSON.stringify(ctx.data)} is not allowed; allowed: ${TUNE_WITH_ALLOWED}`
          : ctx.defaultError,
    }),
  },
);

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
      .regex(/^[a-z0-9][a-z0-9_-]*$/, 'experiment names are lowercase letters, digits, - and _')
      .refine(
        (n) => n !== 'tuning',
        "'tuning' is the name of the tuning stage; choose another experiment name",
      ),
    description: z.string().optional(),
    kind: enumOf(EXPERIMENT_KINDS, 'experiment kind').default('train'),
    claims: z.array(claimSchema).min(1),
    archs: z.array(enumOf(ARCHITECTURES, 'architecture')).min(1),
    norms: z.array(enumOf(STUDY_NORMS, 'norm kind')).min(1),
    batchSizes: z.array(positiveInt).min(1).optional(),
    learningRate: learningRateSchema.optional(),
    learningRates: z.array(z.number().positive()).min(1).optional(),
    /** `linear`: lr × batch / defaults.batchSize (Goyal et al. 2017), for batch-size sweeps. */
    lrScaling: enumOf(LR_SCALINGS, 'learning-rate scaling').default('none'),
    /** Also evaluate with batch-norm statistics recomputed over the training set after training. */
    populationStats: z.boolean().default(false),
    initScales: z.array(z.number().positive()).min(1).optional(),
    seeds: z.union([positiveInt, z.array(z.number().int().min(0)).min(1)]),
    epochs: positiveInt.optional(),
    trainSize: positiveInt.optional(),
    optimizer: enumOf(STUDY_OPTIMIZERS, 'optimizer').optional(),
    targetAccuracy: z.number().gt(0).lt(1).optional(),
    evalsPerEpoch: positiveInt.optional(),
    overhead: overheadSchema.optional(),
    probes: probesSchema.optional(),
    /**
     * The budget at which its tuned rates are chosen (default: the tuning section's proxy); see
     * `tuneWithSchema`.
     */
    tuneWith: tuneWithSchema.optional(),
  })
  .strict();

/** The seeds a `seeds` field names: a count n means 0 … n−1. */
export function seedList(seeds: number | readonly number[]): number[] {
  return typeof seeds === 'number' ? Array.from({ length: seeds }, (_, i) => i) : [...seeds];
}

/** Zod schema of a study spec, with cross-field checks (claims an experiment can inform). */
export const studySpecSchema = z
  .object({
    name: z
      .string()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/,
        "the spec's name is a folder name (results/<name>): 1 to 100 letters, digits, '.', '-' and '_', starting with a letter or digit",
      ),
    description: z.string().optional(),
    dataset: datasetSchema,
    defaults: defaultsSchema.default({}),
    tuning: tuningSchema.optional(),
    experiments: z.array(experimentSchema).min(1),
  })
  .strict()
  .superRefine((spec, ctx) => {
    const names = new Set<string>();
    const tuningSeeds = new Set(spec.tuning?.seeds ?? []);
    spec.experiments.forEach((e, i) => {
      const at = (msg: string, key: string) =>
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['experiments', i, key], message: msg });
      if (names.has(e.name)) at(`duplicate experiment name '${e.name}'`, 'name');
      names.add(e.name);
      const norms = new Set(e.norms);
      const tuned = !e.learningRates && (e.learningRate ?? spec.defaults.learningRate) === 'tuned';
      if (tuned && !spec.tuning)
        at(
          "learning rate 'tuned' needs a tuning section (tuning.learningRates and tuning.seeds)",
          'learningRate',
        );
      if (e.learningRates && e.learningRate !== undefined)
        at('give either learningRate or learningRates, not both', 'learningRates');
      if (e.kind === 'train' && tuned)
        for (const s of seedList(e.seeds))
          if (tuningSeeds.has(s))
            at(
              `seed ${s} is also a tuning seed: evaluation seeds must be disjoint from tuning.seeds`,
              'seeds',
            );
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
      // A batch cannot hold more examples than the training set it is drawn from.
      const examples = e.trainSize ?? spec.dataset.trainSize;
      const tooBig = (e.batchSizes ?? []).filter((b) => b > examples);
      if (tooBig.length > 0)
        at(
          `batch size ${tooBig.join(', ')} is larger than the ${examples} training examples of its runs: ` +
            `batch sizes must be at most ${examples} (or raise ${e.trainSize ? 'trainSize' : 'dataset.trainSize'})`,
          'batchSizes',
        );
      else if (!e.batchSizes && spec.defaults.batchSize > examples)
        at(
          `defaults.batchSize ${spec.defaults.batchSize} is larger than the ${examples} training examples of its runs: ` +
            `give batchSizes at most ${examples}, or lower defaults.batchSize`,
          'batchSizes',
        );
      if (e.probes && e.kind !== 'train') at('probes need kind: train', 'probes');
      if (e.kind === 'overhead' && !norms.has('none'))
        at("an overhead experiment needs 'none' as the reference", 'norms');
    });
    if (spec.tuning) {
      const examples = spec.tuning.trainSize ?? spec.dataset.trainSize;
      if (spec.defaults.batchSize > examples)
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['defaults', 'batchSize'],
          message: `the tuning runs train on ${examples} examples, fewer than defaults.batchSize ${spec.defaults.batchSize}: lower it to at most ${examples}`,
        });
      const lrs = spec.tuning.learningRates;
      if (lrs.some((x, i) => i > 0 && x <= lrs[i - 1]))
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['tuning', 'learningRates'],
          message: 'tuning.learningRates must be ascending',
        });
    }
  });

/** A study spec as written (before defaults are filled in). */
export type StudySpecInput = z.input<typeof studySpecSchema>;
/** A validated study spec (defaults filled in). */
export type StudySpec = z.output<typeof studySpecSchema>;
/** A validated experiment. */
export type ExperimentSpec = z.output<typeof experimentSchema>;

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
