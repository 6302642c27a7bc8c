/**
 * A spec's plan: the runs it needs, in two stages. The tuning stage trains each architecture ×
 * norm kind that some experiment runs at its `tuned` rate over `spec.tuning`'s learning-rate grid
 * and seeds; the evaluation stage is every experiment's grid. An evaluation run at a tuned rate
 * gets its rate only once all tuning runs of its architecture × kind are finished; until then it
 * is `pending`. The plan is a pure function of the spec and the finished records, so a resumed
 * study makes the same plan.
 *
 * Runs are unique by config hash (two experiments that need the same run share it) and ordered
 * tuning first, then seed-major, so an interrupted study covers every grid point early.
 *
 * @module
 */
import { ARCH_DEFAULTS } from '../models/build';
import type { Architecture } from '../models/types';
import type { NormKind } from '../norm/kinds';
import { stableHash } from './hash';
import { type RunConfig, type RunDataset, runId, type TrainRunConfig } from './run-config';
import { archTakesNorm, type ExperimentSpec, overheadSchema, type StudySpec, seedList } from './spec-schema';
import { type LearningRateProfile, learningRateProfile, TUNING_EXPERIMENT } from './tuning';
import { isTrainRecord, type RunRecord } from './types';

/** Which stage a run belongs to. */
export type RunStage = 'tuning' | 'evaluation';

/** A planned run: its id, config and the experiments that use it. */
export interface PlannedRun {
  /** `stableHash(config)`. */
  id: string;
  /** The run's config. */
  config: RunConfig;
  /** Names of the experiments that include this run (`tuning` for the tuning stage). */
  experiments: string[];
  /** Position in the canonical order (tuning first, then seed-major). */
  order: number;
  /**
   * What decides its shard: every run of an architecture × kind that is tuned shares that pair's
   * key, so a shard never waits for another shard's tuning runs; other runs use their order.
   */
  shardKey: number;
  /** Its stage. */
  stage: RunStage;
}

/** An evaluation run that waits for its architecture × kind's tuned learning rate. */
export interface PendingRun {
  /** Experiment asking for it. */
  experiment: string;
  /** Architecture. */
  arch: Architecture;
  /** Norm kind. */
  norm: NormKind;
  /** Seed. */
  seed: number;
  /** Position in the canonical order. */
  order: number;
  /** What decides its shard (see {@link PlannedRun.shardKey}). */
  shardKey: number;
}

/** The expansion of a spec. */
export interface StudyPlan {
  /** Hash of the validated spec; results files carry it. */
  specHash: string;
  /** Runs whose config is known, unique by id, in canonical order. */
  runs: PlannedRun[];
  /** Evaluation runs that wait for tuning results. */
  pending: PendingRun[];
  /** The learning-rate profile of every tuned architecture × kind (complete ones only). */
  tuned: LearningRateProfile[];
  /** Grid points left out because the architecture cannot take the norm kind. */
  skipped: { experiment: string; arch: Architecture; norm: NormKind; reason: string }[];
}

/** Hash of a validated spec (its canonical JSON). */
export function specHash(spec: StudySpec): string {
  return stableHash(spec);
}

/** The model block of a run config, from the spec's defaults. */
function runModel(spec: StudySpec, arch: Architecture): TrainRunConfig['model'] {
  const d = spec.defaults;
  const sizes = d.models[arch] ?? {};
  return {
    width: sizes.width ?? ARCH_DEFAULTS[arch].width,
    depth: sizes.depth ?? ARCH_DEFAULTS[arch].depth,
    groups: d.groups,
    bnMomentum: d.bnMomentum,
    normEpsilon: d.normEpsilon,
  };
}

function dataset(spec: StudySpec, trainSize?: number): RunDataset {
  const d = spec.dataset;
  return {
    source: d.source,
    trainSize: trainSize ?? d.trainSize,
    valSize: d.valSize,
    testSize: d.testSize,
    splitSeed: d.splitSeed,
  };
}

