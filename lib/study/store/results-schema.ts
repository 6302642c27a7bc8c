/**
 * Zod schemas of the results file's records (header and run), so a results file can be
 * validated line by line (`validateResultsRecord`).
 *
 * @module
 */
import { z } from 'zod';
import { ARCHITECTURES } from '../../models/types';
import { STUDY_NORMS } from '../spec/arms';
import type { ResultsRecord } from '../spec/records';
import { STUDY_DATASETS, STUDY_OPTIMIZERS, STUDY_SCHEDULES, studySpecSchema } from '../spec/schema';

const num = z.number();
const nullableNum = z.number().nullable();
/** Metrics that cannot be negative (counts, times, losses' areas). */
const nonNegative = z.number().min(0);
const nullableNonNegative = nonNegative.nullable();
/** Accuracies are fractions. */
const accuracy = z.number().min(0).max(1).nullable();
const arch = z.enum(ARCHITECTURES as unknown as [string, ...string[]]);
const norm = z.enum(STUDY_NORMS as unknown as [string, ...string[]]);
const optimizer = z.enum(STUDY_OPTIMIZERS as unknown as [string, ...string[]]);

const datasetSchema = z
  .object({ source: z.enum(STUDY_DATASETS), trainSize: num, valSize: num, testSize: num, splitSeed: num })
  .strict();

const modelSchema = z
  .object({ width: num, depth: num, groups: num, bnMomentum: num, normEpsilon: num })
  .strict();

const common = {
  arch,
  model: modelSchema,
  batchSize: num,
  learningRate: num,
  optimizer,
  momentum: num,
  initScale: num,
  seed: num,
  dataset: datasetSchema,
};

const configSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('train'),
      norm,
      epochs: num,
      targetAccuracy: num,
      evalsPerEpoch: num,
      probes: z
        .object({
          checkpoints: num,
          trackPoints: num,
          batchSize: num,
          stepMultipliers: z.array(num),
          unit: num,
        })
        .strict()
        .optional(),
      schedule: z.object({ name: z.enum(STUDY_SCHEDULES), warmupFraction: num }).strict(),
      populationStats: z.boolean(),
      ...common,
    })
    .strict(),
  z
    .object({
      kind: z.literal('overhead'),
      norms: z.array(norm),
      rounds: num,
      stepsPerRound: num,
      warmupSteps: num,
      ...common,
    })
    .strict(),
]);

const trainMetricsSchema = z
  .object({
    diverged: z.boolean(),
    collapsed: z.boolean(),
    chanceAccuracy: num,
    largestClassShare: nullableNum,
    divergedAtStep: nullableNum,
    steps: nonNegative,
    stepsPerEpoch: nonNegative,
    trainSeconds: nonNegative,
    medianStepMs: nonNegative,
    samplesPerSecond: nonNegative,
    stepsToTarget: nullableNonNegative,
    secondsToTarget: nullableNonNegative,
    lossAuc: nullableNonNegative,
    lossRoughness: nullableNonNegative,
    lossJitter: nullableNonNegative.optional(),
    epochsToPlateau: nullableNonNegative,
    bestValAccuracy: accuracy,
    valAccuracy: accuracy,
    testAccuracy: accuracy,
    testAccuracyPopulationStats: accuracy,
    trainAccuracy: accuracy,
    trainTestGap: z.number().min(-1).max(1).nullable(),
    valCurve: z.array(z.object({ step: num, accuracy: num }).strict()),
  })
  .strict();

const overheadMetricsSchema = z
  .object({
    timings: z.array(
      z.object({ norm, roundMs: z.array(num), medianMs: num, ratioToNone: z.array(num) }).strict(),
    ),
  })
  .strict();

const historySchema = z
  .object({
    curve: z
      .object({ step: z.array(num), loss: z.array(nullableNum), accuracy: z.array(nullableNum) })
      .strict(),
    epochs: z.array(
      z
        .object({
          epoch: num,
          step: num,
          trainLoss: nullableNum,
          trainAccuracy: nullableNum,
          valAccuracy: nullableNum,
          valLoss: nullableNum,
          testAccuracy: nullableNum,
          seconds: num,
        })
        .strict(),
    ),
  })
  .strict();

