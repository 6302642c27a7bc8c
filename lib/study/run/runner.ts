/**
 * The grid runner: runs a study's planned runs (optionally one shard of them), appends each
 * finished run to the results file, and skips runs already there, so an interrupted study resumes
 * where it stopped. Progress goes to callbacks (the CLI draws a bar; notebooks draw charts).
 *
 * @module
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { MechanismProbes } from '../../mechanism/record';
import { expandSpec, type PlannedRun, type StudyPlan } from '../spec/plan';
import type {
  CompactHistory,
  DataIdentity,
  OverheadRunMetrics,
  RunRecord,
  TrainRunMetrics,
} from '../spec/records';
import type { RunConfig } from '../spec/run-config';
import type { StudySpec } from '../spec/schema';
import { estimatedCost, shardRuns } from '../spec/shard';
import { TUNING_EXPERIMENT } from '../spec/tuning';
import {
  type LockHolder,
  loadResults,
  lockResults,
  openResults,
  type QuarantineReport,
} from '../store/results';
import { loadAverage, runEnvironment } from './environment';

/** What executing one run yields. */
export interface RunOutcome {
  /** Claim metrics. */
  metrics: TrainRunMetrics | OverheadRunMetrics;
  /** Compact history (train runs). */
  history?: CompactHistory;
  /** Mechanism probes (train runs with `probes` in their config). */
  probes?: MechanismProbes;
  /** Which data the run used (recorded in its record). */
  data?: DataIdentity;
}

/** Progress inside one run (fractions of its steps). */
export interface RunStepProgress {
  /** Steps done in this run. */
  step: number;
  /** Steps planned in this run. */
  totalSteps: number;
  /** Latest mini-batch loss, when known. */
  loss?: number;
}

/**
 * Executes runs. The shipped executor (`trainingExecutor` in lib/study/run/execute.ts) trains with
 * the library's trainer; tests may pass their own.
 */
export interface RunExecutor {
  /** Run one planned run to completion. */
  execute(config: RunConfig, onStep?: (p: RunStepProgress) => void): Promise<RunOutcome>;
}

/** Progress of a study, after each run or during one. */
export interface StudyProgress {
  /** Runs of this invocation (this shard) in total. */
  total: number;
  /** Of those, finished (including the ones found already finished). */
  done: number;
  /** Of those, found already finished in the results file when starting. */
  resumed: number;
  /** The run in progress, if any. */
  current?: PlannedRun;
  /** Step progress of the current run. */
  step?: RunStepProgress;
  /** Seconds since this invocation started. */
  elapsedSeconds: number;
  /**
   * Estimated seconds left, from the time per unit of estimated cost of the runs done in this
   * invocation (null until one run has finished).
   */
  etaSeconds: number | null;
  /** The record just appended, on run completion. */
  finished?: RunRecord;
}

/** Options of {@link runStudy}. */
export interface RunStudyOptions {
  /** The validated spec. */
  spec: StudySpec;
  /** Output directory; the results go to `<outDir>/results.jsonl` (or `results.shard-i-of-n.jsonl`). */
  outDir: string;
  /** Run only this shard (`index` 0-based, `count` shards). Default: all runs. */
  shard?: { index: number; count: number };
  /**
   * Run only the runs of some experiments (`only`) or all but some (`skip`), by experiment name
   * (`tuning` names the tuning stage). A run shared by several experiments is selected when any
   * of its experiments is. Used to time the `overhead` experiment alone on an idle machine while
   * the rest runs in concurrent shards. Default: every experiment.
   */
  experiments?: ExperimentFilter;
  /** Executes the runs. Required: pass `trainingExecutor()` from lib/study/run/execute.ts for real training. */
  executor: RunExecutor;
  /** Called after each finished run and during runs (throttled by the executor's step reports). */
  onProgress?: (p: StudyProgress) => void;
  /** Stop after this many new runs (for tests and partial runs). Default: no limit. */
  maxRuns?: number;
  /**
   * When another study holds the results file: wait until it is free (true) or fail at once
   * naming the holder (false, the default).
   */
  wait?: boolean;
  /** Poll interval while waiting for the results file, in ms. Default 500. */
  waitPollMs?: number;
  /** Called while waiting for the results file, with its holder. */
  onWait?: (holder: LockHolder) => void;
  /**
   * A shard whose evaluation runs wait for tuning runs of other shards: poll the other shards'
   * files for up to this many seconds (0, the default: stop and report them as `pending`).
   */
  waitForTuningSeconds?: number;
  /** Poll interval while waiting for other shards' tuning runs, in ms. Default 15000. */
  tuningPollMs?: number;
}

