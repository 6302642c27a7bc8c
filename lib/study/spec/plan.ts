/**
 * A spec's plan: the runs it needs, in two stages. The tuning stage trains each architecture ×
 * norm kind that some experiment runs at its `tuned` rate over `spec.tuning`'s learning-rate grid
 * and seeds; the evaluation stage is every experiment's grid. An evaluation run at a tuned rate
 * gets its rate only once all tuning runs of its architecture × kind are finished; until then it
 * is `pending`. The plan is a pure function of the spec and the finished records, so a resumed
 * study makes the same plan.
 *
 * Tuning runs appear as the records allow: a grid grows past an edge once the runs at that edge
 * are finished, and a local grid (`tuneWith: 'evaluation-near-proxy'`) is listed only once its
 * proxy's whole grid is finished and final, so a runner re-plans after each pass.
 *
 * Runs are unique by config hash (two experiments that need the same run share it) and ordered
 * tuning first, then seed-major, so an interrupted study covers every grid point early.
 *
 * @module
 */
import { ARCH_DEFAULTS } from '../../models/build';
import type { Architecture } from '../../models/types';
import type { StudyNorm } from './arms';
import { stableHash } from './hash';
import { isTrainRecord, type RunRecord, type TrainRunMetrics } from './records';
import { type RunConfig, type RunDataset, runId, type TrainRunConfig } from './run-config';
import { archTakesNorm, type ExperimentSpec, overheadSchema, type StudySpec, seedList } from './schema';
import { type LearningRateProfile, learningRateProfile, TUNING_EXPERIMENT } from './tuning';

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
  norm: StudyNorm;
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
  /**
   * The learning-rate profile of every tuned architecture × kind × budget (complete ones only; a
   * local grid's carries `near`, see `experimentProfile`).
   */
  tuned: TunedProfile[];
  /** Grid points left out because the architecture cannot take the norm kind. */
  skipped: { experiment: string; arch: Architecture; norm: StudyNorm; reason: string }[];
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
    norm: StudyNorm;
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

/** The budget at which a tuned rate is chosen: batch size, training images and epochs. */
export interface TuningBudget {
  /** Batch size of the tuning runs (a linearly scaled experiment scales from it). */
  batchSize: number;
  /** Training images. */
  trainSize: number;
  /** Epochs. */
  epochs: number;
}

/** One architecture × kind tuned at one budget, over the whole grid or a local one. */
export interface TuningTarget extends TuningBudget {
  /** Architecture. */
  arch: Architecture;
  /** Norm kind. */
  norm: StudyNorm;
  /**
   * Set for a local grid (`tuneWith: 'evaluation-near-proxy'`): the proxy budget whose whole grid
   * is tuned first. This target's grid is the proxy's best rate and one grid step either side.
   * Absent: the tuning section's whole grid.
   */
  near?: TuningBudget;
}

/** The tuning section's proxy budget, with an experiment's `tuneWith` object overriding it. */
export function proxyBudget(spec: StudySpec, e: ExperimentSpec): TuningBudget {
  const d = spec.defaults;
  const t = spec.tuning;
  const o = typeof e.tuneWith === 'object' ? e.tuneWith : undefined;
  return {
    batchSize: o?.batchSize ?? d.batchSize,
    trainSize: o?.trainSize ?? t?.trainSize ?? spec.dataset.trainSize,
    epochs: o?.epochs ?? t?.epochs ?? d.epochs,
  };
}

/**
 * The budget at which an experiment's tuned rates are chosen: its own batch size, training images
 * and epochs for `tuneWith: 'evaluation'` and `'evaluation-near-proxy'`, else the proxy
 * ({@link proxyBudget}).
 */
export function tuningBudget(spec: StudySpec, e: ExperimentSpec): TuningBudget {
  if (e.tuneWith !== 'evaluation' && e.tuneWith !== 'evaluation-near-proxy') return proxyBudget(spec, e);
  return {
    batchSize: e.batchSizes?.length === 1 ? e.batchSizes[0] : spec.defaults.batchSize,
    trainSize: e.trainSize ?? spec.dataset.trainSize,
    epochs: e.epochs ?? spec.defaults.epochs,
  };
}