const storedNumber = z.number().nullable();

/** Schema of the mechanism probes of a run (lib/mechanism's `MechanismProbes`). */
const probesRecordSchema = z
  .object({
    learningRate: num,
    batchSize: num,
    layers: z.array(z.string()),
    unit: num,
    probabilities: z.array(num),
    trackedLayers: z.array(z.string()),
    activations: z.array(z.object({ step: num, quantiles: z.array(z.array(num)) }).strict()),
    checkpoints: z.array(
      z
        .object({
          step: num,
          loss: storedNumber,
          covariateShift: z.array(
            z
              .object({
                layer: num,
                name: z.string(),
                gradNorm: storedNumber,
                shiftNorm: storedNumber,
                relativeShift: storedNumber,
                cosine: storedNumber,
              })
              .strict(),
          ),
          landscape: z
            .object({
              stepSizes: z.array(num),
              losses: z.array(storedNumber),
              gradientChanges: z.array(storedNumber),
              gradNorm: storedNumber,
              lossRange: storedNumber,
              maxGradientChange: storedNumber,
              betaSmoothness: storedNumber,
            })
            .strict(),
        })
        .strict(),
    ),
  })
  .strict();

const envSchema = z
  .object({
    backend: z.string(),
    tfjsVersion: z.string(),
    tensorflowVersion: z.string().optional(),
    nodeVersion: z.string(),
    cpu: z.string(),
    cpuCount: num,
    platform: z.string(),
    hostname: z.string(),
    commit: z.string().optional(),
    dirty: z.boolean().optional(),
    loadAverageStart: z.array(num).optional(),
    loadAverageEnd: z.array(num).optional(),
    threads: z.record(z.string()).optional(),
  })
  .strict();

/** Schema of the header record. */
export const resultsHeaderSchema = z
  .object({
    type: z.literal('header'),
    format: z.literal('normlab-study-results'),
    formatVersion: z.union([z.literal(1), z.literal(2)]),
    specHash: z.string().regex(/^[0-9a-f]{16}$/),
    specName: z.string(),
    spec: studySpecSchema,
    createdAt: z.string(),
  })
  .strict();

/** Schema of a run record (metrics must match the config's kind). */
export const runRecordSchema = z
  .object({
    type: z.literal('run'),
    id: z.string().regex(/^[0-9a-f]{16}$/),
    specHash: z.string().regex(/^[0-9a-f]{16}$/),
    experiments: z.array(z.string()).min(1),
    config: configSchema,
    env: envSchema,
    startedAt: z.string(),
    finishedAt: z.string(),
    wallSeconds: num,
    shard: z.string().optional(),
    metrics: z.union([trainMetricsSchema, overheadMetricsSchema]),
    history: historySchema.optional(),
    probes: probesRecordSchema.optional(),
    data: z
      .object({
        name: z.string().min(1),
        files: z.record(z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 in hex')).optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    const isTrain = r.config.kind === 'train';
    const ok = isTrain
      ? trainMetricsSchema.safeParse(r.metrics).success
      : overheadMetricsSchema.safeParse(r.metrics).success;
    if (!ok)
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['metrics'],
        message: `metrics do not match a ${r.config.kind} run`,
      });
  });

/**
 * Validate one parsed record of a results file.
 *
 * @throws an Error naming the first problems' paths.
 */
export function validateResultsRecord(value: unknown): ResultsRecord {
  const isHeader = (value as { type?: unknown })?.type === 'header';
  const parsed = (isHeader ? resultsHeaderSchema : runRecordSchema).safeParse(value);
  if (!parsed.success)
    throw new Error(
      `invalid ${isHeader ? 'header' : 'run'} record: ${parsed.error.issues
        .slice(0, 5)
        .map((i) => `${i.path.join('.')}: ${i.message}`)
        .join('; ')}`,
    );
  return value as ResultsRecord;
}
