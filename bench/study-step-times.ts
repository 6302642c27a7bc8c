/**
 * The training step's speed inside two runs of a study, side by side: for every experiment ×
 * architecture × kind, the median over runs of each run's median step time (`medianStepMs`,
 * training steps only, no validation), and the ratio before / after. For "what did a speed change
 * do to the study?" across two results files of the same profile run the same way (same shards,
 * same thread settings); their wall times also differ by whatever else changed (the validation
 * cadence, say), the step times do not.
 *
 * Usage: `node --import tsx bench/study-step-times.ts <before results.jsonl> <after results.jsonl>
 * [--experiments headline-mlp,headline-vgg,headline-resnet]`. An older committed file can be read
 * from git: `git show <commit>:results/full/results.jsonl > /tmp/before.jsonl`.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { sampleMedian as median } from '../lib/stats/basics';

interface RunLine {
  type?: string;
  experiments?: string[];
  config?: { arch?: string; norm?: string };
  env?: { commit?: string };
  metrics?: { medianStepMs?: number | null };
}

/** Median step ms per `experiment arch norm`, and the commits the runs came from. */
function stepTimes(
  path: string,
  experiments: Set<string>,
): { times: Map<string, number[]>; commits: Set<string> } {
  const times = new Map<string, number[]>();
  const commits = new Set<string>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const run = JSON.parse(line) as RunLine;
    const ms = run.metrics?.medianStepMs;
    if (run.type !== 'run' || ms == null || !Number.isFinite(ms)) continue;
    for (const experiment of run.experiments ?? []) {
      if (!experiments.has(experiment)) continue;
      const key = `${experiment} ${run.config?.arch} ${run.config?.norm}`;
      times.set(key, [...(times.get(key) ?? []), ms]);
    }
    if (run.env?.commit) commits.add(run.env.commit.slice(0, 10));
  }
  return { times, commits };
}

function main(): void {
  const program = new Command()
    .name('study-step-times')
    .argument('<before>', 'the results file before (results.jsonl)')
    .argument('<after>', 'the results file after')
    .option('--experiments <a,b>', 'experiments to compare', 'headline-mlp,headline-vgg,headline-resnet')
    .showHelpAfterError()
    .parse();
  const args = program.args;
  const experiments = new Set(program.opts<{ experiments: string }>().experiments.split(','));
  const before = stepTimes(args[0], experiments);
  const after = stepTimes(args[1], experiments);
  console.log(`before: ${args[0]} (commit ${[...before.commits].join(', ')})`);
  console.log(`after:  ${args[1]} (commit ${[...after.commits].join(', ')})`);
  console.log('median step ms (median over runs of each run’s median step), before / after');
  console.log(
    `${'experiment arch kind'.padEnd(36)}${'runs'.padStart(10)}${'before'.padStart(10)}${'after'.padStart(10)}${'ratio'.padStart(8)}`,
  );
  const keys = [...new Set([...before.times.keys(), ...after.times.keys()])].sort();
  for (const key of keys) {
    const b = before.times.get(key) ?? [];
    const a = after.times.get(key) ?? [];
    const mb = b.length ? median(b) : Number.NaN;
    const ma = a.length ? median(a) : Number.NaN;
    const cells = [`${b.length}/${a.length}`, mb.toFixed(1), ma.toFixed(1), (mb / ma).toFixed(2)];
    console.log(`${key.padEnd(36)}${cells.map((c, i) => c.padStart(i === 3 ? 8 : 10)).join('')}`);
  }
}

main();