/**
 * The target whose best rate an experiment trains an architecture × kind at: at
 * {@link tuningBudget}, and for `tuneWith: 'evaluation-near-proxy'` the local grid near the
 * proxy's pick (not the proxy's whole grid, which only starts it).
 */
export function experimentTarget(
  spec: StudySpec,
  e: ExperimentSpec,
  arch: Architecture,
  norm: StudyNorm,
): TuningTarget {
  const target: TuningTarget = { arch, norm, ...tuningBudget(spec, e) };
  return e.tuneWith === 'evaluation-near-proxy' ? { ...target, near: proxyBudget(spec, e) } : target;
}

/** The whole-grid target a local grid starts from (a whole-grid target is its own). */
export function proxyTarget(target: TuningTarget): TuningTarget {
  return target.near ? { arch: target.arch, norm: target.norm, ...target.near } : target;
}

const sameBudget = (a: TuningBudget | undefined, b: TuningBudget | undefined) =>
  a === undefined || b === undefined
    ? a === b
    : a.batchSize === b.batchSize && a.trainSize === b.trainSize && a.epochs === b.epochs;

/**
 * Whether two targets are the same: architecture, kind, budget, and whole grid or local grid near
 * the same proxy. Accepts {@link TunedProfile}s, which carry their target's fields.
 */
export function sameTuningTarget(a: TuningTarget, b: TuningTarget): boolean {
  return a.arch === b.arch && a.norm === b.norm && sameBudget(a, b) && sameBudget(a.near, b.near);
}

/**
 * The architecture × kind × budget targets the tuning stage covers, in spec order; a local grid's
 * proxy target comes just before it (shared, like any target, by the experiments that need it).
 */
export function tuningTargets(spec: StudySpec): TuningTarget[] {
  const out: TuningTarget[] = [];
  for (const e of spec.experiments) {
    if (!usesTunedRate(spec, e)) continue;
    for (const arch of e.archs)
      for (const norm of e.norms) {
        if (!archTakesNorm(arch, norm)) continue;
        const target = experimentTarget(spec, e, arch, norm);
        for (const t of target.near ? [proxyTarget(target), target] : [target])
          if (!out.some((x) => sameTuningTarget(x, t))) out.push(t);
      }
  }
  return out;
}

/** The tuning run of a target at one rate and seed. */
function tuningConfig(
  spec: StudySpec,
  target: TuningTarget,
  learningRate: number,
  seed: number,
): TrainRunConfig {
  return trainConfig(spec, {
    arch: target.arch,
    norm: target.norm,
    batchSize: target.batchSize,
    learningRate,
    initScale: spec.defaults.initScale,
    seed,
    epochs: target.epochs,
    trainSize: target.trainSize,
    evalsPerEpoch: spec.tuning?.evalsPerEpoch,
    populationStats: false,
  });
}

/** Finished train records by id. */
type RecordIndex = ReadonlyMap<string, { config: TrainRunConfig; metrics: TrainRunMetrics }>;

const indexRecords = (records: readonly RunRecord[]): RecordIndex =>
  new Map(records.filter(isTrainRecord).map((r) => [r.id, r]));

/** A target's grid as far as the records have grown it, and its profile once that grid is finished. */
interface TuningState {
  /** The rates to train (empty while a local grid waits for its proxy). */
  grid: number[];
  /** Null until every run of the grid is finished and the grid has stopped growing. */
  profile: LearningRateProfile | null;
}

/** A target as a map key (its local-grid proxy included). */
const targetKey = (t: TuningTarget): string =>
  `${t.arch}|${t.norm}|${t.batchSize}|${t.trainSize}|${t.epochs}${t.near ? `|near ${t.near.batchSize}|${t.near.trainSize}|${t.near.epochs}` : ''}`;

/** Rates are rounded to 3 significant digits when a grid grows (0.001 / √10 is 0.000316). */
const roundRate = (x: number) => Number(x.toPrecision(3));

/**
 * The start of a local grid: the proxy's best rate and its neighbours in the proxy's final grid,
 * or the geometric step past the proxy grid's end when the best sits there (dropped outside
 * `rateLimits`).
 */
