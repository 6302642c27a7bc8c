/**
 * Where a notebook gets its study results (Node I/O): the committed results file of a full run,
 * with the provenance files committed beside it, when it exists; otherwise a profile run (or
 * resumed) live into an output directory. Plus one-line descriptions of what was loaded.
 *
 * @module
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DEFAULT_PROFILE, profileSpec } from '../spec/profiles';
import type { RunRecord } from '../spec/records';
import type { StudySpec } from '../spec/schema';
import { loadResults, type RejectedLine } from '../store/results';
import { trainingExecutor } from './execute';
import { type RunExecutor, type RunStudyResult, runStudy, type StudyProgress } from './runner';

/** Options of {@link loadOrRunStudy}. */
export interface LoadOrRunStudyOptions {
  /**
   * The committed results file to read when it exists, e.g. `results/full/results.jsonl`, or
   * several in order of preference (the first that exists, and has runs of `experiment` when that
   * is given, is read). Default: none (always run the profile).
   */
  committed?: string | readonly string[];
  /** The profile to run when there is no committed file (`smoke`, `quick`, `full`). Default `quick`. */
  profile?: string;
  /**
   * Only this experiment of the study (e.g. `mechanism`): the committed file is used only when it
   * has runs of it, and a live run trains only this experiment of the profile. Default: all.
   */
  experiment?: string;
  /**
   * Where the profile's results go (and are resumed from). Default `artifacts/study/<profile>`,
   * or `artifacts/study/<profile>-<experiment>` with `experiment`.
   */
  outDir?: string;
  /** Progress of the live run (e.g. `liveStudy().onProgress`); not called when the committed file is read. */
  onProgress?: (progress: StudyProgress) => void;
  /** Executes the live runs. Default `trainingExecutor()` (real training; the backend must be initialized). */
  executor?: RunExecutor;
}

/** A provenance file found beside a committed results file. */
export interface ProvenanceFile {
  /** Its path (the results file's directory joined with the file name). */
  path: string;
  /** Its text, trimmed. */
  text: string;
}

/** What {@link loadOrRunStudy} loaded. */
export interface LoadedStudy {
  /** The spec of the results (the committed file's header spec, or the profile's). */
  spec: StudySpec;
  /** Every run record of the results file. */
  records: RunRecord[];
  /** `committed`: read from the committed file; `live`: the profile was run (or resumed) now. */
  source: 'committed' | 'live';
  /** The results file read or written. */
  resultsPath: string;
  /** The committed file's creation time (ISO), from its header; absent for a live run. */
  createdAt?: string;
  /**
   * Files beside the committed results whose name contains `provenance` (any case), sorted by
   * name; empty for a live run.
   */
  provenance: ProvenanceFile[];
  /** What the runner did, for a live run. */
  run?: RunStudyResult;
  /** Lines of the committed file that failed the store's checks (not in `records`); empty when none. */
  notCounted?: RejectedLine[];
}

/**
 * Read the committed results file when it exists (and, with `experiment`, has runs of that
 * experiment), else run (or resume) a study profile (only that experiment of it, with `experiment`).
 *
 * The committed file is read with `loadResults` (validated); the files beside it whose names
 * contain `provenance` (command, commit, machine, wall time) are returned with it. Otherwise the
 * profile runs with `runStudy` into `outDir`; since the runner resumes from its results file, a
 * second call with the same `outDir` reuses the finished runs.
 *
 * @throws for an unknown profile (listing the valid ones), or an invalid committed file.
 * @example
 * ```ts
 * await initBackend();
 * const live = liveStudy({ title: 'quick profile' });
 * const study = await loadOrRunStudy({ committed: 'results/full/results.jsonl', profile: 'quick', onProgress: live.onProgress });
 * if (study.run) live.done(describeStudyRun(study.run));
 * console.log(describeStudySource(study));
 * ```
 */