/** What {@link runStudy} did. */
export interface RunStudyResult {
  /** The results file. */
  resultsPath: string;
  /** The plan of the whole spec. */
  plan: StudyPlan;
  /** The runs of this invocation (the shard's, or all). */
  selected: PlannedRun[];
  /** Runs executed now. */
  executed: number;
  /** Runs skipped because they were already in the file. */
  skipped: number;
  /**
   * Evaluation runs of this invocation still waiting for tuned learning rates (tuning runs of
   * other shards not finished, or `maxRuns` stopped the tuning stage): run again to finish them.
   */
  pending: number;
  /** Every run record of the file after this invocation. */
  records: RunRecord[];
  /** Wall seconds. */
  wallSeconds: number;
  /** Where a torn last line was saved before repair, if any. */
  tornSavedTo?: string;
  /** Lines of the results file that failed a check and were moved to its quarantine file. */
  quarantined?: QuarantineReport;
  /** The stale lock of a dead study that was taken over, if any. */
  staleLock?: LockHolder;
}

/** Which experiments a study invocation runs: {@link RunStudyOptions.experiments}. */
export interface ExperimentFilter {
  /** Only these experiments. */
  only?: readonly string[];
  /** Every experiment but these. */
  skip?: readonly string[];
}

/**
 * Check an experiment filter against a spec: every name must be one of its experiments or
 * `tuning`.
 *
 * @throws naming the option, the unknown names and the allowed ones.
 * @example
 * ```ts
 * checkExperimentFilter(profileSpec('full'), { skip: ['overhead'] });
 * ```
 */
export function checkExperimentFilter(spec: StudySpec, filter: ExperimentFilter): void {
  const allowed = [TUNING_EXPERIMENT, ...spec.experiments.map((e) => e.name)];
  for (const [option, names] of [
    ['--only-experiments', filter.only],
    ['--skip-experiments', filter.skip],
  ] as const) {
    const unknown = (names ?? []).filter((n) => !allowed.includes(n));
    if (unknown.length > 0)
      throw new Error(
        `${option}: unknown experiment(s) ${unknown.map((n) => `'${n}'`).join(', ')} of spec '${spec.name}'; ` +
          `allowed: ${allowed.join(', ')}`,
      );
  }
}

/**
 * Whether a run belongs to the experiments a filter selects.
 *
 * @example
 * ```ts
 * selectedByFilter({ experiments: ['overhead'] }, { skip: ['overhead'] }); // false
 * ```
 */
export function selectedByFilter(
  run: { experiments: readonly string[] },
  filter?: ExperimentFilter,
): boolean {
  if (!filter) return true;
  if (filter.only && !run.experiments.some((e) => filter.only?.includes(e))) return false;
  if (filter.skip && run.experiments.every((e) => filter.skip?.includes(e))) return false;
  return true;
}

/** File name of the results of a shard (or of the whole study). */
export function resultsFileName(shard?: { index: number; count: number }): string {
  return shard ? `results.shard-${shard.index}-of-${shard.count}.jsonl` : 'results.jsonl';
}

/**
 * Run a study (or one shard of it), resuming from the results file.
 *
 * @example
 * ```ts
 * await initBackend();
 * const spec = profileSpec('smoke');
 * const out = await runStudy({ spec, outDir: 'results/smoke', executor: trainingExecutor() });
 * console.log(out.executed, 'runs trained;', out.skipped, 'already done');
 * ```
 */
export async function runStudy(options: RunStudyOptions): Promise<RunStudyResult> {
  const started = Date.now();
  const resultsPath = join(options.outDir, resultsFileName(options.shard));
  mkdirSync(options.outDir, { recursive: true });
  const lock = await lockResults(resultsPath, {
    wait: options.wait,
    pollMs: options.waitPollMs,
    onWait: options.onWait,
  });
  const writer = openResults(resultsPath, options.spec, { lock });
  try {
    return await runOpened(options, { started, resultsPath, writer });
  } finally {
    writer.close();
  }
}