function localGrid(proxyGrid: readonly number[], best: number, limits: readonly [number, number]): number[] {
  const i = proxyGrid.indexOf(best);
  const n = proxyGrid.length;
  const below = i > 0 ? proxyGrid[i - 1] : roundRate((best * best) / proxyGrid[1]);
  const above = i < n - 1 ? proxyGrid[i + 1] : roundRate((best * best) / proxyGrid[n - 2]);
  return [
    ...(i > 0 || below >= limits[0] ? [below] : []),
    best,
    ...(i < n - 1 || above <= limits[1] ? [above] : []),
  ];
}

/**
 * A target's {@link TuningState}: its starting grid (the tuning section's rates, or for a local
 * grid the proxy's pick and its neighbours, once the proxy's profile is final) and, with
 * `extendEdges`, one more grid step past an edge for as long as the finished runs put the best
 * rate at that edge (within `rateLimits`). A pure function of the records; `memo` shares the
 * states of one records set between targets (a proxy serves several local grids).
 */
function tuningState(
  spec: StudySpec,
  target: TuningTarget,
  byId: RecordIndex,
  memo: Map<string, TuningState> = new Map(),
): TuningState {
  const t = spec.tuning;
  if (!t) return { grid: [], profile: null };
  const key = targetKey(target);
  const known = memo.get(key);
  if (known) return known;
  let state: TuningState;
  if (target.near) {
    // The local grid can only be listed once the proxy's whole grid is finished and final.
    const proxy = tuningState(spec, proxyTarget(target), byId, memo);
    const best = proxy.profile?.bestRate ?? null;
    state =
      best === null
        ? { grid: [], profile: null }
        : grownState(
            spec,
            target,
            // Element by element: tslab's older compiler types the zod tuple with a rest element.
            localGrid(proxy.grid, best, [t.rateLimits[0], t.rateLimits[1]]),
            byId,
            proxy.grid,
          );
  } else state = grownState(spec, target, [...t.learningRates], byId);
  memo.set(key, state);
  return state;
}

/**
 * {@link tuningState} from a starting grid: grows it past an edge while the best sits there. A
 * local grid grows onto the rates of its proxy's grid (`along`) while there are any past its
 * edge, so it keeps that grid's steps (0.1 then 0.3, not 0.333); past them, and for a whole grid,
 * by the geometric step of its last two rates.
 */
function grownState(
  spec: StudySpec,
  target: TuningTarget,
  start: number[],
  byId: RecordIndex,
  along: readonly number[] = [],
): TuningState {
  const t = spec.tuning!;
  const grid = [...start];
  if (grid.length === 0) return { grid, profile: null };
  const [lowest, highest] = t.rateLimits;
  for (;;) {
    const found = grid.flatMap((lr) =>
      t.seeds.map((seed) => byId.get(runId(tuningConfig(spec, target, lr, seed)))),
    );
    if (found.some((r) => r === undefined)) return { grid, profile: null };
    const profile = learningRateProfile(
      target.arch,
      target.norm,
      found.map((r) => ({ learningRate: r!.config.learningRate, metrics: r!.metrics })),
      t.tolerance,
    );
    if (!t.extendEdges || grid.length < 2) return { grid, profile };
    const n = grid.length;
    if (profile.bestRate === grid[n - 1]) {
      const next = along.find((x) => x > grid[n - 1]) ?? roundRate((grid[n - 1] * grid[n - 1]) / grid[n - 2]);
      if (next > highest) return { grid, profile };
      grid.push(next);
    } else if (profile.bestRate === grid[0]) {
      const next = [...along].reverse().find((x) => x < grid[0]) ?? roundRate((grid[0] * grid[0]) / grid[1]);
      if (next < lowest) return { grid, profile };
      grid.unshift(next);
    } else return { grid, profile };
  }
}

/**
 * The grid of a target: the tuning section's rates, or for a local grid
 * (`tuneWith: 'evaluation-near-proxy'`) the proxy's best rate and one grid step either side (empty
 * until the proxy's grid is finished and has stopped growing); and, with `extendEdges`, one more
 * grid step past an edge for as long as the finished runs put the best rate at that edge (within
 * `rateLimits`). A pure function of the records, so a resumed or sharded study grows the same grid.
 */
