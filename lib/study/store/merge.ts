/**
 * Merge shard results files of one spec into one results file (Node I/O).
 *
 * @module
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { expandSpec } from '../spec/plan';
import type { RunRecord } from '../spec/records';
import { replaceFileDurably } from './durable-write';
import { tryLockResults } from './lock';
import { type LoadedResults, loadResults } from './results';

/** What `mergeResults` did. */
export interface MergeResult {
  /** The merged file. */
  outPath: string;
  /** Spec hash of all inputs. */
  specHash: string;
  /** Runs in the merged file. */
  runs: number;
  /** Runs seen in more than one input (kept once). */
  duplicates: number;
  /** Planned runs of the spec that no input has. */
  missing: number;
  /** Lines of the inputs that failed the store's checks and were left out, per input file. */
  rejected: { path: string; line: number; reason: string }[];
}

/**
 * Merge results files that belong to the same spec: one header, each run once (the first record
 * of an id wins), in the plan's canonical order; lines that fail the store's checks (see
 * `loadResults`) are left out and listed in `rejected`. If `outPath` exists and belongs to the same spec,
 * its runs are kept too. Written to a temporary file, fsynced and renamed under the output's lock,
 * so a crash leaves the old output intact and a study writing the output at the same time refuses
 * the merge (or is refused).
 *
 * @throws when no input is given, an input is unreadable or corrupt, or the inputs (or an
 *   existing output) belong to different specs; the message lists each file with its spec.
 * @example
 * ```ts
 * const m = mergeResults(['out/results.shard-0-of-2.jsonl', 'out/results.shard-1-of-2.jsonl'], 'out/results.jsonl');
 * console.log(m.runs, 'runs;', m.missing, 'planned runs missing');
 * ```
 */
export function mergeResults(inputs: readonly string[], outPath: string): MergeResult {
  if (inputs.length === 0) throw new Error('merge: give at least one results file');
  const loaded: [string, LoadedResults][] = inputs.map((p) => [p, loadResults(p)]);
  if (existsSync(outPath) && !inputs.includes(outPath)) loaded.push([outPath, loadResults(outPath)]);
  const hashes = new Set(loaded.map(([, l]) => l.header.specHash));
  if (hashes.size > 1)
    throw new Error(
      `merge: the files belong to different specs, refusing to merge:\n${loaded
        .map(([p, l]) => `  - ${p}: spec '${l.header.specName}' (hash ${l.header.specHash})`)
        .join('\n')}`,
    );
  const header = loaded[0][1].header;
  const byId = new Map<string, RunRecord>();
  let duplicates = 0;
  for (const [, l] of loaded)
    for (const r of l.runs) {
      if (byId.has(r.id)) duplicates++;
      else byId.set(r.id, r);
    }
  const plan = expandSpec(header.spec, [...byId.values()]);
  const order = new Map(plan.runs.map((r) => [r.id, r.order]));
  const runs = [...byId.values()].sort((a, b) => (order.get(a.id) ?? 1e12) - (order.get(b.id) ?? 1e12));
  mkdirSync(dirname(outPath), { recursive: true });
  // The output is a results file like any other: not while a study is writing it.
  const lock = tryLockResults(outPath);
  try {
    replaceFileDurably(outPath, [header, ...runs].map((r) => `${JSON.stringify(r)}\n`).join(''));
  } finally {
    lock.release();
  }
  return {
    outPath,
    specHash: header.specHash,
    runs: runs.length,
    duplicates,
    missing: plan.runs.filter((r) => !byId.has(r.id)).length + plan.pending.length,
    rejected: loaded.flatMap(([path, l]) =>
      l.rejected.map((r) => ({ path, line: r.line, reason: r.reason })),
    ),
  };
}