/** A training run config from the spec's defaults and the given grid point. */
function trainConfig(
  spec: StudySpec,
  point: {
    arch: Architecture;
    norm: NormKind;
    batchSize: number;
    learningRate: number;
    initScale: number;
    seed: number;
    epochs: number;
    trainSize?: number;
    optimizer?: TrainRunConfig['optimizer'];
    targetAccuracy?: number;
    evalsPerEpoch?: number;
    populationStats: boolean;
    probes?: TrainRunConfig['probes'];
  },
): TrainRunConfig {
  const d = spec.defaults;
  return {
    kind: 'train',
    arch: point.arch,
    norm: point.norm,
    model: runModel(spec, point.arch),
    batchSize: point.batchSize,
    learningRate: point.learningRate,
    schedule: { name: d.schedule, warmupFraction: d.warmupFraction },
    optimizer: point.optimizer ?? d.optimizer,
    momentum: d.momentum,
    initScale: point.initScale,
    seed: point.seed,
    epochs: point.epochs,
    targetAccuracy: point.targetAccuracy ?? d.targetAccuracy,
    evalsPerEpoch: point.evalsPerEpoch ?? d.evalsPerEpoch,
    populationStats: point.populationStats,
    dataset: dataset(spec, point.trainSize),
    ...(point.probes ? { probes: point.probes } : {}),
  };
}

/** Whether an experiment trains at the tuned rate. */
export function usesTunedRate(spec: StudySpec, e: ExperimentSpec): boolean {
  return e.kind === 'train' && !e.learningRates && (e.learningRate ?? spec.defaults.learningRate) === 'tuned';
}

/** The architecture × kind pairs the tuning stage covers, in spec order. */
export function tuningTargets(spec: StudySpec): { arch: Architecture; norm: NormKind }[] {
  const out: { arch: Architecture; norm: NormKind }[] = [];
  for (const e of spec.experiments) {
    if (!usesTunedRate(spec, e)) continue;
    for (const arch of e.archs)
      for (const norm of e.norms)
        if (archTakesNorm(arch, norm) && !out.some((t) => t.arch === arch && t.norm === norm))
          out.push({ arch, norm });
  }
  return out;
}

/** The tuning runs of one architecture × kind (grid × tuning seeds), in seed-major order. */
export function tuningConfigs(spec: StudySpec, arch: Architecture, norm: NormKind): TrainRunConfig[] {
  const t = spec.tuning;
  if (!t) return [];
  const out: TrainRunConfig[] = [];
  for (const seed of t.seeds)
    for (const learningRate of t.learningRates)
      out.push(
        trainConfig(spec, {
          arch,
          norm,
          batchSize: spec.defaults.batchSize,
          learningRate,
          initScale: spec.defaults.initScale,
          seed,
          epochs: t.epochs ?? spec.defaults.epochs,
          trainSize: t.trainSize,
          evalsPerEpoch: t.evalsPerEpoch,
          populationStats: false,
        }),
      );
  return out;
}

/**
 * The learning-rate profile of every tuning target whose tuning runs are all finished.
 *
 * @param records - finished run records (any order; others are ignored).
 *
 * @example
 * ```ts
 * for (const t of tunedProfiles(study.spec, study.records)) console.log(t);
 * ```
 */
export function tunedProfiles(spec: StudySpec, records: readonly RunRecord[]): LearningRateProfile[] {
  const byId = new Map(records.filter(isTrainRecord).map((r) => [r.id, r]));
  const out: LearningRateProfile[] = [];
  for (const { arch, norm } of tuningTargets(spec)) {
    const configs = tuningConfigs(spec, arch, norm);
    const found = configs.map((c) => byId.get(runId(c)));
    if (found.some((r) => r === undefined)) continue;
    out.push(
      learningRateProfile(
        arch,
        norm,
        found.map((r) => ({ learningRate: r!.config.learningRate, metrics: r!.metrics })),
        spec.tuning!.tolerance,
      ),
    );
  }
  return out;
}