export function tuningGrid(
  spec: StudySpec,
  target: TuningTarget,
  records: readonly RunRecord[] = [],
): number[] {
  return tuningState(spec, target, indexRecords(records)).grid;
}

/** The runs of a grid × the tuning seeds, in seed-major order. */
function gridConfigs(spec: StudySpec, target: TuningTarget, grid: readonly number[]): TrainRunConfig[] {
  const seeds = spec.tuning?.seeds ?? [];
  return seeds.flatMap((seed) => grid.map((lr) => tuningConfig(spec, target, lr, seed)));
}

/** The tuning runs of one target (its grid × tuning seeds), in seed-major order. */
export function tuningConfigs(
  spec: StudySpec,
  target: TuningTarget,
  records: readonly RunRecord[] = [],
): TrainRunConfig[] {
  return gridConfigs(spec, target, tuningGrid(spec, target, records));
}

/**
 * A target's learning-rate profile, with its budget; `near` is set on the profile of a local grid
 * (the one whose best rate its experiments train at), absent on a whole grid's.
 */
export type TunedProfile = LearningRateProfile & TuningBudget & { near?: TuningBudget };

/** The finished profiles among the states of the targets, in target order. */
function profilesOf(targets: readonly TuningTarget[], memo: Map<string, TuningState>): TunedProfile[] {
  const out: TunedProfile[] = [];
  for (const target of targets) {
    const profile = memo.get(targetKey(target))?.profile;
    if (!profile) continue;
    out.push({
      ...profile,
      batchSize: target.batchSize,
      trainSize: target.trainSize,
      epochs: target.epochs,
      ...(target.near ? { near: target.near } : {}),
    });
  }
  return out;
}

/** Every target's state for one records set. */
function tuningStates(spec: StudySpec, byId: RecordIndex): Map<string, TuningState> {
  const memo = new Map<string, TuningState>();
  for (const target of tuningTargets(spec)) tuningState(spec, target, byId, memo);
  return memo;
}

/**
 * The learning-rate profile of every tuning target whose tuning runs are all finished (and, with
 * `extendEdges`, whose grid has stopped growing). An architecture × kind can have several: one per
 * budget, and for `tuneWith: 'evaluation-near-proxy'` both the proxy's whole grid and the local
 * grid at the evaluation budget; `experimentProfile` picks the one an experiment trains at.
 *
 * @param records - finished run records (any order; others are ignored).
 *
 * @example
 * ```ts
 * for (const t of tunedProfiles(study.spec, study.records)) console.log(t);
 * ```
 */
export function tunedProfiles(spec: StudySpec, records: readonly RunRecord[]): TunedProfile[] {
  return profilesOf(tuningTargets(spec), tuningStates(spec, indexRecords(records)));
}

/**
 * The profile whose best rate an experiment trains an architecture × kind at (for
 * `tuneWith: 'evaluation-near-proxy'` the local grid's at the evaluation budget, not the proxy's).
 *
 * @param profiles - from {@link tunedProfiles} (or a plan's `tuned`).
 * @returns undefined when the experiment does not train at a tuned rate, the architecture cannot
 *   take the kind, or that tuning is not finished.
 * @example
 * ```ts
 * const vgg = spec.experiments.find((e) => e.name === 'headline-vgg')!;
 * console.log(experimentProfile(spec, plan.tuned, vgg, 'vgg', 'batch')?.bestRate);
 * ```
 */
export function experimentProfile(
  spec: StudySpec,
  profiles: readonly TunedProfile[],
  e: ExperimentSpec,
  arch: Architecture,
  norm: StudyNorm,
): TunedProfile | undefined {
  if (!usesTunedRate(spec, e) || !archTakesNorm(arch, norm)) return undefined;
  const target = experimentTarget(spec, e, arch, norm);
  return profiles.find((p) => sameTuningTarget(p, target));
}