export async function loadOrRunStudy(options: LoadOrRunStudyOptions = {}): Promise<LoadedStudy> {
  const { experiment } = options;
  // The first committed file that exists (and, with `experiment`, has runs of it).
  let committed: string | undefined;
  let loaded: ReturnType<typeof loadResults> | undefined;
  for (const path of typeof options.committed === 'string'
    ? [options.committed]
    : (options.committed ?? [])) {
    if (!existsSync(path)) continue;
    const candidate = loadResults(path);
    if (experiment !== undefined && !candidate.runs.some((r) => r.experiments.includes(experiment))) continue;
    committed = path;
    loaded = candidate;
    break;
  }
  if (committed !== undefined && loaded) {
    const dir = dirname(committed);
    const provenance = readdirSync(dir)
      .filter((f) => /provenance/i.test(f))
      .sort()
      .map((f) => ({ path: join(dir, f), text: readFileSync(join(dir, f), 'utf8').trim() }));
    return {
      spec: loaded.header.spec,
      records: loaded.runs,
      source: 'committed',
      resultsPath: committed,
      createdAt: loaded.header.createdAt,
      provenance,
      notCounted: loaded.rejected,
    };
  }
  const profile = options.profile ?? DEFAULT_PROFILE;
  const full = profileSpec(profile);
  const spec =
    experiment === undefined
      ? full
      : { ...full, experiments: full.experiments.filter((e) => e.name === experiment) };
  if (spec.experiments.length === 0)
    throw new Error(
      `experiment '${experiment}' is not in profile '${profile}'; its experiments: ${full.experiments.map((e) => e.name).join(', ')}`,
    );
  const run = await runStudy({
    spec,
    outDir:
      options.outDir ??
      join('artifacts', 'study', experiment === undefined ? profile : `${profile}-${experiment}`),
    executor: options.executor ?? trainingExecutor(),
    onProgress: options.onProgress,
    // Two notebooks running the same profile at once: the second waits for the first's results
    // file and then reuses its runs.
    wait: true,
  });
  return { spec, records: run.records, source: 'live', resultsPath: run.resultsPath, provenance: [], run };
}

/**
 * Where the records came from, as text: for a committed file, `read <n> runs of the '<name>' study
 * from <file> (created <date>)`, a line about records that failed the store's checks if any,
 * followed by each provenance file under a `--- <path> ---` line;
 * for a live run, `no committed full run: <n> runs of the '<name>' profile from <file>`.
 *
 * @example
 * ```ts
 * const study = await loadOrRunStudy();
 * console.log(describeStudySource(study));
 * ```
 */
export function describeStudySource(study: LoadedStudy): string {
  const n = study.records.length;
  if (study.source === 'live') {
    return `no committed full run: ${n} runs of the '${study.spec.name}' profile from ${study.resultsPath}`;
  }
  const lines = [
    `read ${n} runs of the '${study.spec.name}' study from ${study.resultsPath} (created ${study.createdAt ?? '?'})`,
  ];
  const skipped = study.notCounted ?? [];
  if (skipped.length > 0)
    lines.push(
      `${skipped.length} line(s) of the file failed the checks and are not counted (line ${skipped[0].line}: ${skipped[0].reason})`,
    );
  for (const p of study.provenance) lines.push(`--- ${p.path} ---\n${p.text}`);
  return lines.join('\n');
}

/**
 * What a live run did, in one line: `<n> runs trained now, <m> found in <file>; <s> s`.
 *
 * @example
 * ```ts
 * const run = await runStudy({ spec: profileSpec('smoke'), outDir: 'results/smoke', executor: trainingExecutor() });
 * console.log(describeStudyRun(run));
 * ```
 */
export function describeStudyRun(run: RunStudyResult): string {
  return `${run.executed} runs trained now, ${run.skipped} found in ${run.resultsPath}; ${run.wallSeconds.toFixed(0)} s`;
}

/**
 * The environment of the first record in one line: CPU model × count, backend (TensorFlow
 * version), tfjs, Node, commit (10 characters, `(dirty)` when the tree had changes).
 * `machine: unknown (no runs)` when there are no records.
 *
 * @example
 * ```ts
 * console.log(describeEnvironment(records));
 * // machine: Intel(R) Xeon(R) × 2, backend tensorflow (TensorFlow 2.9.1), tfjs 4.22.0, node 22.11.0, commit 418d4bd1a2
 * ```
 */
export function describeEnvironment(records: readonly RunRecord[]): string {
  const env = records[0]?.env;
  if (!env) return 'machine: unknown (no runs)';
  const commit = `${env.commit?.slice(0, 10) ?? '?'}${env.dirty ? ' (dirty)' : ''}`;
  return (
    `machine: ${env.cpu} × ${env.cpuCount}, backend ${env.backend} (TensorFlow ${env.tensorflowVersion ?? '-'}), ` +
    `tfjs ${env.tfjsVersion}, node ${env.nodeVersion}, commit ${commit}`
  );
}
