/**
 * One study's records from several files: its results file, or the shard files of a study that is
 * still running (each with the same spec). For the scripts that read a study without merging it.
 */
import type { RunRecord } from '../lib/study/spec/records';
import type { StudySpec } from '../lib/study/spec/schema';
import { loadResults } from '../lib/study/store/results';

/**
 * The spec and every run of `files`, which must belong to one spec.
 *
 * @param what how the error names the files (the option or argument they came from).
 * @throws when the files belong to different specs.
 */
export function loadStudyFiles(
  files: readonly string[],
  what: string,
): { spec: StudySpec; runs: RunRecord[] } {
  const loaded = files.map((f) => loadResults(f));
  if (loaded.length === 0) throw new Error(`${what}: no results file given`);
  if (loaded.some((l) => l.header.specHash !== loaded[0].header.specHash))
    throw new Error(`${what}: the files belong to different specs`);
  return { spec: loaded[0].header.spec, runs: loaded.flatMap((l) => l.runs) };
}