/**
 * Expand a validated spec into its runs: the tuning stage, then every experiment's grid, unique
 * by config hash, tuning first and then seed-major (all grid points of seed 0 first, experiments in
 * spec order within a seed). Evaluation runs at a tuned rate whose tuning is not finished in
 * `records` are listed in `pending`, unless finished evaluation runs of that architecture × kind
 * record the rate they were planned at (see `recordedRates`).
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
  const states = tuningStates(spec, indexRecords(records));
  const tuned = profilesOf(tuningTargets(spec), states);
  const tunedRate = (target: TuningTarget): number | null =>
    tuned.find((p) => sameTuningTarget(p, target))?.bestRate ?? null;
  const first = expandWith(spec, states, tuned, tunedRate);
  const recorded = recordedRates(spec, records, states, first.waiting);
  if (recorded.size === 0) return first.plan;
  return expandWith(
    spec,
    states,
    tuned,
    (target) => tunedRate(target) ?? recorded.get(targetKey(target)) ?? null,
  ).plan;
}

/** An evaluation grid point waiting for its tuned rate, and its config at a given rate. */
interface WaitingPoint {
  target: TuningTarget;
  configAt: (rate: number) => TrainRunConfig;
}

/**
 * The rate that finished evaluation runs record for each architecture × kind whose tuning is not
 * complete: the rate of the tuning grid at which the most of its waiting grid points are already
 * in `records` (ties: the first rate of the grid). Normally there are none (evaluation runs come
 * after their tuning); after a tuning record was damaged and set aside, this keeps the runs
 * planned from it in the plan, so only the tuning run is trained again. Tuning runs come first in
 * the order, and once they are finished the plan made from them decides: runs of another rate
 * then leave the plan. A local grid that waits for its proxy again (a proxy record set aside) has
 * no rates yet: the proxy's grid stands in for it.
 */
function recordedRates(
  spec: StudySpec,
  records: readonly RunRecord[],
  states: ReadonlyMap<string, TuningState>,
  waiting: readonly WaitingPoint[],
): Map<string, number> {
  const out = new Map<string, number>();
  if (waiting.length === 0 || !spec.tuning) return out;
  const waitingArchNorm = new Set(waiting.map((w) => `${w.target.arch}|${w.target.norm}`));
  const candidates = records.filter(
    (r) =>
      isTrainRecord(r) &&
      !r.experiments.every((e) => e === TUNING_EXPERIMENT) &&
      waitingArchNorm.has(`${r.config.arch}|${r.config.norm}`),
  );
  if (candidates.length === 0) return out;
  const ids = new Set(candidates.map((r) => r.id));
  for (const target of new Set(waiting.map((w) => targetKey(w.target)))) {
    const points = waiting.filter((w) => targetKey(w.target) === target);
    const own = states.get(target)?.grid ?? [];
    const grid = own.length > 0 ? own : (states.get(targetKey(proxyTarget(points[0].target)))?.grid ?? []);
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
  states: ReadonlyMap<string, TuningState>,
  tuned: TunedProfile[],
  tunedRate: (target: TuningTarget) => number | null,
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
  tuningTargets(spec).forEach((target, ti) => {
    const grid = states.get(targetKey(target))?.grid ?? [];
    for (const [local, c] of gridConfigs(spec, target, grid).entries())
      add(c, TUNING_EXPERIMENT, [0, c.seed, ti, local], 'tuning');
  });
  const waiting: WaitingPoint[] = [];
  spec.experiments.forEach((e, ei) => {
    const seeds = seedList(e.seeds);
    const batchSizes = e.batchSizes ?? [d.batchSize];
    const inits = e.initScales ?? [d.initScale];
    const tunedHere = usesTunedRate(spec, e);
    const budget = tuningBudget(spec, e);
    // Linear scaling from the batch size the rate was chosen at (Goyal et al. 2017).
    const scaleFrom = tunedHere ? budget.batchSize : d.batchSize;
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
          const target = experimentTarget(spec, e, arch, norm);
          const base = tunedHere ? tunedRate(target) : null;
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
                    learningRate: e.lrScaling === 'linear' ? (rate * batchSize) / scaleFrom : rate,
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
                  if (tunedHere) waiting.push({ target, configAt });
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
  // Every budget of one architecture × kind shares a shard key, so a shard never waits for another.
  const targets = [...new Set(tuningTargets(spec).map((t) => `${t.arch}|${t.norm}`))];
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