async function runOpened(
  options: RunStudyOptions,
  opened: { started: number; resultsPath: string; writer: ReturnType<typeof openResults> },
): Promise<RunStudyResult> {
  const { started, resultsPath, writer } = opened;
  const planNow = (): StudyPlan =>
    expandSpec(options.spec, [...writer.runs, ...siblingRecords(options.outDir, resultsPath, options.shard)]);
  if (options.experiments) checkExperimentFilter(options.spec, options.experiments);
  const mine = <
    T extends { shardKey: number } & ({ experiments: readonly string[] } | { experiment: string }),
  >(
    xs: readonly T[],
  ): T[] =>
    (options.shard ? shardRuns(xs, options.shard) : [...xs]).filter((r) =>
      selectedByFilter('experiments' in r ? r : { experiments: [r.experiment] }, options.experiments),
    );
  let plan = planNow();
  const resumed = mine(plan.runs).filter((r) => writer.finished.has(r.id)).length;
  const shardText = options.shard ? `${options.shard.index}/${options.shard.count}` : undefined;
  const waitUntil = started + 1000 * (options.waitForTuningSeconds ?? 0);
  let executed = 0;
  let costDone = 0;
  let secondsDone = 0;
  let selected: PlannedRun[] = [];
  // Stage by stage: run what the plan knows, then re-plan (finished tuning runs fix the tuned
  // rates of waiting evaluation runs), until a pass adds nothing.
  for (;;) {
    selected = mine(plan.runs);
    const todo = selected.filter((r) => !writer.finished.has(r.id));
    const total = selected.length + mine(plan.pending).length;
    let done = selected.length - todo.length;
    const costLeft = (from: number) => todo.slice(from).reduce((sum, r) => sum + estimatedCost(r.config), 0);
    const eta = (from: number, fraction = 0): number | null => {
      if (costDone === 0) return null;
      const left = costLeft(from) - fraction * (todo[from] ? estimatedCost(todo[from].config) : 0);
      return (secondsDone / costDone) * Math.max(0, left);
    };
    const report = (extra: Partial<StudyProgress>, from: number, fraction = 0) =>
      options.onProgress?.({
        total,
        done,
        resumed,
        elapsedSeconds: (Date.now() - started) / 1000,
        etaSeconds: eta(from, fraction),
        ...extra,
      });
    report({}, 0);
    let ranThisPass = 0;
    for (let i = 0; i < todo.length; i++) {
      if (options.maxRuns !== undefined && executed >= options.maxRuns) break;
      const run = todo[i];
      const runStart = Date.now();
      const loadAverageStart = loadAverage();
      report({ current: run }, i);
      const outcome = await options.executor.execute(run.config, (step) =>
        report({ current: run, step }, i, step.totalSteps > 0 ? step.step / step.totalSteps : 0),
      );
      const finishedAt = Date.now();
      const record: RunRecord = {
        type: 'run',
        id: run.id,
        specHash: plan.specHash,
        experiments: run.experiments,
        config: run.config,
        env: { ...runEnvironment(), loadAverageStart },
        startedAt: new Date(runStart).toISOString(),
        finishedAt: new Date(finishedAt).toISOString(),
        wallSeconds: (finishedAt - runStart) / 1000,
        ...(shardText ? { shard: shardText } : {}),
        metrics: outcome.metrics,
        ...(outcome.history ? { history: outcome.history } : {}),
        ...(outcome.probes ? { probes: outcome.probes } : {}),
        ...(outcome.data ? { data: outcome.data } : {}),
      };
      writer.append(record);
      executed++;
      ranThisPass++;
      done++;
      costDone += estimatedCost(run.config);
      secondsDone += record.wallSeconds;
      report({ finished: record }, i + 1);
    }
    if (options.maxRuns !== undefined && executed >= options.maxRuns) break;
    const known = new Set(plan.runs.map((r) => r.id));
    plan = planNow();
    const grew = mine(plan.runs).some((r) => !known.has(r.id));
    if (grew) continue;
    if (ranThisPass > 0 && mine(plan.runs).some((r) => !writer.finished.has(r.id))) continue;
    // Nothing new: done, unless this shard waits for other shards' tuning runs.
    if (mine(plan.pending).length === 0 || Date.now() >= waitUntil) break;
    await new Promise((resolve) => setTimeout(resolve, options.tuningPollMs ?? 15000));
  }
  return {
    resultsPath,
    plan,
    selected,
    executed,
    skipped: resumed,
    pending: mine(plan.pending).length,
    records: writer.runs,
    wallSeconds: (Date.now() - started) / 1000,
    tornSavedTo: writer.tornSavedTo,
    quarantined: writer.quarantined,
    staleLock: writer.staleLock,
  };
}

/**
 * The records of the other shard files of the same study in `outDir` (read without validation;
 * unreadable ones are skipped): a shard needs every shard's tuning runs to fix its tuned rates.
 */
function siblingRecords(
  outDir: string,
  ownPath: string,
  shard?: { index: number; count: number },
): RunRecord[] {
  if (!shard || !existsSync(outDir)) return [];
  const out: RunRecord[] = [];
  for (const f of readdirSync(outDir)) {
    const path = join(outDir, f);
    if (path === ownPath || !/^results\.shard-\d+-of-\d+\.jsonl$/.test(f)) continue;
    try {
      out.push(...loadResults(path, { validate: false }).runs);
    } catch {
      // Another shard's file being written or torn: its runs count once it is readable.
    }
  }
  return out;
}