/**
 * Expand a validated spec into its runs: the tuning stage, then every experiment's grid, unique
 * by config hash, tuning first and then seed-major (all grid points of seed 0 first, experiments in
 * spec order within a seed). Evaluation runs at a tuned rate whose tuning is not finished in
 * `records` are listed in `pending`, unless finished evaluation runs of that architecture × kind
 * record the rate they were planned at (see {@link recordedRates}).
 *
 * @param spec - a validated spec.
 * @param records - finished runs (to resolve tuned rates); default none.
 *
 * @example
 * ```ts
 * const plan = expandSpec(profileSpec('quick'));
 * console.log(plan.runs.length, 'runs');
 * ```
 */
export function expandSpec(spec: StudySpec, records: readonly RunRecord[] = []): StudyPlan {
  const tuned = tunedProfiles(spec, records);
  const tunedRate = (arch: Architecture, norm: NormKind): number | null =>
    tuned.find((p) => p.arch === arch && p.norm === norm)?.bestRate ?? null;
  const first = expandWith(spec, tuned, tunedRate);
  const recorded = recordedRates(spec, records, first.waiting);
  if (recorded.size === 0) return first.plan;
  return expandWith(
    spec,
    tuned,
    (arch, norm) => tunedRate(arch, norm) ?? recorded.get(`${arch}|${norm}`) ?? null,
  ).plan;
}

/** An evaluation grid point waiting for its tuned rate, and its config at a given rate. */
interface WaitingPoint {
  arch: Architecture;
  norm: NormKind;
  configAt: (rate: number) => TrainRunConfig;
}

/**
 * The rate that finished evaluation runs record for each architecture × kind whose tuning is not
 * complete: the rate of the tuning grid at which the most of its waiting grid points are already
 * in `records` (ties: the first rate of the grid). Normally there are none (evaluation runs come
 * after their tuning); after a tuning record was damaged and set aside, this keeps the runs
 * planned from it in the plan, so only the tuning run is trained again. Tuning runs come first in
 * the order, and once they are finished the plan made from them decides: runs of another rate
 * then leave the plan.
 */
function recordedRates(
  spec: StudySpec,
  records: readonly RunRecord[],
  waiting: readonly WaitingPoint[],
): Map<string, number> {
  const out = new Map<string, number>();
  const grid = spec.tuning?.learningRates ?? [];
  if (waiting.length === 0 || grid.length === 0) return out;
  const key = (arch: string, norm: string) => `${arch}|${norm}`;
  const waitingKeys = new Set(waiting.map((w) => key(w.arch, w.norm)));
  const candidates = records.filter(
    (r) =>
      isTrainRecord(r) &&
      !r.experiments.every((e) => e === TUNING_EXPERIMENT) &&
      waitingKeys.has(key(r.config.arch, r.config.norm)),
  );
  if (candidates.length === 0) return out;
  const ids = new Set(candidates.map((r) => r.id));
  for (const target of waitingKeys) {
    const points = waiting.filter((w) => key(w.arch, w.norm) === target);
    let best: { rate: number; count: number } | undefined;
    for (const rate of grid) {
      const count = points.filter((p) => ids.has(runId(p.configAt(rate)))).length;
      if (count > 0 && (!best || count > best.count)) best = { rate, count };
    }
    if (best) out.set(target, best.rate);
  }
  return out;
}

