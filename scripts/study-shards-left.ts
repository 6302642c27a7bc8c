/**
 * How many runs each shard of a study still has to train, for `scripts/study-full.sh`: once one
 * shard has finished, the other goes on alone with both cores instead of one.
 *
 *   node --import tsx scripts/study-shards-left.ts <out-dir> <profile> <shard-count>
 *
 * Prints one number per shard on one line (shard 0 first): the shard's planned runs, outside the
 * `overhead` experiment (the script times it before the shards), that are not in its results
 * file yet, counting runs still waiting for a tuned rate. A shard file that does not exist yet
 * counts as empty.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { resultsFileName, selectedByFilter } from '../lib/study/run/runner';
import { expandSpec } from '../lib/study/spec/plan';
import { profileSpec } from '../lib/study/spec/profiles';
import type { RunRecord } from '../lib/study/spec/records';
import { shardRuns } from '../lib/study/spec/shard';
import { loadResults } from '../lib/study/store/results';

/** What study-full.sh passes its shards: the overhead experiment is timed before them, alone. */
const SHARD_FILTER = { skip: ['overhead'] };

/** Runs left per shard (index order) of `profile`'s study in `outDir`, split into `count` shards. */
export function shardsLeft(outDir: string, profile: string, count: number): number[] {
  if (!Number.isInteger(count) || count < 1)
    throw new Error(`shard count must be a positive integer, got '${count}'`);
  const spec = profileSpec(profile);
  const shards = Array.from({ length: count }, (_, index) => ({ index, count }));
  const files = shards.map((s) => join(outDir, resultsFileName(s)));
  const records: RunRecord[][] = files.map((f) =>
    existsSync(f) ? loadResults(f, { validate: false }).runs : [],
  );
  const plan = expandSpec(spec, records.flat());
  // The same selection the shards make (pending runs name their one experiment).
  const inShards = (r: { experiments: readonly string[] } | { experiment: string }) =>
    selectedByFilter('experiments' in r ? r : { experiments: [r.experiment] }, SHARD_FILTER);
  return shards.map((shard, i) => {
    const finished = new Set(records[i].map((r) => r.id));
    const runs = shardRuns(plan.runs, shard).filter((r) => inShards(r) && !finished.has(r.id));
    return runs.length + shardRuns(plan.pending, shard).filter(inShards).length;
  });
}

if (require.main === module) {
  const [outDir, profile, count] = process.argv.slice(2);
  if (!outDir || !profile || !count) {
    console.error('usage: study-shards-left.ts <out-dir> <profile> <shard-count>');
    process.exit(2);
  }
  try {
    console.log(shardsLeft(outDir, profile, Number(count)).join(' '));
  } catch (error) {
    console.error(`study-shards-left: ${(error as Error).message}`);
    process.exit(1);
  }
}
