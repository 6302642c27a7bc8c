/**
 * Spreading a study over machines: shard strings `i/n`, the deterministic slice of the plan a
 * shard runs, and a rough relative cost of a run (for ETAs and balance).
 *
 * @module
 */
import type { Architecture } from '../../models/types';
import type { RunConfig } from './run-config';

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
 * The runs of one shard: a disjoint, deterministic slice of the plan (the runs whose `shardKey`
 * is `index` modulo `count`: every run of a tuned architecture × kind lands in the same shard as
 * its tuning runs, so shards never wait for each other). The union over `index = 0..count−1` is
 * the whole plan.
 */
export function shardRuns<T extends { shardKey: number }>(
  runs: readonly T[],
  shard: { index: number; count: number },
): T[] {
  if (!Number.isInteger(shard.count) || shard.count < 1 || shard.index < 0 || shard.index >= shard.count)
    throw new Error(`shard must have 0 <= index < count, got ${shard.index}/${shard.count}`);
  return runs.filter((r) => r.shardKey % shard.count === shard.index);
}