/** {@link expandSpec} with the given tuned rates (null: not known yet). */
function expandWith(
  spec: StudySpec,
  tuned: LearningRateProfile[],
  tunedRate: (arch: Architecture, norm: NormKind) => number | null,
): { plan: StudyPlan; waiting: WaitingPoint[] } {
  const d = spec.defaults;
  const byId = new Map<
    string,
    { config: RunConfig; experiments: string[]; key: number[]; stage: RunStage }
  >();
  const pendingKeyed: { run: Omit<PendingRun, 'order' | 'shardKey'>; key: number[] }[] = [];
  const skipped: StudyPlan['skipped'] = [];
  const add = (config: RunConfig, experiment: string, key: number[], stage: RunStage) => {
    const id = runId(config);
    const existing = byId.get(id);
    if (existing) {
      if (!existing.experiments.includes(experiment)) existing.experiments.push(experiment);
    } else byId.set(id, { config, experiments: [experiment], key, stage });
  };
  tuningTargets(spec).forEach(({ arch, norm }, ti) => {
    for (const [local, c] of tuningConfigs(spec, arch, norm).entries())
      add(c, TUNING_EXPERIMENT, [0, c.seed, ti, local], 'tuning');
  });
  const waiting: WaitingPoint[] = [];
  spec.experiments.forEach((e, ei) => {
    const seeds = seedList(e.seeds);
    const batchSizes = e.batchSizes ?? [d.batchSize];
    const inits = e.initScales ?? [d.initScale];
    const tunedHere = usesTunedRate(spec, e);
    let local = 0;
    for (const seed of seeds) {
      for (const arch of e.archs) {
        if (e.kind === 'overhead') {
          const norms = e.norms.filter((n) => archTakesNorm(arch, n));
          const o = overheadSchema.parse(e.overhead ?? {});
          const lr =
            typeof (e.learningRate ?? d.learningRate) === 'number'
              ? (e.learningRate ?? d.learningRate)
              : 0.05;
          for (const batchSize of batchSizes)
            add(
              {
                kind: 'overhead',
                arch,
                norms,
                model: runModel(spec, arch),
                batchSize,
                learningRate: lr as number,
                optimizer: e.optimizer ?? d.optimizer,
                momentum: d.momentum,
                initScale: inits[0],
                seed,
                rounds: o.rounds,
                stepsPerRound: o.stepsPerRound,
                warmupSteps: o.warmupSteps,
                dataset: dataset(spec, e.trainSize),
              },
              e.name,
              [1, seed, ei, local++],
              'evaluation',
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
          const base = tunedHere ? tunedRate(arch, norm) : null;
          const lrs = e.learningRates ?? [tunedHere ? base : (e.learningRate ?? d.learningRate)];
          for (const batchSize of batchSizes)
            for (const lr of lrs)
              for (const initScale of inits) {
                const key = [1, seed, ei, local++];
                const configAt = (rate: number) =>
                  trainConfig(spec, {
                    arch,
                    norm,
                    batchSize,
                    learningRate: e.lrScaling === 'linear' ? (rate * batchSize) / d.batchSize : rate,
                    initScale,
                    seed,
                    epochs: e.epochs ?? d.epochs,
                    trainSize: e.trainSize,
                    optimizer: e.optimizer,
                    targetAccuracy: e.targetAccuracy,
                    evalsPerEpoch: e.evalsPerEpoch,
                    populationStats: e.populationStats,
                    probes: e.probes,
                  });
                if (lr === null || lr === 'tuned') {
                  pendingKeyed.push({ run: { experiment: e.name, arch, norm, seed }, key });
                  if (tunedHere) waiting.push({ arch, norm, configAt });
                  continue;
                }
                add(configAt(lr), e.name, key, 'evaluation');
              }
        }
      }
    }
  });
  const compare = (a: number[], b: number[]) => {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
    return 0;
  };
  const all = [
    ...[...byId.entries()].map(([id, v]) => ({ kind: 'run' as const, id, v, key: v.key })),
    ...pendingKeyed.map((p) => ({ kind: 'pending' as const, p, key: p.key })),
  ].sort((a, b) => compare(a.key, b.key));
  const targets = tuningTargets(spec).map((t) => `${t.arch}|${t.norm}`);
  const keyOf = (arch: string, norm: string | undefined, order: number) => {
    const ti = norm === undefined ? -1 : targets.indexOf(`${arch}|${norm}`);
    return ti >= 0 ? ti : targets.length + order;
  };
  const runs: PlannedRun[] = [];
  const pending: PendingRun[] = [];
  all.forEach((x, order) => {
    if (x.kind === 'run') {
      const c = x.v.config;
      const shardKey = keyOf(c.arch, c.kind === 'train' ? c.norm : undefined, order);
      runs.push({ id: x.id, config: c, experiments: x.v.experiments, order, shardKey, stage: x.v.stage });
    } else pending.push({ ...x.p.run, order, shardKey: keyOf(x.p.run.arch, x.p.run.norm, order) });
  });
  return { plan: { specHash: specHash(spec), runs, pending, tuned, skipped }, waiting };
}
